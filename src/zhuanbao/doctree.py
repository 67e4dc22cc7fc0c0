"""The document tree: what rendering produces and the .docx writer consumes.

A deliberately small vocabulary (paragraphs of runs, tables of cells) named by
style ids from the style sheet, so that neither templates nor the renderer
ever speak WordprocessingML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from .diagnostics import Location


@dataclass(slots=True)
class Run:
    """Text with one look. ``\\t`` in the text is a tab, ``\\n`` a line break."""

    text: str
    style: str | None = None
    bold: bool = False
    italic: bool = False
    #: an inline picture instead of text: the media name and its width in points
    image: str | None = None
    image_width: float | None = None


@dataclass(slots=True)
class Paragraph:
    style: str
    runs: list[Run] = field(default_factory=list)
    align: str | None = None
    #: hanging indent equal to the width of this many leading characters
    #: (a label such as 报： whose list wraps aligned after it)
    hang: str | None = None
    page_break_before: bool = False
    #: on the same page as the block after it (a heading)
    keep_next: bool = False
    #: runs printed whole at the paragraph's end (a credit, [XX供稿]): on its last line when they
    #: fit there, else flush right on a line of their own
    tail: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(slots=True)
class Cell:
    paragraphs: list[Paragraph] = field(default_factory=list)
    span: int = 1
    align: str | None = None


@dataclass(slots=True)
class Row:
    cells: list[Cell] = field(default_factory=list)
    header: bool = False


class Origin(NamedTuple):
    """Where a block's content came from, for an error the writer finds laying it out
    (a 版记 taller than a page): the file, what the block is, and what to do."""

    location: Location
    what: str
    hint: str | None = None


@dataclass(slots=True)
class Table:
    style: str
    rows: list[Row] = field(default_factory=list)
    #: relative column widths; equal when omitted
    widths: list[float] | None = None
    origin: Origin | None = None


#: A data table cell's text: a string, or (text, bold) pieces when part of it is bold (a table in an item)
Text = str | tuple[tuple[str, bool], ...]


def plain(text: Text) -> str:
    return text if isinstance(text, str) else "".join(piece for piece, _ in text)


@dataclass(slots=True)
class DataTable:
    """A large table of text cells (an indicator table, a table in an item): header row
    repeated on every page, one paragraph per cell. Kept as plain tuples
    because a 2,000-row table would otherwise be 60,000 small objects."""

    style: str
    head_style: str
    cell_style: str
    header: list[Text]
    rows: list[list[tuple[Text, str]]]  # (text, align) per cell
    widths: list[float]  # each column's natural width, in ems of the table's text
    min_widths: list[float] | None = None  # narrowest each may get: a figure's own width, half a name's


Block = Paragraph | Table | DataTable


@dataclass(slots=True)
class Document:
    blocks: list[Block]
    title: str
    author: str
    date: dt.date
    keywords: str = ""
    #: pictures by name (PNG bytes), referenced by runs' ``image``
    media: dict[str, bytes] = field(default_factory=dict)
    #: the items as printed, in order (not written into the document: what the archive indexes)
    items: tuple[PrintedItem, ...] = ()
    #: the indicator tables as printed, in order (the archive indexes and shows them)
    tables: tuple[PrintedTable, ...] = ()


class PrintedItem(NamedTuple):
    """One item as the bulletin prints it, in plain text."""

    file: str
    section: str
    title: str
    source: str
    text: str

    def as_json(self) -> dict:
        return {"file": self.file, "section": self.section, "title": self.title, "source": self.source,
                "text": self.text}  # fmt: skip


class PrintedTable(NamedTuple):
    """One indicator table as the bulletin prints it, every cell as printed text: what the archive
    keeps beside the document, so search finds a county named only in a table and the site shows it."""

    id: str
    section: str  # the section it is printed in, or 附件
    label: str  # 附件1 … for an annex, else ""
    title: str
    unit: str  # the sheet's unit line (单位：万元), or ""
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str  # the note under it as printed (注：…), or ""
    chart: str  # its chart's picture in the document (chart-jobs.png), or ""
    align: tuple[tuple[str, ...], ...] = ()  # each cell's alignment (left, center, right), as ``rows``

    def as_json(self) -> dict:
        return {"id": self.id, "section": self.section, "label": self.label, "title": self.title,
                "unit": self.unit, "header": list(self.header), "rows": [list(row) for row in self.rows],
                "align": [list(row) for row in self.align], "note": self.note, "chart": self.chart}  # fmt: skip
