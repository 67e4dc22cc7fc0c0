"""Reading indicator tables from CSV (the csv module) and Excel files (openpyxl).

Cells are read as text, exactly as the office typed them; turning them into
numbers is the indicators stage's job, which can then say which row and
column held the bad value.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import DataError
from ..figures import round_half_up
from ..model import TableSpec
from .text import MAX_TEXT_BYTES, decode


@dataclass
class RawTable:
    """A table's header and cells as text, with what is needed to locate a cell."""

    path: Path
    sheet: str | None
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the file's line (CSV) or sheet row (Excel) of each row; blank ones are skipped

    def where(self, row: int, column: int) -> str:
        """Human location of a cell: 第5行第C列（完成） for Excel, 第5行“完成”列 for CSV."""
        name = self.header[column] if column < len(self.header) else ""
        line = self.lines[row]
        if self.sheet is not None:
            return f"工作表“{self.sheet}”第{line}行第{column_letter(column)}列（{name}）"
        return f"第{line}行“{name}”列"

    def formula(self, row: int, column: int) -> str | None:
        """The formula behind an Excel cell read as empty, if there is one.

        Only values are read (data_only), and a workbook written by a program
        rather than saved from Excel or WPS has formulas without results; the
        workbook is opened again only on this error path.
        """
        if self.sheet is None:
            return None
        from openpyxl import load_workbook

        book = load_workbook(self.path, read_only=True)
        try:
            value = book[self.sheet].cell(row=self.lines[row], column=column + 1).value
        finally:
            book.close()
        return value if isinstance(value, str) and value.startswith("=") else None

    def error(self, message: str, row: int | None = None, column: int | None = None) -> DataError:
        """``row`` -1 is the header."""
        line = None if row is None else self.lines[row] if row >= 0 else 1
        sheet = f"工作表“{self.sheet}”" if self.sheet is not None else ""
        if line is not None and column is not None and row >= 0:
            where = self.where(row, column) + "："
        elif line is not None:
            where = f"{sheet}第{line}行："
        else:
            where = sheet + "：" if sheet else ""
        return DataError(where + message, self.path, line, column + 1 if column is not None else None)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: Excel's column names."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty Excel cell
            return ""
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")  # Excel's General: 0.1+0.2 shows 0.3, not 0.30000000000000004
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def resolve_inside(issue_dir: Path, name: str, what: str) -> Path:
    """The path of a file named in issue.yaml; it must stay inside the issue folder.

    Windows users write tables\\进度.csv; a backslash is never part of a file
    name an office would use, so it is read as a folder separator everywhere.
    """
    name = name.replace("\\", "/")
    candidate = (issue_dir / name).resolve()
    root = issue_dir.resolve()
    if Path(name).is_absolute() or (candidate != root and root not in candidate.parents):
        raise DataError(f"{what}“{name}”在本期文件夹之外，不能使用", issue_dir / "issue.yaml")
    if not candidate.is_file():
        raise DataError(f"{what}不存在", issue_dir / name)
    if candidate.stat().st_size > MAX_TEXT_BYTES:
        raise DataError(f"{what}过大，超过 {MAX_TEXT_BYTES // 1024 // 1024} MB 的上限", issue_dir / name)
    return candidate


def _finish(header: list, records: list[tuple[int, Any]], path: Path, sheet: str | None) -> RawTable:
    """``records``: (line, cells) of every row below the header."""
    names = [_text(c) for c in header]
    width = len(names)
    rows, lines = [], []
    for line, record in records:
        cells = [_text(v) for v in record]
        if any(cells):  # blank lines, as Excel exports leave at the end or a typist between groups
            rows.append((cells + [""] * width)[:width] if len(cells) < width else cells)
            lines.append(line)
    table = RawTable(path, sheet, names, rows, lines)
    while table.header and not table.header[-1] and not any(len(r) >= width and r[width - 1] for r in rows):
        table.header.pop()  # trailing empty columns from Excel
        width -= 1
        table.rows = [r[:width] for r in table.rows]
    if not table.header:
        raise table.error("表格文件是空的（第一行应是表头）")
    for index, name in enumerate(table.header):
        if not name:
            raise table.error(f"第{index + 1}列没有列名（表头应在第一行）", -1, index)
        if name in table.header[:index]:
            first = table.header.index(name)
            raise table.error(f"第{first + 1}列和第{index + 1}列的列名都是“{name}”，列名不能重复", -1, index)
    for index, row in enumerate(table.rows):
        if len(row) > width and any(row[width:]):
            raise table.error(f"比表头多出 {len(row) - width} 列（逗号多了？）", index)
        table.rows[index] = row[:width]
    return table


def read_csv(path: Path) -> RawTable:
    import csv

    text = decode(path.read_bytes(), path)
    # strict: an unclosed quote is an error at its row, not a cell that
    # swallows the rest of the file (which then reads as "empty" figures)
    first = text.split("\n", 1)[0]
    # Text copied out of Excel is tab-separated, and some Excel locales save
    # CSV with ";"; a header line without a comma tells which one it is.
    delimiter = ","
    if "," not in first and ("\t" in first or ";" in first):
        delimiter = "\t" if first.count("\t") >= first.count(";") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True)
    records = []
    while True:
        row_start = reader.line_num + 1
        try:
            records.append((row_start, next(reader)))
        except StopIteration:
            break
        except csv.Error as exc:
            reason = "有引号（\"）没有闭合" if "end of data" in str(exc) else "的引号用法不对（值中的引号要写成两个：\"\"）"
            raise DataError(f"第{row_start}行{reason}", path, row_start) from None
    if not records:
        raise DataError("表格文件是空的", path)
    return _finish(records[0][1], records[1:], path, None)


def read_excel(path: Path, sheet: str | int | None) -> RawTable:
    """Read one sheet with openpyxl (values, not formulas: data_only)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):  # a renamed .xls, a corrupt file, a password
        raise DataError(
            "无法打开 Excel 文件：文件已损坏、设了密码，或其实是 .xls 等其他格式；请用 Excel 或 WPS 另存为 .xlsx 后再试", path
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(f"工作表序号 {sheet} 不存在（共 {len(names)} 个：{'、'.join(names)}；序号从 0 起）", path)
            name = names[sheet]
        else:
            if sheet not in names:
                raise DataError(f"工作表“{sheet}”不存在（有：{'、'.join(names)}）", path)
            name = sheet
        records = [[_shown(cell) for cell in row] for row in book[name].iter_rows()]
    finally:
        book.close()
    if not records:
        raise DataError(f"工作表“{name}”是空的", path)
    return _finish(list(records[0]), list(enumerate(records[1:], start=2)), path, name)


_FIXED = re.compile(r"0\.(0+)")
_LITERAL = re.compile(r'"[^"]*"|\\.')


def _shown(cell: Any) -> Any:
    """An Excel cell as Excel shows it: 0.639 formatted 0.0% is 63.9%, a
    formula's 12.300000000000001 formatted 0.00 is 12.30. The office reads
    and checks what is on screen, so that is the figure to print."""
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return value
    number_format = getattr(cell, "number_format", None) or "General"
    literal_percent = any("%" in text for text in _LITERAL.findall(number_format))
    number_format = _LITERAL.sub("", number_format)  # 0.0"%" and 0.0\% show a % sign without scaling
    fixed = _FIXED.search(number_format)
    places = len(fixed.group(1)) if fixed else 0
    if "%" in number_format:
        return f"{round_half_up(Decimal(repr(value)) * 100, places)}%"
    if fixed or number_format in ("0", "#,##0"):
        return str(round_half_up(value, places)) + ("%" if literal_percent else "")
    return value


def read_table(spec: TableSpec, issue_dir: Path) -> RawTable:
    """Read the file a table spec names (CSV in any office encoding, or .xlsx)."""
    path = resolve_inside(issue_dir, spec.file, "表格文件")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if spec.sheet is not None:
            raise DataError("CSV 文件没有工作表，不能写 sheet", issue_dir / "issue.yaml")
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, spec.sheet)
    raise DataError(f"不支持的表格文件类型“{path.suffix}”（支持 .csv、.xlsx）", path)
