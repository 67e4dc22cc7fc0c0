"""Publishing and the archive: frozen versions, checksums, search, statistics, the site, unattended builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from zhuanbao.services import publish, verify
from zhuanbao.build import run
from zhuanbao.diagnostics import BusyError
from zhuanbao.fsio import locked
from zhuanbao.archive.catalogue import Catalogue, fts_query, pairs
from zhuanbao.cli import app
from zhuanbao.diagnostics import OutputError, UserError
from zhuanbao.archive.site import build_site

from .conftest import EXAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def two_series(tmp_path_factory):
    """The example series and a second series, all published into one archive."""
    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(EXAMPLE, root / "content")
    other = root / "jianbao"
    (other / "2024-05" / "items").mkdir(parents=True)
    (other / "series.yaml").write_text(
        "title: 民政简报\nissuer: 青石市民政局\nsections: [工作动态]\n", "utf-8"
    )
    (other / "2024-05" / "issue.yaml").write_text("number: 5\ndate: 2024-05-20\n", "utf-8")
    (other / "2024-05" / "items" / "01.md").write_text(
        "---\nsection: 工作动态\ntitle: 青石市提高城乡低保标准\nsource: 青石市民政局\n---\n"
        "青石市城乡低保标准自6月起提高，敬老院床位同步扩充，特困供养水平稳步提升。\n",
        "utf-8",
    )
    archive = root / "archive"
    for issue in ("2025-07", "2025-08", "2025-09"):
        publish(root / "content" / issue, archive, pdf=False)
    publish(other / "2024-05", archive, pdf=False)
    return root, archive


def test_published_version_holds_documents_sources_and_manifest(two_series):
    root, archive = two_series
    folder = archive / "content" / "2025-08" / "v1"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["name"] == "工作专报2025年第8期" and manifest["version"] == 1
    assert manifest["documents"] == ["工作专报2025年第8期.docx"]
    for name in ("工作专报2025年第8期.docx", "sources/series.yaml", "sources/2025-08/issue.yaml",
                 "sources/templates/style.yaml", "sources/templates/bulletin.xml.j2", "items.json"):  # fmt: skip
        assert name in manifest["files"], name
    assert (archive / "content" / "2025-08" / "current").read_text("utf-8").strip() == "v1"
    assert not os.access(folder / "工作专报2025年第8期.docx", os.W_OK) or os.geteuid() == 0


def test_publishing_again_is_refused_and_changes_nothing(two_series):
    root, archive = two_series
    before = sorted(p.name for p in (archive / "content" / "2025-08").iterdir())
    with pytest.raises(OutputError, match="已经发布"):
        publish(root / "content" / "2025-08", archive, pdf=False)
    assert sorted(p.name for p in (archive / "content" / "2025-08").iterdir()) == before


def test_revise_adds_a_version_and_keeps_the_old_one(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    item = tmp_path / "content" / "2025-07" / "items" / "09-baisha.md"
    item.write_text(item.read_text("utf-8").replace("1140名", "1150名"), "utf-8")
    second = publish(tmp_path / "content" / "2025-07", archive, revise=True, pdf=False)
    assert second.version == 2
    home = archive / "content" / "2025-07"
    assert (home / "v1").is_dir() and (home / "v2").is_dir()
    assert (home / "current").read_text("utf-8").strip() == "v2"
    with Catalogue(archive) as catalogue:
        hits = catalogue.search("特困人员", source="白沙洲县")
    assert len(hits) == 1 and "1150名" in hits[0].snippet  # only the current version is found


def test_verify_finds_a_tampered_file(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    published = publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    report = verify(archive)
    checked, problems = report.checked, report.problems
    assert checked > 10 and problems == []
    target = published.folder / "sources" / "2025-07" / "issue.yaml"
    target.chmod(0o644)
    target.write_text(target.read_text("utf-8") + "# 改动\n", "utf-8")
    (published.folder / "extra.txt").write_text("x", "utf-8")
    problems = verify(archive).problems
    assert [(p.path.name, p.message) for p in problems] == [
        ("issue.yaml", "内容已被改动（校验值不符）"),
        ("extra.txt", "清单中没有这个文件（发布后被加入）"),
    ]
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "内容已被改动" in result.output


@pytest.fixture
def archived(tmp_path):
    """One published issue in a fresh archive, its files writable for tampering."""
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    published = publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    publish(tmp_path / "content" / "2025-08", archive, pdf=False)
    for path in archive.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return archive, published.folder


def test_published_versions_are_readable_by_other_accounts(tmp_path):
    # the site's web server, colleagues and the account running verify read the archive
    shutil.copytree(EXAMPLE, tmp_path / "content")
    old = os.umask(0o022)
    try:
        folder = publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False).folder
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in folder.rglob("*") if p.is_dir()} == {0o755}
    assert {p.stat().st_mode & 0o777 for p in folder.rglob("*") if p.is_file()} == {0o444}


def test_a_revision_that_cannot_become_current_is_not_published(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    home = archive / "content" / "2025-07"
    (home / "current").unlink()
    (home / "current").mkdir()  # stands for a current file the publishing account may not replace
    with pytest.raises(OutputError, match="无法写入 current，本次没有发布"):
        publish(tmp_path / "content" / "2025-07", archive, revise=True, pdf=False)
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("v")) == ["v1"]


def test_two_publishes_of_one_issue_at_once_make_one_version(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    outcomes: list[str] = []

    def attempt():
        try:
            publish(tmp_path / "content" / "2025-07", archive, pdf=False)
            outcomes.append("published")
        except OutputError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "工作专报2025年第7期已经发布（第1版），已发布的期不会被覆盖"]
    assert verify(archive).problems == []


def test_a_publish_that_fails_leaves_no_empty_issue_folder(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    item = "---\nsection: 工作简讯\n---\n共{{ tables.nothing.count }}项。\n"  # found only when rendering
    (tmp_path / "content" / "2025-07" / "items" / "99.md").write_text(item, "utf-8")
    with pytest.raises(UserError):
        publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False)
    assert not (tmp_path / "archive").exists()  # rendered before the archive is touched


def test_a_catalogue_that_is_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "archive" / "catalogue.sqlite").mkdir(parents=True)
    result = runner.invoke(app, ["search", "低保", "-a", str(tmp_path / "archive")])
    assert result.exit_code == 2 and "无法打开检索目录：这里是一个文件夹" in result.output


def test_published_versions_hold_no_build_bookkeeping(archived):
    _, folder = archived
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda a, f: (f / "manifest.json").unlink(), "清单缺失，无法核对这一版"),
        (lambda a, f: (f / "manifest.json").write_text("[1]", "utf-8"), "清单格式不对"),
        (lambda a, f: (f / "manifest.json").write_text('{"files": [1]}', "utf-8"), "清单格式不对"),
        (lambda a, f: (f / "manifest.json").write_text("{", "utf-8"), "清单无法读取"),
        (lambda a, f: shutil.rmtree(f), "现行版本“v1”不存在"),
        (lambda a, f: shutil.rmtree(f.parent), "工作专报2025年第7期的这一版已发布过，但文件夹不在了"),
        (lambda a, f: shutil.copytree(f, f.parent / "v3"), "第2版缺失"),
        (lambda a, f: (f.parent / "current").unlink(), "缺少 current 文件"),
    ],
)
def test_verify_notices_missing_versions_and_broken_manifests(archived, damage, message):
    archive, folder = archived
    damage(archive, folder)
    problems = verify(archive).problems
    assert any(message in p.message for p in problems), problems
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total", 999, "清单中的总期号“999”与存档的 issue.yaml（31）不符"),
        ("number", 8, "清单中的期号“8”与存档的 issue.yaml（7）不符"),
        ("date", "2025-07-01", "清单中的日期“2025-07-01”与存档的 issue.yaml（2025-07-24）不符"),
        ("year", 2024, "清单中的年份“2024”与存档的 issue.yaml（2025）不符"),
        ("series", "别的专报", "清单中的刊物名“别的专报”与存档的 series.yaml（工作专报）不符"),
        ("name", "工作专报2025年第9期", "清单中的期名“工作专报2025年第9期”与存档的稿件（工作专报2025年第7期）不符"),
        ("version", 2, "清单中的版本“2”与文件夹 v1（1）不符"),
        ("issue", "2025-09", "清单中的期文件夹“2025-09”与归档位置（2025-07）不符"),
        ("documents", ["别的.docx"], "清单中的文档“别的.docx”不在这一版中"),
        ("documents", 5, "清单中的 documents 应是文档文件名的列表"),
    ],
)
def test_verify_notices_a_manifest_whose_facts_were_edited(archived, field, value, message):
    # The facts the catalogue, search and site show come from the manifest,
    # which no checksum covers: they are checked against the archived sources.
    archive, folder = archived
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest[field] = value
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    problems = verify(archive).problems
    assert [p.message for p in problems] == [message + "（清单被改动过？）"]


def test_verify_reads_the_sources_as_the_build_did(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    issue = tmp_path / "content" / "2025-07" / "issue.yaml"
    issue.write_text(issue.read_text("utf-8").replace("total: 31", "total: '31'"), "utf-8")
    publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False)
    assert verify(tmp_path / "archive").problems == []


def test_two_series_in_folders_of_the_same_name_do_not_mix(tmp_path):
    for office, title in (("a", "工作专报"), ("b", "信息专报")):
        shutil.copytree(EXAMPLE, tmp_path / office / "content")
        yaml_file = tmp_path / office / "content" / "series.yaml"
        yaml_file.write_text(yaml_file.read_text("utf-8").replace("title: 工作专报", f"title: {title}"), "utf-8")
    publish(tmp_path / "a" / "content" / "2025-08", tmp_path / "shared", pdf=False)
    for revise in (False, True):
        with pytest.raises(OutputError, match="属于刊物“工作专报”，与“信息专报”的文件夹同名"):
            publish(tmp_path / "b" / "content" / "2025-09", tmp_path / "shared", revise=revise, pdf=False)
    assert [p.name for p in (tmp_path / "shared" / "content").iterdir()] == ["2025-08"]


def test_an_archive_or_site_folder_that_is_a_file_is_a_clear_error(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(OutputError, match="无法写入归档文件夹"):
        publish(tmp_path / "content" / "2025-07", tmp_path / "f", pdf=False)
    publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False)
    with pytest.raises(OutputError, match="无法写入网站文件夹"):
        build_site(tmp_path / "archive", tmp_path / "f")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("低保", {"市民政局完成城乡低保标准提标工作", "青石市提高城乡低保标准"}),  # 2 characters, two series
        ("敬老院", {"我市启动敬老院改造提升三年行动", "青石市提高城乡低保标准"}),  # 3 characters
        ("就业帮扶", {"青禾县：就业帮扶车间提质增效"}),  # 4 characters
        ("APP", {"市人社局“稳岗拓岗”政策兑现提速"}),
        ("ＡＰＰ", {"市人社局“稳岗拓岗”政策兑现提速"}),  # full-width, as a Chinese input method types it
    ],
)
def test_search_finds_terms_of_two_three_and_four_characters_across_series(two_series, query, expected):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        titles = {hit.title for hit in catalogue.search(query)}
    assert expected <= titles


def test_search_filters_and_output(two_series):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        assert {h.series for h in catalogue.search("低保", series="民政简报")} == {"民政简报"}
        assert {h.name[-10:] for h in catalogue.search("低保", year=2024)} == {"民政简报2024年第5期"[-10:]}
        by_unit = catalogue.search("低保", source="市民政局")
        assert by_unit and all("市民政局" in h.source for h in by_unit)
    result = runner.invoke(app, ["search", "敬老院", "-a", str(archive)])
    assert result.exit_code == 0
    assert "工作专报2025年第8期 · 重要新闻 · 我市启动敬老院改造提升三年行动" in result.output
    assert "【敬老院】" in result.output


def test_pairs_and_queries():
    assert pairs("就业帮扶车间 APP") == "就业 业帮 帮扶 扶车 车间 app"
    assert fts_query("低保 敬老院") == '"低保" AND "敬老 老院"'
    assert fts_query("保") is None  # one character: matched as a substring instead
    assert fts_query("18所 低保") == '"低保"'  # 18所 is not in the pair index as such


def test_single_character_query_still_works(two_series):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        assert catalogue.search("碗") == [] and len(catalogue.search("保")) > 3


def _items_containing(archive, terms):
    """Ground truth from the published files: current items holding every term."""
    found = set()
    for current in archive.glob("*/*/current"):
        folder = current.parent / current.read_text("utf-8").strip()
        for item in json.loads((folder / "items.json").read_text("utf-8")):
            text = (item["title"] + "\n" + item["text"]).lower()
            if all(term.lower() in text for term in terms):
                found.add((folder.parent.name, item["title"]))
    return found


@pytest.mark.parametrize("query", ["7月", "18所", "1—7月", "低保 就", "保", "%", "_", "app", "就业帮扶", "2.4亿元"])
def test_search_finds_exactly_the_items_containing_every_term(two_series, query):
    """Numbers with units (7月, 18所) are what offices search most; % and _ are text, not wildcards."""
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        hits = {(h.name, h.title) for h in catalogue.search(query)}
    expected = _items_containing(archive, query.split())
    assert len(hits) == len(expected)
    assert {title for _, title in hits} == {title for _, title in expected}


def test_a_damaged_or_missing_catalogue_is_rebuilt_from_the_files(two_series, tmp_path):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    (copy / "catalogue.sqlite").write_text("junk", "utf-8")
    with Catalogue(copy) as catalogue:
        assert len(catalogue.search("低保")) == len(Catalogue(archive).search("低保")) > 0
    (copy / "catalogue.sqlite").unlink()
    result = runner.invoke(app, ["search", "低保", "-a", str(copy)])
    assert result.exit_code == 0 and "共 0 条" not in result.output


def test_a_mistyped_archive_folder_is_named_not_created(tmp_path):
    result = runner.invoke(app, ["search", "低保", "-a", str(tmp_path / "typo")])
    assert result.exit_code == 2 and "归档文件夹不存在" in result.output
    assert not (tmp_path / "typo").exists()


def test_reindex_rebuilds_the_catalogue_from_the_files(two_series, tmp_path):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    (copy / "catalogue.sqlite").unlink()
    result = runner.invoke(app, ["reindex", "-a", str(copy)])
    assert result.exit_code == 0 and "4 个版本" in result.output
    with Catalogue(copy) as catalogue:
        assert len(catalogue.search("低保")) == len(Catalogue(archive).search("低保"))


def test_stats_per_unit_section_and_month(two_series, tmp_path):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        tables = catalogue.stats(year=2025, series="工作专报")
    units = dict(tables["供稿单位"])
    assert units["市专班办公室"] == 3 and units["东岭区住建局"] == 2
    assert tables["月份"] == [("2025年7月", 10), ("2025年8月", 12), ("2025年9月", 10)]
    assert sum(dict(tables["栏目"]).values()) == 32
    out_csv, out_xlsx = tmp_path / "s.csv", tmp_path / "s.xlsx"
    result = runner.invoke(app, ["stats", "-a", str(archive), "--year", "2025", "--csv", str(out_csv), "--xlsx", str(out_xlsx)])
    assert result.exit_code == 0 and "【按供稿单位】" in result.output
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf") and "市专班办公室,3" in out_csv.read_text("utf-8-sig")
    from openpyxl import load_workbook

    assert load_workbook(out_xlsx).sheetnames == ["按供稿单位", "按栏目", "按月份"]
    empty = runner.invoke(app, ["stats", "-a", str(archive), "--year", "1999"])
    assert empty.exit_code == 0 and "没有符合条件的已发布稿件" in empty.output and "合计" not in empty.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "请给出要找的词"),
        (["search", "低保", "--series", "工作简报"], "归档中没有刊物“工作简报”（有：工作专报、民政简报）"),
        (["stats", "--series", "工作简报"], "归档中没有刊物“工作简报”"),
    ],
)
def test_search_and_stats_say_what_is_wrong_with_the_question(two_series, args, message):
    _, archive = two_series
    result = runner.invoke(app, [*args, "-a", str(archive)])
    assert result.exit_code == 2 and message in result.output and "共 0 条" not in result.output


def test_search_counts_every_hit_and_lists_as_many_as_asked(two_series):
    _, archive = two_series
    every = runner.invoke(app, ["search", "。", "-a", str(archive), "--limit", "0"])
    total = every.output.count("\n    ")
    assert total > 30 and f"共 {total} 条。" in every.output
    few = runner.invoke(app, ["search", "。", "-a", str(archive), "-n", "5"])
    assert few.output.count("\n    ") == 5 and f"共 {total} 条，以上是最相关的 5 条" in few.output


@pytest.mark.parametrize("option", ["--csv", "--xlsx"])
def test_stats_never_writes_one_format_under_another_s_name(two_series, tmp_path, option):
    _, archive = two_series
    target = tmp_path / ("统计.xlsx" if option == "--csv" else "series.yaml")
    target.write_text("编辑自己的文件", "utf-8")
    result = runner.invoke(app, ["stats", "-a", str(archive), option, str(target)])
    assert result.exit_code == 2 and "文件名应以" in result.output and "Traceback" not in result.output
    assert "【按供稿单位】" not in result.output  # refused before the report, not after it
    assert target.read_text("utf-8") == "编辑自己的文件"


# --- the static site in Chromium -----------------------------------------------------


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


def test_site_index_issue_page_and_offline_search(two_series, tmp_path, browser):
    _, archive = two_series
    index = build_site(archive, tmp_path / "site")
    page = browser(index.as_uri())
    for name in ("工作专报2025年第7期", "工作专报2025年第8期", "工作专报2025年第9期", "民政简报2024年第5期"):
        assert name in page
    issue = browser((tmp_path / "site" / "issues" / "content" / "2025-08.html").as_uri())
    assert "市委常委会听取重点民生实事推进情况汇报" in issue and "【区县动态】" in issue
    assert "工作专报2025年第8期.docx" in issue
    found = browser((tmp_path / "site" / "search.html").as_uri() + "?q=低保")
    assert "找到 4 条" in found or "找到 5 条" in found
    assert "<mark>低保</mark>" in found and "青石市提高城乡低保标准" in found
    # a term inside another, or inside the markup marking adds, is marked once, as one stretch
    overlapping = browser((tmp_path / "site" / "search.html").as_uri() + "?q=APP%20P")
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
    import re

    hrefs = re.findall(r'href="([^"]+\.docx)"', page.read_text("utf-8"))
    assert hrefs and all((page.parent / h).resolve().is_file() for h in hrefs), link


# --- unattended builds -----------------------------------------------------------------


def test_changed_skips_and_rebuilds_exactly_what_changed(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    out = tmp_path / "out"
    first = run(tmp_path / "content", out, changed=True, jobs=2)
    assert len(first.built) == 3 and not first.skipped
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run(tmp_path / "content", out, changed=True)
    assert not again.built and len(again.skipped) == 3
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing written
    item = tmp_path / "content" / "2025-08" / "items" / "11-shuili.md"
    item.write_text(item.read_text("utf-8").replace("38处", "39处"), "utf-8")
    third = run(tmp_path / "content", out, changed=True)
    assert [b.edition.issue_dir.name for b in third.built] == ["2025-08"]
    (tmp_path / "content" / "series.yaml").write_text(
        (tmp_path / "content" / "series.yaml").read_text("utf-8").replace("copies: 80", "copies: 90"), "utf-8"
    )
    assert len(run(tmp_path / "content", out, changed=True).built) == 3


def test_parallel_and_serial_builds_are_identical(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    serial = run(tmp_path / "content", tmp_path / "a", jobs=1)
    parallel = run(tmp_path / "content", tmp_path / "b", jobs=2)
    for one, two in zip(serial.built, parallel.built):
        assert one.path.read_bytes() == two.path.read_bytes()


def test_lock_refuses_a_second_build_of_the_same_output(series, tmp_path):
    out = tmp_path / "out"
    with locked(out):
        with pytest.raises(BusyError, match="另一个生成任务"):
            run(series(), out)
        result = subprocess.run(
            [sys.executable, "-m", "zhuanbao", "build", str(series()), "-o", str(out)], capture_output=True, text=True
        )
        assert result.returncode == 75 and "另一个生成任务" in result.stderr
    assert len(run(series(), out).built) == 1  # free again


def test_lock_wait_lets_the_second_build_queue(series, tmp_path):
    out = tmp_path / "out"
    release, held = threading.Event(), threading.Event()

    def hold():
        with locked(out):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    threading.Timer(0.5, release.set).start()
    start = time.monotonic()
    summary = run(series(), out, wait=10)
    holder.join()
    assert len(summary.built) == 1 and time.monotonic() - start >= 0.4  # it queued, then built


def test_json_summary_and_exit_codes(series, tmp_path):
    root = series()
    ok = subprocess.run([sys.executable, "-m", "zhuanbao", "build", str(root), "-o", str(tmp_path / "o"), "--json"],
                        capture_output=True, text=True)  # fmt: skip
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["built"][0]["name"] == "工作专报2024年第3期"
    (root / "2024-03" / "issue.yaml").write_text("number: 3\n", "utf-8")
    bad = subprocess.run([sys.executable, "-m", "zhuanbao", "build", str(root), "-o", str(tmp_path / "o"), "--json"],
                         capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 2
    failed = json.loads(bad.stdout)["failed"]
    assert failed[0]["file"].endswith("issue.yaml") and "date" in failed[0]["message"]
