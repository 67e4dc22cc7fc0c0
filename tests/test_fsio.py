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


NO_FCNTL = "import sys; sys.modules['fcntl'] = None\n"  # as on Windows: no fcntl module to import


def test_the_lock_holds_where_there_is_no_fcntl(series, tmp_path):
    out = tmp_path / "out"
    root = series()
    holder = subprocess.Popen(
        [sys.executable, "-c", NO_FCNTL + (
            "import time, pathlib\nfrom zhuanbao.fsio import locked\n"
            f"with locked(pathlib.Path({str(out)!r})):\n    print('held', flush=True)\n    time.sleep(3)\n"
        )], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    build = NO_FCNTL + "import sys\nfrom zhuanbao.cli import main\nsys.argv = ['zhuanbao', *sys.argv[1:]]\nmain()\n"
    busy = subprocess.run([sys.executable, "-c", build, "build", str(root), "-o", str(out)], capture_output=True, text=True)
    assert busy.returncode == 75 and "另一个生成任务" in busy.stderr
    start = time.monotonic()
    queued = subprocess.run([sys.executable, "-c", build, "build", str(root), "-o", str(out), "--wait", "20"],
                            capture_output=True, text=True)  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert holder.wait(10) == 0 and time.monotonic() - start > 0.5  # it waited for the holder, then built
    assert list(out.glob("*.docx"))


def test_a_document_open_in_word_is_named_and_nothing_is_replaced(series, tmp_path, word_holds):
    from typer.testing import CliRunner

    from zhuanbao.cli import app

    out = tmp_path / "out"
    root = series()
    [built] = run(root, out).built
    before = built.path.read_bytes()
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\n---\n改过的正文。\n", "utf-8")
    word_holds.add(built.path)
    result = CliRunner().invoke(app, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "正在 Word 或 WPS 中打开" in result.output and built.path.name in result.output and "关闭" in result.output
    assert "Traceback" not in result.output
    assert built.path.read_bytes() == before
    assert not [p for p in out.iterdir() if p.suffix == ".tmp"]
    word_holds.clear()  # closed in Word: the next build goes through
    assert run(root, out).built and built.path.read_bytes() != before


def test_a_series_with_one_document_open_in_word_replaces_none(tmp_path, word_holds):
    from zhuanbao.diagnostics import HeldOpenError

    from .conftest import SERIES_YAML, write_tree

    item = "---\nsection: 工作简讯\n---\n正文。\n"
    root = write_tree(tmp_path / "s", {"series.yaml": SERIES_YAML, "2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\n",
                                       "2024-03/items/01.md": item, "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
                                       "2024-04/items/01.md": item})  # fmt: skip
    out = tmp_path / "out"
    first, second = (b.path for b in run(root, out).built)
    before = first.read_bytes(), second.read_bytes()
    for issue in ("2024-03", "2024-04"):
        (root / issue / "items/01.md").write_text(item.replace("正文", "新的正文"), "utf-8")
    word_holds.add(second)
    with pytest.raises(HeldOpenError) as caught:
        run(root, out)
    assert caught.value.path == second and "本次没有替换任何文件" in caught.value.hint
    assert (first.read_bytes(), second.read_bytes()) == before


def test_a_document_opened_in_word_between_check_and_replace_says_what_was_updated(tmp_path, word_holds, monkeypatch):
    from zhuanbao.diagnostics import HeldOpenError

    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    monkeypatch.setattr(fsio, "refuse_held_open", lambda paths: None)  # Word opened b just after the check
    word_holds.add(b)
    with pytest.raises(HeldOpenError) as caught:
        fsio.write_all_atomic([(a, b"new a"), (b, b"new b")])
    assert caught.value.path == b and "已更新 1 份，其余 1 份没有更新" in caught.value.hint
    assert b.read_bytes() == b"old b" and sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]


def test_a_pdf_open_in_a_reader_is_named_as_such(tmp_path, word_holds):
    from zhuanbao.diagnostics import HeldOpenError

    pdf = tmp_path / "专报.pdf"
    pdf.write_bytes(b"%PDF old")
    word_holds.add(pdf)
    with pytest.raises(HeldOpenError, match="PDF 阅读器"):
        fsio.write_atomic(pdf, b"%PDF new")
    assert pdf.read_bytes() == b"%PDF old" and [p.name for p in tmp_path.iterdir()] == ["专报.pdf"]


def test_a_read_only_document_is_not_taken_for_one_open_in_word(series, tmp_path, word_holds):
    # Windows gives the same errno 13 for both; a copy out of the archive keeps its read-only mark
    from zhuanbao.diagnostics import HeldOpenError, OutputError

    out = tmp_path / "out"
    root = series()
    [built] = run(root, out).built
    built.path.chmod(0o444)
    word_holds.add(built.path)  # Windows refuses the write-open of a read-only file too
    with pytest.raises(OutputError) as caught:
        run(root, out, changed=False)
    assert not isinstance(caught.value, HeldOpenError)  # watch must not wait for a Word that is not there
    assert "只读" in caught.value.message and "属性" in caught.value.hint


def test_a_pdf_open_in_a_reader_after_the_document_was_updated_says_so(tmp_path, word_holds, monkeypatch):
    import zhuanbao.export as export
    from zhuanbao.diagnostics import HeldOpenError

    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\nfor a; do last=$a; done\nout=""\nwhile [ $# -gt 0 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
                    'printf "%%PDF-1.4 new" > "$out/$(basename "$last" .docx).pdf"\n', "utf-8")  # fmt: skip
    fake.chmod(0o755)
    monkeypatch.setattr(export, "find_soffice", lambda: str(fake))
    docx = tmp_path / "专报.docx"
    docx.write_bytes(b"PK")
    (tmp_path / "专报.pdf").write_bytes(b"%PDF old")
    word_holds.add(tmp_path / "专报.pdf")
    with pytest.raises(HeldOpenError) as caught:
        export.to_pdf(docx)
    assert "PDF 阅读器" in caught.value.message and "Word 文档已经更新，只有 PDF 没有更新" in caught.value.hint


@pytest.mark.parametrize("links", [True, False])
def test_a_move_never_replaces_a_file(tmp_path, monkeypatch, links):
    if not links:  # FAT, some network shares: no hard links
        monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(1, "Operation not permitted")))
    (tmp_path / "bin").mkdir()
    source, target = tmp_path / "01.md", tmp_path / "bin" / "01.md"
    source.write_bytes(b"mine")
    assert fsio.move_without_replacing(source, target) and target.read_bytes() == b"mine" and not source.exists()
    source.write_bytes(b"second")
    assert not fsio.move_without_replacing(source, target)
    assert source.read_bytes() == b"second" and target.read_bytes() == b"mine"
    assert sorted(p.name for p in (tmp_path / "bin").iterdir()) == ["01.md"]  # no staging file left


def test_a_move_whose_target_appears_at_the_last_moment_puts_the_file_back(tmp_path, monkeypatch):
    source, target = tmp_path / "01.md", tmp_path / "02.md"
    source.write_bytes(b"mine")
    real_link = os.link

    def raced(ours, name, **options):
        if not os.path.exists(target):
            target.write_bytes(b"theirs")  # another program took the name just now
        return real_link(ours, name, **options)

    monkeypatch.setattr(os, "link", raced)
    assert not fsio.move_without_replacing(source, target)
    monkeypatch.setattr(os, "link", real_link)
    assert source.read_bytes() == b"mine" and target.read_bytes() == b"theirs"


def test_a_moved_link_stays_a_link(tmp_path):
    target = tmp_path / "shared.md"
    target.write_bytes(b"shared")
    (tmp_path / "bin").mkdir()
    link = tmp_path / "01.md"
    link.symlink_to(target)
    assert fsio.move_without_replacing(link, tmp_path / "bin" / "01.md")
    moved = tmp_path / "bin" / "01.md"
    assert moved.is_symlink() and os.readlink(moved) == str(target) and target.read_bytes() == b"shared"
