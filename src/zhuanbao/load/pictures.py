"""The pictures an item shows, read with the item: ``![说明](images/01-….jpg)`` in its body.

A picture's path is relative to the item file, as every Markdown editor and previewer reads it (``import``
saves a submission's photos in ``items/images/``), and must stay inside the issue folder, and a link on its way
inside the series: a path out of it is refused as a table file out of it is, so that what an issue prints,
and what ``publish`` archives and ``build --changed`` fingerprints with it, is in the issue folder. A picture whose file is missing or too large is kept as
such (its ``problem``): the build leaves it out, and ``check`` says so at its line. Whether the bytes are a
picture at all is the renderer's to find (``zhuanbao.picture``), which decodes them.

The references are found with markdown-it as markdown.py parses the body (CommonMark; indented code and
link reference definitions off, which do not change what is an image), so the pictures read are the
pictures printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from ..diagnostics import ContentError, UserError, os_reason, raise_all

#: a picture file read with its item: a camera's largest JPEG is a fraction of this, a Word file's parts at most 32 MB
MAX_PICTURE_BYTES = 40 * 2**20
_LINK_HINT = "请把图片本身复制到稿件旁的 images 文件夹，而不是放一个快捷方式或链接。"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # https:, data:, file: (a drive letter C: has one letter)


@dataclass(frozen=True)
class ItemPicture:
    """One picture an item shows: its path as written (the key the renderer finds it by), where it is written
    (the item file's line and column), the file, and its bytes or why there are none."""

    src: str
    line: int
    column: int
    path: Path
    data: bytes | None
    problem: str | None = None


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["code", "reference"])
    md.enable("table")  # as markdown.py reads the body: a picture in a table cell is no picture there
    return md


def source_of(token) -> str:
    """A picture's path as the editor wrote it, from its markdown-it image token (which percent-encodes
    what is not ASCII: images/东岭区.jpg), with Windows' backslashes as folder separators."""
    return unquote(token.attrGet("src") or "").replace("\\", "/")


def references(body: str) -> list[tuple[str, int, int]]:
    """(path, line, column) of each picture of ``body``; line and column 1-based within ``body``."""
    if "![" not in body:
        return []
    lines = body.split("\n")
    found = []
    in_table = False
    for token in _parser().parse(body):
        in_table = token.type != "table_close" and (in_table or token.type == "table_open")
        if in_table or token.type != "inline" or not token.map or not any(c.type == "image" for c in token.children or ()):
            continue
        at = (token.map[0], 0)  # where the search for the next picture of this block starts
        for child in token.children:
            if child.type == "image":
                src = source_of(child)
                line, column = _written_at(lines, at, token.map[1], src)
                found.append((src, line + 1, column + 1))
                at = (line, column + 1)
    return found


def _written_at(lines: list[str], start: tuple[int, int], end: int, src: str) -> tuple[int, int]:
    """The line and column (0-based) of the ``![`` of the picture whose path is ``src``, from ``start`` on in
    its block; the block's first line when it is not found as written (an escaped or encoded path)."""
    pattern = re.compile(r"!\[[^\n]*?\]\(\s*<?" + re.escape(src.replace("/", "\x00")).replace("\x00", r"[/\\]"))
    line, column = start
    for index in range(line, min(end, len(lines))):
        match = pattern.search(lines[index], column if index == line else 0)
        if match:
            return index, match.start()
    return start[0], 0


def read_pictures(item: Path, body: str, body_line: int, issue_dir: Path) -> tuple[ItemPicture, ...]:
    """The pictures ``body`` (the item file ``item``'s, from file line ``body_line``) shows, read; a path
    out of the issue folder (a URL, an absolute path, ``../..``, a link) is an error at its line."""
    pictures, errors = [], []
    seen: set[str] = set()
    for src, line, column in references(body):
        if src in seen:
            continue
        seen.add(src)
        try:
            pictures.append(_read(src, item, body_line + line - 1, column, issue_dir))
        except UserError as exc:
            errors.append(exc)
    raise_all(errors)
    return tuple(pictures)


def _read(src: str, item: Path, line: int, column: int, issue_dir: Path) -> ItemPicture:
    def refuse(message: str, hint: str | None = None) -> ContentError:
        return ContentError(message, item, line, column, hint=hint)

    if not src.strip():
        raise refuse("图片没有写文件名：应写作 ![说明](images/文件名.jpg)")
    if _SCHEME.match(src):
        raise refuse(f"图片“{src[:60]}”是网址：专报只排本期文件夹中的图片文件", "请把图片保存到稿件旁的 images 文件夹，写作 ![说明](images/文件名.jpg)")
    written = item.parent / src
    root = issue_dir.resolve()
    if Path(src).is_absolute() or not _inside(Path(os.path.normpath(item.parent.resolve() / src)), root):
        raise refuse(f"图片“{src}”在本期文件夹之外，不能使用", "请把图片复制到稿件旁的 images 文件夹")
    try:
        path = written.resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python before 3.13 on a loop of links
        raise refuse(f"图片“{src}”是一个循环的链接，无法读取", _LINK_HINT) from None
    if not _inside(path, issue_dir.parent.resolve()):  # a link within the series is read (and archived) through
        raise refuse(f"图片“{src}”是一个链接（或在链接的文件夹中），指向{issue_dir.parent.name}文件夹之外，不会读取",
                     _LINK_HINT)  # fmt: skip
    if not path.is_file():
        return ItemPicture(src, line, column, written, None, "是文件夹，不是图片" if path.is_dir() else "不存在")
    try:
        size = path.stat().st_size
        if size > MAX_PICTURE_BYTES:
            return ItemPicture(src, line, column, written, None,
                               f"太大（{size / 2**20:.0f} MB，上限 {MAX_PICTURE_BYTES // 2**20} MB），请缩小后再用")  # fmt: skip
        return ItemPicture(src, line, column, written, path.read_bytes())
    except OSError as exc:
        return ItemPicture(src, line, column, written, None, f"无法读取：{os_reason(exc)}")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
