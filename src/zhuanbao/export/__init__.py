"""Export: .docx to PDF through LibreOffice headless (previews and tests).

Each conversion runs with a private LibreOffice profile (two conversions at
once would otherwise fight over the user's profile and one would silently do
nothing), our own fontconfig file (so the Windows font names in the document
map to sensible free faces), and a timeout (LibreOffice can hang on a broken
profile or a stuck lock).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import OutputError, ToolMissingError
from ..fsio import write_atomic

FONTS_CONF = Path(__file__).with_name("fonts.conf")

_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "C:/Program Files/LibreOffice/program/soffice.exe",
)

INSTALL_HINT = (
    "请先安装 LibreOffice 和中文字体。Debian/Ubuntu："
    "sudo apt-get install libreoffice-writer fonts-noto-cjk fonts-arphic-ukai fonts-liberation poppler-utils"
)


def find_soffice() -> str | None:
    """The LibreOffice executable: on PATH or in the usual install places."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for candidate in sorted(Path("/opt").glob("libreoffice*/program/soffice")):
        return str(candidate)
    return None


def to_pdf(docx: Path, outdir: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``docx`` to PDF beside it (or in ``outdir``); returns the PDF's path."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissingError("未找到 LibreOffice，无法生成 PDF", docx, hint=INSTALL_HINT)
    outdir = outdir or docx.parent
    target = outdir / (docx.stem + ".pdf")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), SAL_USE_VCLPLUGIN="svp")
    with tempfile.TemporaryDirectory(prefix="zhuanbao-lo-") as work:
        profile = Path(work, "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            work,
            str(docx),
        ]
        try:
            result = subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 超过 {timeout:.0f} 秒仍未完成转换，已停止", docx) from None
        produced = Path(work, docx.stem + ".pdf")
        if result.returncode != 0 or not produced.is_file():
            lines = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
            detail = " ".join(lines[-3:])  # whole lines: the end of its output says why
            raise OutputError(f"LibreOffice 未能转换为 PDF（退出码 {result.returncode}）：{detail or '无输出'}", docx)
        try:  # a reader (or a printer queue) never sees half a PDF
            write_atomic(target, produced.read_bytes())
        except OSError as exc:
            raise OutputError(f"无法写入 PDF：{exc.strerror or exc}", target) from None
    return target


def to_png(pdf: Path, outdir: Path, dpi: int = 60, timeout: float = 120) -> list[Path]:
    """Render each page of ``pdf`` to ``outdir/<stem>-N.png`` with pdftoppm; returns the files."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissingError("未找到 pdftoppm，无法生成预览图", pdf, hint="Debian/Ubuntu：sudo apt-get install poppler-utils")
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    try:
        subprocess.run(
            [pdftoppm, "-png", "-r", str(dpi), str(pdf), str(outdir / pdf.stem)],
            capture_output=True, timeout=timeout, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise OutputError(f"pdftoppm 超过 {timeout:.0f} 秒仍未完成，已停止", pdf) from None
    except subprocess.CalledProcessError as exc:
        raise OutputError(f"pdftoppm 出错：{exc.stderr.decode('utf-8', 'replace')[-200:]}", pdf) from None

    def page(path: Path) -> int:
        return int(path.stem.rsplit("-", 1)[1])

    return sorted(outdir.glob(f"{pdf.stem}-*.png"), key=page)
