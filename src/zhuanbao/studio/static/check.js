// check: the item page checks the form as the editor types, and 一键修正 shows check --fix's changes
// before putting them into the form. Findings arrive as JSON and are shown with textContent only.
"use strict";
(function () {
  var form = document.querySelector("form.item[data-check-url]");
  if (!form) { return; }
  var csrf = form.elements.csrf.value;
  var whole = form.hasAttribute("data-whole");
  var body = form.elements.body;
  var summary = document.getElementById("check-summary");
  var fixButton = document.getElementById("fix-button");
  var dialog = document.getElementById("fix-dialog");
  var fixStatus = document.getElementById("fix-status");
  var fixChanges = document.getElementById("fix-changes");
  var fixApply = document.getElementById("fix-apply");
  var FIELDS = ["section", "title", "source"];
  var timer = null;
  var latest = 0;
  var pending = null; // the fix shown in the dialog: what was asked, and the form it makes

  function values() {
    var sent = { body: body.value };
    if (whole) {
      sent.whole = true;
    } else {
      FIELDS.forEach(function (name) { sent[name] = form.elements[name].value; });
    }
    return sent;
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.error || "编辑器没有回应（" + response.status + "），请刷新页面后再试。");
        }
        return answer;
      });
    });
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  // One finding as _item_findings.html shows it.
  function findingItem(f) {
    var li = element("li", f.severity === "warning" ? "warning" : "error");
    li.appendChild(element("span", "word", f.word));
    if (f.body_line) {
      var go = element("button", "goto-line", (whole ? "第 " : "正文第 ") + f.body_line + " 行");
      go.type = "button";
      go.setAttribute("data-line", String(f.body_line));
      li.appendChild(go);
    } else if (f.elsewhere) {
      li.appendChild(element("span", "line", f.elsewhere + (f.line ? " 第 " + f.line + " 行" : "")));
    } else if ((f.field === "front" || f.field === "") && f.line) {
      li.appendChild(element("span", "line", "文件第 " + f.line + " 行"));
    }
    li.appendChild(element("span", "message", f.message));
    if (f.rule) {
      var rule = element("span", "rule", "[" + f.rule + "]");
      rule.title = f.rule_summary || "";
      li.appendChild(rule);
    }
    if (f.fixable) { li.appendChild(element("span", "fixable", "可一键修正")); }
    if (f.hint) { li.appendChild(element("div", "hint", "提示：" + f.hint)); }
    return li;
  }

  function showFindings(answer) {
    var boxes = {};
    document.querySelectorAll(".field-findings[data-field]").forEach(function (box) {
      boxes[box.getAttribute("data-field")] = box;
      box.textContent = "";
    });
    var fixable = 0;
    answer.findings.forEach(function (f) {
      var box = boxes[f.field] || boxes[""];
      var list = box.querySelector("ul.findings");
      if (!list) { list = box.appendChild(element("ul", "findings")); }
      list.appendChild(findingItem(f));
      if (f.fixable) { fixable += 1; }
    });
    ["general", "front"].forEach(function (name) {
      var group = document.getElementById(name + "-findings");
      group.hidden = !group.querySelector("li");
    });
    var text = "正在编辑的内容（未保存）：";
    if (answer.errors || answer.warnings) {
      text += answer.errors + " 个错误，" + answer.warnings + " 个警告";
      if (fixable) { text += "（其中 " + fixable + " 处可一键修正）"; }
    } else {
      text += "检查没有发现问题";
    }
    summary.textContent = text;
    summary.classList.remove("pending", "failed");
    summary.classList.toggle("has-errors", answer.errors > 0);
    summary.classList.toggle("has-warnings", !answer.errors && answer.warnings > 0);
  }

  function check() {
    var mine = ++latest;
    post(form.getAttribute("data-check-url"), values()).then(function (answer) {
      if (mine === latest) { showFindings(answer); } // an older answer arriving late is dropped
    }).catch(function (error) {
      if (mine !== latest) { return; }
      summary.textContent = "暂时无法检查：" + error.message;
      summary.classList.remove("pending");
      summary.classList.add("failed");
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    summary.classList.add("pending");
    timer = setTimeout(check, 400);
  });
  if (form.hasAttribute("data-unsaved")) { check(); } // a refused save: the findings shown are the file's, not the form's

  // 正文第 N 行: the caret to the start of that line of the body box, scrolled into view.
  function lineStart(n) {
    var lines = body.value.split("\n");
    var start = 0;
    for (var i = 0; i < Math.min(n, lines.length) - 1; i += 1) { start += lines[i].length + 1; }
    return start;
  }

  function scrollTo(offset) {
    var style = getComputedStyle(body);
    var mirror = element("div", "textarea-mirror");
    ["fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "wordSpacing", "paddingTop",
     "paddingLeft", "paddingRight", "tabSize"].forEach(function (name) { mirror.style[name] = style[name]; });
    mirror.style.width = body.clientWidth + "px";
    mirror.textContent = body.value.slice(0, offset);
    var mark = mirror.appendChild(element("span", "", "\u200b"));
    document.body.appendChild(mirror);
    var top = mark.offsetTop;
    mirror.remove();
    body.scrollTop = Math.max(0, top - body.clientHeight / 3);
  }

  document.addEventListener("click", function (event) {
    var go = event.target.closest ? event.target.closest(".goto-line") : null;
    if (!go) { return; }
    var start = lineStart(Number(go.getAttribute("data-line")));
    body.focus();
    body.setSelectionRange(start, start);
    scrollTo(start);
  });

  // 一键修正: ask for check --fix's changes to the form's text, show them, apply them only on 应用到表单.
  function where(change) {
    if (change.field === "title") { return "标题"; }
    if (change.field === "body") { return (whole ? "第 " : "正文第 ") + change.body_line + " 行"; }
    return "文件第 " + change.line + " 行";
  }

  function marked(label, segments, className) {
    var row = element("div", className);
    row.appendChild(element("span", "label", label));
    var text = row.appendChild(element("span", "text"));
    segments.forEach(function (segment) {
      var tag = segment[0] === "del" || segment[0] === "ins" ? segment[0] : null;
      text.appendChild(tag ? element(tag, "", segment[1]) : document.createTextNode(segment[1]));
    });
    return row;
  }

  function showFix(answer, asked) {
    fixChanges.textContent = "";
    answer.changes.forEach(function (change) {
      var li = fixChanges.appendChild(element("li"));
      li.appendChild(element("div", "where", where(change)));
      li.appendChild(marked("原文", change.before, "before"));
      li.appendChild(marked("改为", change.after, "after"));
    });
    if (answer.changes.length) {
      fixStatus.textContent = "将修改以下 " + answer.changes.length + " 行（删去的字标红，加上的字标绿）：";
      pending = { asked: asked, form: answer.form };
    } else {
      fixStatus.textContent = "没有可以自动修正的问题；其余问题需要手工修改。";
      pending = null;
    }
    fixApply.hidden = !pending;
  }

  function openFix() {
    var asked = values();
    fixChanges.textContent = "";
    fixStatus.textContent = "正在计算修正……";
    fixApply.hidden = true;
    pending = null;
    if (!dialog.open) { dialog.showModal(); }
    post(form.getAttribute("data-fix-url"), asked).then(function (answer) {
      showFix(answer, asked);
    }).catch(function (error) {
      fixStatus.textContent = "无法计算修正：" + error.message;
    });
  }

  function applyFix() {
    if (!pending) { return; }
    if (JSON.stringify(values()) !== JSON.stringify(pending.asked)) {
      fixStatus.textContent = "预览之后表单又有改动，已重新计算：";
      openFix();
      return;
    }
    var scroll = body.scrollTop;
    Object.keys(pending.form).forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value !== pending.form[name]) { field.value = pending.form[name]; }
    });
    body.scrollTop = scroll;
    pending = null;
    dialog.close();
    form.dispatchEvent(new Event("input", { bubbles: true })); // checked again, and counted as unsaved
  }

  fixButton.hidden = false;
  fixButton.addEventListener("click", openFix);
  fixApply.addEventListener("click", applyFix);
  document.getElementById("fix-cancel").addEventListener("click", function () { dialog.close(); });
}());
