"""Reading text files the way Chinese offices save them.

Files come from Notepad, WPS and Excel on Chinese Windows as UTF-8, UTF-8 with
a BOM, or GBK/GB18030, with CRLF line ends and whatever a Word paste left
behind. Everything is turned into clean ``str`` with LF line ends here, once,
so no later stage has to care.

Why not charset-normalizer: on short GBK texts (a front matter block, a
three-line YAML file) it often guesses Big5 or a Cyrillic code page. Office
files are UTF-8 or GB18030 in practice, so we try exactly those, strictly,
and refuse a decoding that is mostly control or private-use characters.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import ContentError, os_reason

#: Refuse input files larger than this: a bulletin item is a few KB, and a
#: 50 MB "item" is a mistake that would otherwise exhaust memory.
MAX_TEXT_BYTES = 20 * 1024 * 1024

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
# A vertical tab is what Word puts on the clipboard for a manual line break
# (Shift+Enter): inside Chinese text the editor meant no break at all.
_VT_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[\x0b]+|[\x0b]+(?=[{_CJK}])")
# Control characters lxml and Word refuse; \t and \n are kept.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_BAD_DECODE = re.compile(r"[\x00-\x08\x0e-\x1f\ue000-\uf8ff\ufffd]")


def decode(data: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    return _decode(data, path)[0]


def encode_like(text: str, original: bytes, path: Path) -> bytes:
    """``text`` in the encoding ``original`` was read with, BOM and byte order
    included — so fixing a GBK or a big-endian UTF-16 file does not turn it
    into something else behind the editor's back."""
    codec = _decode(original, path)[1]
    if codec == "utf-16":
        bom = original[:2]
        return bom + text.encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
    return text.encode(codec)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        codec = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and len(_BAD_DECODE.findall(text)) <= max(2, len(text) // 100):
        return text, "gb18030"
    line = data[: utf8_error.start].count(b"\n") + 1
    raise ContentError(
        "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）",
        path,
        line,
        hint="请用记事本或 WPS 另存为“UTF-8”编码后再试。",
    )


def clean(text: str) -> str:
    """Normalise line ends and remove what a Word paste leaves behind.

    Line count is preserved (no character becomes or removes a newline except
    CR/CRLF → LF), so line numbers in later errors still match the editor's view.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "").replace("\u2029", "")
    if "\x0b" in text:
        text = _VT_BETWEEN_CJK.sub("", text).replace("\x0b", " ")
    return CONTROL_CHARS.sub("", text)


def read_text(path: Path) -> str:
    """Read a user's text file: size-checked, decoded and cleaned."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ContentError(
                f"文件过大（{size:,} 字节），超过 {MAX_TEXT_BYTES // 1024 // 1024} MB 的上限（{MAX_TEXT_BYTES:,} 字节）",
                path,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError("文件不存在", path) from None
    except IsADirectoryError:
        raise ContentError("这里应是一个文件，却是一个文件夹", path) from None
    except PermissionError:
        raise ContentError("没有读取该文件的权限", path) from None
    except OSError as exc:
        raise ContentError(f"无法读取文件：{os_reason(exc)}", path) from None
    return clean(decode(data, path))
