// preview: the printed pages pane (#preview, templates/_preview_pane.html).
// Asks GET …/pages/state (which also makes the server notice a saved change) every 0.5 s while the
// pages are being made and every 3 s otherwise (15 s in a hidden tab), and swaps in a new set of page
// images only once all of them have loaded, so the pane never flickers or shows half a set.
// window.zhuanbaoPreview.refresh() asks at once (the live-update script calls it on a change).
"use strict";
(function () {
  var pane = document.getElementById("preview");
  if (!pane) { return; }
  var url = pane.getAttribute("data-state-url");
  var version = pane.getAttribute("data-version") || "";
  var list = document.getElementById("preview-pages");
  var count = document.getElementById("preview-count");
  var badge = document.getElementById("preview-updating");
  var note = document.getElementById("preview-note");
  var error = document.getElementById("preview-error");
  var empty = document.getElementById("preview-empty");
  var timer = null;
  var asking = false;
  var loading = "";  // the version whose images are being fetched

  function show(element, visible) { element.hidden = !visible; }

  function showError(state) {
    var items = error.querySelector("ul");
    items.textContent = "";
    state.error.forEach(function (f) {
      var li = document.createElement("li");
      li.className = f.severity;
      [["file", f.file], ["line", f.line ? "第 " + f.line + " 行" : ""], ["message", f.message]].forEach(function (part) {
        if (!part[1]) { return; }
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        li.appendChild(span);
      });
      if (f.hint) {
        var hint = document.createElement("div");
        hint.className = "hint";
        hint.textContent = "提示：" + f.hint;
        li.appendChild(hint);
      }
      items.appendChild(li);
    });
    error.querySelector(".preview-error-head").textContent =
      "未能更新打印页面" + (state.pages.length ? "（下面仍是上一次的样子）" : "") + "：";
    show(error, state.error.length > 0);
  }

  function page(src, number) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = src;
    link.target = "_blank";
    link.rel = "noopener";
    var img = document.createElement("img");
    img.alt = "第 " + number + " 页";
    img.width = 794;
    img.height = 1123;
    img.src = src;
    link.appendChild(img);
    var folio = document.createElement("span");
    folio.className = "preview-folio";
    folio.textContent = "第 " + number + " 页";
    li.appendChild(link);
    li.appendChild(folio);
    return li;
  }

  // Load every image of the new set first (the browser caches them), then replace the old set at once.
  function swap(state) {
    if (state.version === version || state.version === loading) { return; }
    loading = state.version;
    var left = state.pages.length;
    var failed = false;
    function done() {
      left -= 1;
      if (left > 0 || loading !== state.version) { return; }
      loading = "";
      if (failed) { return; }  // a newer set replaced it meanwhile: the next answer brings that one
      var fresh = document.createDocumentFragment();
      state.pages.forEach(function (src, i) { fresh.appendChild(page(src, i + 1)); });
      list.textContent = "";
      list.appendChild(fresh);
      version = state.version;
      pane.setAttribute("data-version", version);
      count.textContent = "共 " + state.count + " 页";
      show(count, state.count > 0);
    }
    state.pages.forEach(function (src) {
      var img = new Image();
      img.onload = done;
      img.onerror = function () { failed = true; done(); };
      img.src = src;
    });
  }

  function render(state) {
    pane.setAttribute("data-state", state.state);
    show(badge, state.state === "updating");
    note.textContent = state.note;
    show(note, !!state.note);
    showError(state);
    show(empty, state.pages.length === 0 && state.state === "updating");
    if (state.pages.length) { swap(state); }
  }

  function schedule(state) {
    clearTimeout(timer);
    var wait = state === "updating" ? 500 : document.hidden ? 15000 : 3000;
    timer = setTimeout(ask, wait);
  }

  function ask() {
    if (asking) { return; }
    asking = true;
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      asking = false;
      var state = null;
      try { state = request.status === 200 ? JSON.parse(request.responseText) : null; } catch (e) { state = null; }
      if (state) { render(state); }
      schedule(state ? state.state : "");
    };
    request.onerror = function () { asking = false; schedule(""); };
    request.send();
  }

  window.zhuanbaoPreview = { refresh: function () { clearTimeout(timer); ask(); } };
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { window.zhuanbaoPreview.refresh(); } });
  ask();
})();
