"""The resident LibreOffice (export/resident.py, export/unoworker.py): the same PDF as a cold conversion,
faster the second time, started again when soffice dies or hangs, and never left running — not after
stop(), not after its owner is killed; a broken document is a Chinese error; without a Python that can
drive it, one LibreOffice run per conversion, with how to make it fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import read_pdf
from zhuanbao import export, services
from zhuanbao.diagnostics import OutputError
from zhuanbao.export import resident
from zhuanbao.export.resident import (
    ColdConverter,
    ResidentConverter,
    StartFailed,
    find_uno_python,
    open_converter,
    pipe_sockets,
)
from zhuanbao.export.soffice import faster_hint, office_binary, python_candidates

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def converter(uno_python):
    made = ResidentConverter(*uno_python)
    yield made
    made.stop()


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    """The example's issues as .docx, built once."""
    out = tmp_path_factory.mktemp("docx")
    built = services.build(services.BuildRequest(REPO / "content", out)).built
    return {b.edition.issue_dir.name: b.path for b in built}


def gone(pid: int) -> bool:
    """No such process any more (a zombie waiting for a parent that will never reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(*pids: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def first_page(pdf: Path) -> str:
    """Page 1's text without the spaces pdftotext puts between Chinese and figures (2025 年第 9 期)."""
    return read_pdf(pdf).text(1).replace(" ", "")


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


# --- converting --------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_conversion_gives_the_pages_and_text_of_a_cold_one(converter, documents, tmp_path):
    document = documents["2025-09"]  # tables, a chart, a distribution block at the foot
    (tmp_path / "warm").mkdir()
    warm = read_pdf(converter.to_pdf(document, tmp_path / "warm"))
    cold = read_pdf(export.to_pdf(document, tmp_path))
    assert warm.path.name == cold.path.name == "工作专报2025年第9期.pdf" and warm.path != cold.path
    assert len(warm.pages) == len(cold.pages) >= 4
    lines = lambda pdf: [[line.text for line in page] for page in pdf.pages]  # noqa: E731
    assert lines(warm) == lines(cold)
    assert "2025年第9期" in first_page(warm.path) and "—1—" in first_page(warm.path)


@pytest.mark.libreoffice
def test_a_second_conversion_reuses_the_running_office_and_is_faster(converter, documents, tmp_path):
    started = time.perf_counter()
    converter.to_pdf(documents["2025-08"], tmp_path)
    first = time.perf_counter() - started
    worker, office = converter.pid, converter.soffice_pid
    assert worker and office and not gone(office)
    started = time.perf_counter()
    pdf = converter.to_pdf(documents["2025-07"], tmp_path)
    second = time.perf_counter() - started
    assert (converter.pid, converter.soffice_pid) == (worker, office)  # the same processes
    assert second < first / 2, (first, second)  # no start-up paid again
    assert pdf.read_bytes().startswith(b"%PDF") and "2025年第7期" in first_page(pdf)


@pytest.mark.libreoffice
def test_the_pdf_is_put_in_place_whole_and_the_private_folder_is_cleaned(converter, documents, tmp_path):
    pdf = converter.to_pdf(documents["2025-08"])  # beside the document, as to_pdf does
    assert pdf == documents["2025-08"].with_suffix(".pdf") and pdf.read_bytes().startswith(b"%PDF")
    work = converter._work
    assert work is not None and not list(work.glob("*.pdf"))  # nothing left over in its own folder
    converter.stop()
    assert not work.exists()


# --- soffice dies, hangs, or is given a broken document ------------------------------------------------------


@pytest.mark.libreoffice
def test_a_killed_soffice_is_started_again_and_the_conversion_done(converter, documents, tmp_path):
    converter.to_pdf(documents["2025-08"], tmp_path)
    office = converter.soffice_pid
    os.kill(office, signal.SIGKILL)
    assert wait_gone(office)
    pdf = converter.to_pdf(documents["2025-07"], tmp_path)
    assert "2025年第7期" in first_page(pdf)
    assert converter.soffice_pid not in (None, office) and not gone(converter.soffice_pid)


@pytest.mark.libreoffice
def test_a_hanging_soffice_is_stopped_at_the_timeout_and_replaced(uno_python, documents, tmp_path):
    converter = ResidentConverter(*uno_python, timeout=3)
    try:
        converter.to_pdf(documents["2025-08"], tmp_path)
        office, worker = converter.soffice_pid, converter.pid
        os.kill(office, signal.SIGSTOP)  # hangs: alive, answering nothing
        started = time.monotonic()
        with pytest.raises(OutputError, match="超过 3 秒仍未完成转换，已停止"):
            converter.to_pdf(documents["2025-07"], tmp_path)
        assert time.monotonic() - started < 10
        assert wait_gone(office, worker)  # killed, not left stopped in the background
        assert "2025年第7期" in first_page(converter.to_pdf(documents["2025-07"], tmp_path))
    finally:
        converter.stop()


@pytest.mark.libreoffice
def test_a_broken_document_is_a_chinese_error_and_the_converter_keeps_working(converter, documents, tmp_path):
    whole = documents["2025-08"].read_bytes()
    broken = tmp_path / "坏的.docx"
    broken.write_bytes(whole[: len(whole) // 2])  # a download cut off half way
    converter.to_pdf(documents["2025-08"], tmp_path)
    office = converter.soffice_pid
    with pytest.raises(OutputError) as caught:
        converter.to_pdf(broken, tmp_path)
    assert "LibreOffice 无法打开这份 Word 文档" in caught.value.message and caught.value.path == broken
    assert not (tmp_path / "坏的.pdf").exists()
    pdf = converter.to_pdf(documents["2025-07"], tmp_path)
    assert "2025年第7期" in first_page(pdf) and converter.soffice_pid == office


# --- never left behind -----------------------------------------------------------------------------------------


@pytest.mark.libreoffice
@linux_only
def test_stop_leaves_no_process_and_no_folder(converter, documents, tmp_path):
    converter.to_pdf(documents["2025-08"], tmp_path)
    worker, office, work = converter.pid, converter.soffice_pid, converter._work
    converter.stop()
    assert converter.pid is None and wait_gone(worker, office, seconds=1)
    assert not work.exists()
    converter.stop()  # twice is harmless


OWNER = """
import sys, time
from pathlib import Path
from zhuanbao.export.resident import ResidentConverter
converter = ResidentConverter(sys.argv[1], sys.argv[2])
converter.to_pdf(Path(sys.argv[3]), Path(sys.argv[4]))
print(converter.pid, converter.soffice_pid, converter._work, flush=True)
time.sleep(600)
"""


@pytest.mark.libreoffice
@linux_only
def test_when_its_owner_is_killed_the_resident_office_goes_too(uno_python, documents, tmp_path):
    # the studio killed outright (kill -9, a crash, the window closed): no atexit runs, nothing is asked
    # to stop; the worker sees its stdin close and stops soffice
    owner = subprocess.Popen([sys.executable, "-c", textwrap.dedent(OWNER), *uno_python,
                              str(documents["2025-08"]), str(tmp_path)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        worker, office, work = owner.stdout.readline().split()
        worker, office, work = int(worker), int(office), Path(work)
        assert not gone(worker) and not gone(office) and (work / "profile").is_dir()
        owner.kill()
        owner.wait()
        assert wait_gone(worker, office), "a LibreOffice was left running after its owner was killed"
        assert not work.exists()  # nor its profile
    finally:
        owner.kill()


@pytest.mark.libreoffice
def test_the_pipe_is_for_this_user_only_whatever_the_umask(converter, documents, tmp_path):
    old = os.umask(0)  # an account whose files are open to all: the socket must still be private
    try:
        converter.to_pdf(documents["2025-08"], tmp_path)
    finally:
        os.umask(old)
    sockets = pipe_sockets(converter.pipe)
    assert sockets and all(p.is_socket() and p.stat().st_mode & 0o077 == 0 for p in sockets)
    converter.stop()
    assert not [p for p in sockets if p.exists()]  # and removed with it


@pytest.mark.libreoffice
def test_a_killed_worker_is_replaced_and_leaves_no_socket_behind(converter, documents, tmp_path):
    converter.to_pdf(documents["2025-08"], tmp_path)
    worker, office, sockets = converter.pid, converter.soffice_pid, pipe_sockets(converter.pipe)
    os.killpg(worker, signal.SIGKILL)  # worker and soffice gone without a word (the OOM killer, a task manager)
    assert wait_gone(worker, office) and all(p.exists() for p in sockets)
    pdf = converter.to_pdf(documents["2025-07"], tmp_path)
    assert "2025年第7期" in first_page(pdf) and converter.pid != worker
    assert not [p for p in sockets if p.exists()]


@pytest.mark.libreoffice
def test_a_closed_converter_starts_no_libreoffice_again(converter, documents, tmp_path):
    converter.to_pdf(documents["2025-08"], tmp_path)
    worker, office = converter.pid, converter.soffice_pid
    converter.close()
    assert wait_gone(worker, office)
    with pytest.raises(OutputError, match="编辑器正在停止"):
        converter.to_pdf(documents["2025-08"], tmp_path)  # stop() would have started it again
    assert converter.pid is None and converter.soffice_pid is None


def test_a_closed_cold_converter_converts_no_more(monkeypatch, tmp_path):
    monkeypatch.setattr(export, "to_pdf", lambda docx, outdir=None: pytest.fail("LibreOffice started after close"))
    cold = ColdConverter("")
    cold.close()
    with pytest.raises(OutputError, match="编辑器正在停止"):
        cold.to_pdf(tmp_path / "x.docx")


# --- without a Python that can drive it, or without LibreOffice ----------------------------------------------


def test_without_a_uno_python_each_conversion_starts_libreoffice_and_the_note_says_how_to_be_fast(monkeypatch):
    monkeypatch.setattr(resident, "find_uno_python", lambda soffice: None)
    monkeypatch.setattr(export, "find_soffice", lambda: "/usr/bin/soffice")
    made = open_converter()
    assert isinstance(made, ColdConverter) and made.mode == "cold"
    assert "较慢" in made.note and faster_hint() in made.note


@pytest.mark.libreoffice
def test_the_cold_fallback_converts_as_to_pdf_does(libreoffice, documents, tmp_path, monkeypatch):
    monkeypatch.setattr(resident, "find_uno_python", lambda soffice: None)
    pdf = open_converter().to_pdf(documents["2025-08"], tmp_path)
    assert pdf == tmp_path / "工作专报2025年第8期.pdf" and "2025年第8期" in first_page(pdf)


def test_without_libreoffice_there_is_no_converter(monkeypatch):
    monkeypatch.setattr(export, "find_soffice", lambda: None)
    assert open_converter() is None


@pytest.mark.libreoffice
def test_a_python_that_cannot_import_uno_is_a_start_failure_in_chinese(libreoffice, documents, tmp_path):
    converter = ResidentConverter(export.find_soffice(), sys.executable)  # this venv's Python has no uno
    with pytest.raises(StartFailed, match="无法启动常驻的 LibreOffice：import uno"):
        converter.to_pdf(documents["2025-08"], tmp_path)
    assert converter.pid is None


def test_find_uno_python_asks_each_candidate_and_remembers(tmp_path, monkeypatch):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\n[ \"$2\" = 'import uno' ] && exit 0\nexit 1\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(resident, "python_candidates", lambda soffice: [str(tmp_path / "none"), str(fake)])
    monkeypatch.setattr(resident, "_PYTHONS", {})
    assert find_uno_python("/x/soffice") == str(fake)
    fake.unlink()
    assert find_uno_python("/x/soffice") == str(fake)  # asked once per run
    monkeypatch.setattr(resident, "_PYTHONS", {})
    assert find_uno_python("/x/soffice") is None


# --- where the Python and the office binary are, per platform -----------------------------------------------


def test_the_python_beside_libreoffice_comes_first_on_every_platform(tmp_path):
    assert python_candidates(r"C:\Program Files\LibreOffice\program\soffice.exe", "win32") == [
        r"C:\Program Files\LibreOffice\program\python.exe"
    ]
    mac = python_candidates("/Applications/LibreOffice.app/Contents/MacOS/soffice", "darwin")
    assert mac[0] == "/Applications/LibreOffice.app/Contents/Resources/python"
    tdf = python_candidates("/opt/libreoffice7.6/program/soffice", "linux")
    assert tdf[0] == "/opt/libreoffice7.6/program/python" and "/usr/bin/python3" in tdf  # Debian's python3-uno


def test_the_office_binary_is_soffice_bin_beside_a_launcher(tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    (program / "soffice").write_text("#!/bin/sh\n", "utf-8")
    link = tmp_path / "soffice"
    link.symlink_to(program / "soffice")
    assert office_binary(str(link)) == str(program / "soffice")  # a macOS-like install: the program itself
    (program / "soffice.bin").write_bytes(b"")
    assert office_binary(str(link)) == str(program / "soffice.bin")


def test_how_to_make_previews_fast_is_said_for_the_platform():
    assert "sudo apt-get install python3-uno" in faster_hint("linux", "id=debian")
    assert "libreoffice-pyuno" in faster_hint("linux", 'id="openeuler"')
    assert "安装程序" in faster_hint("win32") and "apt" not in faster_hint("win32")
    assert "libreoffice.org" in faster_hint("darwin")
