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

from .conftest import EXAMPLE, bounded, refused


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
    # (.zhuanbao.lock: publish holds the series' lock)
    assert [p.name for p in (tmp_path / "shared" / "content").iterdir() if p.name[0] != "."] == ["2025-08"]


def test_an_archive_or_site_folder_that_is_a_file_is_a_clear_error(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(OutputError, match="无法写入归档文件夹"):
        publish(tmp_path / "content" / "2025-07", tmp_path / "f", pdf=False)
    publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False)
    with pytest.raises(OutputError, match="无法写入网站文件夹"):
        build_site(tmp_path / "archive", tmp_path / "f")


# --- hostile input (issue 13): links, two spellings of one issue, publishes that fail or are killed ----------


def _versions_in(archive):
    return sorted(p.relative_to(archive).as_posix() for p in archive.glob("*/*/v*")) if archive.exists() else []


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_out_of_the_series_is_refused_and_nothing_is_published(tmp_path, kind):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    secret = tmp_path / "机密"
    secret.mkdir()
    (secret / "名单.txt").write_text("不应进入归档", "utf-8")
    issue = tmp_path / "content" / "2025-07"
    link = issue / ("附件.txt" if kind == "file" else "附件")
    link.symlink_to(secret / "名单.txt" if kind == "file" else secret)
    archive = tmp_path / "archive"
    result = bounded("publish", str(issue), "--archive", str(archive))
    refused(result, "附件", "是一个链接，指向刊物文件夹“content”之外")
    assert _versions_in(archive) == []
    assert not any("名单" in p.name for p in tmp_path.rglob("*") if "archive" in p.parts)


def test_links_that_lead_nowhere_or_round_in_a_loop_are_refused(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    issue = tmp_path / "content" / "2025-07"
    (issue / "旧").symlink_to(tmp_path / "没有这个文件")
    with pytest.raises(UserError, match="它指向的文件不存在"):
        publish(issue, tmp_path / "archive", pdf=False)
    (issue / "旧").unlink()
    (issue / "本期").symlink_to(issue)  # inside the series, but a loop
    with pytest.raises(UserError, match="循环"):
        publish(issue, tmp_path / "archive", pdf=False)
    assert _versions_in(tmp_path / "archive") == []


def test_a_link_inside_the_series_is_archived_as_the_file_it_names(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "content" / "共用.txt").write_text("各期共用的说明", "utf-8")
    (tmp_path / "content" / "2025-07" / "说明.txt").symlink_to(tmp_path / "content" / "共用.txt")
    folder = publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False).folder
    copy = folder / "sources" / "2025-07" / "说明.txt"
    assert not copy.is_symlink() and copy.read_text("utf-8") == "各期共用的说明"
    assert verify(tmp_path / "archive").problems == []


def test_a_renamed_issue_folder_finds_the_issue_already_published(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-08", archive, pdf=False)
    (tmp_path / "content" / "2025-08").rename(tmp_path / "content" / "2025-008")
    result = bounded("publish", str(tmp_path / "content" / "2025-008"), "--archive", str(archive))
    refused(result, "工作专报2025年第8期已经发布（第1版，归档中的文件夹是“2025-08”）", "--revise")
    assert _versions_in(archive) == ["content/2025-08/v1"]
    second = publish(tmp_path / "content" / "2025-008", archive, revise=True, pdf=False)
    assert second.folder == archive / "content" / "2025-08" / "v2"
    assert (second.folder / "sources" / "2025-08" / "issue.yaml").is_file()  # archived under the issue's folder
    assert _versions_in(archive) == ["content/2025-08/v1", "content/2025-08/v2"]
    assert verify(archive).problems == []
    # full-width digits are not an issue folder's name: refused before the archive is read
    (tmp_path / "content" / "2025-008").rename(tmp_path / "content" / "２０２５-０８")
    with pytest.raises(UserError):
        publish(tmp_path / "content" / "２０２５-０８", archive, pdf=False)
    assert _versions_in(archive) == ["content/2025-08/v1", "content/2025-08/v2"]


def test_a_series_folder_spelt_in_nfd_is_the_same_series(tmp_path):
    import unicodedata

    nfc, nfd = unicodedata.normalize("NFC", "café专报"), unicodedata.normalize("NFD", "café专报")
    assert nfc != nfd
    shutil.copytree(EXAMPLE, tmp_path / nfc)
    archive = tmp_path / "archive"
    publish(tmp_path / nfc / "2025-07", archive, pdf=False)
    (tmp_path / nfc).rename(tmp_path / nfd)
    with pytest.raises(OutputError, match="已经发布（第1版）"):
        publish(tmp_path / nfd / "2025-07", archive, pdf=False)
    publish(tmp_path / nfd / "2025-08", archive, pdf=False)  # a new issue joins the series' folder
    assert [p.name for p in archive.iterdir() if p.is_dir()] == [nfc]
    assert verify(archive).problems == []


def test_a_catalogue_that_cannot_be_written_does_not_undo_the_publish(tmp_path, monkeypatch):
    import sqlite3

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-07", archive, pdf=False)

    def unwritable(self, folder):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    with monkeypatch.context() as patch:
        patch.setattr(Catalogue, "add_version", unwritable)
        published = publish(tmp_path / "content" / "2025-08", archive, pdf=False)
    assert published.version == 1 and (published.folder.parent / "current").read_text("utf-8") == "v1\n"
    [warning] = published.warnings
    assert warning.severity == "warning" and "已发布，但检索目录没有更新" in warning.message
    assert "zhuanbao reindex" in warning.message
    assert [p.message for p in verify(archive).problems] == [
        "检索目录中没有这一版，检索和统计找不到它（运行 zhuanbao reindex 可重建）"]
    publish(tmp_path / "content" / "2025-09", archive, pdf=False)  # the next publish catches the catalogue up
    assert verify(archive).problems == []
    with Catalogue(archive) as catalogue:
        assert {i["folder"] for i in catalogue.issues()} == {"2025-07", "2025-08", "2025-09"}


def test_a_catalogue_that_is_a_folder_still_publishes(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    (archive / "catalogue.sqlite").mkdir(parents=True)
    published = publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    assert (published.folder.parent / "current").read_text("utf-8") == "v1\n"
    assert "无法打开检索目录" in published.warnings[0].message
    assert any("检索目录不是一个文件" in p.message for p in verify(archive).problems)


KILLER = """\
import os, signal, sys
from pathlib import Path
import zhuanbao.archive.publish as publishing
from zhuanbao.services import publish

point, issue, archive = sys.argv[1:]

def kill(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def after(step):
    def run(*args, **kwargs):
        step(*args, **kwargs)
        kill()
    return run

if point == "writing":
    publishing._sync_tree = kill  # the version half-written under .publish-*
elif point == "placed":
    publishing._point_current = kill  # renamed to vN, current not yet written
elif point == "committed":
    publishing._point_current = after(publishing._point_current)  # current written, .publish-pending left
elif point == "catalogue":
    publishing._catalogue = kill
publish(Path(issue), Path(archive), revise=(Path(archive) / "content" / "2025-07").is_dir(), pdf=False)
"""


@pytest.mark.parametrize("revision", [False, True])
@pytest.mark.parametrize("point", ["writing", "placed", "committed", "catalogue"])
def test_a_publish_killed_part_way_is_reported_and_the_next_publish_recovers(tmp_path, point, revision):
    import subprocess
    import sys

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    issue = tmp_path / "content" / "2025-07"
    if revision:
        publish(issue, archive, pdf=False)
    before = _versions_in(archive)
    killed = subprocess.run([sys.executable, "-c", KILLER, point, str(issue), str(archive)], capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()
    committed = point in ("committed", "catalogue")
    problems = [p.message for p in verify(archive).problems]
    if point == "catalogue" and not revision:
        assert problems == []  # no catalogue yet: the first to open it builds it from the files
    elif point == "catalogue":
        assert problems == ["检索目录把工作专报2025年第7期的这一版记作现行版本，但 current 指向别的版本（运行 zhuanbao reindex 可重建）",
                            "检索目录中没有这一版，检索和统计找不到它（运行 zhuanbao reindex 可重建）"]  # fmt: skip
    else:
        assert any("上一次发布没有完成" in m for m in problems), problems
    # the next publish of the series cleans up: what was not committed is gone, what was is kept
    publish(tmp_path / "content" / "2025-09", archive, pdf=False)
    expected = before + (["content/2025-07/v2" if revision else "content/2025-07/v1"] if committed else [])
    assert [v for v in _versions_in(archive) if "2025-07" in v] == expected
    assert sorted(p.name for p in archive.rglob(".publish-*")) == []
    assert verify(archive).problems == []
    # and the issue can be published (again) as if the killed run had never started, or is already there
    if committed:
        with pytest.raises(OutputError, match="已经发布"):
            publish(issue, archive, pdf=False)
    else:
        assert publish(issue, archive, revise=revision, pdf=False).version == (2 if revision else 1)
    assert verify(archive).problems == []


def test_a_leftover_is_cleaned_only_when_older_than_the_lock(tmp_path):
    from zhuanbao.archive.publish import recover

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    home = publish(tmp_path / "content" / "2025-07", archive, pdf=False).folder.parent
    (home / ".publish-old").mkdir()
    (home / ".publish-new").mkdir()
    os.utime(home / ".publish-old", (1_000_000, 1_000_000))
    recover(home.parent, since=(home / ".publish-new").stat().st_mtime)
    assert not (home / ".publish-old").exists() and (home / ".publish-new").is_dir()
    assert [p.path.name for p in verify(archive).problems] == [".publish-new"]


# --- hostile input (issue 13): a read-only catalogue, damaged files of other versions ---------------------


def test_a_read_only_catalogue_is_a_warning_in_chinese(tmp_path, monkeypatch):
    import sqlite3

    from zhuanbao.archive.layout import sqlite_uri

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-07", archive, pdf=False)

    def read_only(path):  # as an account without write permission opens it (chmod does not stop root)
        return sqlite3.connect(sqlite_uri(path.resolve()), uri=True, timeout=1, isolation_level=None)

    monkeypatch.setattr(Catalogue, "_connect", staticmethod(read_only))
    published = publish(tmp_path / "content" / "2025-08", archive, pdf=False)
    [warning] = published.warnings
    assert "已发布，但检索目录没有更新（无法读写检索目录：检索目录是只读的" in warning.message, warning.message
    assert "readonly" not in warning.message and "database" not in warning.message


def test_a_raw_sqlite_error_in_the_catalogue_step_is_said_in_chinese(tmp_path, monkeypatch):
    import sqlite3

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    publish(tmp_path / "content" / "2025-07", archive, pdf=False)

    def full(self, folder):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Catalogue, "add_version", full)
    [warning] = publish(tmp_path / "content" / "2025-08", archive, pdf=False).warnings
    assert "已发布，但检索目录没有更新（磁盘空间不足" in warning.message and "disk" not in warning.message


def _publish_bounded(issue, archive, memory_mb=512):
    """``publish`` in a process of its own under conftest's memory limit, without a PDF (LibreOffice
    does not start under that limit, and is not what is tested)."""
    import resource
    import subprocess
    import sys

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    script = "import sys; from pathlib import Path; from zhuanbao.services import publish; " \
             "published = publish(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False); " \
             "print(*published.warnings, sep='\\n', file=sys.stderr)"  # fmt: skip
    return subprocess.run([sys.executable, "-c", script, str(issue), str(archive)], capture_output=True, text=True,
                          preexec_fn=limit, timeout=300)  # fmt: skip


@pytest.mark.parametrize("name", ["items.json", "manifest.json"])
def test_a_hostile_file_of_another_version_does_not_stop_a_publish(tmp_path, name):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    july = publish(tmp_path / "content" / "2025-07", archive, pdf=False).folder
    (july / name).chmod(0o644)
    with open(july / name, "wb") as handle:  # a manifest far larger than any; items.json nested deeply
        handle.write(b" " * (300 * 2**20) if name == "manifest.json" else b"[" * 100000 + b"]" * 100000)
    (archive / "catalogue.sqlite").unlink()  # the publish rebuilds it from the files: July's among them
    result = _publish_bounded(tmp_path / "content" / "2025-08", archive)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert (archive / "content" / "2025-08" / "current").read_text("utf-8") == "v1\n"
    # July is left out of the catalogue, named in a warning in Chinese; August is in it
    assert str(july / name) in result.stderr and "这一版未编入检索目录" in result.stderr, result.stderr[-2000:]
    assert "recursion" not in result.stderr and "没有更新" not in result.stderr, result.stderr[-2000:]
    with Catalogue(archive) as catalogue:
        assert {i["folder"] for i in catalogue.issues()} == {"2025-08"}


# --- the plan: what a publish would freeze, shown before it is confirmed ---------------------------------------


def test_a_plan_says_what_would_be_archived_and_writes_nothing(series, tmp_path):
    from zhuanbao.services import publish_plan

    root = series({"2024-03/items/_示例.md": "---\nsection: 工作简讯\n---\n示例。\n"})
    archive = tmp_path / "archive"
    planned = publish_plan(root / "2024-03", archive).plan
    assert not archive.exists()  # asking writes nothing, not even the archive's folder
    assert (planned.version, planned.current, planned.folder) == (1, None, archive / "series" / "2024-03" / "v1")
    assert planned.document == "工作专报2024年第3期.docx"
    assert [(i.section, i.title, i.source, i.file) for i in planned.items] == [
        ("工作简讯", "测试区完成老旧小区改造", "测试区住建局", "01-gaizao.md")]  # drafts are not printed
    assert planned.sources == ("issue.yaml", "items/01-gaizao.md", "items/_示例.md", "../series.yaml")
    assert "bulletin.xml.j2" in planned.templates and planned.own_templates == ()
    published = publish(root / "2024-03", archive, pdf=False, expect=planned.fingerprint)
    manifest = json.loads((published.folder / "manifest.json").read_text("utf-8"))
    archived = {name.removeprefix("sources/2024-03/") for name in manifest["files"] if name.startswith("sources/2024-03/")}
    assert archived == {"issue.yaml", "items/01-gaizao.md", "items/_示例.md"}  # what the plan listed
    assert {"sources/templates/" + name for name in planned.templates} <= set(manifest["files"])
    again = publish_plan(root / "2024-03", archive).plan
    assert (again.version, again.current) == (2, 1) and again.fingerprint != planned.fingerprint


def test_a_plan_is_the_same_until_something_it_freezes_changes(series, tmp_path):
    from zhuanbao.services import publish_plan

    root = series()
    first = publish_plan(root / "2024-03", tmp_path / "archive").plan.fingerprint
    assert publish_plan(root / "2024-03", tmp_path / "archive").plan.fingerprint == first  # deterministic
    (root / "2024-03" / "notes.txt").write_text("一个附带的文件", "utf-8")  # archived as a source, not printed
    second = publish_plan(root / "2024-03", tmp_path / "archive").plan.fingerprint
    assert second != first
    (root / "templates").mkdir()
    item = (EXAMPLE.parent / "templates" / "item.xml.j2").read_text("utf-8")
    (root / "templates" / "item.xml.j2").write_text("{# 本刊的稿件模板 #}\n" + item, "utf-8")
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "templates: templates\n", "utf-8")
    own = publish_plan(root / "2024-03", tmp_path / "archive").plan
    assert own.fingerprint != second and own.own_templates == ("item.xml.j2",)


def test_a_publish_of_another_plan_than_the_one_confirmed_is_refused(series, tmp_path):
    from zhuanbao.archive.publish import PlanChanged
    from zhuanbao.services import publish_plan

    root = series()
    archive = tmp_path / "archive"
    confirmed = publish_plan(root / "2024-03", archive).plan.fingerprint
    item = root / "2024-03" / "items" / "01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("改造12个", "改造13个"), "utf-8")
    with pytest.raises(PlanChanged, match="在确认之后有了改动"):
        publish(root / "2024-03", archive, pdf=False, expect=confirmed)
    assert not (archive / "series" / "2024-03").exists()
    confirmed = publish_plan(root / "2024-03", archive).plan.fingerprint
    publish(root / "2024-03", archive, pdf=False)  # someone else publishes v1 meanwhile
    with pytest.raises(PlanChanged):  # the confirmed first publication would now be v2
        publish(root / "2024-03", archive, revise=True, pdf=False, expect=confirmed)
    assert sorted(p.name for p in (archive / "series" / "2024-03").iterdir() if p.is_dir()) == ["v1"]
