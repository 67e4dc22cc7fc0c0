// tables: the table form reads the chosen file's header again when another file or sheet is picked,
// and the settings form shows the date as the bulletin prints it (2025年9月22日) while it is typed.
// Both work without JavaScript too: the button 读取表头, and the date shown when the page loads.
// An issue.yaml that cannot be read is shown whole: a button selects the line its error names.
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
(function () {
  // 本期设置 of an issue.yaml that cannot be read: select the line the error names in the whole file's box
  var button = document.getElementById("goto-text-line");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var box = document.getElementById(button.getAttribute("data-target"));
    var line = Number(button.getAttribute("data-line"));
    var lines = box.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    box.focus();
    box.setSelectionRange(start, end);
    var height = box.scrollHeight / Math.max(lines.length, 1);
    box.scrollTop = Math.max(0, (line - 3) * height);
  });
})();
