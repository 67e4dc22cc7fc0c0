"""The studio's 本期设置 and indicator tables over HTTP, on real series folders: the settings form, uploads
(checked by content), attaching, editing and removing a table, the table computed as printed, and the bad
cases — a mislabelled or oversized upload, a name steering out of the folder, markup in a title or a cell,
a stale save, a POST without this session's CSRF token — and a table attached through the form printed in
the built document."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
import io
import re
from pathlib import Path

import pytest

from tests.test_load_tables import save_book
from tests.test_studio_http import text
from zhuanbao import services
from zhuanbao.studio.guard import MAX_BODY

ISSUE = "/issue/2024-03"
CSV = "区县,目标,完成\n东岭区,10,8\n溪口区,20,19\n青禾县,30,3\n"


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    return save_book(io.BytesIO(), sheets).getvalue()


def sha_of(root: Path) -> str:
    return hashlib.sha256((root / "2024-03" / "issue.yaml").read_bytes()).hexdigest()


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def upload(client, session, name: str, data: bytes, **options):
    return client.post(f"{ISSUE}/tables/upload", data={"csrf": session.csrf}, files={"file": (name, data)}, **options)


TABLE = {"id": "progress", "file": "tables/进度.csv", "title": "各区县改造进度", "section": "工作简讯",
         "target": "目标", "actual": "完成", "decimals": "1", "total": "1", "rank": "1", "as_of": "2024-03-10"}  # fmt: skip


def attach(client, session, root, follow_redirects=True, **change):
    return client.post(f"{ISSUE}/tables/new", data={"csrf": session.csrf, "sha256": sha_of(root), **TABLE, **change},
                       follow_redirects=follow_redirects)


# --- 本期设置 -------------------------------------------------------------------------------------------------


def test_the_issue_page_has_the_settings_button_and_the_tables(studio):
    client, _, _ = studio({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntotal: 20\ntables:\n  - id: a\n"
                           "    file: tables/进度.csv\n    title: 进度表\n    section: 附件\n",
                           "2024-03/tables/进度.csv": CSV})  # fmt: skip
    page = client.get(ISSUE).text
    assert 'id="issue-settings-button" href="/issue/2024-03/settings"' in page
    assert 'href="/issue/2024-03/table/a">进度表</a>' in page and "tables/进度.csv" in page
    assert 'id="table-upload"' in page and 'enctype="multipart/form-data"' in page


def test_the_settings_form_shows_the_values_and_what_applies_when_left_empty(studio):
    client, _, _ = studio()
    page = text(client.get(f"{ISSUE}/settings"))
    assert 'name="number" value="3"' in page and 'name="total" value="20"' in page
    assert 'name="date" value="2024-03-15"' in page and "2024年3月15日" in page
    assert "留空时用刊物的设置：内部资料" in page and "留空时用刊物的设置：60 份" in page
    assert "报：市委书记、市长，市委副书记" in page  # the series' distribution, for 本期加送


def test_saving_settings_rewrites_only_the_changed_lines(studio):
    client, session, root = studio({"2024-03/issue.yaml": "# 第3期\nnumber: 3   # 期号\ndate: 2024-03-15\ntotal: 20\n"})
    form = {"csrf": session.csrf, "sha256": sha_of(root), "number": "3", "total": "20", "date": "2024-03-18",
            "marks": "内部资料\n注意保存", "copies": "", "extra_distribution": "送：市纪委监委\n送：市审计局"}  # fmt: skip
    response = client.post(f"{ISSUE}/settings", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{ISSUE}/settings?saved=1"
    assert (root / "2024-03" / "issue.yaml").read_text("utf-8") == (
        "# 第3期\nnumber: 3   # 期号\ndate: 2024-03-18\ntotal: 20\nextra_distribution:\n  送: [市纪委监委, 市审计局]\n"
        "marks: [内部资料, 注意保存]\n"
    )  # fmt: skip
    assert "已保存" in client.get(response.headers["location"]).text


@pytest.mark.parametrize("change, field, message", [
    ({"number": "九"}, "number", "期号应为整数"),
    ({"number": "4"}, "number", "与文件夹名“2024-03”（第3期）不一致"),
    ({"date": "2025-03-15"}, "date", "（2024年）不一致"),
    ({"date": "2024-02-30"}, "date", "不存在"),
    ({"copies": "0"}, "copies", "应不小于 1"),
    ({"extra_distribution": "市纪委监委"}, "extra_distribution", "应写成“标签：单位”"),
])  # fmt: skip
def test_a_settings_error_stands_next_to_its_field_and_nothing_is_written(studio, change, field, message):
    client, session, root = studio()
    before = (root / "2024-03" / "issue.yaml").read_bytes()
    form = {"csrf": session.csrf, "sha256": sha_of(root), "number": "3", "total": "20", "date": "2024-03-15",
            "marks": "", "copies": "", "extra_distribution": "", **change}  # fmt: skip
    response = client.post(f"{ISSUE}/settings", data=form)
    assert response.status_code == 400
    page = text(response)
    block = page.split(f'name="{field}"')[1].split('<div class="pair">')[0]  # the field and what follows it
    assert message in block
    assert (root / "2024-03" / "issue.yaml").read_bytes() == before
    assert 'value="' + form[field].replace("\n", " ") in page or field in ("extra_distribution",)  # typed value kept


def test_a_stale_settings_save_shows_both_versions_and_keeping_mine_writes_it(studio):
    client, session, root = studio()
    loaded = sha_of(root)
    path = root / "2024-03" / "issue.yaml"
    path.write_text(path.read_text("utf-8") + "copies: 90  # 同事加印\n", "utf-8")
    form = {"csrf": session.csrf, "sha256": loaded, "number": "3", "total": "21", "date": "2024-03-15",
            "marks": "", "copies": "90", "extra_distribution": ""}  # fmt: skip
    response = client.post(f"{ISSUE}/settings", data=form)
    assert response.status_code == 409 and "同事加印" in response.text and "你的修改" in response.text
    assert "total: 20" in path.read_text("utf-8")
    again = {k: hidden(response.text, k) for k in ("sha256", "number", "total", "date", "copies")}
    kept = client.post(f"{ISSUE}/settings", data={**form, **again}, follow_redirects=False)
    assert kept.status_code == 303
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 21\ncopies: 90  # 同事加印\n"


# --- uploads ---------------------------------------------------------------------------------------------------


def test_an_uploaded_csv_goes_into_tables_and_opens_the_attach_form(studio):
    client, session, root = studio()
    response = upload(client, session, "进度.csv", CSV.encode("gbk"), follow_redirects=False)
    assert response.status_code == 303 and "/tables/new?file=tables%2F" in response.headers["location"]
    assert (root / "2024-03" / "tables" / "进度.csv").read_bytes() == CSV.encode("gbk")
    page = text(client.get(response.headers["location"]))
    assert "已上传为 tables/进度.csv" in page and 'name="id" value="table"' in page
    for column in ("区县", "目标", "完成"):
        assert f'<option value="{column}">{column}</option>' in page


def test_an_xlsx_offers_its_sheets_and_the_chosen_sheets_columns(studio):
    client, session, root = studio()
    data = xlsx({"汇总": [["说明"]], "就业车间": [["区县", "目标（个）", "完成（个）"], ["东岭区", 5, 4]]})
    location = upload(client, session, "jiuye2024.xlsx", data, follow_redirects=False).headers["location"]
    page = text(client.get(location))
    assert '<option value="汇总" selected>汇总</option><option value="就业车间">就业车间</option>' in page
    assert 'name="id" value="jiuye2024"' in page and "目标（个）" not in page  # the first sheet's header: 说明
    page = text(client.get(f"{ISSUE}/tables/new?file=tables/jiuye2024.xlsx&sheet=就业车间"))
    assert '<option value="目标（个）">目标（个）</option>' in page and 'name="sheet" value="就业车间"' in page


def test_a_file_of_the_same_name_is_never_overwritten_and_a_table_can_switch_to_the_new_one(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    assert attach(client, session, root).status_code == 200  # (follows to the table page)
    newer = CSV.replace("10,8", "10,10")
    response = upload(client, session, "进度.csv", newer.encode("utf-8"))
    page = text(response)
    assert (root / "2024-03" / "tables" / "进度.csv").read_text("utf-8") == CSV  # kept as it was
    assert (root / "2024-03" / "tables" / "进度 (2).csv").read_text("utf-8") == newer
    assert "原有的同名文件 tables/进度.csv 内容不同，已原样保留" in page and "改用 tables/进度 (2).csv" in page
    switch = re.search(r'href="(/issue/2024-03/table/progress/edit\?[^"]+)"', response.text).group(1).replace("&amp;", "&")
    form_page = client.get(switch).text
    assert 'name="file" value="tables/进度 (2).csv"' in form_page
    same = upload(client, session, "进度.csv", CSV.encode("utf-8"))
    assert "内容完全相同" in same.text and len(list((root / "2024-03" / "tables").iterdir())) == 2


@pytest.mark.parametrize("name, data, message", [
    ("进度.csv", xlsx({"表": [["a"]]}), "扩展名是 .csv，内容却是 Excel 表格"),
    ("进度.xlsx", CSV.encode("utf-8"), "扩展名是 .xlsx，内容却不是 Excel 表格"),
    ("进度.xlsx", b"PK\x03\x04" + b"\x00" * 200, "不是 Excel 表格"),
    ("进度.csv", bytes(range(128, 256)) * 40, "不是文本表格"),
    ("进度.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
    ("进度.xls", b"a,b\n", "另存为 .xlsx"),
    ("进度.docx", b"a,b\n", "不是表格文件"),
    ("进度.xls", b"<html><table><tr><td>1</td></tr></table></html>", "网页（HTML）表格"),
    ("进度.ods", xlsx({"表": [["a"]]}), "扩展名是 .ods，内容却是 Excel 表格（.xlsx）"),
    ("进度.csv", b"", "空文件"),
])  # fmt: skip
def test_a_mislabelled_or_unreadable_upload_is_refused_in_chinese(studio, name, data, message):
    client, session, root = studio()
    response = upload(client, session, name, data)
    assert response.status_code == 400 and message in response.text and "没有上传" in response.text
    assert not (root / "2024-03" / "tables").exists() or not any((root / "2024-03" / "tables").iterdir())


def test_an_oversized_upload_is_refused(studio):
    client, session, root = studio()
    response = upload(client, session, "进度.csv", b"a,b\n" + b"1,2\n" * (MAX_BODY // 4))
    assert response.status_code == 413 and "20 MB" in response.text
    assert not (root / "2024-03" / "tables").exists()


@pytest.mark.parametrize("name", ["../../series.csv", "..\\..\\series.csv", "C:\\Users\\x\\series.csv", "C:series.csv",
                                  "/etc/series.csv", "../items/series.csv"])  # fmt: skip
def test_a_name_with_a_path_or_drive_is_saved_inside_tables_under_its_own_name(studio, name):
    client, session, root = studio()
    response = upload(client, session, name, CSV.encode("utf-8"), follow_redirects=False)
    assert response.status_code == 303
    made = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.csv"))
    assert made == ["2024-03/tables/series.csv"]


def test_an_upload_without_a_file_is_refused(studio):
    client, session, _ = studio()
    response = client.post(f"{ISSUE}/tables/upload", data={"csrf": session.csrf}, files={"other": ("x", b"")})
    assert response.status_code == 400 and "请先选择要上传的表格文件" in response.text


# --- attaching, the computed table, editing, removing ----------------------------------------------------------


def test_an_attached_table_shows_as_the_document_prints_it(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    response = attach(client, session, root, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{ISSUE}/table/progress?saved=1"
    page = text(client.get(response.headers["location"]))
    header = re.findall(r'<th scope="col">(.*?)</th>', page)
    assert header == ["区县", "目标", "完成", "完成率", "状态", "排名"]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page.split("<tbody>")[1])]
    assert rows == [["东岭区", "10", "8", "80.0%", "正常", "2"], ["溪口区", "20", "19", "95.0%", "正常", "1"],
                    ["青禾县", "30", "3", "10.0%", "滞后", "3"], ["合计", "60", "30", "50.0%", "正常", ""]]  # fmt: skip
    assert "注：统计截至2024年3月10日，时间进度19.1%。" in page  # 69 of 366 days
    assert (root / "2024-03" / "issue.yaml").read_text("utf-8").endswith(
        "tables:\n  - id: progress\n    file: tables/进度.csv\n    title: 各区县改造进度\n    section: 工作简讯\n"
        "    target: 目标\n    actual: 完成\n    rank: true\n    as_of: 2024-03-10\n")  # fmt: skip


def test_a_table_attached_through_the_form_prints_in_the_built_document(studio):
    import docx

    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    assert attach(client, session, root, follow_redirects=False).status_code == 303
    result = services.build(services.BuildRequest(root / "2024-03", root.parent / "output"))
    document = docx.Document(str(result.built[0].path))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    printed = next(t for t in tables if t and t[0][:3] == ["区县", "目标", "完成"])
    assert printed[1] == ["东岭区", "10", "8", "80.0%", "正常", "2"] and printed[-1][:4] == ["合计", "60", "30", "50.0%"]
    assert "各区县改造进度" in "\n".join(p.text for p in document.paragraphs)


def test_a_bad_figure_is_named_at_its_row_and_column_and_marked(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV.replace("20,19", "20,十九")})
    attach(client, session, root)
    page = text(client.get(f"{ISSUE}/table/progress"))
    assert "这张表现在不能印出" in page  # the line said once, beside the file (not “第 3 行 … 第3行”)
    assert '第 3 行</span><span class="file">2024-03/tables/进度.csv</span> <span class="message">“完成”列：完成数“十九”不是数字' in page
    assert '<td class="bad" title="这一格有错误">十九</td>' in page and 'id="printed-table"' not in page


def test_markup_in_a_title_or_a_cell_is_shown_as_text(studio):
    xss = "<script>alert(1)</script>"
    client, session, root = studio({"2024-03/tables/进度.csv": CSV.replace("溪口区", f'"{xss}"')})
    attach(client, session, root, title=f"<img src=x onerror=alert(2)>{xss}")
    for path in (ISSUE, f"{ISSUE}/table/progress", f"{ISSUE}/table/progress/edit", f"{ISSUE}/table/progress/remove"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"{ISSUE}/table/progress").text


def test_editing_a_table_changes_only_its_changed_lines(studio):
    yaml = ("number: 3\ndate: 2024-03-15\ntotal: 20\n# 指标表\ntables:\n  - id: progress   # 勿改代号\n"
            "    file: tables/进度.csv\n    title: 进度\n    section: 附件\n    target: 目标\n    actual: 完成\n")  # fmt: skip
    client, session, root = studio({"2024-03/issue.yaml": yaml, "2024-03/tables/进度.csv": CSV})
    form = form_of(client.get(f"{ISSUE}/table/progress/edit").text, "table-form")
    form |= {"decimals": "2", "as_of": "2024-03-10", "note": "单位：个"}
    assert client.post(f"{ISSUE}/table/progress/edit", data=form, follow_redirects=False).status_code == 303
    assert (root / "2024-03" / "issue.yaml").read_text("utf-8") == yaml + "    as_of: 2024-03-10\n    decimals: 2\n    note: 单位：个\n"
    assert "10.00%" in client.get(f"{ISSUE}/table/progress").text


def test_a_table_form_error_stands_next_to_its_field(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    before = (root / "2024-03" / "issue.yaml").read_bytes()
    response = attach(client, session, root, id="9号表", as_of="2024-04-01")
    assert response.status_code == 400
    page = text(response)
    assert "只能由英文字母、数字和下划线组成" in page.split('name="id"')[1].split('<div class="pair">')[0]
    assert (root / "2024-03" / "issue.yaml").read_bytes() == before
    response = attach(client, session, root, as_of="2024-04-01")
    assert "晚于本期日期" in text(response).split('name="as_of"')[1].split('<div class="pair">')[0]


def test_removing_a_table_keeps_its_file_and_the_last_takes_the_key(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root)
    confirm = client.get(f"{ISSUE}/table/progress/remove").text
    assert "不会删除" in confirm and "tables/进度.csv" in confirm
    response = client.post(f"{ISSUE}/table/progress/remove", data={"csrf": session.csrf, "sha256": hidden(confirm, "sha256")},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert (root / "2024-03" / "issue.yaml").read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 20\n"
    assert (root / "2024-03" / "tables" / "进度.csv").is_file()
    assert client.get(f"{ISSUE}/table/progress").status_code == 404


def test_a_stale_table_save_or_removal_is_refused(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root)
    old = sha_of(root)
    path = root / "2024-03" / "issue.yaml"
    path.write_text(path.read_text("utf-8") + "copies: 9\n", "utf-8")
    before = path.read_bytes()
    edit = client.post(f"{ISSUE}/table/progress/edit", data={"csrf": session.csrf, "sha256": old, **TABLE, "title": "新"})
    remove = client.post(f"{ISSUE}/table/progress/remove", data={"csrf": session.csrf, "sha256": old})
    assert edit.status_code == remove.status_code == 409 and "copies: 9" in edit.text
    assert path.read_bytes() == before


@pytest.mark.parametrize("path", [f"{ISSUE}/table/nothere", f"{ISSUE}/table/nothere/edit", f"{ISSUE}/table/nothere/remove",
                                  f"{ISSUE}/table/progress/chart.png", "/issue/..%2F..%2Fetc/settings",
                                  "/issue/2099-01/tables/new"])  # fmt: skip
def test_unknown_tables_and_paths_are_404(studio, path):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root)  # progress has no chart
    assert client.get(path).status_code == 404


def test_a_chart_is_served_when_the_table_asks_for_one(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root, chart="bar")
    response = client.get(f"{ISSUE}/table/progress/chart.png")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert 'src="/issue/2024-03/table/progress/chart.png"' in client.get(f"{ISSUE}/table/progress").text


# --- CSRF on every POST of this part ---------------------------------------------------------------------------

POSTS = ["/settings", "/tables/upload", "/tables/new", "/table/progress/edit", "/table/progress/remove"]


@pytest.mark.parametrize("route", POSTS)
@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_every_post_of_this_part_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(studio, route, csrf):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    data = {"sha256": sha_of(root), **TABLE, "title": "改了", "number": "3", "date": "2024-03-16", "copies": "5"}
    if csrf is not None:
        data["csrf"] = csrf
    response = client.post(f"{ISSUE}{route}", data=data, files={"file": ("x.csv", CSV.encode())} if "upload" in route else None)
    assert response.status_code == 403 and "校验码" in response.text
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


# --- two editors, one issue.yaml: a conflict keeps what each of them changed --------------------------------


class _Form(HTMLParser):
    """What a browser posts from the form ``form_id`` of a page: inputs (checkboxes when checked), the
    selected options, textareas with their line ends as CRLF (as browsers send them)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or a.get("disabled") is not None:
            return
        if tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_of(page: str, form_id: str) -> dict:
    reader = _Form(form_id)
    reader.feed(page)
    fields = dict(reader.fields)
    for name, value in fields.items():  # a textarea's first newline is not its content; browsers send CRLF
        if "\n" in value:
            fields[name] = value.removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")
    return fields


def test_keeping_mine_after_a_conflict_keeps_a_colleagues_change_to_another_field(studio):
    yaml = "number: 3\ndate: 2024-03-15\ntotal: 20\nmarks: [内部资料, 注意保存]\n"
    client, session, root = studio({"2024-03/issue.yaml": yaml})
    path = root / "2024-03" / "issue.yaml"
    a = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
    b = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
    assert a["marks"] == "内部资料\r\n注意保存"
    assert client.post(f"{ISSUE}/settings", data={**a, "copies": "150"}, follow_redirects=False).status_code == 303
    conflict = client.post(f"{ISSUE}/settings", data={**b, "total": "21"})
    assert conflict.status_code == 409
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr data-field="(\w+)" data-whose="(\w*)"', conflict.text)}
    assert rows == {"number": "", "total": "mine", "date": "", "marks": "", "copies": "theirs",
                    "extra_distribution": ""}  # fmt: skip
    copies = text(conflict).split('data-field="copies"')[1].split("</tr>")[0]
    assert "150" in copies and "别人改的" in copies  # on disk now, kept
    kept = client.post(f"{ISSUE}/settings", data=form_of(conflict.text, "keep-mine-form"), follow_redirects=False)
    assert kept.status_code == 303
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 21\ncopies: 150\nmarks: [内部资料, 注意保存]\n"


def test_when_both_changed_one_field_keeping_mine_writes_mine_there_only(studio):
    client, session, root = studio()
    path = root / "2024-03" / "issue.yaml"
    b = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
    path.write_text("number: 3\ndate: 2024-03-15\ntotal: 25  # 同事改的\ncopies: 80\n", "utf-8")
    conflict = client.post(f"{ISSUE}/settings", data={**b, "total": "21"})
    rows = dict(re.findall(r'<tr data-field="(\w+)" data-whose="(\w*)"', conflict.text))
    assert rows["total"] == "both" and rows["copies"] == "theirs"
    client.post(f"{ISSUE}/settings", data=form_of(conflict.text, "keep-mine-form"))
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 21  # 同事改的\ncopies: 80\n"


def test_a_table_form_conflict_keeps_a_colleagues_change_to_another_field_of_the_table(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    attach(client, session, root)
    path = root / "2024-03" / "issue.yaml"
    mine = form_of(client.get(f"{ISSUE}/table/progress/edit").text, "table-form")
    path.write_text(path.read_text("utf-8").replace("    title: 各区县改造进度\n", "    title: 各区县老旧小区改造进度\n"), "utf-8")
    conflict = client.post(f"{ISSUE}/table/progress/edit", data={**mine, "note": "单位：个", "rank": ""})
    assert conflict.status_code == 409
    rows = dict(re.findall(r'<tr data-field="(\w+)" data-whose="(\w*)"', conflict.text))
    assert rows["title"] == "theirs" and rows["note"] == rows["rank"] == "mine" and rows["id"] == ""
    assert client.post(f"{ISSUE}/table/progress/edit", data=form_of(conflict.text, "keep-mine-form"),
                       follow_redirects=False).status_code == 303  # fmt: skip
    written = path.read_text("utf-8")
    assert "title: 各区县老旧小区改造进度" in written and "note: 单位：个" in written and "rank" not in written


# --- a broken issue.yaml, full-width digits, one column twice, the form's own words --------------------------


def test_a_broken_issue_yaml_is_shown_whole_with_its_line_and_can_be_mended(studio):
    broken = "number: 3\ndate: 2024-03-15\ntotal: [37\n"
    client, session, root = studio({"2024-03/issue.yaml": broken.replace("\n", "\r\n").encode("gbk")})
    path = root / "2024-03" / "issue.yaml"
    page = client.get(f"{ISSUE}/settings")
    assert page.status_code == 200
    shown = text(page)
    assert 'id="issue-settings"' not in page.text  # no fields to fill over a file that cannot be read
    assert "issue.yaml 无法读取" in shown and "第 3 行" in shown and "方括号 [ ] 没有闭合" in shown
    assert str(path) in shown and "记事本" in shown
    whole = form_of(page.text, "issue-text")
    assert whole["text"] == broken.replace("\n", "\r\n")
    response = client.post(f"{ISSUE}/settings", data={**whole, "text": whole["text"].replace("[37", "37")},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert path.read_bytes() == "number: 3\r\ndate: 2024-03-15\r\ntotal: 37\r\n".encode("gbk")
    assert 'name="total" value="37"' in client.get(f"{ISSUE}/settings").text  # the fields again


def test_fields_posted_over_an_issue_yaml_broken_meanwhile_say_where_and_keep_what_was_typed(studio):
    client, session, root = studio()
    path = root / "2024-03" / "issue.yaml"
    loaded = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
    path.write_text("number: 3\ndate: 2024-03-15\ntotal: [37\n", "utf-8")
    response = client.post(f"{ISSUE}/settings", data={**loaded, "sha256": sha_of(root), "copies": "150"})
    assert response.status_code == 400
    shown = text(response)
    assert "issue.yaml 无法读取" in shown and "第 3 行" in shown and "方括号 [ ] 没有闭合" in shown
    assert "150" in shown.split('id="typed"')[1]  # what the editor typed is on the page, not lost
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: [37\n"


def test_a_whole_issue_yaml_saved_over_a_colleagues_change_is_refused(studio):
    client, session, root = studio({"2024-03/issue.yaml": "number: 3\ndate: [\n"})
    path = root / "2024-03" / "issue.yaml"
    whole = form_of(client.get(f"{ISSUE}/settings").text, "issue-text")
    path.write_text("number: 3\ndate: 2024-03-15  # 同事修好了\n", "utf-8")
    conflict = client.post(f"{ISSUE}/settings", data={**whole, "text": "number: 3\ndate: 2024-03-16\n"})
    assert conflict.status_code == 409 and "同事修好了" in conflict.text
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15  # 同事修好了\n"


def test_full_width_digits_are_numbers_in_the_settings_and_the_table_form(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    path = root / "2024-03" / "issue.yaml"
    form = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
    response = client.post(f"{ISSUE}/settings", data={**form, "number": "３", "total": "２１", "copies": "１５０",
                                                      "date": "２０２４-０３-１５"}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 21\ncopies: 150\n"
    response = attach(client, session, root, follow_redirects=False, decimals="２", as_of="２０２４-０３-１０")
    assert response.status_code == 303
    assert "    as_of: 2024-03-10\n    decimals: 2\n" in path.read_text("utf-8")


def test_the_same_column_for_target_and_done_is_refused_beside_the_field(studio):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    before = (root / "2024-03" / "issue.yaml").read_bytes()
    response = attach(client, session, root, actual="目标")
    assert response.status_code == 400
    block = text(response).split('id="t-actual"')[1].split('<div class="pair">')[0]
    assert "完成数列与目标数列是同一列" in block
    assert (root / "2024-03" / "issue.yaml").read_bytes() == before


@pytest.mark.parametrize("form, change, field, said, unsaid", [
    ("settings", {"number": "0"}, "number", "期号应不小于 1", "number"),
    ("settings", {"copies": "0"}, "copies", "印数应不小于 1", "copies"),
    ("settings", {"total": "0"}, "total", "总期号应不小于 1", "“total”"),
    ("table", {"id": "9号表"}, "id", "代号只能由英文字母", "tables."),
    ("table", {"as_of": "2024-04-01"}, "as_of", "按统计截止日期计算", "as_of 计算"),
])  # fmt: skip
def test_a_message_beside_a_field_names_it_as_the_form_labels_it(studio, form, change, field, said, unsaid):
    client, session, root = studio({"2024-03/tables/进度.csv": CSV})
    if form == "settings":
        loaded = form_of(client.get(f"{ISSUE}/settings").text, "issue-settings")
        response = client.post(f"{ISSUE}/settings", data={**loaded, **change})
    else:
        response = attach(client, session, root, **change)
    assert response.status_code == 400
    block = text(response).split(f'name="{field}"')[1].split('<div class="pair">')[0]
    found = block.split('<ul class="findings">')[1]
    assert said in found and unsaid not in found


def test_a_message_about_the_file_on_disk_names_the_field_too(studio):
    client, _, _ = studio({"2024-03/issue.yaml": "number: 0\ndate: 2024-03-15\n"})
    block = text(client.get(f"{ISSUE}/settings")).split('name="number"')[1].split('<div class="pair">')[0]
    assert "期号应不小于 1" in block and "“number”" not in block and "第 1 行" in block


def test_a_sheet_named_by_its_index_stays_as_typed_and_a_switch_to_a_csv_drops_it(studio):
    book = xlsx({"汇总": [["区县", "目标", "完成"], ["东岭区", 5, 4]], "其他": [["说明"]]})
    yaml = ("number: 3\ndate: 2024-03-15\ntables:\n  - id: t\n    file: tables/a.xlsx\n    sheet: 0  # 第一个\n"
            "    title: 进度\n    section: 附件\n")  # fmt: skip
    client, session, root = studio({"2024-03/issue.yaml": yaml, "2024-03/tables/a.xlsx": book,
                                    "2024-03/tables/进度.csv": CSV})  # fmt: skip
    path = root / "2024-03" / "issue.yaml"
    form = form_of(client.get(f"{ISSUE}/table/t/edit").text, "table-form")
    assert form["sheet"] == "汇总" and form["base_sheet"] == "汇总"  # the form names the sheet 0 is
    assert client.post(f"{ISSUE}/table/t/edit", data={**form, "note": "注"}, follow_redirects=False).status_code == 303
    assert path.read_text("utf-8") == yaml + "    note: 注\n"  # sheet: 0 as typed
    switched = form_of(client.get(f"{ISSUE}/table/t/edit?file=tables/进度.csv").text, "table-form")
    assert switched["file"] == "tables/进度.csv" and switched["sheet"] == "" and switched["base_file"] == "tables/a.xlsx"
    assert client.post(f"{ISSUE}/table/t/edit", data=switched, follow_redirects=False).status_code == 303
    assert path.read_text("utf-8") == yaml.replace("a.xlsx\n    sheet: 0  # 第一个\n", "进度.csv\n") + "    note: 注\n"


def test_the_table_pages_of_an_unreadable_issue_yaml_say_why_and_where_to_mend_it(studio):
    client, session, root = studio({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntables: [a\n",
                                    "2024-03/tables/进度.csv": CSV})  # fmt: skip
    for address in (f"{ISSUE}/tables/new?file=tables/进度.csv", f"{ISSUE}/table/progress", f"{ISSUE}/table/progress/edit"):
        response = client.get(address)
        assert response.status_code == 400, address
        shown = text(response)
        assert "issue.yaml 无法读取" in shown and "第 3 行" in shown and 'id="mend-in-settings"' in shown
    before = (root / "2024-03" / "issue.yaml").read_bytes()
    response = attach(client, session, root)
    assert response.status_code == 400 and "issue.yaml 无法读取" in response.text
    assert (root / "2024-03" / "issue.yaml").read_bytes() == before


def test_a_tables_page_says_a_hand_written_mistake_as_its_form_does_with_its_line(studio):
    yaml = "number: 3\ndate: 2024-03-15\ntables:\n  - id: t\n    file: tables/进度.csv\n    title: 进度\n    section: 附件\n"
    client, _, _ = studio({"2024-03/issue.yaml": yaml + "    decimals: 9\n", "2024-03/tables/进度.csv": CSV})
    problems = text(client.get(f"{ISSUE}/table/t")).split('id="table-problems"')[1].split("</section>")[0]
    assert "完成率小数位应不大于 4" in problems and "第 8 行" in problems and "decimals" not in problems
    beside = text(client.get(f"{ISSUE}/table/t/edit")).split('id="t-decimals"')[1].split('<div class="pair')[0]
    assert "完成率小数位应不大于 4" in beside


def test_an_issue_with_a_database_table_takes_uploads_and_shows_where_its_data_comes_from(studio):
    """A query table has no file: the upload's form once listed it as using the uploaded file's name (a 500),
    and its page said 数据文件 None."""
    query = ("number: 3\ndate: 2024-03-15\ntables:\n  - id: jobs\n    query: SELECT 1 AS 区县\n"
             "    database: sqlite:///数据/统计.sqlite\n    title: 就业表\n    section: 附件\n")  # fmt: skip
    client, session, root = studio({"2024-03/issue.yaml": query})
    response = upload(client, session, "进度.csv", CSV.encode("utf-8"))
    assert response.status_code == 200 and 'id="upload-done"' in response.text
    assert 'id="replace-choice"' not in response.text
    page = client.get(f"{ISSUE}/table/jobs").text
    assert "数据来自数据库查询" in page and "None" not in page


def test_a_sheet_s_unit_line_is_shown_over_the_table_as_it_prints(studio):
    rows = [["各区县投资完成情况"], ["单位：万元"], ["区县", "目标", "完成"], ["东岭区", 10, 8], ["溪口区", 20, 19]]
    entry = ("number: 3\ndate: 2024-03-15\ntables:\n  - id: invest\n    file: tables/投资.xlsx\n    title: 投资表\n"
             "    section: 附件\n    target: 目标\n    actual: 完成\n")  # fmt: skip
    client, _, _ = studio({"2024-03/issue.yaml": entry, "2024-03/tables/投资.xlsx": xlsx({"表": rows})})
    page = client.get(f"{ISSUE}/table/invest").text
    assert '<caption class="table-unit">单位：万元</caption>' in page and "投资表（单位" not in page
