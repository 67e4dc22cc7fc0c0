"""Data that remembers where each value was written: the value every YAML reader hands on.

An editor told "number 应为整数" needs the line, and a form in the studio
needs the key path. The YAML reader (``load/yamlfile.py``) records both for
every key; whatever validates the data later points its messages with
:meth:`YamlDoc.error`, without knowing how the file was read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .diagnostics import ContentError, Key


class YamlDoc:
    """Parsed YAML data with the position (line, column; 1-based) of every key path."""

    __slots__ = ("path", "data", "positions", "line_offset")

    def __init__(self, path: Path, data: Any, positions: dict[Key, tuple[int, int]] | None = None,
                 line_offset: int = 0) -> None:  # fmt: skip
        self.path = path
        self.data = data
        self.positions = positions if positions is not None else {}
        self.line_offset = line_offset  # added to every line: front matter starts at line 2 of its file

    def __repr__(self) -> str:
        return f"YamlDoc({str(self.path)!r}, {self.data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YamlDoc) and (self.path, self.data, self.positions, self.line_offset) == (
            other.path, other.data, other.positions, other.line_offset)  # fmt: skip

    __hash__ = None  # type: ignore[assignment]  # mutable (the front matter's data is filled in)

    def where(self, key: Key) -> tuple[int | None, int | None]:
        """Line and column of ``key`` (or of its nearest parent that has one)."""
        key = tuple(key)
        while key:
            if key in self.positions:
                line, col = self.positions[key]
                return line + self.line_offset, col
            key = key[:-1]
        if () in self.positions:
            line, col = self.positions[()]
            return line + self.line_offset, col
        return None, None

    def error(self, message: str, key: Key = (), hint: str | None = None, cls: type = ContentError) -> ContentError:
        """An error (ContentError unless ``cls`` says) at ``key`` in this file, carrying the key path."""
        line, col = self.where(key)
        return cls(message, self.path, line, col, hint=hint, key=tuple(key))
