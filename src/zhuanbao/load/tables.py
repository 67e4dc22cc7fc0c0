"""Reading indicator tables from CSV (the csv module) and Excel files (openpyxl).

Cells are read as text, exactly as the office typed them; turning them into
numbers is the indicators stage's job, which can then say which row and
column held the bad value.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import DataError, os_reason
from ..figures import round_half_up
from ..model import TableSpec
from .text import MAX_TEXT_BYTES, decode

#: A table has at most this many cells (rows × columns, blank rows counted as one):
#: an indicator table is a few thousand at most, and a table of millions, or a
#: sheet claiming them, would exhaust memory or take minutes before anything is said.
MAX_TABLE_CELLS = 100_000
#: and at most this many columns (a real one has a dozen).
MAX_TABLE_COLUMNS = 1_000
#: The XML inside an .xlsx, unpacked, all parts together: a 100,000-cell sheet is
#: about 5 MB; a small file can unpack to gigabytes (a "zip bomb").
MAX_EXCEL_XML_BYTES = 50 * 1024 * 1024

_TOO_LARGE_HINT = "指标表通常只有几千个单元格；请只保留要印发的那张表，另存为单独的文件后再试。"
_FAR_CELL_HINT = (
    "若表中并没有这么多内容，多半是远处的单元格留有空格或格式：在 Excel 或 WPS 中按 Ctrl+End 找到它，"
    "删除多余的行和列后保存。"
)
_BROKEN_EXCEL = "无法打开 Excel 文件：文件已损坏、设了密码，或其实是 .xls 等其他格式；请用 Excel 或 WPS 另存为 .xlsx 后再试"


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
    try:
        candidate = (issue_dir / name).resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python before 3.13 on a symlink loop
        raise DataError(f"{what}是一个循环的链接（快捷方式最终指回自己），无法读取", issue_dir / name) from None
    root = issue_dir.resolve()
    if Path(name).is_absolute() or (candidate != root and root not in candidate.parents):
        raise DataError(f"{what}“{name}”在本期文件夹之外，不能使用", issue_dir / "issue.yaml")
    if not candidate.is_file():
        raise DataError(f"{what}不存在", issue_dir / name)
    try:
        size = candidate.stat().st_size
    except OSError as exc:
        raise DataError(f"无法读取{what}：{os_reason(exc)}", issue_dir / name) from None
    if size > MAX_TEXT_BYTES:
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


def read_csv(path: Path, max_cells: int | None = None) -> RawTable:
    """``max_cells``: more for raw records to group (load/records.py) than for a table printed as it is."""
    import csv

    max_cells = max_cells or MAX_TABLE_CELLS

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"无法读取表格文件：{os_reason(exc)}", path) from None
    text = decode(data, path)
    # strict: an unclosed quote is an error at its row, not a cell that
    # swallows the rest of the file (which then reads as "empty" figures)
    first = text.split("\n", 1)[0]
    # Text copied out of Excel is tab-separated, and some Excel locales save
    # CSV with ";"; a header line without a comma tells which one it is.
    delimiter = ","
    if "," not in first and ("\t" in first or ";" in first):
        delimiter = "\t" if first.count("\t") >= first.count(";") else ";"
    lines = _narrow_lines(text, delimiter, path)
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True, strict=True)
    records = []
    cells = 0
    while True:
        row_start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(f"第{row_start}行{_csv_reason(str(exc))}", path, row_start) from None
        cells += max(1, len(row))  # a blank line costs a step too
        if cells > max_cells:
            total = text.count("\n") + (not text.endswith("\n"))
            raise DataError(
                f"表格过大：文件共 {total:,} 行，读到第 {row_start:,} 行时已超过 {max_cells:,} 个单元格的上限",
                path,
                hint=_TOO_LARGE_HINT,
            )
        records.append((row_start, row))
    if not records:
        raise DataError("表格文件是空的", path)
    return _finish(records[0][1], records[1:], path, None)


def _narrow_lines(text: str, delimiter: str, path: Path):
    """The lines of a CSV text, each refused before the csv module splits it
    if it holds more columns than a table may have (a line of a million commas
    would be a million cells in memory at once)."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.count(delimiter) >= MAX_TABLE_COLUMNS:
            raise DataError(
                f"表格过宽：第{number}行有 {line.count(delimiter) + 1:,} 列，超过 {MAX_TABLE_COLUMNS:,} 列的上限",
                path,
                number,
                hint=_TOO_LARGE_HINT,
            )
        yield line


def _csv_reason(error: str) -> str:
    """What the csv module's (English) error means for the typist."""
    if "end of data" in error:
        return "有引号（\"）没有闭合"
    if "field larger than field limit" in error:
        import csv

        return f"有一格超过 {csv.field_size_limit():,} 个字符（多半是引号没有闭合）"
    if "NUL" in error:
        return "含有空字符（NUL），不是正常的文本表格"
    return "的引号用法不对（值中的引号要写成两个：\"\"）"


def _excel_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl, zipfile, zlib and the XML parsers raise on a damaged or
    hostile .xlsx: a bad CRC, a corrupt deflate stream, a truncated file, XML
    that is not well-formed or has entities the parser refuses."""
    import zlib
    from zipfile import BadZipFile

    return (BadZipFile, zlib.error, EOFError, KeyError, IndexError, OSError, ValueError, TypeError, SyntaxError,
            NotImplementedError, RuntimeError)  # fmt: skip


# What no sheet saved by Excel or WPS can exceed. openpyxl holds a whole row
# in memory before yielding it, and the rows of a sheet without a <dimension>
# while opening the workbook: beyond these, a small file takes gigabytes.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_DTD_MARKERS = [m.encode(codec) for m in ("<!DOCTYPE", "<!ENTITY") for codec in ("ascii", "utf-16-le", "utf-16-be")]


def _check_package(path: Path) -> None:
    """Refuse an .xlsx before openpyxl parses it: not a zip, damaged (bad CRC,
    corrupt or truncated data), unpacking to far more than a table needs,
    rows no Excel could save, or a DTD (<!DOCTYPE>, <!ENTITY>): Excel and WPS
    never write one, and it is how external entities and entity expansion
    ("billion laughs") get in."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = [i for i in archive.infolist() if i.filename.lower().endswith((".xml", ".rels", ".vml"))]
        unpacked = sum(i.file_size for i in parts)
        if unpacked > MAX_EXCEL_XML_BYTES:
            raise DataError(
                f"Excel 文件解压后的内容过大（{unpacked:,} 字节），超过 {MAX_EXCEL_XML_BYTES // 1024 // 1024} MB 的上限",
                path,
                hint=_TOO_LARGE_HINT,
            )
        for part in parts:
            with archive.open(part) as stream:  # the declared size bounds the read; a wrong CRC raises at its end
                _scan_part(stream, part.filename, path)


def _scan_part(stream: Any, part: str, path: Path) -> None:
    rest, rows, cells = b"", 0, 0  # cells: of the row open where the last chunk ended
    while True:
        chunk = stream.read(1 << 20)
        text = rest + chunk
        if any(marker in text for marker in _DTD_MARKERS):
            raise DataError(
                f"Excel 文件中的 {part} 含有 XML 实体声明（<!DOCTYPE>）：Excel 和 WPS 保存的文件不会有，为安全起见不予读取",
                path,
                hint="请向报送单位要原始表格，或用 Excel、WPS 重新制作后另存为 .xlsx。",
            )
        tag = text.rfind(b"<") if chunk else -1
        cut = len(text) if tag < 0 else tag  # a tag cut by the chunk's end is read with the next chunk
        first, *others = _ROW_TAG.split(text[:cut])
        counts = ([cells + len(_CELL_TAG.findall(first))] if rows else []) + [len(_CELL_TAG.findall(p)) for p in others]
        rows += len(others)
        cells = counts[-1] if counts else 0
        widest = max(counts, default=0)
        if rows > EXCEL_MAX_ROWS or widest > EXCEL_MAX_COLUMNS:
            found = (f"中已有 {rows:,} 行，而 Excel 最多 {EXCEL_MAX_ROWS:,} 行" if rows > EXCEL_MAX_ROWS
                     else f"的一行中已有 {widest:,} 个单元格，而 Excel 每行最多 {EXCEL_MAX_COLUMNS:,} 列")  # fmt: skip
            raise DataError(f"Excel 文件已损坏：{part} {found}", path, hint="请用 Excel 或 WPS 打开后另存为 .xlsx 再试。")
        rest = text[cut:]
        if not chunk:
            return


def _sheet_records(book: Any, name: str, path: Path, max_cells: int) -> list[list[Any]]:
    """The cells of a sheet, streamed (read-only mode), refused as soon as it
    is seen to be larger than a table may be: by the size the sheet declares
    (its <dimension>, to which openpyxl pads every row), then by the cells
    actually read (rows padded, gaps between rows), for a sheet declaring none."""
    sheet = book[name]
    rows, columns = sheet.max_row, sheet.max_column
    if rows and columns:
        area = f"范围是 {sheet.calculate_dimension()}（{rows:,} 行 × {columns:,} 列，共 {rows * columns:,} 个单元格）"
        if columns > MAX_TABLE_COLUMNS:
            raise DataError(f"工作表“{name}”过宽：{area}，超过 {MAX_TABLE_COLUMNS:,} 列的上限", path, hint=_FAR_CELL_HINT)
        if rows * columns > max_cells:
            raise DataError(f"工作表“{name}”过大：{area}，超过 {max_cells:,} 个单元格的上限", path, hint=_FAR_CELL_HINT)
    records, cells = [], 0
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if len(row) > MAX_TABLE_COLUMNS:
            raise DataError(f"工作表“{name}”过宽：第{number:,}行有 {len(row):,} 列，超过 {MAX_TABLE_COLUMNS:,} 列的上限",
                            path, number, hint=_FAR_CELL_HINT)  # fmt: skip
        cells += max(1, len(row))  # an empty row costs a step too
        if cells > max_cells:
            raise DataError(f"工作表“{name}”过大：读到第{number:,}行时已超过 {max_cells:,} 个单元格的上限",
                            path, number, hint=_FAR_CELL_HINT)  # fmt: skip
        records.append([_shown(cell) for cell in row])
    return records


def read_excel(path: Path, sheet: str | int | None, max_cells: int | None = None) -> RawTable:
    """Read one sheet with openpyxl (values, not formulas: data_only), bounded in size."""
    from openpyxl import load_workbook

    broken = _excel_errors()
    try:
        path.open("rb").close()
    except OSError as exc:  # not a damaged file: one that cannot be read at all
        raise DataError(f"无法读取表格文件：{os_reason(exc)}", path) from None
    try:
        _check_package(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except broken:  # a renamed .xls, a corrupt file, a password
        raise DataError(_BROKEN_EXCEL, path) from None
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
        try:
            records = _sheet_records(book, name, path, max_cells or MAX_TABLE_CELLS)
        except broken:  # damage found only in the sheet's own data
            raise DataError(_BROKEN_EXCEL, path) from None
    finally:
        book.close()
    if not records:
        raise DataError(f"工作表“{name}”是空的", path)
    return _finish(list(records[0]), list(enumerate(records[1:], start=2)), path, name)


def sheet_names(path: Path) -> list[str]:
    """The sheets of an .xlsx, in the workbook's order, checked as :func:`read_excel` checks the file."""
    from openpyxl import load_workbook

    try:
        _check_package(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except _excel_errors():
        raise DataError(_BROKEN_EXCEL, path) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


_FIXED = re.compile(r"0\.(0+)")
_LITERAL = re.compile(r'"[^"]*"|\\.')


def _shown(cell: Any) -> Any:
    """An Excel cell as Excel shows it: 0.639 formatted 0.0% is 63.9%, a
    formula's 12.300000000000001 formatted 0.00 is 12.30. The office reads
    and checks what is on screen, so that is the figure to print."""
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, float) and not math.isfinite(value):
        return value  # NaN (an empty cell), and inf, which no format can show
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


def read_table(spec: TableSpec, issue_dir: Path, max_cells: int | None = None) -> RawTable:
    """Read the file a table spec names (CSV in any office encoding, or .xlsx)."""
    assert spec.file is not None  # a table from a query or a script's data is read elsewhere (load/content.py)
    path = resolve_inside(issue_dir, spec.file, "表格文件")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if spec.sheet is not None:
            raise DataError("CSV 文件没有工作表，不能写 sheet", issue_dir / "issue.yaml")
        return read_csv(path, max_cells)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, spec.sheet, max_cells)
    raise DataError(f"不支持的表格文件类型“{path.suffix}”（支持 .csv、.xlsx）", path)
