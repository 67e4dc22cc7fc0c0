"""供稿统计 files: CSV (UTF-8 with BOM, so Excel opens it) and .xlsx (the terminal table is the CLI's).

The labels are what editors typed (a ``source:`` of ``=HYPERLINK(…)`` or
``-1+2``), so no cell may become a formula (OWASP, CSV injection): in the
CSV a text beginning with = + - @, a tab or a carriage return gets a leading
``'`` and every text is quoted; in the .xlsx every text is a string cell,
never a formula, whatever it begins with. Counts stay numbers.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..diagnostics import OutputError, os_reason
from ..fsio import write_atomic

Tables = dict[str, list[tuple[str, int]]]


#: what a spreadsheet takes for the start of a formula (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A text cell for the CSV: a leading ' when a spreadsheet would read a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(tables: Tables, path: Path) -> None:
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # every text quoted, counts bare
    writer.writerow(["分类", "项目", "稿件数"])
    for name, rows in tables.items():
        for label, count in rows:
            writer.writerow([csv_text(name), csv_text(label), int(count)])
    _save(path, ".csv", buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(tables: Tables, path: Path) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(f"按{name}")
        lines = [(name, "稿件数"), *((label, int(count)) for label, count in rows), ("合计", sum(int(c) for _, c in rows))]
        for row, (label, count) in enumerate(lines, start=1):
            _text_cell(sheet.cell(row=row, column=1), label)
            if isinstance(count, int):
                sheet.cell(row=row, column=2, value=count)
            else:
                _text_cell(sheet.cell(row=row, column=2), count)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    _save(path, ".xlsx", buffer.getvalue())


# characters XML 1.0 cannot hold (openpyxl refuses them): a control character pasted into a source
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_cell(cell, value) -> None:
    """``value`` as a string cell: openpyxl takes a text beginning with = for a formula."""
    cell.value = _NOT_IN_XML.sub("\ufffd", str(value))
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited, as a typed ' does


def check_name(path: Path, suffix: str) -> None:
    """Only a file of the kind asked for: --csv 统计.xlsx (or a slip onto
    series.yaml) must not be overwritten with another format."""
    if path.suffix.lower() != suffix:
        raise OutputError(f"文件名应以 {suffix} 结尾（要保存的是 {suffix[1:].upper()} 格式）", path)


def _save(path: Path, suffix: str, data: bytes) -> None:
    """Replace the file whole or not at all."""
    check_name(path, suffix)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"无法写入：{os_reason(exc)}", path) from None
