// Live pages: changes made on disk by others (another editor, the command line, Notepad) appear here
// within a second or two. The server sends the versions of what changed (studio/live.py); this page
// compares them with the versions it was rendered from and reloads only when what it shows changed.
// A form with unsaved typing is never reloaded away: a notice offers the reload instead.
"use strict";
(function () {
  var body = document.body;
  var scope = body.dataset.liveScope;
  if (!scope || !window.EventSource) { return; }
  var issue = body.dataset.liveIssue;
  var item = body.dataset.liveItem;
  var notice = document.getElementById("live-notice");

  function dirty() {
    return Array.prototype.some.call(document.querySelectorAll("form[data-guard-unsaved]"), function (form) {
      return form.dataset.dirty === "1";
    });
  }

  function tell(text) {
    notice.querySelector(".text").textContent = text;
    notice.hidden = false;
  }

  var leaving = false;  // a form is being sent: its answer is the next page, a reload would abort it
  window.addEventListener("submit", function (event) { if (!event.defaultPrevented) { leaving = true; } });
  window.addEventListener("pageshow", function () { leaving = false; });

  function reload(text) {
    if (leaving) { return; }
    if (dirty()) { tell(text + "你有未保存的修改，所以页面没有自动刷新。"); return; }
    try { sessionStorage.setItem("zhuanbao-scroll:" + location.pathname, String(window.scrollY)); } catch (e) { /* private mode */ }
    location.reload();
  }

  notice.querySelector(".reload").addEventListener("click", function () {
    if (dirty() && !window.confirm("刷新后，这一页上未保存的修改会丢失（浏览器里仍保留一份草稿）。确定刷新吗？")) { return; }
    document.querySelectorAll("form[data-guard-unsaved]").forEach(function (form) { form.dataset.dirty = "0"; });
    location.reload();
  });

  try {
    var kept = sessionStorage.getItem("zhuanbao-scroll:" + location.pathname);
    if (kept !== null) { sessionStorage.removeItem("zhuanbao-scroll:" + location.pathname); window.scrollTo(0, Number(kept)); }
  } catch (e) { /* private mode */ }

  function changed(event) {
    var seen = body.dataset.liveVersion;
    if (scope === "series") {
      if (event.series !== seen) { reload("各期有改动。"); }
      return;
    }
    var version = event.issues[issue];
    if (version === undefined || version === seen) { return; }
    if (scope === "issue") { reload("本期的文件刚被修改过。"); return; }
    // an item's page: its own file, or the rest of the issue (findings, preview)
    body.dataset.liveVersion = version;
    if (Object.prototype.hasOwnProperty.call(event.items, item)) {
      var digest = event.items[item];
      var sha = document.querySelector("form.item input[name=sha256]");
      if (digest === null) {
        tell("这篇稿件刚被删除或移走了（可能已移到回收站）。请先复制你要保留的文字。");
      } else if (!sha || digest !== sha.value) {
        reload("这篇稿件刚在别处被修改过。保存时会列出两个版本，由你选择。");
      }
    }
    document.dispatchEvent(new CustomEvent("zhuanbao:changed", { detail: event }));
    if (window.zhuanbaoPreview) { window.zhuanbaoPreview.refresh(); }
  }

  function caughtUp() {  // the stream listens now: what changed since this page was made?
    var query = "?issue=" + encodeURIComponent(issue || "") + "&item=" + encodeURIComponent(item || "");
    fetch("/events/now" + query, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (event) { if (event) { changed(event); } }).catch(function () { /* offline: the stream will tell */ });
  }

  function received(data) {
    if (data === "open") { caughtUp(); return; }
    var event;
    try { event = JSON.parse(data); } catch (e) { return; }
    changed(event);
  }

  // one stream for all the studio's tabs (live-worker.js), else one for this page
  var shared = null;
  if (window.SharedWorker) {
    try { shared = new SharedWorker("/static/live-worker.js"); } catch (e) { shared = null; }
  }
  if (shared) {
    shared.port.onmessage = function (message) { received(message.data); };
    shared.port.start();
    window.addEventListener("pagehide", function () { shared.port.postMessage("bye"); });
  } else {
    var own = new EventSource("/events");
    own.addEventListener("changed", function (message) { received(message.data); });
    own.addEventListener("open", caughtUp);
  }
}());
