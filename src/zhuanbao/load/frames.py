"""Tables that are no file of the issue: a database query's result, or data a script hands over (a pandas
DataFrame, or rows), read as the indicator stage reads every table — a header and cells as text, the way
a CSV would hold them.

Figures become text as a spreadsheet shows them: an integer as written, a ``Decimal`` exactly, a float
to 15 significant digits (Excel's General: 0.1 + 0.2 shows 0.3), so the float's binary noise never reaches
a printed figure or a sum; the indicator stage parses them back to ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import DataError
from .tables import MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, RawTable

QUERY_RESULT = "查询结果"
SUPPLIED = "程序提供的数据"


@dataclass
class HeldTable(RawTable):
    """A table without a file line for its rows: errors name the row of the data (``origin``: 查询结果, 程序提供
    的数据) and point at issue.yaml's line that says where the data comes from (``anchor``)."""

    origin: str = QUERY_RESULT
    anchor: int | None = None

    #: not read from a file of the issue folder: ``build --changed`` fingerprints its cells instead
    external = True

    def where(self, row: int, column: int) -> str:
        name = self.header[column] if column < len(self.header) else ""
        return f"{self.origin}第{self.lines[row]}行“{name}”列"

    def formula(self, row: int, column: int) -> str | None:
        return None

    def error(self, message: str, row: int | None = None, column: int | None = None) -> DataError:
        if row is not None and row >= 0:
            where = self.where(row, column) if column is not None else f"{self.origin}第{self.lines[row]}行"
        else:
            where = self.origin + ("的表头" if row == -1 else "")
        return DataError(f"{where}：{message}", self.path, self.anchor)


def cell_text(value: Any) -> str:
    """A value of a query's result or a script's table as a spreadsheet would show it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""  # NaN: a NULL or an empty cell
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):  # a pandas Timestamp too
        if value != value:  # NaT
            return ""
        at_midnight = (value.hour, value.minute, value.second) == (0, 0, 0)
        return value.isoformat()[:10] if at_midnight else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    if hasattr(value, "item"):  # a NumPy scalar: its Python value
        return cell_text(value.item())
    try:
        if value != value:  # pandas.NA and its kind
            return ""
    except TypeError:  # pandas.NA refuses to be a truth value
        return ""
    return str(value).strip()


def _column_texts(column: Any) -> list[str]:
    """One column of a DataFrame as text, integers and text in one C loop each (50,000 records take a
    tenth of the time of converting them one by one)."""
    kind = column.dtype.kind
    if kind in "iu":
        return column.astype(str).tolist()
    return [cell_text(value) for value in column.tolist()]


def _heading(name: Any) -> str:
    """A column name as text: a DataFrame's two-level header (年度目标, 数量) joined as 年度目标·数量."""
    if isinstance(name, tuple):
        return "·".join(str(part).strip() for part in name if str(part).strip() and not str(part).startswith("Unnamed"))
    return cell_text(name)


def frame_table(frame: Any, path: Path, anchor: int | None, origin: str, max_cells: int = MAX_TABLE_CELLS) -> HeldTable:
    """A pandas DataFrame as a table: its columns, and its index too when it carries names (what
    ``groupby(...).sum()`` leaves: the county as the index)."""
    import pandas as pd

    if not isinstance(frame.index, pd.RangeIndex) or any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    header = [_heading(name) for name in frame.columns]
    if len(frame) * max(1, len(header)) > max_cells:
        raise DataError(f"{origin}过大：{len(frame):,} 行 × {len(header)} 列，超过 {max_cells:,} 个单元格的上限", path, anchor)
    columns = [_column_texts(frame.iloc[:, index]) for index in range(len(header))]
    rows = [list(row) for row in zip(*columns)] if columns else []
    return _checked(HeldTable(path, None, header, rows, list(range(1, len(rows) + 1)), origin=origin, anchor=anchor))


def rows_table(rows: Any, path: Path, anchor: int | None, origin: str = SUPPLIED,
               max_cells: int = MAX_TABLE_CELLS) -> HeldTable:  # fmt: skip
    """A table given as rows: lists (the first is the header, as in a CSV) or mappings (their keys are the
    header, in the order first seen)."""
    rows = list(rows)
    if not rows:
        raise DataError(f"{origin}是空的（第一行应是表头）", path, anchor)
    if all(isinstance(row, dict) for row in rows):
        header: list = []
        for row in rows:
            header += [key for key in row if key not in header]
        records = [[row.get(key) for key in header] for row in rows]
    elif not any(isinstance(row, (dict, str, bytes)) for row in rows):
        header, records = list(rows[0]), [list(row) for row in rows[1:]]
    else:
        raise DataError(f"{origin}应是行的列表：每行是一个列表（第一行为表头），或每行是一个“列名: 值”的字典", path, anchor)
    width = len(header)
    if sum(max(1, len(row)) for row in records) > max_cells or width > MAX_TABLE_COLUMNS:
        raise DataError(f"{origin}过大：超过 {max_cells:,} 个单元格的上限", path, anchor)
    table = HeldTable(path, None, [cell_text(name) for name in header], [], [], origin=origin, anchor=anchor)
    for number, record in enumerate(records, start=1):
        cells = [cell_text(value) for value in record]
        if len(cells) > width and any(cells[width:]):
            table.rows.append(cells)
            table.lines.append(number)
            raise table.error(f"比表头多出 {len(cells) - width} 个值", len(table.rows) - 1)
        table.rows.append((cells + [""] * width)[:width])
        table.lines.append(number)
    return _checked(table)


def _checked(table: HeldTable) -> HeldTable:
    """Every column named, no name twice, and blank rows left out (as a file's blank lines are)."""
    if not table.header:
        raise table.error("没有任何列")
    for index, name in enumerate(table.header):
        if not name:
            raise table.error(f"第{index + 1}列没有列名", -1)
        if name in table.header[:index]:
            raise table.error(f"第{table.header.index(name) + 1}列和第{index + 1}列的列名都是“{name}”，列名不能重复", -1)
    kept = [(row, line) for row, line in zip(table.rows, table.lines) if any(row)]
    table.rows, table.lines = [row for row, _ in kept], [line for _, line in kept]
    return table


def supplied_table(data: Any, path: Path, anchor: int | None, max_cells: int = MAX_TABLE_CELLS) -> HeldTable:
    """A script's data for a table: a pandas DataFrame, or rows (see :func:`rows_table`)."""
    if hasattr(data, "columns") and hasattr(data, "iloc"):
        return frame_table(data, path, anchor, SUPPLIED, max_cells)
    if isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__"):
        raise DataError(f"{SUPPLIED}应是 pandas 的 DataFrame 或行的列表，现在是 {type(data).__name__}", path, anchor)
    return rows_table(data, path, anchor, SUPPLIED, max_cells)
