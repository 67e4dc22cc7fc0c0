"""The static site (zhuanbao.archive.site), in Chromium: index, issue pages, offline search."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from html import escape
from pathlib import Path

from zhuanbao.archive.catalogue import Catalogue
from zhuanbao.archive.site import build_site
from zhuanbao.services import publish

from .conftest import write_tree


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    found = chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI 中不允许跳过浏览器测试：缺少 chromium（运行 sh scripts/setup-system.sh 安装）")
        pytest.skip("缺少 chromium")
    profile = tmp_path_factory.mktemp("chromium")

    def dom(url: str) -> str:
        command = [found, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", url]  # fmt: skip
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout

    return dom


def test_site_index_issue_page_and_offline_search(series, tmp_path, browser):
    # 低保 is in three items: two of 工作专报 (March, April), one of 民政简报; APP in one only.
    # conftest's 01-gaizao.md (老旧小区改造) has neither.
    root = series({
        "2024-03/items/02.md": "---\nsection: 区县动态\ntitle: 东岭区低保资金按时发放\nsource: 东岭区民政局\n---\n"
                               "东岭区一季度发放城乡低保资金2.4亿元。\n",
        "2024-03/items/03.md": "---\nsection: 部门动态\ntitle: 市人社局上线就业服务APP\nsource: 市人社局\n---\n"
                               "市人社局就业服务APP正式上线，提供岗位查询服务。\n",
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
        "2024-04/items/01.md": "---\nsection: 部门动态\ntitle: 市民政局完成低保标准提标\n---\n市民政局完成城乡低保标准提标工作。\n",
    })  # fmt: skip
    other = write_tree(tmp_path / "jianbao", {
        "series.yaml": "title: 民政简报\nissuer: 青石市民政局\nsections: [工作动态]\n",
        "2024-05/issue.yaml": "number: 5\ndate: 2024-05-20\n",
        "2024-05/items/01.md": "---\nsection: 工作动态\ntitle: 青石市提高城乡低保标准\n---\n青石市城乡低保标准自6月起提高。\n",
    })  # fmt: skip
    archive = tmp_path / "archive"
    for issue in (root / "2024-03", root / "2024-04", other / "2024-05"):
        publish(issue, archive, pdf=False)
    index = build_site(archive, tmp_path / "site")
    page = browser(index.as_uri())
    for name in ("工作专报2024年第3期", "工作专报2024年第4期", "民政简报2024年第5期"):
        assert name in page
    issue = browser((tmp_path / "site" / "issues" / "series" / "2024-03.html").as_uri())
    assert "东岭区低保资金按时发放" in issue and "【区县动态】" in issue
    assert "工作专报2024年第3期.docx" in issue
    found = browser((tmp_path / "site" / "search.html").as_uri() + "?q=低保")
    assert "找到 3 条" in found
    assert "<mark>低保</mark>" in found and "青石市提高城乡低保标准" in found
    # a term inside another, or inside the markup marking adds, is marked once, as one stretch
    overlapping = browser((tmp_path / "site" / "search.html").as_uri() + "?q=APP%20P")
    assert "找到 1 条" in overlapping
    assert "<mark>APP</mark>" in overlapping and "<mark><mark>" not in overlapping and "A<mark>P" not in overlapping
    lower = browser((tmp_path / "site" / "search.html").as_uri() + "?q=app")  # Latin case ignored, as in the CLI
    assert "找到 1 条" in lower and "<mark>APP</mark>" in lower
    wide = browser((tmp_path / "site" / "search.html").as_uri() + "?q=%EF%BC%A1%EF%BC%B0%EF%BC%B0")  # ＡＰＰ
    assert "找到 1 条" in wide and "<mark>APP</mark>" in wide


def test_a_site_on_another_drive_than_the_archive_links_by_absolute_address(two_series, tmp_path, monkeypatch):
    # Windows: the site written to D:, the archive on \\fileserver\share; os.path.relpath raises
    from urllib.parse import unquote, urlparse

    from zhuanbao.archive import site as site_module

    def across_drives(path, start=None):
        raise ValueError("path is on mount '\\\\fileserver\\share', start on mount 'D:'")

    _, archive = two_series
    monkeypatch.setattr(site_module.os.path, "relpath", across_drives)
    build_site(archive, tmp_path / "site")
    monkeypatch.undo()
    page = tmp_path / "site" / "issues" / "content" / "2025-08.html"
    hrefs = re.findall(r'href="([^"]+\.docx)"', page.read_text("utf-8"))
    assert hrefs and all(h.startswith("file:///") and Path(unquote(urlparse(h).path)).is_file() for h in hrefs)


def test_site_links_reach_the_documents(two_series, tmp_path):
    _, archive = two_series
    build_site(archive, tmp_path / "site")
    page = tmp_path / "site" / "issues" / "content" / "2025-08.html"
    link = page.read_text("utf-8").split('href="../../')[-1].split('"')[0]
    hrefs = re.findall(r'href="([^"]+\.docx)"', page.read_text("utf-8"))
    assert hrefs and all((page.parent / h).resolve().is_file() for h in hrefs), link


# --- hostile input (issue 13) -------------------------------------------------------------------

import json  # noqa: E402
import sqlite3  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from .conftest import bounded  # noqa: E402

NAME = "<img src=x onerror=alert(1)>"
TITLE = "\"'><script>alert(2)</script>"
TEXT = "正文</script><script>alert(3)</script>\u2028<!-- &amp; 结束"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def _hostile_catalogue(archive, **columns):
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        sets = ", ".join(f"{key} = ?" for key in columns)
        db.execute(f"UPDATE issues SET {sets} WHERE folder = '2025-07'", list(columns.values()))


def test_markup_in_names_and_text_is_escaped_for_every_context(archived, tmp_path, browser):
    archive, _ = archived
    with Catalogue(archive) as catalogue:  # built from the files
        assert catalogue.issues()
    _hostile_catalogue(archive, series_key=NAME, series=TITLE, name=NAME + TITLE)
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE items SET title = ?, text = ?, section = ?, source = ?", (TITLE, TEXT, NAME, TITLE))
    site = tmp_path / "site"
    build_site(archive, site)
    pages = [site / "index.html", site / "search.html", *sorted((site / "issues").rglob("*.html"))]
    assert len(pages) == 4 and (site / "issues" / NAME / "2025-07.html").is_file()
    for page in pages:
        html = page.read_text("utf-8")
        tags = _tags(html)
        assert not [t for t, _ in tags if t in ("img", "iframe", "svg")], page
        assert [a["src"] for t, a in tags if t == "script"] == (["search-index.js", "search.js"] * (page.name == "search.html"))
        assert not [(t, k) for t, a in tags for k in a if k.startswith("on")], page
        assert "<script>alert" not in html and "<img" not in html  # the markup is text: &lt;img …
        for _, attrs in tags:  # links are relative paths: no scheme, no quote broken out of
            href = attrs.get("href")
            assert href is None or (":" not in href.split("/")[0] and '"' not in href and "<" not in href)
    index = (site / "index.html").read_text("utf-8")
    assert escape(NAME + TITLE) in index and "issues/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/2025-07.html" in index
    script = (site / "search-index.js").read_text("utf-8")
    assert "<" not in script and ">" not in script and "&" not in script and "\u2028" not in script
    data = json.loads(script.removeprefix("var SEARCH_INDEX = ").removesuffix(";\n"))
    hostile = [entry for entry in data if entry["title"] == TITLE]
    assert hostile and hostile[0]["text"] == TEXT and hostile[0]["issue"] == NAME + TITLE  # round-trips exactly
    found = browser((site / "search.html").as_uri() + "?q=alert")
    assert "找到" in found and "<img" not in found and "<script>alert" not in found
    assert "&lt;img src=x onerror=alert(1)&gt;" in found  # shown as text


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("series_key", "../../../outside"),
        ("series_key", "/tmp/zhuanbao-site-escape"),
        ("series_key", ".."),
        ("series_key", "a\\..\\..\\b"),
        ("series_key", "C:evil"),
        ("series_key", "nul\0byte"),
        ("folder", "../../../../outside"),
        ("folder", ""),
        ("path", "../../elsewhere/v1"),
        ("documents", '["../../../etc/passwd"]'),
        ("documents", "not json"),
        ("year", "<script>"),
        ("date", "2025-99-99"),
    ],
)
def test_a_catalogue_row_that_would_write_outside_the_site_is_skipped(archived, tmp_path, column, value):
    archive, _ = archived
    with Catalogue(archive) as catalogue:
        assert catalogue.issues()
    _hostile_catalogue(archive, **{column: value})
    before = {p for p in tmp_path.rglob("*.html")} | set(Path("/tmp").glob("zhuanbao-site-escape*"))
    site = tmp_path / "out" / "site"
    result = bounded("site", "-a", str(archive), "-o", str(site))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "catalogue.sqlite" in result.stderr and "网站中未列出" in result.stderr
    written = {p for p in tmp_path.rglob("*.html")} | set(Path("/tmp").glob("zhuanbao-site-escape*"))
    assert all(p.resolve().is_relative_to(site.resolve()) for p in written - before)
    assert sorted(p.name for p in (site / "issues").rglob("*.html")) == ["2025-08.html"]  # the other issue still there


def test_a_link_in_the_site_folder_pointing_out_of_it_is_not_written_through(archived, tmp_path):
    archive, _ = archived
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "issues").mkdir(parents=True)
    (site / "issues" / "content").symlink_to(elsewhere, target_is_directory=True)
    result = bounded("site", "-a", str(archive), "-o", str(site))
    assert result.returncode == 0 and "网站文件夹之外" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []


def test_offline_search_folds_like_zhuanbao_search(series, tmp_path, browser):
    root = series({"2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 系统升级\n---\n"
                                          "平台ＡＢＣ１２３版上线，⼈民满意，第①批完成。\n"})  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    search = (build_site(archive, tmp_path / "site").parent / "search.html").as_uri()
    wide = browser(search + "?q=abc123")
    assert "找到 1 条" in wide and "<mark>ＡＢＣ１２３</mark>" in wide
    compat = browser(search + "?q=%E4%BA%BA%E6%B0%91")  # 人民 finds ⼈民 (U+2F08)
    assert "找到 1 条" in compat and "<mark>⼈民</mark>" in compat
    circled = browser(search + "?q=%E7%AC%AC1%E6%89%B9")  # 第1批 finds 第①批
    assert "找到 1 条" in circled and "<mark>第①批</mark>" in circled


# --- tables, the series' masthead and the PDF (issue 18, items 5 and 6) ------------------------------


def _office_site(tmp_path, pdf=False):
    """The office's issue (GBK CSV with a chart, a real-shaped .xlsx as 附件1) published and made a site."""
    from .test_archive_tables import office_series

    root = office_series(tmp_path / "series")
    archive = tmp_path / "archive"
    publish(root / "2025-09", archive, pdf=pdf)
    site = tmp_path / "site"
    build_site(archive, site)
    return archive, site


def _cells(html: str, table_id: str) -> list[list[tuple[str, str]]]:
    """(class, text) of each cell of the table in the block ``table_id``, row by row (header: class th)."""
    block = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", block):
        cells = re.findall(r'<(th|td)(?: class="([a-z]+)")?[^>]*>(.*?)</t[hd]>', row)
        rows.append([(cls or tag, text) for tag, cls, text in cells])
    return rows


def test_the_issue_page_shows_the_tables_and_charts_as_printed(tmp_path):
    archive, site = _office_site(tmp_path)
    folder = next(archive.glob("*/2025-09/v1"))
    tables = json.loads((folder / "tables.json").read_text("utf-8"))
    page = site / "issues" / "series" / "2025-09.html"
    html = page.read_text("utf-8")
    # in the printed order: the section, its item, its table with note and chart, then 附件1
    order = ["【工作简讯】", 'id="item1"', 'id="table1"', "2025年1—9月各乡镇固投完成情况", "注：统计截至2025年9月30日",
             "<img", 'id="table2"', '<p class="annex">附件1</p>', "2025年1—9月各区县重点民生项目投资完成情况",
             '<p class="table-unit">单位：万元</p>']  # fmt: skip
    at = [html.index(mark) for mark in order]
    assert at == sorted(at), order
    towns = _cells(html, "table1")
    assert towns[0] == [("th", h) for h in ["乡镇", "年度目标", "累计完成", "完成率", "状态", "排名"]]
    assert towns[1] == [("left", "城关镇"), ("right", "12000"), ("right", "9800"), ("right", "81.7%"),
                        ("center", "正常"), ("center", "1")]  # fmt: skip
    assert [[text for _, text in row] for row in towns[1:]] == tables[0]["rows"]  # as printed
    invest = _cells(html, "table2")
    assert [text for _, text in invest[0]] == tables[1]["header"] and "年度目标·投资额" in tables[1]["header"]
    assert [[text for _, text in row] for row in invest[1:]] == tables[1]["rows"]
    chart = re.search(r'<img src="([^"]+)" alt="2025年1—9月各乡镇固投完成情况（完成率图）">', html).group(1)
    assert (page.parent / chart).resolve() == (folder / "charts" / "chart-towns.png").resolve()
    assert html.count("<img") == 1  # the annex asks for no chart
    script = (site / "search-index.js").read_text("utf-8")
    data = json.loads(script.removeprefix("var SEARCH_INDEX = ").removesuffix(";\n"))
    entry = next(e for e in data if e["title"] == "表：2025年1—9月各乡镇固投完成情况")
    assert entry["url"].endswith("2025-09.html#table1") and entry["section"] == "工作简讯"
    assert "城关镇：年度目标 12000，累计完成 9800，完成率 81.7%" in entry["text"]


def test_the_offline_search_finds_a_county_named_only_in_a_table(tmp_path, browser):
    _, site = _office_site(tmp_path)
    found = browser((site / "search.html").as_uri() + "?q=城关镇")
    assert "找到 1 条" in found and "表：2025年1—9月各乡镇固投完成情况" in found
    assert "<mark>城关镇</mark>：年度目标 12000" in found and "#table1" in found


def test_the_site_carries_the_series_masthead_not_a_fixed_title(tmp_path):
    _, site = _office_site(tmp_path)
    index = (site / "index.html").read_text("utf-8")
    issue = (site / "issues" / "series" / "2025-09.html").read_text("utf-8")
    search = (site / "search.html").read_text("utf-8")
    masthead = '<h1><span class="program">青石市打好重点民生保障仗</span>工作专报</h1>'
    assert masthead in index and masthead in issue and "<title>工作专报 · 归档</title>" in index
    assert "<title>检索 · 工作专报</title>" in search
    for html in (index, issue, search):
        assert "专报归档" not in html
    assert "（2025年10月10日，1篇，2个表）" in index
    assert "PDF" not in index and "PDF" not in issue  # published without one: no link to a file that is not there


def test_a_site_of_two_series_names_both(two_series, tmp_path):
    _, archive = two_series
    build_site(archive, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "<title>工作专报、民政简报 · 归档</title>" in index
    assert '<h2><span class="program">云溪市打好重点民生保障仗</span>工作专报</h2>' in index
    assert "<h2>民政简报</h2>" in index and "专报归档" not in index


def test_the_site_links_the_archived_pdf(tmp_path, libreoffice):
    archive, site = _office_site(tmp_path, pdf=True)
    pdf = next(archive.glob("*/2025-09/v1/*.pdf"))
    index = site / "index.html"
    link = re.search(r'<a class="pdf" href="([^"]+)">PDF</a>', index.read_text("utf-8")).group(1)
    assert (index.parent / link).resolve() == pdf.resolve()
    page = site / "issues" / "series" / "2025-09.html"
    link = re.search(r'<a class="pdf" href="([^"]+)">查看印发的 PDF', page.read_text("utf-8")).group(1)
    assert (page.parent / link).resolve() == pdf.resolve()


def test_table_fields_from_an_edited_catalogue_are_escaped_and_a_chart_outside_is_not_shown(tmp_path):
    archive, site = _office_site(tmp_path)
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE data_tables SET title = ?, unit = ?, note = ?, header = ?, rows = ?, align = ?, chart = ?",
                   (TITLE, NAME, TEXT, json.dumps([NAME]), json.dumps([[TITLE, 1], "x"]),
                    json.dumps([['right" onclick="alert(4)']]), "../../../../etc/passwd"))  # fmt: skip
    build_site(archive, site)
    html = (site / "issues" / "series" / "2025-09.html").read_text("utf-8")
    tags = _tags(html)
    assert not [t for t, _ in tags if t in ("img", "script")] and "<img" not in html
    assert not [(t, k) for t, a in tags for k in a if k.startswith("on")]
    assert escape(TITLE) in html and escape(NAME) in html
    assert _cells(html, "table1")[1] == [("left", escape(TITLE)), ("left", "1")]


def test_the_issue_page_in_chromium_shows_each_table_whole_and_the_chart_drawn(tmp_path, chromium_browser):
    _, site = _office_site(tmp_path)
    for width, height in ((1366, 768), (1920, 1080)):
        page = chromium_browser.new_page(viewport={"width": width, "height": height})
        try:
            page.goto((site / "issues" / "series" / "2025-09.html").as_uri())
            body = page.locator("body").bounding_box()
            for table in ("#table1 table", "#table2 table"):
                box = page.locator(table).bounding_box()
                assert box["x"] >= body["x"] and box["x"] + box["width"] <= body["x"] + body["width"] + 1, (table, width)
            assert page.locator("#table1 td.right").first.evaluate("e => getComputedStyle(e).textAlign") == "right"
            assert page.locator("#table1 img").evaluate("e => e.complete && e.naturalWidth") > 300  # drawn, not broken
            page.screenshot(path=str(tmp_path / f"issue-{width}.png"), full_page=True)
        finally:
            page.close()
