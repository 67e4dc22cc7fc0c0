"""The studio's printed pages and downloads over HTTP (views/preview.py, studio/previews.py): the pane and its
state, the page images and only those, 更新中 while a new set is made after a save, a build error that keeps
the last pages and says where, LibreOffice missing (the install hint, and everything else still works), the
.docx and PDF downloads as `zhuanbao build --pdf` names them, and no LibreOffice left when the studio stops."""

from __future__ import annotations

import io
import re
import threading
import time
from urllib.parse import quote

import pytest
from PIL import Image

from tests.conftest import ITEM_PATH, make_client, read_pdf
from zhuanbao import export, services
from zhuanbao.diagnostics import OutputError
from zhuanbao.export import resident
from zhuanbao.export.soffice import faster_hint, install_hint
from zhuanbao.studio import previews

NAME = "工作专报2024年第3期"
LONG = "---\nsection: 工作简讯\ntitle: 第二篇稿件\nsource: 测试区\n---\n" + "测试区持续推进民生实事，逐项对账销号。" * 20 + "\n"


@pytest.fixture
def open_studio(studio):  # noqa: F811 - pytest's fixture by name
    """A logged-in studio (see test_studio_http.studio) that is stopped, LibreOffice with it, after the test."""
    made = []

    def make(files=None, **options):
        client, session, root = studio(files, **options)
        made.append(client)
        return client, session, root

    yield make
    for client in made:
        client.app.state.studio.close()


def state(client, issue="2024-03") -> dict:
    response = client.get(f"/issue/{issue}/pages/state")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return response.json()


def settled(client, issue="2024-03", seconds=90) -> dict:
    """The pane's state once no new set is being made (polling as the page's script does)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = state(client, issue)
        if now["state"] not in ("loading", "updating"):
            return now
        time.sleep(0.1)
    raise AssertionError(f"the preview was still being made after {seconds} s: {now}")


def previewer(client) -> previews.Previewer:
    return client.app.state.studio.parts["preview"]


def save(client, body: str, path="/issue/2024-03/item/01-gaizao.md"):
    page = client.get(path).text
    value = lambda name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)  # noqa: E731
    form = {name: value(name) for name in ("csrf", "sha256", "title", "source")}
    form |= {"section": "工作简讯", "body": body}
    response = client.post(path, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


# --- the pane and its pages --------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_the_pane_shows_each_printed_page_and_their_count(open_studio, uno_python):
    client, _, root = open_studio({"2024-03/items/02-long.md": LONG})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    page = client.get("/issue/2024-03").text
    pane = page.split('<aside class="issue-side">')[1]
    assert 'id="preview"' in pane and 'data-state-url="/issue/2024-03/pages/state"' in pane
    assert "打印页面" in pane and "LibreOffice 排出的打印效果" in pane  # labelled as what it is
    assert state(client)["state"] == "updating"  # the first ask starts it
    shown = settled(client)
    assert shown["state"] == "ready" and shown["error"] == [] and shown["note"] == ""
    assert shown["count"] == len(shown["pages"]) == 2
    assert shown["pages"] == [f"/issue/2024-03/pages/{n}.png?v={shown['version']}" for n in (1, 2)]
    for url in shown["pages"]:
        image = client.get(url)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(image.content)) as png:  # A4 at 96 dpi
            assert abs(png.width - 794) <= 2 and abs(png.height - 1123) <= 2
    kept = root.parent / "output" / ".preview" / "2024-03"
    assert len(list(kept.glob("*/*.png"))) == 2
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # nothing written in the series
    again = client.get("/issue/2024-03").text  # the page made now carries the pages at once
    assert f'src="{shown["pages"][1]}"' in again and "共 2 页" in again


@pytest.mark.libreoffice
def test_after_a_save_the_old_pages_stay_marked_updating_until_the_new_ones_are_there(open_studio, uno_python):
    client, _, root = open_studio()
    first = settled(client)
    assert first["count"] == 1
    save(client, LONG.split("---\n")[2])  # the item grows to two pages
    during = state(client)
    assert during["state"] == "updating" and during["pages"] == first["pages"]  # the old set, marked
    page = client.get("/issue/2024-03").text
    assert 'data-state="updating"' in page and re.search(r'id="preview-updating" role="status">更新中', page)
    after = settled(client)
    assert after["state"] == "ready" and after["count"] == 2 and after["version"] != first["version"]
    assert client.get(first["pages"][0]).status_code == 404  # an old version's address no longer answers
    assert client.get(after["pages"][1]).status_code == 200


@pytest.mark.libreoffice
def test_a_burst_of_saves_makes_one_new_set_of_the_last_one(open_studio, uno_python, monkeypatch):
    client, _, root = open_studio()
    settled(client)
    monkeypatch.setattr(previews, "DEBOUNCE", 1.5)
    made = []
    real = services.issue_pages
    monkeypatch.setattr(services, "issue_pages", lambda *a, **k: made.append(1) or real(*a, **k))
    for n in range(3):
        (root / ITEM_PATH).write_text(f"---\nsection: 工作简讯\ntitle: 第{n}次修改\n---\n正文。\n", "utf-8")
        assert state(client)["state"] == "updating"
        time.sleep(0.25)
    settled(client)
    assert len(made) == 1
    folder = root / "2024-03"
    assert previewer(client)._shown[folder].fingerprint == services.issue_fingerprint(folder)  # the last one's pages


@pytest.mark.libreoffice
def test_a_build_error_keeps_the_last_pages_and_says_why_at_its_file_and_line(open_studio, uno_python):
    client, _, root = open_studio()
    good = settled(client)
    (root / "2024-03/items/02-c.md").write_text("---\nsection: 工作动向\ntitle: 栏目写错\n---\n正文。\n", "utf-8")
    failed = settled(client)
    assert failed["state"] == "failed" and failed["pages"] == good["pages"] and failed["count"] == 1
    [error] = failed["error"]
    assert error["file"] == "2024-03/items/02-c.md" and error["line"] == 2 and "工作动向" in error["message"]
    assert client.get(good["pages"][0]).status_code == 200  # the last good pages are still served
    pane = client.get("/issue/2024-03").text.split('<aside class="issue-side">')[1]
    assert "未能更新打印页面（下面仍是上一次的样子）" in pane and "2024-03/items/02-c.md" in pane and "第 2 行" in pane
    assert "工作动向" in pane and 'class="preview-error" id="preview-error" role="alert">' in pane
    (root / "2024-03/items/02-c.md").write_text("---\nsection: 工作简讯\ntitle: 栏目改对\n---\n正文。\n", "utf-8")
    fixed = settled(client)
    assert fixed["state"] == "ready" and fixed["error"] == [] and fixed["version"] != good["version"]


@pytest.mark.libreoffice
def test_the_pane_stands_beside_the_item_form_too(open_studio, uno_python):
    client, _, _ = open_studio()
    page = client.get("/issue/2024-03/item/01-gaizao.md").text
    assert '<main class="wide">' in page
    side = page.split("</form>")[-1]  # after the item's form (the header's search box is a form too)
    assert '<aside class="issue-side">' in side and 'data-state-url="/issue/2024-03/pages/state"' in side
    assert 'data-state="loading"' in side and "正在排版" in side  # the script asks for the state at once


# --- only the preview's own images -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/issue/2024-03/pages/1.png", "/issue/2024-03/pages/0.png", "/issue/2024-03/pages/-1.png",
    "/issue/2024-03/pages/..%2F..%2Fseries.yaml", "/issue/2024-03/pages/1.png%2F..%2F..%2Fseries.yaml",
    "/issue/..%2F2024-03/pages/1.png", "/issue/%2e%2e/pages/1.png", "/issue/2024-03/pages/1.yaml",
    "/issue/2024-03/pages/issue.yaml", "/issue/2099-01/pages/state",
])  # fmt: skip
def test_no_other_file_is_served_as_a_page(open_studio, path):
    client, _, _ = open_studio()
    response = client.get(path)
    assert response.status_code == 404 and "找不到" in response.text and "青石市" not in response.text


@pytest.mark.libreoffice
def test_a_page_out_of_the_set_or_of_another_version_is_not_found(open_studio, uno_python):
    client, _, _ = open_studio()
    shown = settled(client)
    assert client.get("/issue/2024-03/pages/1.png").status_code == 200  # the set shown
    for path in ("/issue/2024-03/pages/2.png", "/issue/2024-03/pages/1.png?v=0123456789ab",
                 "/issue/2024-03/pages/1.png?v=../../series.yaml", "/issue/2024-03/pages/99999999999999999999.png"):
        assert client.get(path).status_code == 404, path
    assert client.get(shown["pages"][0]).status_code == 200


# --- without LibreOffice, or without its Python ------------------------------------------------------------


def test_without_libreoffice_the_pane_says_how_to_install_it_and_the_rest_works(open_studio, monkeypatch):
    monkeypatch.setattr(export, "find_soffice", lambda: None)
    client, _, root = open_studio()
    shown = state(client)
    assert shown == {"state": "unavailable", "count": 0, "pages": [], "version": "", "error": [],
                     "note": "未找到 LibreOffice，无法显示打印页面。" + install_hint()}  # fmt: skip
    page = client.get("/issue/2024-03").text
    assert "sudo apt-get install libreoffice-writer" in page and 'id="download-pdf" aria-disabled="true"' in page
    assert "测试区完成老旧小区改造" in page  # the sections and cards as ever
    docx = client.get("/issue/2024-03/download/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get("/issue/2024-03/download/pdf")
    assert pdf.status_code == 400 and "未找到 LibreOffice" in pdf.text and "apt-get install libreoffice-writer" in pdf.text
    save(client, "改过的正文。")
    assert "改过的正文" in (root / ITEM_PATH).read_text("utf-8")
    assert previewer(client)._thread is None  # nothing was started


@pytest.mark.libreoffice
def test_without_a_python_for_uno_the_pages_come_slower_and_the_pane_says_how_to_be_fast(
        open_studio, libreoffice, monkeypatch):  # fmt: skip
    monkeypatch.setattr(resident, "find_uno_python", lambda soffice: None)
    client, _, _ = open_studio()
    shown = settled(client)
    assert shown["state"] == "ready" and shown["count"] == 1
    assert "较慢" in shown["note"] and faster_hint() in shown["note"]
    assert faster_hint() in client.get("/issue/2024-03").text


@pytest.mark.libreoffice
def test_a_resident_office_that_cannot_start_falls_back_to_one_run_per_conversion(
        open_studio, libreoffice, monkeypatch):  # fmt: skip
    import sys

    monkeypatch.setattr(resident, "find_uno_python", lambda soffice: sys.executable)  # cannot import uno
    client, _, _ = open_studio()
    shown = settled(client)
    assert shown["state"] == "ready" and shown["count"] == 1 and "常驻的 LibreOffice 无法启动" in shown["note"]


# --- downloads ---------------------------------------------------------------------------------------------


def disposition(name: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def test_the_word_download_is_the_document_build_makes_under_its_chinese_name(open_studio, tmp_path):
    import docx as python_docx

    client, _, root = open_studio()
    page = client.get("/issue/2024-03").text
    assert 'id="download-docx" href="/issue/2024-03/download/docx">下载 Word 文档</a>' in page
    response = client.get("/issue/2024-03/download/docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["content-disposition"] == disposition(f"{NAME}.docx", "2024-03.docx")
    placed = root.parent / "output" / f"{NAME}.docx"
    assert response.content == placed.read_bytes()
    text = "\n".join(p.text for p in python_docx.Document(placed).paragraphs)
    assert "测试区完成老旧小区改造" in text and "2024年第3期" in text
    cli = services.build(services.BuildRequest(root / "2024-03", tmp_path / "cli"))  # what zhuanbao build makes
    assert [b.path.name for b in cli.built] == [f"{NAME}.docx"] and cli.built[0].path.read_bytes() == response.content


@pytest.mark.libreoffice
def test_the_pdf_download_is_the_pdf_build_pdf_makes(open_studio, uno_python):
    client, _, root = open_studio()
    response = client.get("/issue/2024-03/download/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == disposition(f"{NAME}.pdf", "2024-03.pdf")
    placed = root.parent / "output" / f"{NAME}.pdf"
    assert response.content == placed.read_bytes() and response.content.startswith(b"%PDF")
    assert (root.parent / "output" / f"{NAME}.docx").is_file()  # beside it, as build --pdf leaves them
    assert "测试区完成老旧小区改造" in read_pdf(placed).text().replace(" ", "")
    assert previewer(client)._converter.mode == "resident"  # made by the studio's resident LibreOffice


def test_a_document_open_in_word_is_said_in_chinese(open_studio, word_holds):
    import docx as python_docx

    client, _, root = open_studio()
    assert client.get("/issue/2024-03/download/docx").status_code == 200
    (root / ITEM_PATH).write_text((root / ITEM_PATH).read_text("utf-8").replace("12个", "13个"), "utf-8")
    placed = root.parent / "output" / f"{NAME}.docx"
    before = placed.read_bytes()
    word_holds.add(placed)
    response = client.get("/issue/2024-03/download/docx")
    assert response.status_code == 409 and "这份文档正在 Word 或 WPS 中打开，无法替换" in response.text
    assert "请先在 Word/WPS 中关闭它" in response.text and f"{NAME}.docx" in response.text
    assert placed.read_bytes() == before
    word_holds.discard(placed)  # closed in Word: the next click works
    again = client.get("/issue/2024-03/download/docx")
    assert again.status_code == 200 and "13个" in "".join(p.text for p in python_docx.Document(placed).paragraphs)


def test_a_download_of_an_issue_that_does_not_build_says_where(open_studio):
    client, _, root = open_studio({"2024-03/items/02-c.md": "---\nsection: 工作动向\ntitle: 栏目写错\n---\n正文。\n"})
    response = client.get("/issue/2024-03/download/docx")
    assert response.status_code == 400 and "<h1>无法生成Word 文档</h1>" in response.text
    assert "2024-03/items/02-c.md" in response.text and "第 2 行" in response.text and "工作动向" in response.text
    assert not (root.parent / "output" / f"{NAME}.docx").exists()


@pytest.mark.parametrize("path", ["/issue/2024-03/download/exe", "/issue/2024-03/download/..%2Fseries.yaml",
                                  "/issue/..%2F2024-03/download/docx", "/issue/2099-01/download/docx"])  # fmt: skip
def test_unknown_downloads_are_not_found(open_studio, path):
    client, _, root = open_studio()
    assert client.get(path).status_code == 404
    assert not (root.parent / "output").exists()


# --- stopping --------------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_no_libreoffice_outlives_the_studio(open_studio, uno_python):
    from tests.test_export_resident import wait_gone

    client, _, _ = open_studio()
    settled(client)
    converter = previewer(client)._converter
    worker, office = converter.pid, converter.soffice_pid
    assert worker and office
    client.app.state.studio.close()
    assert wait_gone(worker, office, seconds=5)


@pytest.mark.libreoffice
def test_the_server_stopping_stops_libreoffice(series, uno_python):
    from tests.test_export_resident import wait_gone
    from tests.test_studio_http import ITEM

    root = series({ITEM_PATH: ITEM})
    client, session = make_client(root)
    with client:  # the lifespan: started, then stopped as uvicorn stops it on Ctrl+C
        client.get(f"/?token={session.token}")
        settled(client)
        converter = previewer(client)._converter
        worker, office = converter.pid, converter.soffice_pid
    assert wait_gone(worker, office, seconds=5)


class Recorded:
    """A converter that records what it was asked (as the resident one would start LibreOffice for it)."""

    mode, note = "resident", ""

    def __init__(self) -> None:
        self.converted: list = []
        self.closed = False

    def to_pdf(self, docx, outdir=None):
        if self.closed:
            raise OutputError(resident.CLOSED, docx)
        self.converted.append(docx)
        raise OutputError("（测试中不转换）", docx)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_a_converter_being_opened_as_the_studio_closes_is_closed_and_none_is_opened_after(series, tmp_path, monkeypatch):
    """Switching series closes the old studio's previewer while its thread may be about to open a converter:
    that one must be closed too, and nothing may open or convert afterwards (else a resident LibreOffice
    nobody stops)."""
    opening, release, made = threading.Event(), threading.Event(), []

    def slow_open():  # the background thread, between its check of "closed" and the converter
        opening.set()
        release.wait(5)
        made.append(Recorded())
        return made[-1]

    monkeypatch.setattr(previews, "open_converter", slow_open)
    monkeypatch.setattr(previews.Previewer, "available", lambda self: True)
    root = series()
    shown = previews.Previewer(root, tmp_path / "output")
    making = threading.Thread(target=lambda: pytest.raises(OutputError, shown.download, root / "2024-03", True))
    # (the download then fails: its converter was closed under it, or it had started and was stopped)
    making.start()
    assert opening.wait(5)
    closing = threading.Thread(target=shown.close)
    closing.start()
    time.sleep(0.2)  # close() runs while the converter is being opened
    release.set()
    making.join(5)
    closing.join(5)
    assert len(made) == 1 and made[0].closed
    with pytest.raises(OutputError, match="编辑器正在停止"):
        shown.download(root / "2024-03", pdf=True)
    assert len(made) == 1  # nothing opened after close


def test_a_closed_previewer_opens_no_converter(series, tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(previews, "open_converter", lambda: made.append(Recorded()) or made[-1])
    monkeypatch.setattr(previews.Previewer, "available", lambda self: True)
    root = series()
    shown = previews.Previewer(root, tmp_path / "output")
    shown.close()
    with pytest.raises(OutputError, match="编辑器正在停止"):
        shown.download(root / "2024-03", pdf=True)
    assert made == []


def test_the_pane_needs_no_inline_script_or_style():
    from zhuanbao.studio.pages import TEMPLATES

    for name in ("_preview_pane.html", "_issue_pages.html", "_issue_actions.html", "download_failed.html"):
        text = (TEMPLATES / name).read_text("utf-8")
        assert "style=" not in text and "<script" not in text and not re.search(r"\son[a-z]+=", text), name


def test_the_series_page_says_how_the_last_build_went(open_studio, tmp_path):
    client, _, root = open_studio()
    assert "上次生成" in client.get("/").text
    client.get("/issue/2024-03/download/docx")
    assert "下载成功" in client.get("/").text
    item = root / "2024-03" / "items" / "01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("section: 工作简讯", "section: 没有这个栏目"), "utf-8")
    assert client.get("/issue/2024-03/download/docx").status_code == 400
    row = client.get("/").text.split("2024年第3期", 1)[1]
    assert "下载失败" in row and "1 个错误" in row and "没有这个栏目" in row and "01-gaizao.md" in row


def test_a_preview_is_a_build_the_series_page_reports(open_studio, uno_python):
    client, _, _ = open_studio()
    assert settled(client)["state"] == "ready"
    assert "预览成功" in client.get("/").text.split("2024年第3期", 1)[1]
