"""What a file sent from a browser is, told by its content, not by the name the browser gave it.

A name says nothing certain: an .exe renamed 报告.docx, a zip of photos named
稿件.docx, a Word file saved as 稿件.txt all arrive. A .docx (and an .xlsx) is
a zip holding its main part; text must decode the way the loaders decode it
(load/text.py). Every refusal names the file as the editor knows it, in
Chinese. The name is only ever read here, never used as a path.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..diagnostics import ContentError, UserError
from .text import MAX_TEXT_BYTES, decode

#: the part every file of a zip-based Office format holds
ZIP_PARTS = {".docx": ("word/document.xml", "Word 文档"), ".xlsx": ("xl/workbook.xml", "Excel 工作簿")}
TEXT_KINDS = {".txt": "文本文件", ".md": "Markdown 文件", ".csv": "CSV 文件"}
MAX_UPLOAD_BYTES = MAX_TEXT_BYTES  # the studio's request cap too (studio/guard.py): 20 MB
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 .doc, Excel .xls, or an Office file with a password
_ZIP = b"PK\x03\x04"
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")


def browser_name(name: str | None) -> str:
    """The last component of the name a browser sent (some send C:\\fakepath\\x.docx), for messages and titles."""
    return re.split(r"[\\/]", name or "")[-1].strip()


def suffix_of(name: str) -> str:
    match = re.search(r"\.[^.]+$", browser_name(name))
    return match.group(0).lower() if match else ""


def checked_upload(data: bytes, name: str, allowed: tuple[str, ...]) -> str:
    """The suffix the upload ``data`` really has (one of ``allowed``), or a Chinese refusal naming the file."""
    shown = browser_name(name) or "（没有名字的文件）"
    suffix = suffix_of(name)
    kinds = "、".join(allowed)
    if suffix not in allowed:
        raise ContentError(f"“{shown}”不是可以导入的文件：只能导入 {kinds} 文件")
    if not data:
        raise ContentError(f"“{shown}”是空文件（0 字节）")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContentError(f"“{shown}”有 {len(data) / 2**20:.1f} MB，超过 {MAX_UPLOAD_BYTES // 2**20} MB 的上限")
    if suffix in ZIP_PARTS:
        _check_zip(data, shown, suffix)
    else:
        _check_text(data, shown, suffix)
    return suffix


def _check_zip(data: bytes, shown: str, suffix: str) -> None:
    import zipfile

    part, kind = ZIP_PARTS[suffix]
    if data.startswith(_OLE):
        raise ContentError(f"“{shown}”是旧版 Office 格式（.doc、.xls），或设了打开密码，不是 {suffix} 文件",
                           hint=f"请用 Word、Excel 或 WPS 打开它，去掉密码后另存为 {suffix} 再导入。")  # fmt: skip
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise ContentError(f"“{shown}”的扩展名是 {suffix}，内容却不是{kind}（{suffix} 文件是一个压缩包）",
                           hint=f"文件可能改过扩展名或已损坏；请用原来的程序打开后另存为 {suffix}。") from None  # fmt: skip
    if part not in names:
        raise ContentError(f"“{shown}”是一个压缩包，但其中没有 {part}，不是{kind}",
                           hint=f"请上传{kind}本身，而不是压缩包或其他格式的文件。")  # fmt: skip


def _check_text(data: bytes, shown: str, suffix: str) -> None:
    kind = TEXT_KINDS.get(suffix, "文本文件")
    if data.startswith((_ZIP, _OLE)):
        raise ContentError(f"“{shown}”的扩展名是 {suffix}，内容却是 Word、Excel 或压缩文件，不是{kind}",
                           hint="Word 文件请保留 .docx 扩展名上传；不要改扩展名。")  # fmt: skip
    try:
        text = decode(data, Path("upload"))  # a label for errors we replace with our own
    except UserError:
        text = None
    if text is None or len(_BINARY.findall(text)) > max(2, len(text) // 1000):
        raise ContentError(f"“{shown}”不是{kind}：内容无法按 UTF-8 或 GBK 读成文字（可能是程序或图片等）",
                           hint="请用记事本或 WPS 打开确认内容，另存为 UTF-8 编码的文本后再导入。")  # fmt: skip
