"""Export: .docx to PDF through LibreOffice headless (previews and tests), and the word-processor files
submissions arrive as (.doc, .wps, .rtf, .odt) to .docx for ``import``.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..diagnostics import HeldOpenError, OutputError, ToolMissingError, os_reason
from ..fsio import write_atomic
from .soffice import decode_output, find_soffice, install_hint

FONTS_CONF = Path(__file__).with_name("fonts.conf")

__all__ = ["INSTALL_HINT", "find_soffice", "to_docx", "to_pdf", "to_png"]

INSTALL_HINT = install_hint()


def office_environment() -> dict[str, str]:
    """soffice's environment: our font substitutions, and no display needed (svp draws in memory)."""
    return dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), SAL_USE_VCLPLUGIN="svp")


def to_pdf(docx: Path, outdir: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``docx`` to PDF beside it (or in ``outdir``); returns the PDF's path."""
    outdir = outdir or docx.parent
    target = outdir / (docx.stem + ".pdf")
    with _converted(docx, "pdf:writer_pdf_Export", None, timeout, "生成 PDF", "转换为 PDF") as made:
        place_pdf(made, target)
    return target


#: LibreOffice's import filter for each kind of submission ``import`` converts; None: its type detection
#: picks the filter (an OLE file whose WordDocument stream load/upload.py found: Word 97, 95 or 6, or WPS)
LOAD_FILTERS = {".doc": None, ".wps": None, ".rtf": "Rich Text Format", ".odt": "writer8"}


def to_docx(source: Path, outdir: Path, timeout: float = 180) -> Path:
    """Convert a .doc, .wps, .rtf or .odt (its content already checked: load/upload.check_office) to
    ``outdir/<stem>.docx`` through LibreOffice, for ``import`` to read as it reads any Word file."""
    target = outdir / (source.stem + ".docx")
    what = f"导入 {source.suffix.lower()} 文件"
    with _converted(source, "docx:MS Word 2007 XML", LOAD_FILTERS.get(source.suffix.lower()), timeout, what,
                  "转换为 .docx") as made:  # fmt: skip
        place_docx(made, target)
    return target


def place_docx(produced: Path, target: Path) -> None:
    """Put a .docx LibreOffice converted where ``import`` reads it, whole or not at all."""
    try:
        write_atomic(target, produced.read_bytes())
    except OSError as exc:
        raise OutputError(f"无法写入转换后的文件：{os_reason(exc)}", target) from None


@contextmanager
def _converted(source: Path, convert_to: str, infilter: str | None, timeout: float, purpose: str,
               doing: str) -> Iterator[Path]:  # fmt: skip
    """One ``soffice --convert-to`` of ``source`` in a private folder (profile and output): the file made,
    for the ``with`` block; the folder goes when the block ends."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissingError(f"未找到 LibreOffice，无法{purpose}", source, hint=INSTALL_HINT)
    # On Windows soffice can still hold its profile for a moment after it exits:
    # a temporary folder left behind is no reason to fail a conversion that worked.
    with tempfile.TemporaryDirectory(prefix="zhuanbao-lo-", ignore_cleanup_errors=True) as work:
        command = [soffice, f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", *([f"--infilter={infilter}"] if infilter else []),
                   "--convert-to", convert_to, "--outdir", work, str(source)]  # fmt: skip
        try:
            result = _run_whole(command, timeout)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 超过 {timeout:.0f} 秒仍未完成转换，已停止", source) from None
        produced = Path(work, source.stem + "." + convert_to.split(":", 1)[0])
        if result.returncode != 0 or not produced.is_file():
            lines = decode_output(result.stderr or result.stdout).strip().splitlines()
            detail = " ".join(lines[-3:])  # whole lines: the end of its output says why
            raise OutputError(f"LibreOffice 未能{doing}（退出码 {result.returncode}）：{detail or '无输出'}", source)
        yield produced


def _run_whole(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    """``subprocess.run`` whose timeout ends LibreOffice itself, not only its launcher: soffice (a shell
    script on Linux, soffice.exe on Windows) runs soffice.bin as a child, which a plain kill of the launcher
    leaves running — a conversion that hung (a submission LibreOffice lays out forever) kept a core busy
    after its timeout. The launcher gets a process group of its own, and the whole group is ended."""
    import signal

    windows = os.name == "nt"
    group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if windows else {"start_new_session": True}
    with subprocess.Popen(command, env=office_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **group) as process:  # fmt: skip
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if windows:
                subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
            else:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


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
