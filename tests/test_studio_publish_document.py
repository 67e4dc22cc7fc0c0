"""发布 with the signed document attached (views/publish.py, ``publish --document`` in the studio): a document
whose text differs is refused with the differences and nothing archived; ticked 按印发稿归档, it is archived as
the issued one and what search finds is its text — over HTTP with Starlette's TestClient."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_studio_apply import DOCX, edited
from tests.test_studio_archive import archive_of, confirm, no_pdf  # noqa: F401 - publishing without LibreOffice
from zhuanbao import services
from zhuanbao.archive.layout import MANIFEST


def test_the_confirmation_takes_the_signed_document(studio):
    client, _, _ = studio()
    page = client.get("/issue/2024-03/publish").text
    form = re.search(r'<form[^>]*id="publish-form".*?</form>', page, re.S).group(0)
    assert 'enctype="multipart/form-data"' in form and 'type="file" id="publish-signed" name="document"' in form
    assert 'name="as_sent" value="1"' in form and '<label for="publish-signed">' in form


def test_a_signed_document_that_differs_is_refused_with_its_differences(studio, tmp_path):
    client, _, root = studio()
    data = edited(root, tmp_path)
    refused = client.post("/issue/2024-03/publish", data=confirm(client), files={"document": ("签发稿.docx", data, DOCX)})
    assert refused.status_code == 400
    listed = re.search(r'<ul class="differences" id="publish-differences">(.*?)</ul>', refused.text, re.S).group(1)
    assert "01-gaizao.md《测试区完成老旧小区改造》：改动 1 处" in listed and "“12”改为“15”" in listed
    assert "“60”改为“80”" in listed  # the 版记's copies: outside the items, listed too
    assert "没有发布" in refused.text and "比对修改稿" in refused.text and "归档没有任何改动" in refused.text
    assert not list(archive_of(root).rglob(MANIFEST))


def test_ticked_as_sent_the_signed_document_is_archived_and_searched(studio, tmp_path):
    client, _, root = studio()
    data = edited(root, tmp_path)
    done = client.post("/issue/2024-03/publish", data=confirm(client) | {"as_sent": "1"},
                       files={"document": ("签发稿.docx", data, DOCX)})  # fmt: skip
    assert done.status_code == 200, done.text
    assert "工作专报2024年第3期（印发稿）.docx" in done.text
    assert "稿件之外的 1 处改动（报头、版记、栏目、表格）没有编入检索" in done.text  # the 版记's copies, said
    archive = archive_of(root)
    folder = next(archive.rglob(MANIFEST)).parent
    issued = json.loads((folder / MANIFEST).read_text("utf-8"))["issued"]
    assert issued["sent_as"] == "签发稿.docx" and issued["text"] == "issued"
    assert (folder / issued["document"]).read_bytes() == data
    assert [h.file for h in services.search("改造15个", archive).hits] == ["01-gaizao.md"]
    assert not services.verify(archive).problems


def test_what_is_attached_must_be_a_word_document(studio):
    client, _, root = studio()
    refused = client.post("/issue/2024-03/publish", data=confirm(client),
                          files={"document": ("签发稿.docx", b"not a zip", DOCX)})  # fmt: skip
    assert refused.status_code == 400 and "签发稿.docx" in refused.text
    assert not list(archive_of(root).rglob(MANIFEST))


@pytest.mark.parametrize("csrf", [None, "0" * 43])
def test_publishing_with_a_document_refuses_a_missing_or_wrong_csrf_token(studio, tmp_path, csrf):
    client, _, root = studio()
    form = {k: v for k, v in confirm(client).items() if k != "csrf"} | ({} if csrf is None else {"csrf": csrf})
    refused = client.post("/issue/2024-03/publish", data=form | {"as_sent": "1"},
                          files={"document": ("签发稿.docx", edited(root, tmp_path), DOCX)})  # fmt: skip
    assert refused.status_code == 403
    assert not list(archive_of(root).rglob(MANIFEST))


def test_in_the_browser_a_signed_document_is_refused_then_archived_as_sent_and_a_record_added(studio_page, series,
                                                                                                   tmp_path):  # fmt: skip
    """The whole path an editor takes in Chromium: attach the signed document, see why it is refused, tick 按印发稿
    归档, publish; then record a leader's 批示 on the archived issue's page."""
    from tests.conftest import ITEM, ITEM_PATH
    from tests.test_studio_archive import archive_of

    root = series({ITEM_PATH: ITEM})
    document = tmp_path / "签发稿.docx"
    document.write_bytes(edited(root, tmp_path))
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/publish")
    page.set_input_files("#publish-signed", str(document))
    with page.expect_navigation():
        page.click("#publish-confirm")
    assert "“12”改为“15”" in page.inner_text("#publish-differences")
    assert not list(archive_of(root).rglob(MANIFEST))

    page.set_input_files("#publish-signed", str(document))  # a browser never keeps a chosen file over a page
    page.check("#publish-as-sent")
    with page.expect_navigation():
        page.click("#publish-confirm")
    assert page.locator("#published").count() == 1
    [manifest] = archive_of(root).rglob(MANIFEST)
    assert json.loads(manifest.read_text("utf-8"))["issued"]["document"].endswith("（印发稿）.docx")

    page.goto(f"{base}/archive/series/2024-03/v1")
    page.select_option("#record-level", "领导批示")
    page.fill("#record-by", "市长刘建国")
    page.fill("#record-date", "2024-03-20")
    with page.expect_navigation():
        page.click("#record-submit")
    assert page.locator("#record-done").count() == 1
    assert "市长刘建国" in page.inner_text("#record-list") and "2024年3月20日" in page.inner_text("#record-list")
    assert [e for e in errors if "status of 400" not in e] == []  # the refusal is a 400 page, as it should be
