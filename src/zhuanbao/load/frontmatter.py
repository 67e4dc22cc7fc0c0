"""Splitting an item file into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from .yamlfile import YamlDoc, parse_yaml


@dataclass
class ItemSource:
    """An item file split in two, with the line where the body starts."""

    path: Path
    meta: YamlDoc
    body: str
    body_line: int  # 1-based line number of the body's first line in the file


def split_front_matter(text: str, path: Path) -> ItemSource:
    """Split ``---``-delimited front matter from the body.

    Front matter is required: every item must at least name its section.
    """
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    if first != "---":
        raise ContentError(
            "文件开头缺少头信息（应以一行 --- 开始，写明 section 等，再以一行 --- 结束）",
            path,
            1,
            hint="例如：\n---\nsection: 工作简讯\ntitle: 标题\n---\n正文……",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        raise ContentError("头信息没有结束：找不到第二行 ---", path, 1)
    meta = parse_yaml("\n".join(lines[1:index]), path, line_offset=1)
    if meta.data is None:
        meta.data = {}
    if not isinstance(meta.data, dict):
        raise ContentError("头信息应是“键: 值”的形式", path, 2)
    body = "\n".join(lines[index + 1 :])
    return ItemSource(path, meta, body, index + 2)
