"""recyclebin.py: a deleted item goes whole into the issue's .回收站/, which nothing prints, checks or
archives, and comes back byte for byte, never over another file."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from zhuanbao import services
from zhuanbao.diagnostics import ConflictError, ContentError
from zhuanbao.itemfile import digest
from zhuanbao.recyclebin import BIN_DIR, listing, restore, to_bin

GBK_CRLF = "---\nsection: 工作简讯\ntitle: 要删的稿件\n---\n正文。\n".replace("\n", "\r\n").encode("gbk")
WHEN = dt.datetime(2024, 3, 16, 9, 30, 5)


@pytest.fixture
def issue(series):
    return series({"2024-03/items/02-del.md": GBK_CRLF}) / "2024-03"


def test_a_deleted_item_is_kept_whole_in_the_bin_and_restored_byte_for_byte(issue):
    path = issue / "items" / "02-del.md"
    binned = to_bin(path, digest(GBK_CRLF), WHEN)
    assert binned == issue / BIN_DIR / "02-del.md" and binned.read_bytes() == GBK_CRLF and not path.exists()
    assert [(b.name, b.title, b.section, b.deleted) for b in listing(issue)] == [("02-del.md", "要删的稿件", "工作简讯", WHEN)]
    assert restore(issue, "02-del.md") == path and path.read_bytes() == GBK_CRLF
    assert listing(issue) == [] and list((issue / BIN_DIR).iterdir()) == []


def test_a_name_already_in_the_bin_gets_the_moment_of_deletion_and_both_come_back(issue):
    path = issue / "items" / "02-del.md"
    to_bin(path, digest(GBK_CRLF), WHEN)
    path.write_text("---\nsection: 工作简讯\n---\n第二份。\n", "utf-8")
    second = to_bin(path, digest(path.read_bytes()), WHEN + dt.timedelta(minutes=1))
    assert second.name == "02-del.20240316-093105.md"
    path.write_text("---\nsection: 工作简讯\n---\n第三份。\n", "utf-8")
    third = to_bin(path, digest(path.read_bytes()), WHEN + dt.timedelta(minutes=1))
    assert third.name == "02-del.20240316-093105-2.md"
    names = [b.name for b in listing(issue)]
    assert set(names[:2]) == {third.name, second.name} and names[2] == "02-del.md"  # the last deleted first
    assert [b.original for b in listing(issue)] == ["02-del.md"] * 3
    # each comes back as 02-del.md if free, else with -2, -3: nothing is replaced
    assert restore(issue, second.name).name == "02-del.md"
    assert restore(issue, "02-del.md").name == "02-del-2.md" and (issue / "items" / "02-del-2.md").read_bytes() == GBK_CRLF
    assert restore(issue, third.name).name == "02-del-3.md"
    assert "第二份" in (issue / "items" / "02-del.md").read_text("utf-8")


def test_an_item_changed_since_the_page_was_made_is_not_deleted(issue):
    path = issue / "items" / "02-del.md"
    with pytest.raises(ConflictError, match="没有删除"):
        to_bin(path, digest(b"what the page showed"))
    assert path.read_bytes() == GBK_CRLF and not (issue / BIN_DIR).exists()


def test_restoring_what_is_not_in_the_bin_says_so(issue):
    with pytest.raises(ContentError, match="回收站中没有"):
        restore(issue, "02-del.md")


def test_the_bin_survives_and_is_neither_built_checked_nor_published(issue, tmp_path):
    to_bin(issue / "items" / "02-del.md", digest(GBK_CRLF))
    (issue / BIN_DIR / "03-broken.md").write_text("---\nsection: [不存在\n---\n", "utf-8")  # would fail a build
    built = services.build(services.BuildRequest(issue, tmp_path / "output"))
    assert len(built.built) == 1 and not built.failed
    import docx

    text = "\n".join(p.text for p in docx.Document(built.built[0].path).paragraphs)
    assert "要删的稿件" not in text and "测试区完成老旧小区改造" in text
    assert not [f for f in services.check(issue).findings if BIN_DIR in str(f.path)]
    published = services.publish(issue, tmp_path / "archive", pdf=False)
    archived = [p.relative_to(published.folder).as_posix() for p in published.folder.rglob("*") if p.is_file()]
    assert archived and not [name for name in archived if BIN_DIR in name]
    assert (issue / BIN_DIR / "02-del.md").read_bytes() == GBK_CRLF  # and it is still there to restore


def test_a_move_under_way_is_not_listed(issue):
    (issue / BIN_DIR).mkdir()
    (issue / BIN_DIR / f".02-del.md.{os.getpid()}.1.moving").write_bytes(GBK_CRLF)
    assert listing(issue) == []


def test_a_link_goes_to_the_bin_as_a_link_and_comes_back_as_one(issue):
    shared = issue.parent / "shared.md"
    shared.write_text("---\nsection: 工作简讯\ntitle: 共用\n---\n正文。\n", "utf-8")
    link = issue / "items" / "03-link.md"
    link.symlink_to(shared)
    binned = to_bin(link, digest(shared.read_bytes()), WHEN)
    assert binned.is_symlink() and binned.resolve() == shared.resolve() and not os.path.lexists(link)
    assert [(b.name, b.title, b.deleted) for b in listing(issue)] == [("03-link.md", "共用", WHEN)]
    assert shared.stat().st_mtime != WHEN.timestamp()  # the link's own time, not the shared file's
    assert restore(issue, "03-link.md") == link and link.is_symlink()


def test_nothing_is_moved_into_or_restored_from_through_a_link_out_of_the_series(issue, tmp_path):
    path = issue / "items" / "02-del.md"
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (issue / BIN_DIR).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ContentError, match="回收站文件夹“.回收站”是一个链接，指向series文件夹之外"):
        to_bin(path, digest(GBK_CRLF), WHEN)
    assert path.read_bytes() == GBK_CRLF and list(elsewhere.iterdir()) == []
    (elsewhere / "04-out.md").write_text("---\nsection: 工作简讯\ntitle: 别处的\n---\n正文。\n", "utf-8")
    with pytest.raises(ContentError, match="回收站文件夹“.回收站”是一个链接，指向series文件夹之外，不会读取"):
        listing(issue)
    (issue / BIN_DIR).unlink()
    (issue / BIN_DIR).mkdir()
    (issue / BIN_DIR / "04-out.md").symlink_to(elsewhere / "04-out.md")
    assert [(b.name, b.title, b.problem) for b in listing(issue)] == [("04-out.md", "", "是指向刊物文件夹之外的链接，不会读取，也不能恢复")]
    with pytest.raises(ContentError, match="是一个链接"):
        restore(issue, "04-out.md")
    assert not (issue / "items" / "04-out.md").exists()
