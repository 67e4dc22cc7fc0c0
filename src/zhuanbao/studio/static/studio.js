// Forms that hold an editor's typing: ask before leaving with unsaved changes, and keep a draft in this
// browser (localStorage) so the text survives a closed tab, a crash or a restart of the studio; the
// draft is offered back when the form is opened again and cleared once the form is saved.
"use strict";
(function () {
  var SKIP = { csrf: true, sha256: true, base_section: true, base_title: true, base_source: true, base_body: true };

  function values(form) {
    var kept = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name] || field.type === "submit") { return; }
      if (field.type === "file") {  // files chosen but not sent yet are unsaved work too (not kept in a draft)
        kept[field.name] = Array.prototype.map.call(field.files || [], function (file) { return file.name; }).join("\n");
        return;
      }
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) { return; }
      kept[field.name] = field.value;
    });
    return kept;
  }

  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (key) { return (a[key] || "") === (b[key] || ""); });
  }

  function clock(time) {
    var date = new Date(time);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return (date.getMonth() + 1) + "月" + date.getDate() + "日 " + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  function offer(form, key, draft, onDisk) {
    var bar = document.createElement("div");
    bar.className = "draft-offer";
    bar.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = "这里有一份没有保存的草稿（" + clock(draft.time) + "，保存在本浏览器中）。" +
      (draft.base && onDisk && draft.base !== onDisk ? "草稿之后文件又被修改过：恢复后保存时，会列出两个版本由你选择。" : "");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "恢复草稿";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "secondary";
    drop.textContent = "丢弃草稿";
    bar.appendChild(text);
    bar.appendChild(restore);
    bar.appendChild(drop);
    form.insertBefore(bar, form.firstChild);
    restore.addEventListener("click", function () {
      Object.keys(draft.values).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && !(window.RadioNodeList && field instanceof RadioNodeList)) { field.value = draft.values[name]; }
      });
      if (draft.base) {
        var sha = form.elements.namedItem("sha256");
        if (sha) { sha.value = draft.base; }  // saved over a newer file, the save shows both versions
      }
      form.dataset.dirty = "1";
      bar.remove();
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
    drop.addEventListener("click", function () {
      try { localStorage.removeItem(key); } catch (e) { /* storage unavailable */ }
      bar.remove();
    });
  }

  // a page that says a form's content was saved (a new item added) clears that form's draft
  // (only the draft of what was added: another tab's new item may be in that slot since)
  document.querySelectorAll("[data-draft-done]").forEach(function (done) {
    var key = "zhuanbao-draft:" + done.dataset.draftDone;
    try {
      var draft = JSON.parse(localStorage.getItem(key) || "null");
      var typed = (draft && draft.values && draft.values.title || "").replace(/\s+/g, " ").trim();
      if (draft && typed === (done.dataset.draftTitle || "").replace(/\s+/g, " ").trim()) { localStorage.removeItem(key); }
    } catch (e) { /* storage unavailable */ }
  });

  // "放弃我的修改" on a conflict: the draft was the editor's version, now given up
  var address = new URL(window.location.href);
  var discarded = address.searchParams.get("discard") === "1";
  if (discarded || address.searchParams.get("saved")) {  // not again on a reload, nor from the history
    address.searchParams.delete("discard");
    address.searchParams.delete("saved");
    window.history.replaceState(null, "", address.pathname + address.search + address.hash);
  }

  document.querySelectorAll("form[data-guard-unsaved]").forEach(function (form) {
    var key = form.dataset.draftKey ? "zhuanbao-draft:" + form.dataset.draftKey : null;
    var sha = form.elements.namedItem("sha256");
    var loaded = values(form);
    var timer = null;
    form.dataset.dirty = "0";
    if (key) {
      // a draft equal to what the form shows was saved (or never changed): nothing to offer, forget it
      try {
        var draft = JSON.parse(localStorage.getItem(key) || "null");
        if (discarded || (draft && draft.values && same(draft.values, loaded))) {
          localStorage.removeItem(key);
        } else if (draft && draft.values) {
          offer(form, key, draft, sha && sha.value);
        }
      } catch (e) { /* a damaged draft: ignore it */ }
    }
    form.addEventListener("input", function () {
      form.dataset.dirty = same(values(form), loaded) ? "0" : "1";
      if (!key) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        try {
          if (form.dataset.dirty === "1") {
            localStorage.setItem(key, JSON.stringify({ values: values(form), base: sha ? sha.value : "", time: Date.now() }));
          } else {
            localStorage.removeItem(key);
          }
        } catch (e) { /* storage full or unavailable: the form still works */ }
      }, 300);
    });
    form.addEventListener("submit", function () {
      form.dataset.dirty = "0";
      if (!key) { return; }
      clearTimeout(timer);  // the draft is what is sent: if the save fails, it is offered back
      try {
        localStorage.setItem(key, JSON.stringify({ values: values(form), base: sha ? sha.value : "", time: Date.now() }));
      } catch (e) { /* storage full or unavailable */ }
    });
    window.addEventListener("beforeunload", function (event) {
      if (form.dataset.dirty === "1") { event.preventDefault(); event.returnValue = ""; }
    });
  });
}());
