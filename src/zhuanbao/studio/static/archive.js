// archive: once 确认发布 is pressed, say that it is under way and keep a second press from sending it twice
// (the server refuses a second publish of the same plan anyway; this only spares the editor the refusal).
"use strict";
(function () {
  var form = document.getElementById("publish-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("publish-confirm");
    if (!button) { return; }
    window.setTimeout(function () {  // after the submission has taken the form's values
      button.disabled = true;
      button.textContent = "正在发布……（生成 PDF 可能需要十几秒）";
    }, 0);
  });
})();
