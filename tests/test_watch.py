"""zhuanbao watch (watch.py): rebuild on save, keep the last good document while an item is broken."""

from __future__ import annotations

import threading
import time

import pytest


def test_watch_rebuilds_on_save_and_keeps_the_last_good_document(series, tmp_path):
    from zhuanbao.watch import watch

    root = series()
    out = tmp_path / "out"
    results = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(root / "2024-03", out, None, lambda rebuilt: results.append((rebuilt.built, rebuilt.error))), kwargs={"stop_event": stop}
    )
    thread.start()
    try:
        deadline = time.time() + 10
        while not results and time.time() < deadline:
            time.sleep(0.05)
        assert results and results[0][1] is None
        document = out / "工作专报2024年第3期.docx"
        good = document.read_bytes()
        item = root / "2024-03/items/01-gaizao.md"
        time.sleep(0.3)
        item.write_text("---\nsection: 不存在\n---\n正文。\n", "utf-8")
        while len(results) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert results[-1][1] is not None and "不存在" in results[-1][1].message
        assert document.read_bytes() == good
        item.write_text("---\nsection: 工作简讯\n---\n改好了。\n", "utf-8")
        while (len(results) < 3 or results[-1][1] is not None) and time.time() < deadline:
            time.sleep(0.05)
        assert results[-1][1] is None and document.read_bytes() != good
    finally:
        stop.set()
        thread.join(timeout=5)


def test_watch_with_a_template_folder_that_is_not_there_says_so(series, tmp_path):
    from zhuanbao.diagnostics import TemplateError
    from zhuanbao.watch import watch

    with pytest.raises(TemplateError, match="模板文件夹不存在"):
        watch(series() / "2024-03", tmp_path / "out", tmp_path / "nope", lambda rebuilt: None)


def test_watch_waits_for_word_to_close_the_document_then_builds_without_a_save(series, tmp_path, word_holds):
    from zhuanbao.watch import watch

    root = series()
    out = tmp_path / "out"
    results = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root / "2024-03", out, None, results.append), kwargs={"stop_event": stop})
    thread.start()
    try:
        deadline = time.time() + 15
        while not results and time.time() < deadline:
            time.sleep(0.05)
        document = results[0].built[0].path
        word_holds.add(document)  # the editor opens it in WPS, then saves an item
        time.sleep(0.3)
        (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\n---\n改好了。\n", "utf-8")
        while len(results) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert results[1].waiting_for_close and "Word 或 WPS" in results[1].error.message
        time.sleep(2.5)
        assert len(results) == 2  # told once, not at every retry
        word_holds.clear()  # closed in WPS: no save needed
        while len(results) < 3 and time.time() < deadline:
            time.sleep(0.05)
        import docx

        assert results[2].error is None
        assert any("改好了。" in p.text for p in docx.Document(str(document)).paragraphs)
    finally:
        stop.set()
        thread.join(timeout=5)
