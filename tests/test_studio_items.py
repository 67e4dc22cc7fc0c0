"""The items of the issue page over HTTP: 新增稿件, moves (上移/下移, 移到栏目, drag and drop), 删除 to the
bin and 恢复, and import by upload — with the bad cases: no CSRF token, a stale page, a section the series
lacks, names with ../, markup in titles, bodies and file names, mislabelled and oversized uploads."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BASE, ITEM_PATH
from tests.test_studio_http import XSS
from zhuanbao import services
from zhuanbao.recyclebin import BIN_DIR
from zhuanbao.studio.guard import MAX_BODY, Session

ISSUE = "/issue/2024-03"
SERIES_BROKEN = "title: 工作专报\nsections: [重要新闻, 工作简讯\n"


def item(section: str, title: str, extra: str = "") -> str:
    return f"---\nsection: {section}\ntitle: {title}\n{extra}---\n{title}的正文。\n"


THREE = {  # 工作简讯 prints 甲 (01, order: 2), 乙, 丙; 区县动态 prints 丁
    "2024-03/items/02-b.md": item("工作简讯", "乙"),
    "2024-03/items/03-c.md": item("工作简讯", "丙"),
    "2024-03/items/04-d.md": item("区县动态", "丁"),
}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the series, so a refused request can be shown to have changed nothing."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def card_form(client, name: str, page: str | None = None) -> dict:
    """The fields of a card's form as the issue page renders them."""
    page = page if page is not None else client.get(ISSUE).text
    card = page.split(f'data-name="{html.escape(name)}"')[1].split("</form>")[0]  # past the card's findings
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', card)}
    selected = re.search(r'<option value="([^"]*)" selected', card)
    return fields | ({"section": html.unescape(selected.group(1))} if selected else {})


def cards(client, section: str) -> list[str]:
    page = client.get(ISSUE).text
    block = page.split(f'<section class="section" data-section="{section}">')[1].split("</section>")[0]
    return re.findall(r'<li class="card" id="[^"]*" data-name="([^"]+)"', block)


def printed_titles(root: Path, tmp_path: Path) -> list[str]:
    """The items' titles as the built document prints them, read back with python-docx."""
    import docx

    result = services.build(services.BuildRequest(root / "2024-03", tmp_path / "built"))
    titles = ("测试区完成老旧小区改造", "甲", "乙", "丙", "丁", "新稿件")
    paragraphs = [p.text for p in docx.Document(result.built[0].path).paragraphs]
    return [t for p in paragraphs for t in titles if p.startswith(t)]  # in the document's order


# --- CSRF on every POST of this part -----------------------------------------------------------------------


def post_routes(client, csrf):
    form = {k: v for k, v in card_form(client, "01-gaizao.md").items() if k != "csrf"}
    with_token = {} if csrf is None else {"csrf": csrf}
    yield "/issue/2024-03/new", {"data": with_token | {"section": "工作简讯", "title": "新", "source": "", "body": "正文。"}}
    yield "/issue/2024-03/move", {"data": form | with_token | {"action": "down"}}
    yield "/issue/2024-03/delete", {"data": form | with_token}
    yield "/issue/2024-03/bin/restore", {"data": with_token | {"name": "01-gaizao.md"}}
    files = [("files", ("稿件.txt", "标题\n正文。\n".encode(), "text/plain"))]
    yield "/issue/2024-03/upload", {"data": with_token | {"section": "工作简讯"}, "files": files}


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, Session(port=8765).csrf])
def test_every_items_post_refuses_a_missing_or_wrong_csrf_token(studio, csrf):
    client, _, root = studio(THREE)
    (root / "2024-03" / BIN_DIR).mkdir()
    (root / "2024-03" / BIN_DIR / "01-gaizao.md").write_text(item("工作简讯", "回收站中的"), "utf-8")
    before = snapshot(root)
    for path, request in post_routes(client, csrf):
        response = client.post(path, **request)
        assert response.status_code == 403 and "校验码" in response.text, path
    assert snapshot(root) == before


# --- the issue page -----------------------------------------------------------------------------------------


def test_cards_show_in_printed_order_with_their_controls(studio):
    client, _, _ = studio(THREE | {"2024-03/items/05-e.md": item("工作简讯", "戊", "order: 1\n")})
    assert cards(client, "工作简讯") == ["05-e.md", "01-gaizao.md", "02-b.md", "03-c.md"]  # order: 1, order: 2, names
    page = client.get(ISSUE).text
    first = page.split('data-name="05-e.md"')[1].split("</li>")[0]
    last = page.split('data-name="03-c.md"')[1].split("</li>")[0]
    assert re.search(r'value="up" disabled', first) and not re.search(r'value="down" disabled', first)
    assert re.search(r'value="down" disabled', last) and "移到栏目" in last and "删除" in last
    assert 'href="/issue/2024-03/new"' in page and 'href="/issue/2024-03/new?section=%E5%B7%A5%E4%BD%9C%E7%AE%80%E8%AE%AF"' in page
    assert page.count('class="dropzone"') == 4 and 'accept=".docx,.doc,.wps,.rtf,.odt,.txt,.md"' in page and 'id="open-bin"' in page


# --- moves ------------------------------------------------------------------------------------------------


def test_up_and_down_reorder_the_section_and_the_built_document_follows(studio, tmp_path):
    client, _, root = studio(THREE, follow_redirects=False)
    response = client.post(f"{ISSUE}/move", data=card_form(client, "03-c.md") | {"action": "up"})
    assert response.status_code == 303 and response.headers["location"] == f"{ISSUE}#item-03-c.md"
    assert cards(client, "工作简讯") == ["01-gaizao.md", "03-c.md", "02-b.md"]
    client.post(f"{ISSUE}/move", data=card_form(client, "01-gaizao.md") | {"action": "down"})
    assert cards(client, "工作简讯") == ["03-c.md", "01-gaizao.md", "02-b.md"]
    assert (root / "2024-03/items/03-c.md").read_text("utf-8") == item("工作简讯", "丙", "order: 10\n")
    assert (root / ITEM_PATH).read_text("utf-8").count("order: 20\n") == 1 and "# 市里的稿件" in (root / ITEM_PATH).read_text("utf-8")
    assert printed_titles(root, tmp_path) == ["丁", "丙", "测试区完成老旧小区改造", "乙"]  # 区县动态 prints first


def test_a_drop_places_the_item_before_another_in_another_section_and_the_document_follows(studio, tmp_path):
    client, _, root = studio(THREE)
    form = card_form(client, "02-b.md") | {"action": "drag", "section": "区县动态", "before": "04-d.md"}
    page = client.post(f"{ISSUE}/move", data=form)
    assert page.status_code == 200 and "已移动稿件 02-b.md（【区县动态】）" in page.text
    assert cards(client, "区县动态") == ["02-b.md", "04-d.md"] and cards(client, "工作简讯") == ["01-gaizao.md", "03-c.md"]
    assert (root / "2024-03/items/02-b.md").read_text("utf-8") == "---\nsection: 区县动态\ntitle: 乙\norder: 10\n---\n乙的正文。\n"
    form = card_form(client, "03-c.md") | {"action": "to", "section": "区县动态"}  # 移到栏目: last in the section
    client.post(f"{ISSUE}/move", data=form)
    assert cards(client, "区县动态") == ["02-b.md", "04-d.md", "03-c.md"]
    assert printed_titles(root, tmp_path) == ["乙", "丁", "丙", "测试区完成老旧小区改造"]


def test_a_move_over_a_page_made_before_a_change_is_refused_with_a_reload(studio):
    client, _, root = studio(THREE)
    form = card_form(client, "03-c.md") | {"action": "up"}
    (root / "2024-03/items/02-b.md").write_text(item("工作简讯", "乙（别人改过）"), "utf-8")
    before = snapshot(root)
    response = client.post(f"{ISSUE}/move", data=form)
    assert response.status_code == 409 and "没有移动" in response.text and "刷新页面" in response.text
    assert 'href="/issue/2024-03" id="reload-issue"' in response.text or 'id="reload-issue" href="/issue/2024-03"' in response.text
    assert snapshot(root) == before
    assert client.post(f"{ISSUE}/move", data=card_form(client, "03-c.md") | {"action": "up"}).status_code == 200


@pytest.mark.parametrize("section", ["工作动向", ""])
def test_moving_to_a_section_the_series_lacks_is_refused(studio, section):
    client, _, root = studio(THREE)
    before = snapshot(root)
    response = client.post(f"{ISSUE}/move", data=card_form(client, "02-b.md") | {"action": "to", "section": section})
    assert response.status_code == 400 and ("不在本刊的栏目中" in response.text or "请选择要移到的栏目" in response.text)
    assert snapshot(root) == before


@pytest.mark.parametrize("route, field", [("move", "name"), ("delete", "name"), ("bin/restore", "name")])
@pytest.mark.parametrize("name", ["../series.yaml", "..%2Fseries.yaml", "../../etc/passwd", "..\\issue.yaml", "..", "issue.yaml"])
def test_names_out_of_the_items_are_not_found_and_nothing_changes(studio, route, field, name):
    client, session, root = studio(THREE)
    before = snapshot(root)
    form = card_form(client, "02-b.md") | {field: name, "action": "up"}
    response = client.post(f"{ISSUE}/{route}", data=form)
    assert response.status_code == 404 and "找不到" in response.text
    assert snapshot(root) == before


def test_a_draft_is_deleted_but_not_moved(studio):
    client, _, root = studio({"2024-03/items/_示例01.md": item("工作简讯", "示例")})
    page = client.get(ISSUE).text.split('data-name="_示例01.md"')[1].split("</li>")[0]
    assert "上移" not in page and "移到栏目" not in page and "删除" in page
    response = client.post(f"{ISSUE}/move", data=card_form(client, "_示例01.md") | {"action": "to", "section": "工作简讯"})
    assert response.status_code == 400 and "草稿" in response.text


# --- 新增稿件 ------------------------------------------------------------------------------------------------


def test_the_add_form_offers_the_series_sections_and_shows_each_section_s_form(studio):
    client, _, _ = studio()
    page = client.get(f"{ISSUE}/new?section=区县动态").text
    assert re.findall(r'<option value="([^"]*)" data-form', page) == ["重要新闻", "部门动态", "区县动态", "工作简讯"]
    assert '<option value="区县动态" data-form="首句式：标题加粗作为第一句，正文接在同一段" selected>' in page
    assert "【重要新闻】标题式" in page and "无标题：首段前加“☆”" in page


def test_an_added_item_is_numbered_after_the_others_and_prints_last_in_its_section(studio, tmp_path):
    client, session, root = studio(THREE, follow_redirects=False)
    form = {"csrf": session.csrf, "section": "工作简讯", "title": "新稿件", "source": "市人社局", "body": "第一段。\r\n\r\n第二段。"}
    response = client.post(f"{ISSUE}/new", data=form)
    assert response.status_code == 303 and response.headers["location"] == f"{ISSUE}#item-05-%E6%96%B0%E7%A8%BF%E4%BB%B6.md"
    assert (root / "2024-03/items/05-新稿件.md").read_text("utf-8") == (
        "---\nsection: 工作简讯\ntitle: 新稿件\nsource: 市人社局\n---\n第一段。\n\n第二段。\n"
    )
    page = client.get(ISSUE).text
    assert "已新增稿件" in page and cards(client, "工作简讯")[-1] == "05-新稿件.md"
    assert "已新增稿件" not in client.get(ISSUE).text  # a notice is shown once
    assert printed_titles(root, tmp_path) == ["丁", "测试区完成老旧小区改造", "乙", "丙", "新稿件"]


def test_an_added_item_with_a_wrong_section_or_no_body_is_refused_next_to_its_fields(studio):
    client, session, root = studio()
    before = snapshot(root)
    form = {"csrf": session.csrf, "section": "工作动向", "title": "保留我", "source": "", "body": "  "}
    response = client.post(f"{ISSUE}/new", data=form)
    assert response.status_code == 400 and snapshot(root) == before
    page = re.sub(r"\s+", " ", response.text)
    section_field = page.split('id="new-section"')[1].split('id="new-title"')[0]
    body_field = page.split('id="new-body"')[1]
    assert "栏目“工作动向”不在本刊的栏目中" in section_field and "稿件正文是空的" in body_field
    assert 'value="保留我"' in page  # what was typed is kept
    unchosen = client.post(f"{ISSUE}/new", data={**form, "section": "", "body": "正文。"})
    assert unchosen.status_code == 400 and "请选择栏目" in unchosen.text and snapshot(root) == before


def test_markup_in_an_added_item_is_saved_as_typed_and_shown_as_text(studio):
    client, session, root = studio(follow_redirects=True)
    form = {"csrf": session.csrf, "section": "工作简讯", "title": XSS, "source": '"><img src=x>', "body": f"{XSS}正文。"}
    page = client.post(f"{ISSUE}/new", data=form).text
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    target = next(p for p in (root / "2024-03/items").iterdir() if p.name.startswith("02-"))
    assert XSS in target.read_text("utf-8") and ".." not in target.name and "/" not in target.name


# --- 删除, the bin, 恢复 -----------------------------------------------------------------------------------------


def test_a_deleted_item_goes_to_the_bin_and_comes_back_byte_for_byte(studio, tmp_path):
    original = item("工作简讯", "乙").replace("\n", "\r\n").encode("gbk")
    client, _, root = studio(THREE | {"2024-03/items/02-b.md": original})
    page = client.post(f"{ISSUE}/delete", data=card_form(client, "02-b.md")).text
    assert "已把“乙”（02-b.md）移到" in page and "撤销（恢复）" in page
    assert not (root / "2024-03/items/02-b.md").exists()
    assert (root / "2024-03" / BIN_DIR / "02-b.md").read_bytes() == original
    assert "乙" not in printed_titles(root, tmp_path)
    assert "回收站（1）" in client.get(ISSUE).text
    bin_page = re.sub(r"\s+", " ", client.get(f"{ISSUE}/bin").text)
    row = bin_page.split('<tr data-name="02-b.md">')[1].split("</tr>")[0]
    assert "<td>乙</td>" in row and "<td>工作简讯</td>" in row and re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", row)
    restore = re.search(r'name="csrf" value="([^"]+)"', bin_page).group(1)
    page = client.post(f"{ISSUE}/bin/restore", data={"csrf": restore, "name": "02-b.md"}).text
    assert "已从回收站恢复 02-b.md" in page and "改用了" not in page
    assert (root / "2024-03/items/02-b.md").read_bytes() == original
    assert cards(client, "工作简讯") == ["01-gaizao.md", "02-b.md", "03-c.md"] and "回收站是空的" in client.get(f"{ISSUE}/bin").text


def test_the_undo_in_the_notice_restores_the_deleted_item(studio):
    client, _, root = studio(THREE)
    before = snapshot(root)
    page = client.post(f"{ISSUE}/delete", data=card_form(client, "03-c.md")).text
    undo = page.split('class="done undo"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', undo))
    assert client.post(f"{ISSUE}/bin/restore", data=fields).status_code == 200
    assert snapshot(root) == before


def test_a_restore_whose_name_is_taken_gets_a_new_name_and_loses_nothing(studio):
    client, session, root = studio(THREE)
    deleted = (root / "2024-03/items/02-b.md").read_bytes()
    client.post(f"{ISSUE}/delete", data=card_form(client, "02-b.md"))
    (root / "2024-03/items/02-b.md").write_text(item("工作简讯", "同名的新稿件"), "utf-8")
    page = client.post(f"{ISSUE}/bin/restore", data={"csrf": session.csrf, "name": "02-b.md"}).text
    assert "已从回收站恢复 02-b-2.md（原来的文件名已被占用，改用了这个名字）" in page
    assert (root / "2024-03/items/02-b-2.md").read_bytes() == deleted
    assert "同名的新稿件" in (root / "2024-03/items/02-b.md").read_text("utf-8")


def test_deleting_an_item_changed_since_the_page_was_made_is_refused(studio):
    client, _, root = studio(THREE)
    form = card_form(client, "02-b.md")
    (root / "2024-03/items/02-b.md").write_text(item("工作简讯", "乙改"), "utf-8")
    before = snapshot(root)
    response = client.post(f"{ISSUE}/delete", data=form)
    assert response.status_code == 409 and "没有删除" in response.text and snapshot(root) == before


def test_restoring_a_name_not_in_the_bin_is_not_found(studio):
    client, session, _ = studio()
    response = client.post(f"{ISSUE}/bin/restore", data={"csrf": session.csrf, "name": "01-gaizao.md"})
    assert response.status_code == 404


def test_the_bin_page_shows_markup_as_text(studio):
    client, _, root = studio({"2024-03/items/02-x.md": f"---\nsection: 工作简讯\ntitle: '{XSS}'\n---\n正文。\n"})
    client.post(f"{ISSUE}/delete", data=card_form(client, "02-x.md"))
    page = client.get(f"{ISSUE}/bin").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- import by upload ----------------------------------------------------------------------------------------


def submission_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("东岭区：新建就业帮扶车间5个")
    document.add_paragraph("8月以来,全区新建车间5个，吸纳就业120人。")  # a half-width comma: check finds it
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "车间", "吸纳就业（人）"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "全区合计"  # Markdown cannot merge: said on the page
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, session, *files, section="区县动态", source="东岭区人社局"):
    data = {"csrf": session.csrf, "section": section, "source": source}
    return client.post(f"{ISSUE}/upload", data=data, files=[("files", f) for f in files])


def test_an_uploaded_docx_becomes_the_item_import_makes_and_its_findings_and_losses_are_shown(studio, series, tmp_path):
    client, session, root = studio(follow_redirects=False)
    response = upload(client, session, ("东岭区来稿.docx", submission_docx(), "application/octet-stream"))
    assert response.status_code == 303 and response.headers["location"] == f"{ISSUE}#notices"
    target = root / "2024-03/items/02-东岭区-新建就业帮扶车间5个.md"
    twin = tmp_path / "twin.docx"
    twin.write_bytes(submission_docx())
    cli = tmp_path / "cli"
    import shutil

    shutil.copytree(root, cli)
    (cli / "2024-03/items" / target.name).unlink()
    by_cli = services.import_submission(twin, cli / "2024-03", "区县动态", "东岭区人社局")
    assert target.read_bytes() == by_cli.target.read_bytes()  # the same item zhuanbao import writes
    page = re.sub(r"\s+", " ", client.get(ISSUE).text)
    notice = page.split('id="notices"')[1].split("</section>")[0]
    assert "导入到【区县动态】的结果" in notice and "东岭区来稿.docx" in notice
    assert f'href="/issue/2024-03/item/{_quoted(target.name)}"' in notice
    assert "注意：第 8 行的表格：Markdown 表格不能合并单元格，合并的单元格写在它的第一格，其余留空：原表第2行第1—2列合并的“全区合计”" in notice
    assert "[halfwidth-punct]" in notice and "第 6 行" in notice


def _quoted(name: str, safe: str = "/") -> str:
    from urllib.parse import quote

    return quote(name, safe=safe)


@pytest.mark.parametrize("name, data, message", [
    ("报告.docx", b"MZ\x90\x00\x03\x00\x00\x00" * 200, "“报告.docx”的扩展名是 .docx，内容却不是Word 文档"),
    ("照片.docx", None, "“照片.docx”是一个压缩包，但其中没有 word/document.xml"),
    ("稿件.txt", b"PK\x03\x04" + b"\x00" * 100, "“稿件.txt”的扩展名是 .txt，内容却是"),
    ("程序.exe", b"MZ", "“程序.exe”不是可以导入的文件"),
])  # fmt: skip
def test_a_mislabelled_upload_is_refused_naming_the_file_and_writes_nothing(studio, name, data, message):
    client, session, root = studio()
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("photo.jpg", b"\xff\xd8\xff")
        data = buffer.getvalue()
    before = snapshot(root)
    response = upload(client, session, (name, data, "application/octet-stream"))
    assert response.status_code == 400 and message in html.unescape(response.text) and "没有导入任何稿件" in response.text
    assert snapshot(root) == before


def test_an_oversized_upload_is_refused_before_anything_is_read(studio):
    client, session, root = studio()
    before = snapshot(root)
    response = upload(client, session, ("大.docx", b"PK\x03\x04" + b"\x00" * MAX_BODY, "application/octet-stream"))
    assert response.status_code == 413 and "20 MB" in response.text
    assert snapshot(root) == before


def test_several_files_at_once_each_imported_or_refused_on_its_own(studio):
    client, session, root = studio()
    response = upload(client, session, ("甲.txt", "甲区来稿\n正文一。\n".encode("gbk"), "text/plain"),
                      ("乙.docx", b"not a zip", "application/octet-stream"),
                      ("丙.md", "# 丙区来稿\n\n正文三。\n".encode(), "text/markdown"))  # fmt: skip
    assert response.status_code == 200
    notice = re.sub(r"\s+", " ", response.text).split('id="notices"')[1].split("</section>")[0]
    assert "甲.txt</strong> →" in notice and "丙.md</strong> →" in notice and "乙.docx</strong>：没有导入" in notice
    names = sorted(p.name for p in (root / "2024-03/items").iterdir())
    assert names == ["01-gaizao.md", "02-甲区来稿.md", "03-丙区来稿.md"]
    assert "source: 东岭区人社局" in (root / "2024-03/items/02-甲区来稿.md").read_text("utf-8")


def test_a_file_name_is_never_a_path_only_the_title_of_a_one_paragraph_submission(studio):
    client, session, root = studio()
    before = snapshot(root)
    response = upload(client, session, ("../../../series.yaml.txt", "一段话的稿件。\n".encode(), "text/plain"),
                      ("..\\..\\东岭区<script>来稿.txt", "也是一段。\n".encode(), "text/plain"), source="")  # fmt: skip
    assert response.status_code == 200
    assert sorted(set(snapshot(root)) - set(before)) == ["2024-03/items/02-series.yaml.md", "2024-03/items/03-东岭区-script-来稿.md"]
    assert all(snapshot(root)[name] == data for name, data in before.items())  # series.yaml and the rest untouched
    assert "title: series.yaml\n" in (root / "2024-03/items/02-series.yaml.md").read_text("utf-8")
    assert "title: 东岭区<script>来稿\n" in (root / "2024-03/items/03-东岭区-script-来稿.md").read_text("utf-8")
    assert "<script>来稿" not in response.text and "东岭区&lt;script&gt;来稿" in response.text  # shown as text


def test_an_upload_into_a_section_the_series_lacks_or_without_a_file_is_refused(studio):
    client, session, root = studio()
    before = snapshot(root)
    response = upload(client, session, ("甲.txt", "标题\n正文。\n".encode(), "text/plain"), section="工作动向")
    assert response.status_code == 400 and "栏目“工作动向”不在本刊的栏目中" in response.text
    response = client.post(f"{ISSUE}/upload", data={"csrf": session.csrf, "section": "工作简讯"})
    assert response.status_code == 400 and "没有选择文件" in response.text
    assert snapshot(root) == before


def test_pages_let_a_browser_name_their_origin_on_a_post(studio):
    """With Referrer-Policy: no-referrer, Chromium posts every form with "Origin: null", which the guard
    refuses as cross-site: no form could be sent from a real browser (found with Playwright)."""
    client, session, root = studio()
    assert client.get(ISSUE).headers["referrer-policy"] == "same-origin"
    same = client.post(f"{ISSUE}/move", data=card_form(client, "01-gaizao.md") | {"action": "up"},
                       headers={"origin": BASE, "sec-fetch-site": "same-origin"})  # fmt: skip
    assert same.status_code == 200


@pytest.mark.parametrize("path", ["/issue/2099-01/new", "/issue/2099-01/bin", "/issue/%2e%2e/bin", "/issue/..%2F..%2Fetc/new"])
def test_the_pages_of_an_issue_that_is_not_there_are_not_found(studio, path):
    client, _, _ = studio()
    response = client.get(path)
    assert response.status_code == 404 and "找不到" in response.text


def test_the_bin_and_the_add_form_are_pages_of_their_issue(studio):
    client, _, _ = studio()
    for path in (f"{ISSUE}/bin", f"{ISSUE}/new"):
        response = client.get(path)
        assert response.status_code == 200 and 'href="/issue/2024-03">2024年第3期（总第20期）</a>' in response.text
    assert "回收站是空的" in client.get(f"{ISSUE}/bin").text


# --- links: what leads out of the series is never read, moved or written through --------------------------


def secret_item(tmp_path: Path) -> Path:
    secret = tmp_path / "机密" / "名单.md"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("---\nsection: 区县动态\ntitle: 机密标题\n---\n机密正文。\n", "utf-8")
    return secret


def test_an_item_linking_out_of_the_series_is_a_problem_on_its_card_never_read_nor_moved(studio, tmp_path):
    secret = secret_item(tmp_path)
    client, _, root = studio(THREE | {"2024-03/items/05-e.md": item("区县动态", "戊")})
    link = root / "2024-03/items/99-link.md"
    link.symlink_to(secret)
    page = re.sub(r"\s+", " ", client.get(ISSUE).text)
    assert "机密" not in page
    card = page.split('data-name="99-link.md"')[1].split("</p>")[0]  # its title, findings and note
    assert card.count("稿件是一个链接，指向series文件夹之外，不会读取") == 1  # the page's own and check's: said once
    assert "<form" not in card and "href=" not in card  # nothing to open, move or delete
    response = client.post(f"{ISSUE}/move", data=card_form(client, "04-d.md") | {"action": "down"})
    assert response.status_code == 200 and cards(client, "区县动态") == ["05-e.md", "04-d.md"]
    assert link.is_symlink() and secret.read_text("utf-8") == "---\nsection: 区县动态\ntitle: 机密标题\n---\n机密正文。\n"
    before = snapshot(root)
    for route in ("move", "delete"):
        form = card_form(client, "04-d.md") | {"name": "99-link.md", "action": "up", "section": "区县动态"}
        refused = client.post(f"{ISSUE}/{route}", data=form)
        assert refused.status_code == 404 and "“99-link.md”是一个链接，指向“series”文件夹之外" in refused.text
        assert "机密" not in refused.text
    assert snapshot(root) == before and link.is_symlink()


def test_nothing_is_written_into_an_items_folder_linking_out_of_the_series(studio, tmp_path):
    client, session, root = studio()
    elsewhere = tmp_path / "同事的文件夹"
    (root / "2024-03/items").rename(elsewhere)
    (root / "2024-03/items").symlink_to(elsewhere, target_is_directory=True)
    outside = sorted(p.name for p in elsewhere.iterdir())
    page = client.get(ISSUE).text
    assert "测试区完成老旧小区改造" not in page and "稿件所在的文件夹是一个链接，指向series文件夹之外，不会读取" in page
    refusal = "稿件文件夹“items”是一个链接，指向series文件夹之外，不会往那里写入任何稿件"
    added = client.post(f"{ISSUE}/new", data={"csrf": session.csrf, "section": "工作简讯", "title": "新", "source": "",
                                              "body": "正文。"})  # fmt: skip
    assert added.status_code == 400 and refusal in html.unescape(added.text)
    uploaded = upload(client, session, ("甲.txt", "甲区来稿\n正文。\n".encode(), "text/plain"))
    assert uploaded.status_code == 400 and refusal in html.unescape(uploaded.text)
    assert sorted(p.name for p in elsewhere.iterdir()) == outside


def test_the_bin_never_reads_moves_into_or_restores_through_a_link_out_of_the_series(studio, tmp_path):
    secret = secret_item(tmp_path)
    client, session, root = studio(THREE)
    elsewhere = tmp_path / "别处的回收站"
    elsewhere.mkdir()
    (root / "2024-03" / BIN_DIR).symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(root)
    response = client.post(f"{ISSUE}/delete", data=card_form(client, "02-b.md"))
    assert response.status_code == 400 and "回收站文件夹“.回收站”是一个链接，指向series文件夹之外" in html.unescape(response.text)
    assert snapshot(root) == before and list(elsewhere.iterdir()) == []
    (elsewhere / "08-x.md").write_text(item("工作简讯", "别处的稿件"), "utf-8")
    bin_page = client.get(f"{ISSUE}/bin").text
    assert "回收站文件夹“.回收站”是一个链接，指向series文件夹之外，不会读取" in html.unescape(bin_page)
    assert "08-x.md" not in bin_page and "别处的稿件" not in bin_page
    assert re.search(r'id="open-bin"[^>]*>回收站</a>', client.get(ISSUE).text)  # no count of what is not read
    (root / "2024-03" / BIN_DIR).unlink()
    (root / "2024-03" / BIN_DIR).mkdir()
    (root / "2024-03" / BIN_DIR / "07-link.md").symlink_to(secret)
    bin_page = re.sub(r"\s+", " ", client.get(f"{ISSUE}/bin").text)
    row = bin_page.split('<tr data-name="07-link.md">')[1].split("</tr>")[0]
    assert "是指向刊物文件夹之外的链接，不会读取，也不能恢复" in row and "恢复</button>" not in row and "机密" not in bin_page
    restored = client.post(f"{ISSUE}/bin/restore", data={"csrf": session.csrf, "name": "07-link.md"})
    assert restored.status_code == 404 and "是一个链接" in restored.text
    assert not (root / "2024-03/items/07-link.md").exists()


def test_a_link_inside_the_series_is_read_but_never_rewritten_and_is_binned_as_a_link(studio):
    shared = item("区县动态", "共用稿件")
    client, session, root = studio(THREE | {"shared/通用.md": shared})
    link = root / "2024-03/items/05-link.md"
    link.symlink_to(root / "shared/通用.md")
    assert cards(client, "区县动态") == ["04-d.md", "05-link.md"] and "共用稿件" in client.get(ISSUE).text
    before = snapshot(root)
    moved = client.post(f"{ISSUE}/move", data=card_form(client, "05-link.md") | {"action": "up"})
    assert moved.status_code == 400 and "稿件 05-link.md 是一个链接，指向刊物文件夹中的 shared/通用.md；编辑器不改写链接，这次没有移动" in moved.text
    assert snapshot(root) == before and link.is_symlink()
    page = client.get(f"{ISSUE}/item/05-link.md").text
    assert 'id="item-linked"' in page and "shared/通用.md" in page and re.search(r"<button type=\"submit\" disabled>保存", page)
    sha = re.search(r'name="sha256" value="([^"]+)"', page).group(1)
    saved = client.post(f"{ISSUE}/item/05-link.md", data={"csrf": session.csrf, "sha256": sha, "section": "区县动态",
                                                           "title": "改过", "source": "", "body": "改过的正文。"})  # fmt: skip
    assert saved.status_code == 400 and "编辑器不改写链接，没有保存" in saved.text
    assert link.is_symlink() and (root / "shared/通用.md").read_text("utf-8") == shared
    client.post(f"{ISSUE}/delete", data=card_form(client, "05-link.md"))
    binned = root / "2024-03" / BIN_DIR / "05-link.md"
    assert binned.is_symlink() and not link.exists() and binned.read_text("utf-8") == shared  # the link, not a copy
    client.post(f"{ISSUE}/bin/restore", data={"csrf": session.csrf, "name": "05-link.md"})
    assert link.is_symlink() and link.resolve() == (root / "shared/通用.md").resolve()


def test_an_item_no_encoding_reads_is_a_problem_on_its_card_and_can_be_deleted(studio):
    client, _, root = studio({"2024-03/items/06-bad.md": b"\x00\xff\xfe\x00" * 200})
    page = client.get(ISSUE)
    assert page.status_code == 200
    card = page.text.split('data-name="06-bad.md"')[1].split("</li>")[0]
    assert 'class="error"' in card
    assert client.post(f"{ISSUE}/delete", data=card_form(client, "06-bad.md")).status_code == 200
    assert (root / "2024-03" / BIN_DIR / "06-bad.md").is_file()


# --- names with # and ? -------------------------------------------------------------------------------------


def test_an_item_whose_name_holds_a_hash_is_saved_and_opened_again(studio):
    client, session, root = studio(follow_redirects=False)
    form = {"csrf": session.csrf, "section": "工作简讯", "title": "东岭区安置房1#楼主体封顶", "source": "", "body": "正文。"}
    added = client.post(f"{ISSUE}/new", data=form)
    name = "02-东岭区安置房1#楼主体封顶.md"
    assert (root / "2024-03/items" / name).is_file() and added.headers["location"] == f"{ISSUE}#item-{_quoted(name, '')}"
    url = f"{ISSUE}/item/{_quoted(name, '')}"
    page = client.get(url).text
    sha = re.search(r'name="sha256" value="([^"]+)"', page).group(1)
    saved = client.post(url, data=form | {"sha256": sha, "body": "改过的正文。"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?saved=1"
    again = client.get(saved.headers["location"])
    assert again.status_code == 200 and "已保存。" in again.text and "改过的正文。" in again.text
    moved = client.post(f"{ISSUE}/move", data=card_form(client, name) | {"action": "up"})
    assert moved.headers["location"] == f"{ISSUE}#item-{_quoted(name, '')}"


# --- how many files an upload takes ------------------------------------------------------------------------


def test_more_files_than_an_upload_takes_are_refused_saying_how_many_and_nothing_is_imported(studio):
    client, session, root = studio()
    assert client.get(ISSUE).text.count('data-max-files="20"') == 4  # items.js says so before sending
    before = snapshot(root)
    files = [(f"{n}.txt", f"第{n}区来稿\n正文。\n".encode(), "text/plain") for n in range(21)]
    response = upload(client, session, *files)
    assert response.status_code == 400 and "一次最多导入 20 个文件" in response.text and "没有导入任何文件" in response.text
    assert snapshot(root) == before
    assert upload(client, session, *files[:20]).status_code == 200  # twenty is fine
    assert len(list((root / "2024-03/items").iterdir())) == 21


# --- the studio's words, not the command line's --------------------------------------------------------------


def test_import_results_and_a_word_file_in_items_say_what_to_do_in_the_browser(studio):
    client, session, _ = studio({"2024-03/items/东岭区来稿.docx": submission_docx()})
    page = re.sub(r"\s+", " ", client.get(ISSUE).text)
    assert "“东岭区来稿.docx”不是 .md 文件，不会排入专报" in page and "拖到本期页面的栏目上导入" in page
    done = upload(client, session, ("来稿.txt", "东岭区来稿\n8月以来,全区新建车间5个。\n".encode(), "text/plain"))
    notice = re.sub(r"\s+", " ", done.text).split('id="notices"')[1].split("</section>")[0]
    assert "[halfwidth-punct]" in notice and "一键修正" in notice and 'href="/issue/2024-03/item/02-' in notice
    one = upload(client, session, (".txt", "只有一段话。\n".encode(), "text/plain"))
    assert one.status_code == 400 and "稿件只有一段，无法把首段当作标题" in one.text and "新增稿件" in one.text
    for shown in (page, notice, one.text, client.get(f"{ISSUE}/item/01-gaizao.md").text):
        assert "zhuanbao" not in shown.replace("zhuanbao-", "") and "--fix" not in shown and "--title" not in shown


def test_the_command_line_keeps_its_own_words(series, tmp_path):
    from zhuanbao import services as use_cases
    from zhuanbao.importer import import_submission

    root = series({"2024-03/items/来稿.docx": submission_docx()})
    stray = next(f for f in use_cases.check(root).findings if f.rule == "not-an-item")
    assert stray.hint == "Word 稿件请用 zhuanbao import 导入"
    one = tmp_path / "一段.txt"
    one.write_text("只有一段话。\n", "utf-8")
    with pytest.raises(Exception) as refused:
        import_submission(one, root / "2024-03", "工作简讯")
    assert "请用 --title 指定标题" in str(refused.value)


# --- each finding said once, with its line once ----------------------------------------------------------------


def test_a_series_yaml_error_is_said_once_on_the_issue_page_and_on_a_refused_new_issue(studio):
    client, session, root = studio()
    (root / "series.yaml").write_text(SERIES_BROKEN, "utf-8")
    for response in (client.get(ISSUE), client.post("/new-issue", data={"csrf": session.csrf})):
        assert html.unescape(response.text).count("方括号 [ ] 没有闭合") == 1, response.url


def test_one_missing_table_file_named_by_two_tables_is_said_once(studio):
    tables = "".join(f"  - id: {i}\n    title: 表{i}\n    file: tables/进度.csv\n    section: 工作简讯\n" for i in "ab")
    client, _, _ = studio({"2024-03/issue.yaml": f"number: 3\ndate: 2024-03-15\ntotal: 20\ntables:\n{tables}"})
    others = client.get(ISSUE).text.split("本期的其他问题")[1].split("</section>")[0]
    assert others.count("表格文件不存在") == 1


def test_a_front_matter_that_cannot_be_read_counts_in_the_summary_of_the_whole_file_view(studio):
    client, _, _ = studio({"2024-03/items/02-x.md": "---\nsection: [工作简讯\ntitle: 甲\n---\n正文。\n"})
    page = re.sub(r"\s+", " ", client.get(f"{ISSUE}/item/02-x.md").text)
    summary = page.split('id="check-summary"')[1].split("</p>")[0]
    assert "1 个错误" in summary and "没有发现问题" not in summary and "方括号 [ ] 没有闭合" in page
