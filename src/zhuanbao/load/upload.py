"""What a file sent from a browser (or given to ``import``) is, told by its content, not by its name.

A name says nothing certain: an .exe renamed 报告.docx, a zip of photos named
稿件.docx, a Word file saved as 稿件.txt all arrive. A .docx (and an .xlsx) is
a zip holding its main part; a .doc or a WPS .wps an OLE compound file holding
a WordDocument stream; an .rtf starts ``{\\rtf``; an .odt is a zip whose
``mimetype`` says it is OpenDocument text; text must decode the way the
loaders decode it (load/text.py). Every refusal names the file as the editor
knows it, in Chinese. The name is only ever read here, never used as a path.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

from ..diagnostics import ContentError, UserError
from .text import MAX_TEXT_BYTES, decode

#: the part every file of a zip-based Office format holds
ZIP_PARTS = {".docx": ("word/document.xml", "Word 文档"), ".xlsx": ("xl/workbook.xml", "Excel 工作簿")}
TEXT_KINDS = {".txt": "文本文件", ".md": "Markdown 文件", ".csv": "CSV 文件"}
#: word-processor files LibreOffice turns into .docx for ``import`` (export.to_docx)
OFFICE_KINDS = {".doc": "Word 97–2003 文档", ".wps": "WPS 文字文档", ".rtf": "RTF 文档", ".odt": "OpenDocument 文本"}
_ODT = b"application/vnd.oasis.opendocument.text"
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_RTF = b"{\\rtf"
#: what an OLE compound file holds, by the stream that marks it (Office's own, then Microsoft Works')
_OLE_STREAMS = (
    ("Workbook", "Excel 表格（.xls）"),
    ("Book", "Excel 表格（.xls）"),
    ("PowerPoint Document", "PowerPoint 演示文稿（.ppt）"),
    ("CONTENTS", "Microsoft Works 文档"),
)
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
    elif suffix in OFFICE_KINDS:
        check_office(data, shown, suffix)
    else:
        _check_text(data, shown, suffix)
    return suffix


def _check_zip(data: bytes, shown: str, suffix: str) -> None:
    import zipfile

    part, kind = ZIP_PARTS[suffix]
    if data.startswith(_OLE):
        raise ContentError(f"“{shown}”是旧版 Office 格式（.doc、.xls），或设了打开密码，不是 {suffix} 文件",
                           hint=("Word 97–2003 文档请保留 .doc 扩展名再导入；" if suffix == ".docx" else "")
                           + f"请用 Word、Excel 或 WPS 打开它，去掉密码后另存为 {suffix} 再导入。")  # fmt: skip
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


def check_office(data: bytes, shown: str, suffix: str, path: Path | None = None) -> str:
    """Refuse, in Chinese and naming the file (and ``path`` as its place, for ``import``), a .doc, .wps,
    .rtf or .odt whose content is not what its name says; else what it holds ("docx" or the kind).
    What passes is what LibreOffice reads as a word-processor document: a WPS .wps is a Word 97 file
    (its WordDocument stream, with WPS's own streams beside it), so it passes where a .doc does;
    recent WPS versions (12.1, 2025) also save a .wps as a .docx package, which needs no conversion."""
    kind = OFFICE_KINDS[suffix]
    actual = _what_it_is(data)
    if suffix == ".wps" and actual == "docx":
        return actual
    if suffix in (".doc", ".wps"):
        if actual != "ole":
            raise _mislabelled(shown, suffix, kind, actual, path)
        problem = _ole_problem(data)
        if problem:
            raise ContentError(f"“{shown}”{problem}，无法导入", path,
                               hint="请用 Word 或 WPS 打开它（有密码的先去掉密码），另存为 .docx 再导入。")  # fmt: skip
    elif suffix == ".rtf" and actual != "rtf":
        raise _mislabelled(shown, suffix, kind, actual, path)
    elif suffix == ".odt" and actual != "odt":
        raise _mislabelled(shown, suffix, kind, actual, path)
    return actual or suffix[1:]


#: what a file turned out to be, for a refusal
_ACTUAL = {"ole": "Word、Excel 等旧版 Office 文件", "rtf": "RTF 文档", "odt": "OpenDocument 文本（.odt）",
           "ods": "OpenDocument 表格（.ods）", "docx": "Word 文档（.docx）", "zip": "别的压缩包"}  # fmt: skip
_RENAME = {"rtf": ".rtf", "odt": ".odt", "docx": ".docx"}


def _what_it_is(data: bytes) -> str | None:
    """ole, rtf, odt, ods, docx, zip (another zip) or None, by the first bytes (and a zip by its parts)."""
    import zipfile

    if data.startswith(_OLE):
        return "ole"
    if data.startswith(_RTF):
        return "rtf"
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.getinfo("mimetype").file_size < 200:
                mimetype = package.read("mimetype").strip()
                return "odt" if mimetype == _ODT else "ods" if mimetype == _ODS else "zip"
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, NotImplementedError):
        return None
    return "docx" if "word/document.xml" in names else "zip"


def _mislabelled(shown: str, suffix: str, kind: str, actual: str | None, path: Path | None) -> ContentError:
    rename = _RENAME.get(actual or "")
    hint = (f"请把扩展名改为 {rename} 再导入，或用 Word、WPS 打开后另存为 .docx。" if rename
            else "文件可能改过扩展名或已损坏；请用 Word 或 WPS 打开它，另存为 .docx 再导入。")  # fmt: skip
    what = f"内容却是{_ACTUAL[actual]}，不是{kind}" if actual else f"内容却不是{kind}"
    return ContentError(f"“{shown}”的扩展名是 {suffix}，{what}", path, hint=hint)


def _ole_problem(data: bytes) -> str | None:
    """Why an OLE compound file is no Word document LibreOffice can open (None when it is one): another
    Office program's file, an encrypted one, a damaged one, or Microsoft Works' .wps (LibreOffice reads
    those through another filter, libwps; no Works file could be made to test that, so none is taken)."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("EncryptionInfo"):  # Office 2007 and later encrypt the whole package into one
                return "设了打开密码"
            if not ole.exists("WordDocument"):
                streams = {"/".join(entry) for entry in ole.listdir()}
                found = next((what for stream, what in _OLE_STREAMS if stream in streams), None)
                return f"是{found}，不是 Word 或 WPS 文字文档" if found else "不是 Word 或 WPS 文字文档"
            fib = ole.openstream("WordDocument").read(12)
    except (OSError, ValueError, IndexError, TypeError, struct.error):  # olefile's "not an OLE2 file", damage
        return "已损坏，读不出其中的内容"
    if len(fib) < 12 or fib[:2] != b"\xec\xa5":  # the Word file information block's wIdent
        return "已损坏，读不出其中的内容"
    if int.from_bytes(fib[10:12], "little") & 0x0100:  # FibBase.fEncrypted
        return "设了打开密码"
    return None
