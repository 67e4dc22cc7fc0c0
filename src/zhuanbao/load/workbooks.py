"""Reading the spreadsheet formats besides .xlsx: legacy Excel .xls, WPS .et (both an OLE file holding a BIFF8
workbook, read with xlrd) and OpenDocument .ods (its content.xml, streamed with the standard library).

Each gives the rows of one sheet as values shown the way the office sees them, as ``load/tables.py`` reads an
.xlsx: a cell formatted 0.0% is 63.9%, one formatted 0.00 is 12.30, a date is 2025-09-30, a formula is its
stored result, a number typed as text stays text. Why not python-calamine, which reads all of these and faster
(docs/architecture.md, "Spreadsheet readers"): it reports no number formats, so a 完成率 formatted as a
percentage would print as 0.8421, and it fills a sheet's whole used range, so a 6 KB .xls with one cell at
IV65536 took 1 GB of memory. xlrd reads the formats and keeps rows as long as they are; the ODF XML carries each
cell's shown text itself and is read row by row, empty repeated rows costing nothing.

The size limits are the caller's (``max_cells``, ``max_columns``), applied while rows are read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import DataError
from ..figures import decimals_of, parse_number, round_half_up

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls, .et (and .doc, .wps)
ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_FIXED = re.compile(r"0\.(0+)")
_LITERAL = re.compile(r'"[^"]*"|\\.')


def shown(value: Any, number_format: str | None) -> Any:
    """A number as Excel shows it in its number format: 0.639 formatted 0.0% is 63.9%, a formula's
    12.300000000000001 formatted 0.00 is 12.30. The office reads and checks what is on screen, so that is the
    figure to print; other values are returned as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, float) and not math.isfinite(value):
        return value  # NaN (an empty cell), and inf, which no format can show
    number_format = number_format or "General"
    literal_percent = any("%" in text for text in _LITERAL.findall(number_format))
    number_format = _LITERAL.sub("", number_format)  # 0.0"%" and 0.0\% show a % sign without scaling
    fixed = _FIXED.search(number_format)
    places = len(fixed.group(1)) if fixed else 0
    if "%" in number_format:
        return f"{round_half_up(Decimal(repr(value)) * 100, places)}%"
    if fixed or number_format in ("0", "#,##0"):
        return str(round_half_up(value, places)) + ("%" if literal_percent else "")
    return value


def pick_sheet(names: list[str], sheet: str | int | None, path: Path) -> str:
    """The name of the sheet issue.yaml asks for (by name or by index from 0; the first by default)."""
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"工作表序号 {sheet} 不存在（共 {len(names)} 个：{'、'.join(names)}；序号从 0 起）", path)
        return names[sheet]
    if sheet not in names:
        raise DataError(f"工作表“{sheet}”不存在（有：{'、'.join(names)}）", path)
    return sheet


def _too_large(what: str, path: Path, line: int | None = None) -> DataError:
    hint = ("若表中并没有这么多内容，多半是远处的单元格留有空格或格式：在 Excel 或 WPS 中按 Ctrl+End 找到它，"
            "删除多余的行和列后保存。")  # fmt: skip
    return DataError(what, path, line, hint=hint)


# --- .xls and .et ---------------------------------------------------------------------------------------------


def broken_xls(path: Path) -> DataError:
    """An OLE file xlrd cannot read as a workbook, said for what it most likely is."""
    head = path.read_bytes()[:512].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<table" in head or b"<html" in head:
        return DataError(f"这个 {path.suffix} 文件其实是网页（HTML）表格，不是 Excel 工作簿（有些系统这样导出）",
                         path, hint="请在 Excel 或 WPS 中打开它，另存为 .xlsx 后再用。")  # fmt: skip
    return DataError(f"无法打开表格文件：文件已损坏、设了密码，或不是 {path.suffix} 格式；请用 Excel 或 WPS 另存为 .xlsx 后再试", path)


def xls_sheet_names(path: Path) -> list[str]:
    return _open_xls(path).sheet_names()


def _open_xls(path: Path):
    import xlrd

    try:
        try:
            return xlrd.open_workbook(str(path), formatting_info=True, ragged_rows=True, on_demand=True)
        except NotImplementedError:  # formats of the BIFF versions before Excel 97 are not read: values still are
            return xlrd.open_workbook(str(path), ragged_rows=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, EOFError, IndexError, KeyError, ValueError,
            TypeError, OverflowError, UnicodeDecodeError, MemoryError, RecursionError, OSError):  # fmt: skip
        raise broken_xls(path) from None


def read_xls(path: Path, sheet: str | int | None, max_cells: int, max_columns: int) -> tuple[str, list[list[Any]]]:
    """The name and the rows (values as shown) of one sheet of an .xls or .et."""
    import xlrd

    book = _open_xls(path)
    try:
        name = pick_sheet(book.sheet_names(), sheet, path)
        try:
            data = book.sheet_by_name(name)
        except (xlrd.XLRDError, AssertionError, EOFError, IndexError, KeyError, ValueError, TypeError, OverflowError,
                UnicodeDecodeError, MemoryError, RecursionError):  # fmt: skip
            raise broken_xls(path) from None
        rows, columns = data.nrows, data.ncols
        area = f"（{rows:,} 行 × {columns:,} 列，共 {rows * columns:,} 个单元格）"
        if columns > max_columns:
            raise _too_large(f"工作表“{name}”过宽：范围是 {area}，超过 {max_columns:,} 列的上限", path)
        if rows * columns > max_cells:
            raise _too_large(f"工作表“{name}”过大：范围是 {area}，超过 {max_cells:,} 个单元格的上限", path)
        formats = {key: fmt.format_str for key, fmt in book.format_map.items()}
        styles = [formats.get(xf.format_key) for xf in book.xf_list]
        records = []
        for row in range(rows):
            cells = []
            for column in range(data.row_len(row)):
                cell = data.cell(row, column)
                style = styles[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(styles) else None
                cells.append(_xls_value(cell, style, book.datemode))
            records.append(cells)
        return name, records
    finally:
        book.release_resources()


def _xls_value(cell: Any, number_format: str | None, datemode: int) -> Any:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
        return moment.time() if value < 1 else moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if kind == xlrd.XL_CELL_NUMBER:
        return shown(int(value) if value.is_integer() and abs(value) < 2**53 else value, number_format)
    return value


# --- .ods ----------------------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def broken_ods(path: Path) -> DataError:
    return DataError("无法打开 .ods 文件：文件已损坏，或不是 OpenDocument 电子表格；请用 WPS 或 LibreOffice 另存为 .xlsx 后再试",
                     path)  # fmt: skip


def is_ods(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype").strip() == ODS_TYPE
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return False


def ods_sheet_names(path: Path) -> list[str]:
    return _read_ods(path, None, 0, 0, names_only=True)[0]


def read_ods(path: Path, sheet: str | int | None, max_cells: int, max_columns: int) -> tuple[str, list[list[Any]]]:
    """The name and the rows of one sheet of an .ods (the package already checked for size and DTDs)."""
    names, rows = _read_ods(path, sheet, max_cells, max_columns)
    return pick_sheet(names, sheet, path), rows


def _read_ods(path: Path, sheet: str | int | None, max_cells: int, max_columns: int,
              names_only: bool = False) -> tuple[list[str], list[list[Any]]]:  # fmt: skip
    import zipfile
    from xml.etree.ElementTree import ParseError, iterparse

    names: list[str] = []
    rows: list[list[Any]] = []
    wanted = False
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            line, cells, blanks, count = 0, [], 0, 0
            for event, element in iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{_TABLE}table":
                        names.append(element.get(f"{_TABLE}name") or f"Sheet{len(names) + 1}")
                        index = len(names) - 1
                        wanted = not names_only and (names[-1] == sheet if isinstance(sheet, str) else index == (sheet or 0))
                        line = 0
                    continue
                if not wanted:
                    if tag in (*_CELLS, f"{_TABLE}table-row"):
                        element.clear()
                    continue
                if tag in _CELLS:
                    repeat = int(element.get(f"{_TABLE}number-columns-repeated") or 1)
                    value = _ods_value(element)
                    if value is None:
                        blanks += repeat  # only written out if a filled cell follows in the row
                    else:
                        if len(cells) + blanks + repeat > max_columns:
                            raise _too_large(f"工作表“{names[-1]}”过宽：第{line + 1:,}行超过 {max_columns:,} 列的上限",
                                             path, line + 1)  # fmt: skip
                        cells += [None] * blanks + [value] * repeat
                        blanks = 0
                    element.clear()
                elif tag == f"{_TABLE}table-row":
                    repeat = int(element.get(f"{_TABLE}number-rows-repeated") or 1)
                    if cells:
                        for _ in range(repeat):
                            gap = line - len(rows)  # blank rows above: a step each
                            count += gap + max(1, len(cells))
                            if count > max_cells:
                                raise _too_large(f"工作表“{names[-1]}”过大：读到第{line + 1:,}行时已超过 {max_cells:,} "
                                                 "个单元格的上限", path, line + 1)  # fmt: skip
                            rows.extend([] for _ in range(gap))
                            rows.append(list(cells))
                            line += 1
                    else:
                        line += repeat
                    cells, blanks = [], 0
                    element.clear()
                elif tag == f"{_TABLE}table":
                    wanted = False
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, ParseError):
        raise broken_ods(path) from None
    return names, rows


def _ods_value(cell: Any) -> Any:
    """A cell as shown: its own text where that is the figure rounded as its format shows it (84.2%, 4210.50),
    otherwise its value; a date as a date; a string as its paragraphs."""
    kind = cell.get(f"{_OFFICE}value-type")
    text = "\n".join(_paragraph(p) for p in cell.iter(f"{_TEXT}p"))
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(f"{_OFFICE}value")
        try:
            value = float(raw) if raw is not None else None
        except ValueError:
            value = None
        figure = parse_number(text)
        if value is None:
            return text or None
        if figure is not None and kind == "percentage" and text.strip().endswith("%"):
            return text.strip()
        if figure is not None and round_half_up(value, decimals_of(text)) == figure:
            return text.strip()
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind == "date":
        raw = cell.get(f"{_OFFICE}date-value") or ""
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            return text or None
    if kind == "boolean":
        return cell.get(f"{_OFFICE}boolean-value") == "true"
    return text or None


def _paragraph(element: Any) -> str:
    """The text of a text:p: its spans, with text:s as its spaces and text:tab, text:line-break as a space."""
    parts = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "s":
            parts.append(" " * int(child.get(f"{_TEXT}c") or 1))
        elif name in ("tab", "line-break"):
            parts.append(" ")
        else:
            parts.append(_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)
