"""Widths of Chinese text, shared by the writer, table layout and terminal output."""

from __future__ import annotations

import unicodedata


def em_width(text: str) -> float:
    """Width of ``text`` in ems: CJK and full-width characters 1, others about ½.

    Good enough to size a masthead line, a hanging label or a table column;
    body text is laid out by Word, not by us.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def column_widths(header: list[str], rows: list[list[tuple[str, str]]]) -> tuple[list[float], list[float]]:
    """Each column's natural width and the narrowest it may get, in ems, from its heading and its cells'
    (plain text, alignment) — an indicator table's and a table in an item's alike.

    Figures (a right-aligned column), and words of up to four characters (区县, 单位, 已完成), must stay
    on one line: "104.2%" broken as "104." / "2%" misreads. Longer text may wrap onto two lines when the
    columns do not all fit.
    """
    widths, minimum = [], []
    for index, name in enumerate(header):
        column = [row[index] for row in rows]
        content = max([em_width(text) for text, _ in column], default=0)
        heading = em_width(name) + 1.0
        # a long heading may wrap onto two or three lines
        widths.append(min(max(content + 1.0, min(heading, 2 * content + 2.0), 3.0), 16.0))
        figures = all(align == "right" or not text for text, align in column)
        keep = content + 0.5 if figures or content <= 4.0 else max(2.0, content / 2 + 0.5)
        keep = max(keep, em_width(name) / 2 + 0.5)  # the heading in two lines at most
        minimum.append(min(keep, widths[-1]))
    return widths, minimum
