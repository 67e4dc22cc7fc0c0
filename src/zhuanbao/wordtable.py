"""A table of a Word submission written as a Markdown (GFM) table, for ``import``.

A Markdown table is a plain grid: one header row, no merged cells, one line
of text per cell. Word tables in submissions have all three: a heading of two
rows (年度目标 | 1—9月完成 with 数量 / 完成率 under it), a county's name
merged down over its rows, two lines in a cell. So the grid is written as
the reader sees it and every merge is said in a note the editor reads next
to the new item:

* header rows (the first row, and the rows its cells reach down into, or that
  Word repeats on each page) become one row, the texts above a column joined
  with "·" (1—9月完成·数量), as spreadsheets' two-level headings are read;
* a merged cell below the header is written once, in its first row and
  column, the places it covered left empty;
* a cell's paragraphs are joined into one line, a table inside a cell is its
  text;
* a table of one column (a frame drawn round text) is no table: its text
  becomes paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .load.word import WordCell, WordTable

#: how the texts of a header's rows are joined above one column (1—9月完成·数量)
HEADER_JOIN = "·"
#: merges said one by one in a note; the rest are counted
SHOWN_MERGES = 3


@dataclass
class MarkdownTable:
    """The table's Markdown lines, and what the editor should know about how it was written."""

    lines: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def header_rows(table: WordTable) -> int:
    """How many rows the header takes: the first row and those its cells reach down into, or the rows Word
    repeats on each page, whichever is more; never all rows of a table of several."""
    grid = table.grid
    reach = max((cell.down for cell in grid[0] if cell is not None), default=1) if grid else 0
    rows = max(reach, table.repeated, 1 if grid else 0)
    return min(rows, len(grid) - 1) if len(grid) > 1 else len(grid)


def markdown_table(table: WordTable, cell_text: Callable[[WordCell], str]) -> MarkdownTable | None:
    """``table`` as a Markdown table (``cell_text``: a cell's text as Markdown, on one line), or None when it
    has no text at all; a table of one column is the caller's to write as paragraphs."""
    grid = table.grid
    texts = {cell: cell_text(cell) for cell in table.cells()}
    if not grid or not any(texts.values()):
        return None
    heads = header_rows(table)
    width = len(grid[0])
    notes: list[str] = []

    header, shown = [], []  # each column's heading, as Markdown and as the reader sees it
    for column in range(width):
        above = list(dict.fromkeys(c for row in grid[:heads] if (c := row[column]) is not None and texts[c]))
        header.append(HEADER_JOIN.join(texts[c] for c in above))
        shown.append(HEADER_JOIN.join(_plain(c) for c in above))
    merges: list[str] = []
    for column in range(width - 1, 0, -1):  # a heading over several columns, not told apart below it: once
        if header[column] and header[column] == header[column - 1]:
            header[column] = ""
    for cell in dict.fromkeys(c for c in grid[0] if c is not None and c.span > 1 and c.down >= heads):
        merges.append(_merge(cell))
    if heads > 1:
        joined = next((h for h in shown if HEADER_JOIN in h), None)
        example = f"，如“{joined}”" if joined else ""
        notes.append(f"表头的 {heads} 行合成了一行，上下的文字用“{HEADER_JOIN}”连起来{example}")

    lines = [_row(header), _row(["---"] * width)]
    for index, row in enumerate(grid[heads:], start=heads):
        cells = []
        for column, cell in enumerate(row):
            first = cell is not None and (cell.row, cell.column) == (index, column)
            cells.append(texts[cell] if first else "")
            if first and (cell.span > 1 or cell.down > 1):
                merges.append(_merge(cell))
        if any(cells):
            lines.append(_row(cells))
    if merges:
        shown = "；".join(merges[:SHOWN_MERGES]) + (f"等 {len(merges)} 处" if len(merges) > SHOWN_MERGES else "")
        notes.append(f"Markdown 表格不能合并单元格，合并的单元格写在它的第一格，其余留空：{shown}")
    if any(cell.tables for cell in table.cells()):
        notes.append("单元格中的表格按文字并入了单元格")
    return MarkdownTable(lines, notes)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _plain(cell: WordCell) -> str:
    return "".join(piece for paragraph in cell.paragraphs for piece, _ in paragraph.pieces).strip()


def _merge(cell: WordCell) -> str:
    """Where a merged cell was, as the Word table numbers its rows and columns (from 1), and its text."""
    text = _plain(cell)
    rows = f"第{cell.row + 1}—{cell.row + cell.down}行" if cell.down > 1 else f"第{cell.row + 1}行"
    columns = f"第{cell.column + 1}—{cell.column + cell.span}列" if cell.span > 1 else f"第{cell.column + 1}列"
    shown = f"“{text[:20]}”" if text else "空白格"
    return f"原表{rows}{columns}合并的{shown}"
