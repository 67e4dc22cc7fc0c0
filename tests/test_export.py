"""Export (export/): build --pdf and preview through LibreOffice, and what happens when it is missing or fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app

runner = CliRunner()


def test_build_pdf_and_preview(series, tmp_path, libreoffice):
    root = series()
    result = runner.invoke(app, ["build", str(root / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "工作专报2024年第3期.pdf").read_bytes()[:4] == b"%PDF"
    result = runner.invoke(app, ["preview", str(root / "2024-03"), "-o", str(tmp_path / "pv")])
    assert result.exit_code == 0, result.output
    pages = [line for line in result.output.splitlines() if line.endswith(".png")]
    assert pages and all((tmp_path / "pv" / "preview").joinpath(p.split("/")[-1]).is_file() for p in pages)


def test_missing_libreoffice_is_explained(series, tmp_path, monkeypatch):
    import zhuanbao.export as export

    monkeypatch.setattr(export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series() / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2
    assert "未找到 LibreOffice" in result.output and "apt-get install libreoffice-writer" in result.output


def test_build_pdf_when_libreoffice_fails_keeps_the_documents_and_says_so(series, tmp_path, libreoffice):
    import json
    import os

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n", "utf-8")
    (fake / "soffice").chmod(0o755)
    root, out = series(), tmp_path / "out"
    broken = runner.invoke(app, ["build", str(root), "-o", str(out), "--pdf", "--json"],
                           env={"PATH": f"{fake}:{os.environ['PATH']}"})  # fmt: skip
    summary = json.loads(broken.stdout)
    assert broken.exit_code == 2 and [b["issue"] for b in summary["built"]] == ["2024-03"]
    assert summary["pdf"] == [] and "LibreOffice 未能转换为 PDF（退出码 1）：Error: source file could not be loaded" in (
        summary["failed"][0]["message"]
    )
    assert (out / "工作专报2024年第3期.docx").is_file()
    # the next unattended run makes the missing PDF although the issue did not change
    again = runner.invoke(app, ["build", str(root), "-o", str(out), "--changed", "--pdf", "--json"])
    summary = json.loads(again.stdout)
    assert again.exit_code == 0 and summary["built"] == [] and summary["pdf"] == [str(out / "工作专报2024年第3期.pdf")]
    assert (out / "工作专报2024年第3期.pdf").read_bytes().startswith(b"%PDF")


def test_build_pdf_without_libreoffice_writes_nothing(series, tmp_path, monkeypatch):
    import zhuanbao.export

    monkeypatch.setattr(zhuanbao.export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series()), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2 and "未找到 LibreOffice" in result.output and not (tmp_path / "out").exists()


def test_preview_needs_no_pdftoppm(series, tmp_path, libreoffice, monkeypatch):
    # a Windows PC has LibreOffice but no poppler: the pages are drawn by pypdfium2
    import shutil

    from PIL import Image

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if "pdftoppm" in name else real_which(name, *a, **k))
    result = runner.invoke(app, ["preview", str(series() / "2024-03"), "-o", str(tmp_path / "pv"), "--dpi", "30"])
    assert result.exit_code == 0, result.output
    [first, *_] = sorted((tmp_path / "pv" / "preview").glob("*-1.png"))
    with Image.open(first) as page:  # A4 at 30 dpi: 248 × 351 pixels, with the red masthead near the top
        assert abs(page.width - 248) <= 2 and abs(page.height - 351) <= 2
        red = [page.convert("RGB").getpixel((x, y)) for x in range(0, page.width, 4) for y in range(0, 120, 4)]
        assert any(r > 180 and g < 80 and b < 80 for r, g, b in red)


WINDOWS_ENV = {"ProgramFiles": r"D:\Program Files", "ProgramFiles(x86)": r"D:\Program Files (x86)",
               "LOCALAPPDATA": r"C:\Users\编辑\AppData\Local"}  # fmt: skip


def test_libreoffice_is_looked_for_where_windows_installs_put_it():
    from zhuanbao.export.soffice import candidates

    found = candidates("win32", WINDOWS_ENV, registry=lambda key, value: None)
    assert found[:2] == [r"D:\Program Files\LibreOffice\program\soffice.exe",
                         r"D:\Program Files (x86)\LibreOffice\program\soffice.exe"]  # fmt: skip
    assert r"C:\Program Files\LibreOffice\program\soffice.exe" in found
    assert r"C:\Program Files (x86)\LibreOffice\program\soffice.exe" in found
    assert r"C:\Users\编辑\AppData\Local\Programs\LibreOffice\program\soffice.exe" in found  # a per-user install
    assert len(found) == len(set(found))


def test_the_registry_s_app_path_comes_first():
    from zhuanbao.export.soffice import candidates

    registry = {r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe": '"E:\\办公软件\\LO\\program\\soffice.exe"',
                r"SOFTWARE\LibreOffice\UNO\InstallPath": "F:\\LibreOffice\\program"}  # fmt: skip
    found = candidates("win32", WINDOWS_ENV, registry=lambda key, value: registry.get(key))
    assert found[:2] == ["E:\\办公软件\\LO\\program\\soffice.exe", "F:\\LibreOffice\\program\\soffice.exe"]


def test_libreoffice_on_a_mac_in_either_applications_folder():
    from zhuanbao.export.soffice import candidates

    assert candidates("darwin", {}, home="/Users/bianji") == [
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "/Users/bianji/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ]


def test_the_install_hint_fits_the_platform():
    from zhuanbao.export.soffice import install_hint

    assert "libreoffice.org" in install_hint("win32") and "apt" not in install_hint("win32")
    assert "brew install --cask libreoffice" in install_hint("darwin")
    uos = install_hint("linux", 'ID=uos\nID_LIKE=debian\nNAME="UOS"\n')
    assert "apt-get install libreoffice-writer" in uos and "统信 UOS" in uos
    assert "dnf install" in install_hint("linux", "id=openeuler\n")


def test_libreoffice_messages_in_the_windows_code_page_are_read(monkeypatch):
    import locale

    from zhuanbao.export.soffice import decode_output

    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "cp936")
    assert decode_output("错误：无法加载源文件".encode("cp936")) == "错误：无法加载源文件"
    assert decode_output("Error: 源文件".encode()) == "Error: 源文件"


def test_a_profile_soffice_still_holds_does_not_fail_a_conversion_that_worked(tmp_path, monkeypatch):
    # Windows: soffice may keep its profile open a moment after it exits; removing it fails
    import os

    import zhuanbao.export as export

    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\nfor a; do last=$a; done\nout=""\nwhile [ $# -gt 0 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
                    'mkdir -p "$out/profile" && echo held > "$out/profile/lock"\n'
                    'printf "%%PDF-1.4 fake" > "$out/$(basename "$last" .docx).pdf"\n', "utf-8")  # fmt: skip
    fake.chmod(0o755)
    monkeypatch.setattr(export, "find_soffice", lambda: str(fake))
    real_unlink = os.unlink

    def held(path, *args, **kwargs):
        if os.path.basename(str(path)) == "lock":  # rmtree unlinks by name, relative to the folder
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", held)
    docx = tmp_path / "专报.docx"
    docx.write_bytes(b"PK")
    assert export.to_pdf(docx).read_bytes() == b"%PDF-1.4 fake"



@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="a POSIX shell stands in for soffice; /proc tells")
def test_a_conversion_past_its_timeout_ends_libreoffice_itself_not_only_its_launcher(tmp_path, monkeypatch):
    """soffice is a launcher that runs soffice.bin as a child: a hung conversion must not leave that running."""
    import zhuanbao.export as export
    from tests.test_export_resident import wait_gone
    from zhuanbao.diagnostics import OutputError

    child = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f'#!/bin/sh\nsleep 300 &\necho $! > "{child}"\nwait\n', "utf-8")  # soffice.bin, laying out forever
    fake.chmod(0o755)
    monkeypatch.setattr(export, "find_soffice", lambda: str(fake))
    source = tmp_path / "来稿.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(OutputError, match="超过 1 秒仍未完成转换"):
        export.to_docx(source, tmp_path, timeout=1)
    assert wait_gone(int(child.read_text()), seconds=5), "the launcher's child outlived the timeout"
