"""What a long-running process keeps warm between builds of one series: resolved style sheets and compiled templates.

``watch`` and the studio rebuild the same issue on every save; a series build
renders a hundred issues with one template set. Reading the template files
costs little; resolving the style sheet and compiling the templates is what
a warm rebuild must not repeat. Both are kept here, keyed by the bytes they
were made from, so an edited template or style sheet is never served stale:
the files are read on every call and only unchanged content hits the memo.
A CLI run makes one workspace and drops it; nothing is kept in the process
beyond the workspace's owner.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .load.templates import Templates, load_templates, parse_style_sheet
from .render import Renderer
from .style import StyleSheet


class Workspace:
    """Warm state for the builds of one process (one per series folder in the studio)."""

    def __init__(self) -> None:
        self._sheets: dict[tuple[Path, bytes], StyleSheet] = {}
        self._renderers: dict[tuple, Renderer] = {}

    def templates(self, user_dir: Path | None) -> Templates:
        """The template set as it is on disk now (``user_dir`` first, then the defaults)."""
        return load_templates(user_dir, self._style_sheet)

    def renderer(self, templates: Templates) -> Renderer:
        """A renderer for ``templates``: the same one, compiled, while their files are unchanged."""
        key = (templates.dirs, templates.fingerprint)
        renderer = self._renderers.get(key)
        if renderer is None:
            if len(self._renderers) >= 8:  # a template folder edited all day: keep the recent few
                self._renderers.pop(next(iter(self._renderers)))
            renderer = self._renderers[key] = Renderer(templates)
        return renderer

    def invalidate(self) -> None:
        """Forget everything kept (memory only: what is kept can never be stale)."""
        self._sheets.clear()
        self._renderers.clear()

    def _style_sheet(self, path: Path, data: bytes) -> StyleSheet:
        key = (path, hashlib.sha256(data).digest())
        sheet = self._sheets.get(key)
        if sheet is None:
            if len(self._sheets) >= 8:
                self._sheets.pop(next(iter(self._sheets)))
            sheet = self._sheets[key] = parse_style_sheet(path, data)
        return sheet
