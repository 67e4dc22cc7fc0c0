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
