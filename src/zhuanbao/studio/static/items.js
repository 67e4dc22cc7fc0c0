// items: drag and drop of item cards (within a section and between sections, with a drop indicator) and of
// .docx/.doc/.wps/.rtf/.odt/.txt/.md files onto a section (import), and the 排法 line of the 新增稿件 form. Everything here
// also works without this script: the cards' 上移/下移/移到栏目 buttons and each section's file chooser.
"use strict";
(function () {
  var ITEM = "application/x-zhuanbao-item";
  var MAX_UPLOAD = 20 * 1024 * 1024; // the studio's request cap (studio/guard.py)
  var dragged = null;
  var indicator = document.createElement("li");
  indicator.className = "drop-indicator";
  indicator.setAttribute("aria-hidden", "true");

  function carries(event, type) {
    return Array.prototype.indexOf.call(event.dataTransfer.types, type) !== -1;
  }

  function clearIndicator() {
    if (indicator.parentNode) { indicator.parentNode.removeChild(indicator); }
  }

  // The card the dragged one would go before: the first whose middle is below the pointer (null: last).
  function cardBelow(list, y) {
    var cards = list.querySelectorAll(":scope > li.card");
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === dragged) { continue; }
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return cards[i]; }
    }
    return null;
  }

  function nextCard(element) {
    var next = element.nextElementSibling;
    while (next && (next === dragged || !next.classList.contains("card"))) { next = next.nextElementSibling; }
    return next;
  }

  // A drop is the card's own form, posted as 移到栏目 with the item to go before (views/arrange.py).
  function moveCard(card, section, before) {
    var form = card.querySelector("form.card-tools");
    form.querySelector("select[name=section]").value = section;
    form.querySelector("input[name=before]").value = before ? before.dataset.name : "";
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "drag";
    form.appendChild(action);
    card.classList.add("moving");
    form.submit();
  }

  // Why these files would be refused as a whole (too many, too big: views/upload.py, the guard), or "".
  function tooMuch(zone, files) {
    var most = Number(zone.dataset.maxFiles);
    var total = 0;
    for (var i = 0; i < files.length; i++) { total += files[i].size; }
    if (most && files.length > most) {
      return "一次最多导入 " + most + " 个文件，这次选了 " + files.length + " 个：没有导入。请分几次导入。";
    }
    if (total > MAX_UPLOAD) {
      return "这些文件合计 " + (total / 1048576).toFixed(1) + " MB，超过每次 20 MB 的上限：没有导入。请分几次导入。";
    }
    return "";
  }

  function upload(zone, files) {
    var message = zone.querySelector(".drop-message");
    var wrong = [];
    for (var i = 0; i < files.length; i++) {
      if (!/\.(docx|doc|wps|rtf|odt|txt|md)$/i.test(files[i].name)) { wrong.push(files[i].name); }
    }
    if (!files.length) { return; }
    if (wrong.length) {
      message.textContent = "只能导入 .docx、.doc、.wps、.rtf、.odt、.txt、.md 文件：" + wrong.join("、") + " 没有导入。";
      return;
    }
    var refused = tooMuch(zone, files);
    if (refused) {
      message.textContent = refused;
      return;
    }
    zone.querySelector("input[type=file]").files = files;
    message.textContent = "正在导入 " + files.length + " 个文件……";
    zone.submit();
  }

  // Files chosen with the button are checked the same way before the form is sent.
  document.querySelectorAll("form.dropzone").forEach(function (zone) {
    zone.addEventListener("submit", function (event) {
      var refused = tooMuch(zone, zone.querySelector("input[type=file]").files);
      if (refused) {
        event.preventDefault();
        zone.querySelector(".drop-message").textContent = refused;
      }
    });
  });

  document.querySelectorAll("li.card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      if (event.target !== card) { return; } // a link or a button inside the card dragged on its own
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData(ITEM, card.dataset.name);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
      clearIndicator();
    });
  });

  document.querySelectorAll("section.section[data-section]").forEach(function (section) {
    var list = section.querySelector("ul.cards");
    var zone = section.querySelector("form.dropzone");
    section.addEventListener("dragover", function (event) {
      if (dragged && carries(event, ITEM)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        var below = cardBelow(list, event.clientY);
        if (below) { list.insertBefore(indicator, below); } else { list.appendChild(indicator); }
      } else if (carries(event, "Files")) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        section.classList.add("file-over");
      }
    });
    section.addEventListener("dragleave", function (event) {
      if (!section.contains(event.relatedTarget)) {
        section.classList.remove("file-over");
        if (indicator.parentNode === list) { clearIndicator(); }
      }
    });
    section.addEventListener("drop", function (event) {
      section.classList.remove("file-over");
      if (dragged && carries(event, ITEM)) {
        event.preventDefault();
        var before = indicator.parentNode === list ? nextCard(indicator) : null;
        clearIndicator();
        var here = dragged.parentNode === list;
        if (here && nextCard(dragged) === before) { return; } // dropped where it already is
        moveCard(dragged, section.dataset.section, before);
      } else if (carries(event, "Files")) {
        event.preventDefault();
        upload(zone, event.dataTransfer.files);
      }
    });
  });

  // After a move by keyboard the page reloads at the moved card: give the focus back to the button pressed
  // (上移 again, 下移 again), so that moving an item several places needs no Tab through the page.
  var LAST = "zhuanbao-items-last-action";
  document.querySelectorAll("form.card-tools").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.value) { sessionStorage.setItem(LAST, event.submitter.value); }
    });
  });
  var last = sessionStorage.getItem(LAST);
  sessionStorage.removeItem(LAST);
  var moved = location.hash.indexOf("#item-") === 0 ? document.getElementById(location.hash.slice(1)) : null;
  if (last && moved) {
    var again = moved.querySelector('button[value="' + last + '"]:not(:disabled)') || moved.querySelector("a.title");
    // after the browser's own scroll to the #item- fragment, which moves the focus to the page
    window.addEventListener("load", function () {
      setTimeout(function () { if (again) { again.focus(); } }, 0);
    });
  }

  // A file dropped beside the sections must not make the browser leave the page to show it.
  if (document.querySelector("form.dropzone")) {
    ["dragover", "drop"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (!event.defaultPrevented && carries(event, "Files")) {
          event.preventDefault();
          event.dataTransfer.dropEffect = "none";
        }
      });
    });
  }

  // 新增稿件: how the item will print, from its section (series.yaml headline_sections) and its title.
  var select = document.getElementById("new-section");
  var shown = document.getElementById("item-form-shown");
  var title = document.getElementById("new-title");
  if (select && shown && title) {
    var update = function () {
      var option = select.options[select.selectedIndex];
      var form = option ? option.getAttribute("data-form") : null;
      if (!form) {
        shown.textContent = "请先选择栏目。";
      } else {
        shown.textContent = "这篇稿件将排为——" + (title.value.trim() ? form : shown.getAttribute("data-untitled"));
      }
    };
    select.addEventListener("change", update);
    title.addEventListener("input", update);
    update();
  }
}());
