"""Writing files for a shared office folder: whole or not at all, shared modes, safe names, one writer at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from zhuanbao.build import run
from zhuanbao.diagnostics import BusyError
from zhuanbao import fsio
from zhuanbao.diagnostics import OutputError
from zhuanbao.fsio import locked, safe_name, umask, usual_mode, write_all_atomic, write_atomic


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


@pytest.mark.parametrize(
    ("title", "name"),
    [("工作专报", "工作专报"), ("工作/专报", "工作／专报"), ("../../etc", "／..／etc"), ('a:b*c?"d"<e>|f\\g', "a：b＊c？＂d＂＜e＞｜f＼g"),
     (".隐藏", "隐藏"), ("  专报\x07 ", "专报")],
)  # fmt: skip
def test_a_title_makes_a_file_name_that_stays_in_its_folder(title, name):
    assert safe_name(title) == name


def test_the_umask_is_read_without_being_changed():
    import os

    before = os.umask(0o027)
    try:
        fsio.umask.cache_clear()
        assert umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what it was: reading it set nothing
    finally:
        os.umask(before)
        fsio.umask.cache_clear()


def test_a_folder_made_private_gets_the_mode_a_plain_mkdir_would(tmp_path):
    import tempfile

    folder = __import__("pathlib").Path(tempfile.mkdtemp(dir=tmp_path))
    usual_mode(folder)
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask()


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]  # no temporary file left


def test_several_files_are_replaced_all_or_none(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"old a")
    (tmp_path / "b.docx").mkdir()  # a folder where the second document would go
    with pytest.raises(OutputError, match="同名的文件夹或特殊文件已存在"):
        write_all_atomic([(tmp_path / "a.docx", b"new a"), (tmp_path / "b.docx", b"new b")])
    assert (tmp_path / "a.docx").read_bytes() == b"old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]


def test_only_our_own_old_temporary_files_are_cleaned(tmp_path):
    from zhuanbao.fsio import remove_leftovers

    names = [".工作专报.k3j_9x0a.tmp", ".a.abcdefgh.tmp", "编辑的草稿.tmp", ".notes.tmp", ".x.ABCDEFGH.tmp", "a.docx"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (1000, 1000))
    (tmp_path / ".young.qwertyui.tmp").write_bytes(b"being written")
    removed = remove_leftovers(tmp_path)
    assert sorted(p.name for p in removed) == [".a.abcdefgh.tmp", ".工作专报.k3j_9x0a.tmp"]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([".notes.tmp", ".x.ABCDEFGH.tmp", ".young.qwertyui.tmp", "a.docx", "编辑的草稿.tmp"])
