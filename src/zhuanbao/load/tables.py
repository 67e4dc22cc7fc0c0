"""Reading indicator tables from CSV (the csv module), .xlsx (openpyxl) and .xls, .et, .ods (load/workbooks.py).

Cells are read as text, exactly as the office typed them; turning them into
numbers is the indicators stage's job, which can then say which row and
column held the bad value.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import DataError, os_reason
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
    header_line: int = 1  # the line of the header (of its last level, when it has two)
    offset: int = 0  # empty columns left of the table: column 0 is the sheet's column A + offset
    unit: str | None = None  # the sheet's unit line, as written: 单位：万元
    notes: list[str] = field(default_factory=list)  # the lines under the table: 注：…, 数据来源：…
    header_rows: list[int] = field(default_factory=list)  # the lines of every level of the header

    def where(self, row: int, column: int) -> str:
        """Human location of a cell: 第5行第C列（完成） for Excel, 第5行“完成”列 for CSV."""
        name = self.header[column] if column < len(self.header) else ""
        line = self.lines[row]
        if self.sheet is not None:
            return f"工作表“{self.sheet}”第{line}行第{column_letter(column + self.offset)}列（{name}）"
        return f"第{line}行“{name}”列"

    def formula(self, row: int, column: int) -> str | None:
        """The formula behind an Excel cell read as empty, if there is one.

        Only values are read (data_only), and a workbook written by a program
        rather than saved from Excel or WPS has formulas without results; the
        workbook is opened again only on this error path.
        """
        if self.sheet is None or _kind(self.path) != "xlsx":
            return None  # CSV has no formulas; .xls and .ods store every formula's result
        from openpyxl import load_workbook

        book = load_workbook(_package(self.path), read_only=True)
        try:
            value = book[self.sheet].cell(row=self.lines[row], column=column + 1 + self.offset).value
        finally:
            book.close()
        return value if isinstance(value, str) and value.startswith("=") else None

    def error(self, message: str, row: int | None = None, column: int | None = None) -> DataError:
        """``row`` -1 is the header."""
        line = None if row is None else self.lines[row] if row >= 0 else self.header_line
        sheet = f"工作表“{self.sheet}”" if self.sheet is not None else ""
        if line is not None and column is not None and row >= 0:
            where = self.where(row, column) + "："
        elif line is not None:
            where = f"{sheet}第{line}行："
        else:
            where = sheet + "：" if sheet else ""
        return DataError(where + message, self.path, line, column + 1 + self.offset if column is not None else None)


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


def _finish(records: list[tuple[int, list]], path: Path, sheet: str | None, header_row: list[int] | None = None,
            skip_rows: frozenset[int] = frozenset()) -> RawTable:  # fmt: skip
    """``records``: (line, cells) of every row of the file or sheet; the header is found among them (or is
    the row ``header_row`` names), and the title, unit line and notes around the table are kept apart."""
    from .layout import LayoutProblem, locate

    texts = [(line, [_text(v) for v in record]) for line, record in records]
    try:
        layout = locate(texts, header_row, skip_rows)
    except LayoutProblem as problem:
        prefix = f"工作表“{sheet}”" if sheet is not None else ""
        raise DataError(prefix + problem.message, path, problem.line) from None
    names = layout.header
    width = len(names)
    rows, lines = [], []
    for line, cells in layout.records:
        rows.append((cells + [""] * width)[:width] if len(cells) < width else cells)
        lines.append(line)
    table = RawTable(path, sheet, names, rows, lines, layout.header_lines[-1], layout.offset, layout.unit, layout.notes,
                     layout.header_lines)  # fmt: skip
    while table.header and not table.header[-1] and not any(len(r) >= width and r[width - 1] for r in rows):
        table.header.pop()  # trailing empty columns from Excel
        width -= 1
        table.rows = [r[:width] for r in table.rows]
    if not table.header:
        raise table.error("表格文件是空的（第一行应是表头）")
    at = layout.header_lines
    told = "表头应在第一行" if at == [1] else "表头在第" + "、".join(map(str, at)) + "行"
    hint = None if header_row or at == [1] else "表头找得不对时，可在 issue.yaml 的这张表中用 header_row 写明表头在第几行。"
    for index, name in enumerate(table.header):
        if not name:
            error = table.error(f"第{index + 1 + table.offset}列没有列名（{told}）", -1, index)
            raise DataError(error.message, error.path, error.line, error.column, hint=hint)
        if name in table.header[:index]:
            first = table.header.index(name)
            raise table.error(f"第{first + 1 + table.offset}列和第{index + 1 + table.offset}列的列名都是“{name}”，列名不能重复", -1, index)
    for index, row in enumerate(table.rows):
        if len(row) > width and any(row[width:]):
            raise table.error(f"比表头多出 {len(row) - width} 列（逗号多了？）", index)
        table.rows[index] = row[:width]
    return table


def read_csv(path: Path, header_row: list[int] | None = None, skip_rows: frozenset[int] = frozenset(),
             max_cells: int | None = None) -> RawTable:  # fmt: skip
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
    return _finish(records, path, None, header_row, skip_rows)


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


def read_excel(path: Path, sheet: str | int | None, header_row: list[int] | None = None,
               skip_rows: frozenset[int] = frozenset(), max_cells: int | None = None) -> RawTable:  # fmt: skip
    """Read one sheet with openpyxl (values, not formulas: data_only), bounded in size."""
    from openpyxl import load_workbook

    broken = _excel_errors()
    try:
        path.open("rb").close()
    except OSError as exc:  # not a damaged file: one that cannot be read at all
        raise DataError(f"无法读取表格文件：{os_reason(exc)}", path) from None
    try:
        _check_package(path)
        book = load_workbook(_package(path), read_only=True, data_only=True)
    except broken:  # a renamed .xls, a corrupt file, a password
        raise DataError(_BROKEN_EXCEL, path) from None
    try:
        from .workbooks import pick_sheet

        name = pick_sheet(list(book.sheetnames), sheet, path)
        try:
            records = _sheet_records(book, name, path, max_cells or MAX_TABLE_CELLS)
        except broken:  # damage found only in the sheet's own data
            raise DataError(_BROKEN_EXCEL, path) from None
    finally:
        book.close()
    if not records:
        raise DataError(f"工作表“{name}”是空的", path)
    return _finish(list(enumerate(records, start=1)), path, name, header_row, skip_rows)


def _package(path: Path) -> Path | io.BytesIO:
    """What openpyxl is given: it goes by the file's name and refuses an .xlsx package that WPS saved under
    the .et name, so that one is given as its bytes (already bounded by ``_check_package``)."""
    return path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook of any kind, in its order, checked as :func:`read_workbook` checks the file."""
    from . import workbooks

    kind = _kind(path)
    if kind == "ole":
        return workbooks.xls_sheet_names(path)
    if kind == "ods":
        _checked_zip(path, workbooks.broken_ods)
        return workbooks.ods_sheet_names(path)
    from openpyxl import load_workbook

    try:
        _check_package(path)
        book = load_workbook(_package(path), read_only=True, data_only=True)
    except _excel_errors():
        raise DataError(_BROKEN_EXCEL, path) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


#: what a table file may be: CSV, or a workbook (.xlsx; .xlsm; legacy .xls; WPS .et; OpenDocument .ods)
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
SUFFIXES = (".csv", *WORKBOOKS)


def _kind(path: Path) -> str:
    """What a workbook is by its content, whatever its name says: an OLE file (.xls, .et), an .ods or an .xlsx
    (offices rename files, and WPS saves .et as either); "" when it is none of them."""
    from .workbooks import OLE, is_ods

    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:  # not a damaged file: one that cannot be read at all
        raise DataError(f"无法读取表格文件：{os_reason(exc)}", path) from None
    if head == OLE:
        return "ole"
    if head.startswith(b"PK"):
        return "ods" if is_ods(path) else "xlsx"
    return ""


def _checked_zip(path: Path, broken) -> None:
    try:
        _check_package(path)
    except _excel_errors():
        raise broken(path) from None


def read_workbook(path: Path, sheet: str | int | None, header_row: list[int] | None = None,
                  skip_rows: frozenset[int] = frozenset(), max_cells: int | None = None) -> RawTable:  # fmt: skip
    """One sheet of a workbook of any kind (by its content), bounded in size as :func:`read_excel`."""
    from . import workbooks

    limit = max_cells or MAX_TABLE_CELLS
    kind = _kind(path)
    if kind == "ole":
        name, records = workbooks.read_xls(path, sheet, limit, MAX_TABLE_COLUMNS)
    elif kind == "ods":
        _checked_zip(path, workbooks.broken_ods)
        name, records = workbooks.read_ods(path, sheet, limit, MAX_TABLE_COLUMNS)
    elif kind == "xlsx" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel(path, sheet, header_row, skip_rows, limit)
    elif path.suffix.lower() == ".ods":
        raise workbooks.broken_ods(path)
    else:
        raise workbooks.broken_xls(path)
    if not any(records):
        raise DataError(f"工作表“{name}”是空的", path)
    width = max(len(r) for r in records)  # as openpyxl gives a sheet's rows: all as wide as its widest
    if width * len(records) > limit:
        raise DataError(f"工作表“{name}”过大：范围是 {len(records):,} 行 × {width:,} 列，超过 {limit:,} 个单元格的上限",
                        path, hint=_FAR_CELL_HINT)  # fmt: skip
    records = [r + [None] * (width - len(r)) for r in records]
    return _finish(list(enumerate(records, start=1)), path, name, header_row, skip_rows)


def _shown(cell: Any) -> Any:
    """An openpyxl cell as Excel shows it (``workbooks.shown``: 0.639 formatted 0.0% is 63.9%)."""
    from .workbooks import shown

    return shown(getattr(cell, "value", None), getattr(cell, "number_format", None))


def read_table(spec: TableSpec, issue_dir: Path, max_cells: int | None = None) -> RawTable:
    """Read the file a table spec names (CSV in any office encoding, or a workbook: .xlsx, .xls, .et, .ods),
    where issue.yaml says its header is (``header_row``, ``skip_rows``) or where it is found."""
    assert spec.file is not None  # a table from a query or a script's data is read elsewhere (load/content.py)
    path = resolve_inside(issue_dir, spec.file, "表格文件")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if spec.sheet is not None:
            raise DataError("CSV 文件没有工作表，不能写 sheet", issue_dir / "issue.yaml")
        return read_csv(path, spec.header_lines, spec.skip_lines, max_cells)
    if suffix in WORKBOOKS:
        return read_workbook(path, spec.sheet, spec.header_lines, spec.skip_lines, max_cells)
    raise DataError(f"不支持的表格文件类型“{path.suffix}”（支持 .csv、.xlsx、.xls、.et、.ods）", path)
