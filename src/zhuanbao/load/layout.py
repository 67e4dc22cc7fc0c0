"""Where the table is in a sheet made for people: a title row, a 单位：万元 row, one or two header rows,
the data, and notes under it (注：…, 数据来源：…) or the 填表人 line.

Offices send sheets laid out for the eye, not for a program. The first row is
often a title merged across the table, the unit is a line of its own, a header
has a second level under merged group cells (年度目标 over 项目数 / 投资额),
and the last rows are notes. Read as "the first row is the header", such a
sheet fails on its title or, worse, reads its notes as a county. This module
takes the rows as text (any format: CSV, .xlsx, .xls, .ods) and says which
row is what; issue.yaml may say it instead (``header_row:``, ``skip_rows:``)
where the guess would be wrong.

A merged cell reads as its value in its first cell and blanks in the rest,
in every format, so a two-level header is recognised by its blanks: a group
label with blanks to its right and sub-labels under them. Its columns are
named by the levels joined with "·" (年度目标·投资额), a name an editor can
find in the studio's lists and write in issue.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..figures import parse_number

#: between the levels of a two-level heading: 年度目标·投资额
JOIN = "·"
#: the most header levels read (three is already rare in an indicator sheet)
MAX_LEVELS = 3
#: how far down the header is looked for (a title, a unit line, a 填报单位 line, blank rows …)
SEARCH_ROWS = 40

_UNIT = re.compile(r"^(?:[\u4e00-\u9fff]{0,4})单位\s*[:：]\s*\S")
_NOTE = re.compile(r"^[*＊]?\s*(注|附注|备注|说明|填报说明|数据来源|资料来源|来源)\s*[0-9０-９一二三四五六七八九十]*\s*[:：]")
_FOOTER = re.compile(r"^(填表人|填报人|制表人|制表|审核人|审核|审批人|负责人|单位负责人|统计负责人|联系人|联系电话|电话|"
                     r"填报日期|填表日期|报送日期|制表日期|报出日期)\s*[:：]")  # fmt: skip
_NUMBERING = set("甲乙丙丁戊己庚辛壬癸")


@dataclass
class Layout:
    """What the rows of a sheet are: the header's names, its rows, the data rows, and what is not data."""

    header: list[str]
    header_lines: list[int]  # the file's line (sheet row) of each header level
    records: list[tuple[int, list[str]]]  # (line, cells) of each data row, blank rows left out
    offset: int = 0  # empty columns left of the table
    unit: str | None = None  # the unit line as written: 单位：万元
    notes: list[str] = field(default_factory=list)  # lines under the table: 注：…, 数据来源：…
    skipped: list[int] = field(default_factory=list)  # lines read as neither header nor data (title, 栏次, 填表人 …)


class LayoutProblem(ValueError):
    """What issue.yaml said about the layout does not fit the file: (message, line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def clean_heading(text: str) -> str:
    """A heading as one line: Excel headings are broken with Alt+Enter (完成\\n（个）), which is layout, not name."""
    return " ".join(text.replace("\r", "").replace("\n", "").split())


def _figure(text: str) -> bool:
    """A cell holding a figure (not a code such as 001, not a year heading such as 2025)."""
    text = text.strip()
    return bool(text) and parse_number(text) is not None and not (len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2100)


def _filled(cells: list[str]) -> list[int]:
    return [i for i, c in enumerate(cells) if c.strip()]


def locate(records: list[tuple[int, list[str]]], header_row: list[int] | None = None,
           skip_rows: frozenset[int] = frozenset()) -> Layout:  # fmt: skip
    """The layout of ``records`` ((line, cells as text) of every row, in order). ``header_row``: the lines of
    the header's levels, as issue.yaml says them; otherwise found. ``skip_rows``: lines that are not data."""
    rows = [(line, cells) for line, cells in records if line not in skip_rows and any(c.strip() for c in cells)]
    skipped = sorted(line for line, cells in records if line in skip_rows and any(c.strip() for c in cells))
    if not rows:
        return Layout([], [1], [], skipped=skipped)
    lines = [line for line, _ in rows]
    if header_row:
        missing = [n for n in header_row if n not in lines]
        if missing:
            blank = "是空行" if missing[0] not in skip_rows else "同时写在了 skip_rows 中"
            raise LayoutProblem(f"header_row 写的第{missing[0]}行{blank}，不能作表头", missing[0])
        start = lines.index(header_row[0])
        levels = len(header_row)
    else:
        start = _find_header(rows)
        levels = _levels(rows, start)
    above = rows[:start]
    unit = next((c.strip() for _, cells in above for c in cells if _UNIT.match(c.strip())), None)
    heads = [cells for _, cells in rows[start : start + levels]]
    data = rows[start + levels :]
    skipped += [line for line, _ in above]
    if data and _numbering(data[0][1]):  # the 甲 乙 1 2 3 row of a statistics form (栏次)
        skipped.append(data[0][0])
        data = data[1:]
    data, notes, tail = _split_notes(data)
    skipped += tail
    width = max(len(c) for c in heads)  # a row longer than the header is the caller's to refuse
    heads = [(c + [""] * width)[:width] for c in heads]
    offset = 0
    while offset < width - 1 and not any(c[offset].strip() for c in heads) and not any(
            offset < len(c) and c[offset].strip() for _, c in data):  # fmt: skip
        offset += 1
    header = [clean_heading(name) for name in _joined(heads)][offset:]
    data = [(line, cells[offset:]) for line, cells in data]
    return Layout(header, [line for line, _ in rows[start : start + levels]], data, offset, unit, notes, sorted(skipped))


def _find_header(rows: list[tuple[int, list[str]]]) -> int:
    """The first row mostly filled with labels (not figures) that rows of figures follow; else the first row."""
    for index, (_, cells) in enumerate(rows[:SEARCH_ROWS]):
        filled = _filled(cells)
        below = rows[index + 1 : index + 12]
        width = max([len(_filled(c)) for _, c in below] + [len(filled)])
        if len(filled) < 2 or 2 * len(filled) < width:
            continue
        labels = sum(1 for i in filled if not _figure(cells[i]))
        if 5 * labels < 3 * len(filled):  # mostly labels: three in five at least
            continue
        if any(_figure(c) for _, row in rows[index + 1 : index + 1 + MAX_LEVELS + 1] for c in row):
            return index
    return 0


def _levels(rows: list[tuple[int, list[str]]], start: int) -> int:
    """How many rows the header takes: a row under it with no figures whose labels stand under blanks of the
    row above (a merged group's cells) is a further level."""
    levels = 1
    while levels < MAX_LEVELS and start + levels < len(rows):
        upper = rows[start + levels - 1][1]
        lower = rows[start + levels][1]
        if any(_figure(c) for c in lower):
            break
        under_blank = any(c.strip() and (i >= len(upper) or not upper[i].strip()) for i, c in enumerate(lower))
        if not under_blank:
            break
        levels += 1
    return levels


def _joined(heads: list[list[str]]) -> list[str]:
    """Column names from the header's levels: a group label (merged across columns, so blank to the right of
    its first) is carried over the columns that have a label under it, and joined: 年度目标·投资额."""
    if not heads:
        return []
    width = len(heads[0])
    names = []
    for column in range(width):
        parts = []
        for level, cells in enumerate(heads):
            label = cells[column].strip()
            below = [heads[k][column].strip() for k in range(level + 1, len(heads))]
            if not label and any(below):
                label = _carried(heads, level, column)
            if label and (not parts or parts[-1] != label):
                parts.append(label)
        names.append(JOIN.join(parts))
    return names


def _carried(heads: list[list[str]], level: int, column: int) -> str:
    """The group label over ``column`` at ``level``: the nearest label to its left, if it is a group (it has
    a label under it) and the columns between are blank at this level and share the levels above."""
    for left in range(column - 1, -1, -1):
        label = heads[level][left].strip()
        if any(heads[k][left].strip() != heads[k][column].strip() and heads[k][column].strip()
               for k in range(level)):  # fmt: skip
            return ""  # another group above: not this one's
        if label:
            has_sub = level + 1 < len(heads) and heads[level + 1][left].strip()
            return label if has_sub else ""
    return ""


def _numbering(cells: list[str]) -> bool:
    """The 栏次 row under a statistics form's header: 甲 乙 … then 1 2 3 … in order."""
    filled = [c.strip() for c in cells if c.strip()]
    numbers = [c for c in filled if c not in _NUMBERING]
    if len(numbers) == len(filled) or not all(n.isdigit() for n in numbers):
        return False
    values = [int(n) for n in numbers]
    return values == list(range(1, len(values) + 1))  # the columns are numbered from 1


def _split_notes(data: list[tuple[int, list[str]]]) -> tuple[list, list[str], list[int]]:
    """The data rows, the note lines under them (注：…, 数据来源：…, and the lines that continue a note) and
    the lines of the 填表人 / 审核 / 联系电话 kind, which are for the form, not the bulletin.

    Only the last rows are looked at, and a row with more than one cell filled is never a note: a county
    row with its figures left empty is still a row (and an error where its figures are needed)."""
    end = len(data)
    tail: list[int] = []
    while end and _FOOTER.match(_first(data[end - 1][1])):
        end -= 1
        tail.append(data[end][0])
    block = end
    while block and len(_filled(data[block - 1][1])) == 1 and not _figure(_first(data[block - 1][1])):
        block -= 1
    marked = next((i for i in range(block, end) if _NOTE.match(_first(data[i][1]))), None)
    if marked is None:
        return data[:end], [], tail
    notes = [_first(cells) for _, cells in data[marked:end]]
    return data[:marked], notes, tail + [line for line, _ in data[marked:end]]


def _first(cells: list[str]) -> str:
    return next((c.strip() for c in cells if c.strip()), "")


def note_text(notes: list[str]) -> str | None:
    """The notes under a sheet's table as one note for the printed table (the template prints 注：before it)."""
    if not notes:
        return None
    first = re.sub(r"^[*＊]?\s*注\s*[:：]\s*", "", notes[0])
    return "".join([first, *notes[1:]]) or None
