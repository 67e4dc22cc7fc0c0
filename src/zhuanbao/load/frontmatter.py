"""An item file's syntax: YAML front matter between ``---`` lines, then a Markdown body
that may hold template code (``{{ tables.x.done }}``).

Everything that needs to know where the front matter ends or what counts as
template code (the loader, ``check``, ``import``, the archive's catalogue)
asks here, so they cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ContentError
from ..located import YamlDoc
from .yamlfile import parse_yaml

#: Jinja code in an item body or a template: {{ … }}, {% … %}, {# … #}.
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass
class ItemSource:
    """An item file split in two, with the line where the body starts."""

    path: Path
    meta: YamlDoc
    body: str
    body_line: int  # 1-based line number of the body's first line in the file


def front_matter_end(lines: list[str]) -> int | None:
    """The index of the line closing the front matter that ``lines`` open with
    ``---``; None when they do not open with one or it is never closed."""
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)


def split_front_matter(text: str, path: Path) -> ItemSource:
    """Split ``---``-delimited front matter from the body.

    Front matter is required: every item must at least name its section.
    """
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError(
            "文件开头缺少头信息（应以一行 --- 开始，写明 section 等，再以一行 --- 结束）",
            path,
            1,
            hint="例如：\n---\nsection: 工作简讯\ntitle: 标题\n---\n正文……",
        )
    index = front_matter_end(lines)
    if index is None:
        raise ContentError("头信息没有结束：找不到第二行 ---", path, 1)
    meta = parse_yaml("\n".join(lines[1:index]), path, line_offset=1)
    if meta.data is None:
        meta.data = {}
    if not isinstance(meta.data, dict):
        raise ContentError("头信息应是“键: 值”的形式", path, 2)
    body = "\n".join(lines[index + 1 :])
    return ItemSource(path, meta, body, index + 2)
