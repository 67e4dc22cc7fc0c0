"""Export: .docx to PDF through LibreOffice headless (previews and tests).

Each conversion runs with a private LibreOffice profile (two conversions at
once would otherwise fight over the user's profile and one would silently do
nothing), our own fontconfig file (so the Windows font names in the document
map to sensible free faces), and a timeout (LibreOffice can hang on a broken
profile or a stuck lock).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import HeldOpenError, OutputError, ToolMissingError, os_reason
from ..fsio import write_atomic
from .soffice import decode_output, find_soffice, install_hint

FONTS_CONF = Path(__file__).with_name("fonts.conf")

__all__ = ["INSTALL_HINT", "find_soffice", "to_pdf", "to_png"]

INSTALL_HINT = install_hint()


def office_environment() -> dict[str, str]:
    """soffice's environment: our font substitutions, and no display needed (svp draws in memory)."""
    return dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), SAL_USE_VCLPLUGIN="svp")


def to_pdf(docx: Path, outdir: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``docx`` to PDF beside it (or in ``outdir``); returns the PDF's path."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissingError("未找到 LibreOffice，无法生成 PDF", docx, hint=INSTALL_HINT)
    outdir = outdir or docx.parent
    target = outdir / (docx.stem + ".pdf")
    env = office_environment()
    # On Windows soffice can still hold its profile for a moment after it exits:
    # a temporary folder left behind is no reason to fail a conversion that worked.
    with tempfile.TemporaryDirectory(prefix="zhuanbao-lo-", ignore_cleanup_errors=True) as work:
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
            lines = decode_output(result.stderr or result.stdout).strip().splitlines()
            detail = " ".join(lines[-3:])  # whole lines: the end of its output says why
            raise OutputError(f"LibreOffice 未能转换为 PDF（退出码 {result.returncode}）：{detail or '无输出'}", docx)
        place_pdf(produced, target)
    return target


def place_pdf(produced: Path, target: Path) -> None:
    """Put a PDF LibreOffice made in a private folder where the user expects it, whole or not at all."""
    try:  # a reader (or a printer queue) never sees half a PDF
        write_atomic(target, produced.read_bytes())
    except HeldOpenError as exc:  # the .docx beside it is already new: say so
        raise HeldOpenError(exc.message, target, hint="请关闭打开它的 PDF 阅读器后再生成；Word 文档已经更新，只有 PDF 没有更新。") from None
    except OSError as exc:
        raise OutputError(f"无法写入 PDF：{os_reason(exc)}", target) from None


def to_png(pdf: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    """Render each page of ``pdf`` to ``outdir/<stem>-N.png``; returns the files.

    pypdfium2 (PDFium, Chrome's PDF renderer) ships wheels for Windows, macOS
    and Linux, so ``preview`` works wherever LibreOffice does, with no poppler.
    """
    import pypdfium2

    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    try:
        document = pypdfium2.PdfDocument(str(pdf))
    except pypdfium2.PdfiumError as exc:
        raise OutputError(f"无法读取 PDF，生成不了预览图：{exc}", pdf) from None
    pages = []
    try:
        digits = len(str(len(document)))  # pdftoppm's names: -1.png … or -01.png … for ten pages and more
        for number, page in enumerate(document, start=1):
            image = page.render(scale=dpi / 72).to_pil()
            target = outdir / f"{pdf.stem}-{number:0{digits}d}.png"
            # zlib's fastest level: half the time of the default and, for pages of text, no bigger
            image.save(target, format="PNG", dpi=(dpi, dpi), compress_level=1)
            pages.append(target)
    finally:
        document.close()
    return pages
