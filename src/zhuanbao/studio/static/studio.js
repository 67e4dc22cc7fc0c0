// The studio's one script: ask before leaving a form with unsaved changes.
// Everything else works without JavaScript (plain forms and links).
"use strict";
document.querySelectorAll("form[data-guard-unsaved]").forEach(function (form) {
  var changed = false;
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });
});
