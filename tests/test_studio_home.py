"""The studio started on a folder that holds no series: its home page lists the series below it and makes a
new one with the form `init` asks at a terminal; choosing or creating one opens that series' pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE, PORT, write_tree
from zhuanbao.load.content import load_series
from zhuanbao.studio.app import create_app
from zhuanbao.studio.guard import Session
from zhuanbao.studio.server import open_studio

FORM = {"title": "统计简报", "program": "", "issuer": "青山县统计局", "sections": "统计分析\n经济运行\n基层信息",
        "number": "3", "total": "41", "date": "2025-03-10", "folder": ""}  # fmt: skip


@pytest.fixture
def home(tmp_path):
    def make(files=None):
        root = write_tree(tmp_path / "专报", files or {})
        root.mkdir(exist_ok=True)
        session = Session(port=PORT)
        client = TestClient(create_app(None, session, tmp_path / "output", home_folder=root), base_url=BASE)
        assert client.get(f"/?token={session.token}", follow_redirects=True).status_code == 200
        return client, session, root

    return make


def text(response) -> str:
    return re.sub(r"\s+", " ", response.text)


def test_a_folder_without_a_series_opens_on_the_home_page(home):
    client, _, _ = home()
    page = client.get("/", follow_redirects=True)
    assert page.url.path == "/home" and "新建刊物" in page.text and "这里已有的刊物" not in page.text
    assert client.get("/issue/2025-03", follow_redirects=False).headers["location"] == "/home"


def test_the_form_makes_the_series_init_makes_and_opens_its_first_issue(home):
    client, session, root = home()
    made = client.post("/home/init", data={**FORM, "csrf": session.csrf}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/issue/2025-03?created=1"
    series = load_series(root / "统计简报")  # the folder named after the title when none is typed
    assert (series.title, series.issuer, series.sections) == ("统计简报", "青山县统计局", ["统计分析", "经济运行", "基层信息"])
    issue = (root / "统计简报" / "2025-03" / "issue.yaml").read_text("utf-8")
    assert "number: 3" in issue and "date: 2025-03-10" in issue and "total: 41" in issue
    page = client.get("/issue/2025-03")
    assert "<h1>2025年第3期（总第41期）</h1>" in page.text and "【统计分析】" in page.text
    assert "其他刊物" in page.text  # the way back to the home page


def test_mistakes_stand_next_to_their_fields_and_nothing_is_made(home):
    client, session, root = home({"已有/说明.txt": "别的东西"})
    form = {**FORM, "csrf": session.csrf, "issuer": "", "sections": "统计分析\n统计分析", "number": "三",
            "folder": "已有"}  # fmt: skip
    page = client.post("/home/init", data=form)
    assert page.status_code == 400
    shown = text(page)
    assert "请写编发单位" in shown and "请填写数字" in shown
    assert "统计简报" in shown  # what was typed stays in the form
    assert sorted(p.name for p in root.iterdir()) == ["已有"]
    again = client.post("/home/init", data={**FORM, "csrf": session.csrf, "sections": "甲\n甲"})
    assert again.status_code == 400 and "重复" in text(again)
    assert sorted(p.name for p in root.iterdir()) == ["已有"] and (root / "已有" / "说明.txt").is_file()
    folder = client.post("/home/init", data={**FORM, "csrf": session.csrf, "folder": "已有"})
    assert folder.status_code == 400 and "不是空的" in text(folder)


@pytest.mark.parametrize("name", ["../外面", "a/b", "C:", "..", "名字."])
def test_a_folder_name_that_leads_elsewhere_is_refused(home, name):
    client, session, root = home()
    page = client.post("/home/init", data={**FORM, "csrf": session.csrf, "folder": name})
    assert page.status_code == 400 and "文件夹名称" in page.text
    assert list(root.iterdir()) == [] and not (root.parent / "外面").exists()


def test_the_series_below_are_listed_and_opened(home):
    series_yaml = "title: 民政简报\nissuer: 青石市民政局\nsections: [工作动态]\n"
    client, session, root = home({"民政/series.yaml": series_yaml, "民政/2024-05/issue.yaml": "number: 5\ndate: 2024-05-20\n"})
    page = client.get("/home")
    assert "民政简报" in page.text and "这里已有的刊物" in page.text
    opened = client.post("/home/open", data={"csrf": session.csrf, "name": "民政"}, follow_redirects=True)
    assert opened.url.path == "/" and "2024年第5期" in opened.text
    for name in ("..", "../民政", "没有"):
        assert client.post("/home/open", data={"csrf": session.csrf, "name": name}).status_code == 404


def test_the_example_is_copied_and_opened(home):
    client, session, root = home()
    page = client.post("/home/example", data={"csrf": session.csrf}, follow_redirects=True)
    assert "云溪市" in page.text and (root / "示例刊物" / "series.yaml").is_file()
    client.post("/home/example", data={"csrf": session.csrf})
    assert (root / "示例刊物2" / "series.yaml").is_file()  # a second copy never overwrites the first


@pytest.mark.parametrize("route", ["/home/init", "/home/open", "/home/example"])
def test_the_home_pages_changes_need_the_csrf_token(home, route):
    client, _, root = home()
    assert client.post(route, data={**FORM, "name": "x"}).status_code == 403
    assert list(root.iterdir()) == []


def test_markup_in_a_series_title_is_shown_as_text(home):
    client, _, _ = home({"甲/series.yaml": "title: <script>alert(1)</script>\nissuer: 某单位\nsections: [工作动态]\n"})
    page = client.get("/home").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_command_opens_the_home_page_on_a_folder_without_a_series(tmp_path):
    opened = open_studio(tmp_path)
    try:
        assert opened.series_dir is None and opened.home == tmp_path.resolve()
        assert any("新建" in note for note in opened.notes)
    finally:
        opened.sock.close()


def test_the_date_defaults_to_today(home):
    client, _, _ = home()
    assert f'value="{dt.date.today().isoformat()}"' in client.get("/home").text


def test_a_page_of_the_series_served_before_cannot_change_the_next_one(home):
    # two bulletins in one folder have issues of the same names: a tab left on the first must not save into the second
    series_yaml = "title: {}\nissuer: 某单位\nsections: [工作动态]\n"
    item = "---\nsection: 工作动态\ntitle: 原来的标题\n---\n正文。\n"
    client, session, root = home({
        "甲/series.yaml": series_yaml.format("甲刊"), "甲/2025-09/issue.yaml": "number: 9\ndate: 2025-09-01\n",
        "甲/2025-09/items/01.md": item,
        "乙/series.yaml": series_yaml.format("乙刊"), "乙/2025-09/issue.yaml": "number: 9\ndate: 2025-09-01\n",
        "乙/2025-09/items/01.md": item,
    })  # fmt: skip
    client.post("/home/open", data={"csrf": session.csrf, "name": "甲"})
    first = client.get("/issue/2025-09/item/01.md").text
    token = re.search(r'name="csrf" value="([^"]+)"', first).group(1)
    sha = re.search(r'name="sha256" value="([^"]+)"', first).group(1)
    client.post("/home/open", data={"csrf": session.csrf, "name": "乙"})  # another tab opens the other bulletin
    form = {"csrf": token, "sha256": sha, "section": "工作动态", "title": "改了", "source": "", "body": "正文。"}
    refused = client.post("/issue/2025-09/item/01.md", data=form)
    assert refused.status_code == 403 and "另一个刊物" in refused.text
    assert "原来的标题" in (root / "乙" / "2025-09" / "items" / "01.md").read_text("utf-8")
    now = client.get("/issue/2025-09/item/01.md").text  # the page of the bulletin served now saves as usual
    form["csrf"] = re.search(r'name="csrf" value="([^"]+)"', now).group(1)
    assert client.post("/issue/2025-09/item/01.md", data=form, follow_redirects=False).status_code == 303
    assert "title: 改了" in (root / "乙" / "2025-09" / "items" / "01.md").read_text("utf-8")


@pytest.mark.parametrize("name", ["名" * 300, "CON", "nul.txt", "com1"])
def test_a_folder_name_windows_cannot_make_is_refused_by_its_field(home, name):
    client, session, root = home()
    page = client.post("/home/init", data={**FORM, "csrf": session.csrf, "folder": name})
    assert page.status_code == 400 and "文件夹名称请用" in text(page) and list(root.iterdir()) == []


def test_the_numbers_are_read_as_typed_with_a_chinese_input_method_and_zero_is_refused(home):
    client, session, root = home()
    zero = client.post("/home/init", data={**FORM, "csrf": session.csrf, "number": "0"})
    assert zero.status_code == 400 and "应在 1 到 999 之间" in text(zero) and list(root.iterdir()) == []
    wide = client.post("/home/init", data={**FORM, "csrf": session.csrf, "number": "３", "total": "４１"},
                       follow_redirects=False)  # fmt: skip
    assert wide.status_code == 303 and (root / "统计简报" / "2025-03").is_dir()


def test_a_section_named_like_the_annex_is_refused(home):
    client, session, root = home()
    page = client.post("/home/init", data={**FORM, "csrf": session.csrf, "sections": "统计分析\n附件"})
    assert page.status_code == 400 and "不能作栏目名" in text(page) and list(root.iterdir()) == []
