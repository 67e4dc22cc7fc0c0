"""Widths of Chinese text, shared by the writer, table layout and terminal output."""

from __future__ import annotations

import unicodedata


def em_width(text: str) -> float:
    """Width of ``text`` in ems: CJK and full-width characters 1, others about ½.

    Good enough to size a masthead line, a hanging label or a table column;
    body text is laid out by Word, not by us.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
