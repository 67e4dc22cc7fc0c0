"""Data that remembers where each value was written: the value every YAML reader hands on.

An editor told "number 应为整数" needs the line, and a form in the studio
needs the key path. The YAML reader (``load/yamlfile.py``) records both for
every key; whatever validates the data later points its messages with
:meth:`YamlDoc.error`, without knowing how the file was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import ContentError, Key


@dataclass
class YamlDoc:
    """Parsed YAML data with the position (line, column; 1-based) of every key path."""

    path: Path
    data: Any
    positions: dict[Key, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

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
