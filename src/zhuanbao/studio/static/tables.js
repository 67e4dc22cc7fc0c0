// tables: the table form reads the chosen file's header again when another file or sheet is picked,
// and the settings form shows the date as the bulletin prints it (2025年9月22日) while it is typed.
// Both work without JavaScript too: the button 读取表头, and the date shown when the page loads.
"use strict";
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    var form = select.form;
    var sheet = form.querySelector("select[name=sheet]");
    if (select.name === "file" && sheet) { sheet.disabled = true; }  // a new file: its first sheet
    form.submit();
  });
});
(function () {
  var input = document.getElementById("f-date");
  var shown = document.getElementById("f-date-cn");
  if (!input || !shown) { return; }
  input.addEventListener("input", function () {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
    shown.textContent = m ? (Number(m[1]) + "年" + Number(m[2]) + "月" + Number(m[3]) + "日") : "";
  });
})();
