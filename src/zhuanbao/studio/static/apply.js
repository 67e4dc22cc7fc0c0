// 比对修改稿 (views/apply.py): a .docx dropped on the form, or chosen with its button, is sent at once.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) { return; }
  var input = document.getElementById("apply-file");
  function send() { if (input.files && input.files.length) { form.submit(); } }
  input.addEventListener("change", send);
  ["dragenter", "dragover"].forEach(function (kind) {
    form.addEventListener(kind, function (event) {
      event.preventDefault();
      event.stopPropagation();
      form.classList.add("dropping");
    });
  });
  form.addEventListener("dragleave", function () { form.classList.remove("dropping"); });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    event.stopPropagation();
    form.classList.remove("dropping");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      send();
    }
  });
}());
