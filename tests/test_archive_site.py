"""The static site (zhuanbao.archive.site), in Chromium: index, issue pages, offline search."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

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


def test_site_links_reach_the_documents(two_series, tmp_path):
    _, archive = two_series
    build_site(archive, tmp_path / "site")
    page = tmp_path / "site" / "issues" / "content" / "2025-08.html"
    link = page.read_text("utf-8").split('href="../../')[-1].split('"')[0]
    hrefs = re.findall(r'href="([^"]+\.docx)"', page.read_text("utf-8"))
    assert hrefs and all((page.parent / h).resolve().is_file() for h in hrefs), link
