"""What an archive holds (zhuanbao.archive.holdings): issues and versions read from the files, damaged ones said."""

from __future__ import annotations

import shutil

from zhuanbao.archive.holdings import holdings, version_record
from zhuanbao.services import publish


def test_every_issue_of_every_series_newest_first_with_its_versions(two_series):
    _, archive = two_series
    issues, warnings = holdings(archive)
    assert warnings == []
    assert [(i.series, i.name, i.date) for i in issues] == [
        ("工作专报", "工作专报2025年第9期", "2025-09-22"), ("工作专报", "工作专报2025年第8期", "2025-08-26"),
        ("工作专报", "工作专报2025年第7期", "2025-07-24"), ("民政简报", "民政简报2024年第5期", "2024-05-20"),
    ]  # fmt: skip
    ninth = issues[0]
    assert (ninth.series_key, ninth.folder, ninth.year, ninth.number, ninth.total) == ("content", "2025-09", 2025, 9, 33)
    assert [(v.number, v.current, v.documents) for v in ninth.versions] == [(1, True, ("工作专报2025年第9期.docx",))]
    assert ninth.current.folder == archive / "content" / "2025-09" / "v1" and ninth.current.published_at[:2] == "20"


def test_versions_are_newest_first_and_the_one_in_force_is_current(series, tmp_path):
    root = series()
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    publish(root / "2024-03", archive, revise=True, pdf=False)
    (issue,), _ = holdings(archive)
    assert [(v.number, v.current) for v in issue.versions] == [(2, True), (1, False)]
    record = version_record(archive, archive / "series" / "2024-03" / "v1")
    assert record.version.number == 1 and not record.version.current and len(record.issue.versions) == 2
    assert [(i["section"], i["title"], i["source"], i["file"]) for i in record.items] == [
        ("工作简讯", "测试区完成老旧小区改造", "测试区住建局", "01-gaizao.md")]  # fmt: skip
    assert "sources/2024-03/issue.yaml" in record.files and "工作专报2024年第3期.docx" in record.files


def test_a_damaged_version_is_left_out_with_a_warning_naming_its_manifest(tmp_path, two_series):
    _, shared = two_series
    archive = tmp_path / "archive"
    shutil.copytree(shared, archive)
    manifest = archive / "content" / "2025-08" / "v1" / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_text('{"series": 1}', "utf-8")
    issues, warnings = holdings(archive)
    assert [i.name for i in issues] == ["工作专报2025年第9期", "工作专报2025年第7期", "民政简报2024年第5期"]
    assert len(warnings) == 1 and warnings[0].path == manifest and warnings[0].severity == "warning"


def test_an_archive_not_made_yet_holds_nothing(tmp_path):
    assert holdings(tmp_path / "archive") == ([], [])
