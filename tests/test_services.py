"""The use cases, end to end on real files: what each returns, and what each does not do twice."""

from __future__ import annotations

import json

import pytest

from zhuanbao import services
from zhuanbao.diagnostics import ContentError, OutputError

ITEM = "---\nsection: 工作简讯\ntitle: {title}\n---\n{body}\n"


def test_publish_archives_the_document_it_rendered(series, tmp_path):
    root = series()
    built = services.build(services.BuildRequest(root / "2024-03", tmp_path / "out"))
    published = services.publish(root / "2024-03", tmp_path / "archive", pdf=False)
    [document] = published.documents
    assert document.read_bytes() == built.built[0].path.read_bytes()  # the same bytes as a build of the issue
    items = json.loads((published.folder / "items.json").read_text("utf-8"))
    assert [(i["title"], i["source"], i["text"]) for i in items] == [
        ("测试区完成老旧小区改造", "测试区住建局", "3月10日，测试区完成老旧小区改造12个，惠及居民1860户。")]  # fmt: skip


def test_publish_archives_the_template_files_it_used(series, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "section.xml.j2").write_bytes('<p style="section">〖{{ section.name }}〗</p>\n'.encode("gbk"))
    published = services.publish(series() / "2024-03", tmp_path / "archive", templates=mine, pdf=False)
    kept = published.folder / "sources" / "templates"
    assert (kept / "section.xml.j2").read_bytes() == (mine / "section.xml.j2").read_bytes()  # as saved, GBK
    assert (kept / "bulletin.xml.j2").is_file()  # the defaults it filled in with


def test_publish_takes_one_issue(series, tmp_path):
    root = series()
    assert services.publish(root, tmp_path / "a", pdf=False).version == 1  # a series of one issue is that issue
    (root / "2024-04" / "items").mkdir(parents=True)
    (root / "2024-04" / "issue.yaml").write_text("number: 4\ndate: 2024-04-15\n", "utf-8")
    (root / "2024-04" / "items" / "01.md").write_text("---\nsection: 工作简讯\n---\n正文。\n", "utf-8")
    with pytest.raises(ContentError, match="publish 一次发布一期"):
        services.publish(root, tmp_path / "b", pdf=False)


def test_a_title_an_import_repeats_is_reported_on_the_new_item(series, tmp_path):
    """The new item sorts first here (100-… before 99-…): the finding is still pinned on it."""
    root = series({"2024-03/items/99-zz.md": ITEM.format(title="全市新增就业岗位", body="正文。")})
    (tmp_path / "稿件.txt").write_text("全市新增就业岗位\n本月新增岗位1200个。\n", "utf-8")
    result = services.import_submission(tmp_path / "稿件.txt", root / "2024-03", "工作简讯")
    assert result.target.name.startswith("100-")
    assert [(f.path.name, f.rule, f.message) for f in result.findings] == [
        (result.target.name, "duplicate-title", "标题与 99-zz.md 相同")]  # fmt: skip
    assert not result.fixable


def test_an_import_into_an_issue_with_other_problems_still_succeeds(series, tmp_path):
    root = series({"2024-03/items/02-bad.md": "no front matter\n"})
    (tmp_path / "a.txt").write_text("标题一行\n正文。\n", "utf-8")
    result = services.import_submission(tmp_path / "a.txt", root / "2024-03", "工作简讯")
    assert result.target.is_file() and result.findings == []


def test_new_refuses_a_date_that_is_no_date(series):
    with pytest.raises(ContentError, match="日期“2024-02-30”不存在"):
        services.new_issue(series(), "2024-02-30")
    assert services.new_issue(series(), "2024-04-02").folder.name == "2024-04"


def test_stats_checks_the_file_names_before_counting(tmp_path):
    with pytest.raises(OutputError, match=r"文件名应以 \.xlsx 结尾"):
        services.stats(tmp_path / "no-archive", xlsx=tmp_path / "统计.csv")


def test_the_archive_to_read_is_archive_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError, match="请用 --archive 指出归档文件夹"):
        services.verify()
    (tmp_path / "archive").mkdir()
    report = services.verify()
    assert report.checked == 0 and report.problems == []
    assert services.reindex().versions == 0


def test_search_answers_from_the_published_text(series, tmp_path):
    root = series()
    services.publish(root / "2024-03", tmp_path / "archive", pdf=False)
    hits = services.search("老旧小区", tmp_path / "archive").hits
    assert [(h.name, h.section, h.title) for h in hits] == [("工作专报2024年第3期", "工作简讯", "测试区完成老旧小区改造")]
    assert services.search("低保", tmp_path / "archive").hits == []


def test_stats_saves_what_it_can_and_says_what_it_could_not(series, tmp_path):
    services.publish(series() / "2024-03", tmp_path / "archive", pdf=False)
    (tmp_path / "s.xlsx").mkdir()
    result = services.stats(tmp_path / "archive", csv=tmp_path / "s.csv", xlsx=tmp_path / "s.xlsx")
    assert result.saved == [tmp_path / "s.csv"] and (tmp_path / "s.csv").is_file()
    assert [d.path for d in result.failed] == [tmp_path / "s.xlsx"] and result.tables["供稿单位"] == [("测试区住建局", 1)]


def test_publish_checked_refuses_an_issue_check_finds_errors_in(series, tmp_path):
    root = series({"2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 第二篇\n---\n今年,全区完成改造。\n"})
    planned = services.publish_plan(root / "2024-03", tmp_path / "archive")
    assert [f.rule for f in planned.errors] == ["halfwidth-punct"] and planned.plan.version == 1
    with pytest.raises(ContentError) as refused:
        services.publish_checked(root / "2024-03", planned.plan.fingerprint, archive=tmp_path / "archive")
    assert [(d.path.name, d.line, d.rule) for d in refused.value.diagnostics] == [("02.md", 5, "halfwidth-punct")]
    assert not (tmp_path / "archive").exists()
    (root / "2024-03" / "items" / "02.md").write_text("---\nsection: 工作简讯\ntitle: 第二篇\n---\n今年，全区完成改造。\n", "utf-8")
    fingerprint = services.publish_plan(root / "2024-03", tmp_path / "archive").plan.fingerprint
    done = services.publish_checked(root / "2024-03", fingerprint, archive=tmp_path / "archive")
    assert done.version == 1 and services.verify(tmp_path / "archive").problems == []
