"""Publishing (zhuanbao.archive.publish): frozen versions, revisions, permissions, publishes that fail."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading

import pytest

from zhuanbao.archive.catalogue import Catalogue
from zhuanbao.archive.site import build_site
from zhuanbao.diagnostics import OutputError, UserError
from zhuanbao.services import publish, verify

from .conftest import EXAMPLE


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
    # the mode bits, not os.access: root (as CI runs) may write to any file
    mode = (folder / "工作专报2025年第8期.docx").stat().st_mode
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0, oct(mode)


def test_publishing_again_is_refused_and_changes_nothing(two_series):
    root, archive = two_series
    before = sorted(p.name for p in (archive / "content" / "2025-08").iterdir())
    with pytest.raises(OutputError, match="已经发布"):
        publish(root / "content" / "2025-08", archive, pdf=False)
    assert sorted(p.name for p in (archive / "content" / "2025-08").iterdir()) == before


def test_revise_adds_a_version_and_keeps_the_old_one(series, tmp_path):
    root = series()  # one issue, 2024-03, whose one item says 改造12个 (conftest.ITEM_MD)
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    item = root / "2024-03" / "items" / "01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("改造12个", "改造13个"), "utf-8")
    second = publish(root / "2024-03", archive, revise=True, pdf=False)
    assert second.version == 2
    home = archive / "series" / "2024-03"
    assert (home / "v1").is_dir() and (home / "v2").is_dir()
    assert (home / "current").read_text("utf-8").strip() == "v2"
    with Catalogue(archive) as catalogue:
        hits = catalogue.search("老旧小区", source="测试区住建局")
    # the item is in both versions; only the current version is found
    assert len(hits) == 1 and "改造13个" in hits[0].snippet


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


def test_published_versions_hold_no_build_bookkeeping(archived):
    _, folder = archived
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


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
