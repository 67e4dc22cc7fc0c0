"""比对修改稿 in the studio (views/apply.py): the leaders' edited .docx dropped on the issue page is compared,
the changes listed per item, and 写入稿件 writes exactly what was shown — over HTTP with Starlette's TestClient."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ITEM_PATH
from tests.editing import Leader
from zhuanbao import services
from zhuanbao.studio.guard import Session

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def edited(root: Path, tmp_path: Path, tracked: bool = True) -> bytes:
    built = services.build(services.BuildRequest(root / "2024-03", tmp_path / "built")).built[0].path
    leader = Leader(built, tracked)
    leader.replace("改造12个", "改造15个")
    leader.replace("（共印60份）", "（共印80份）")
    return leader.save(tmp_path / "修改稿.docx").read_bytes()


def compare(client, csrf, data: bytes, name: str = "修改稿.docx"):
    return client.post("/issue/2024-03/apply", data={"csrf": csrf}, files={"document": (name, data, DOCX)})


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_the_issue_page_takes_a_document_to_compare(studio):
    client, session, _ = studio()
    page = client.get("/issue/2024-03").text
    form = re.search(r'<form[^>]*id="apply-form".*?</form>', page, re.S).group(0)
    assert 'action="/issue/2024-03/apply"' in form and 'enctype="multipart/form-data"' in form
    assert f'value="{session.csrf}"' in form and 'name="document"' in form and "比对修改稿" in form


def test_a_dropped_document_is_compared_and_written_only_when_asked(studio, tmp_path):
    client, session, root = studio()
    item = root / ITEM_PATH
    before = item.read_bytes()
    shown = compare(client, session.csrf, edited(root, tmp_path))
    assert shown.status_code == 200
    page = shown.text
    assert "比对修改稿：修改稿.docx" in page
    assert ">01-gaizao.md</a>《测试区完成老旧小区改造》：" in page and "改动 1 处" in page
    assert 'href="/issue/2024-03/item/01-gaizao.md"' in page
    assert "第 1 段：“12”改为“15”" in page
    assert 'id="apply-elsewhere"' in page and "“60”改为“80”" in page and "series.yaml" in page
    assert item.read_bytes() == before  # comparing writes nothing

    written = client.post("/issue/2024-03/apply/write",
                          data={"csrf": session.csrf, "document": hidden(page, "document"), "seen": hidden(page, "seen")})  # fmt: skip
    assert written.status_code == 200
    assert "已写入 1 篇稿件" in written.text and 'id="apply-write"' not in written.text
    text = item.read_text("utf-8")
    assert "改造15个" in text and "# 市里的稿件\n" in text and "source: 测试区住建局  # 核实过\n" in text


def test_nothing_is_written_when_the_items_changed_after_the_comparison(studio, tmp_path):
    client, session, root = studio()
    page = compare(client, session.csrf, edited(root, tmp_path)).text
    item = root / ITEM_PATH
    item.write_text(item.read_text("utf-8").replace("1860户", "1870户"), "utf-8")
    changed = item.read_bytes()
    written = client.post("/issue/2024-03/apply/write",
                          data={"csrf": session.csrf, "document": hidden(page, "document"), "seen": hidden(page, "seen")})  # fmt: skip
    assert written.status_code == 409
    assert "有了变化，这次没有写入任何稿件" in written.text
    assert item.read_bytes() == changed


def test_a_document_the_studio_no_longer_holds_is_asked_for_again(studio):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    written = client.post("/issue/2024-03/apply/write", data={"csrf": session.csrf, "document": "0" * 64, "seen": ""})
    assert written.status_code == 409 and "请重新拖入文档比对" in written.text
    assert (root / ITEM_PATH).read_bytes() == before


@pytest.mark.parametrize("name, data, said", [
    ("修改稿.docx", "只是文字".encode(), "修改稿.docx"),
    ("表格.xlsx", b"PK\x03\x04", "只能导入 .docx 文件"),
])  # fmt: skip
def test_what_is_not_a_word_document_is_refused_in_chinese(studio, name, data, said):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    shown = compare(client, session.csrf, data, name)
    assert shown.status_code == 400
    assert said in shown.text and 'id="apply-errors"' in shown.text and "没有写入任何稿件" in shown.text
    assert (root / ITEM_PATH).read_bytes() == before


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, Session(port=8765).csrf])
def test_both_apply_posts_refuse_a_missing_or_wrong_csrf_token(studio, tmp_path, csrf):
    client, session, root = studio()
    data = edited(root, tmp_path)
    page = compare(client, session.csrf, data).text
    before = (root / ITEM_PATH).read_bytes()
    token = {} if csrf is None else {"csrf": csrf}
    refused = client.post("/issue/2024-03/apply", data=token, files={"document": ("修改稿.docx", data, DOCX)})
    assert refused.status_code == 403
    refused = client.post("/issue/2024-03/apply/write",
                          data={**token, "document": hidden(page, "document"), "seen": hidden(page, "seen")})  # fmt: skip
    assert refused.status_code == 403
    assert (root / ITEM_PATH).read_bytes() == before


def test_in_the_browser_a_chosen_document_is_compared_at_once_and_written(studio_page, series, tmp_path):
    from tests.conftest import ITEM

    root = series({ITEM_PATH: ITEM})
    data = edited(root, tmp_path)
    document = tmp_path / "领导修改稿.docx"
    document.write_bytes(data)
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03")
    shots = __import__("os").environ.get("ZHUANBAO_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/apply-issue.png")
    page.set_input_files("#apply-file", str(document))  # apply.js sends it without a click
    page.wait_for_selector("#apply-items")
    assert "改动 1 处" in page.inner_text("#apply-items")
    assert "“60”改为“80”" in page.inner_text("#apply-elsewhere")
    if shots:
        page.screenshot(path=f"{shots}/apply-review.png", full_page=True)
    page.click("#apply-write")
    page.wait_for_selector("#apply-written")
    assert "已写入 1 篇稿件" in page.inner_text("#apply-written")
    assert "改造15个" in (root / ITEM_PATH).read_text("utf-8")
    assert not errors
