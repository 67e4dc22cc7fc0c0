"""Reading indicator tables from CSV and Excel files (pandas, imported only here).

Cells are read as text, exactly as the office typed them; turning them into
numbers is the indicators stage's job, which can then say which row and
column held the bad value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..model import TableSpec
from .text import MAX_TEXT_BYTES, decode


@dataclass
class RawTable:
    """A table's header and cells as text, with what is needed to locate a cell."""

    path: Path
    sheet: str | None
    header: list[str]
    rows: list[list[str]]
    first_row: int  # the file's row number of rows[0] (header is the row above)

    def where(self, row: int, column: int) -> str:
        """Human location of a cell: 第5行第C列（完成） for Excel, 第5行“完成”列 for CSV."""
        name = self.header[column] if column < len(self.header) else ""
        line = self.first_row + row
        if self.sheet is not None:
            return f"工作表“{self.sheet}”第{line}行第{column_letter(column)}列（{name}）"
        return f"第{line}行“{name}”列"

    def error(self, message: str, row: int | None = None, column: int | None = None) -> DataError:
        where = ""
        if row is not None and column is not None:
            where = self.where(row, column) + "："
        elif self.sheet is not None:
            where = f"工作表“{self.sheet}”："
        line = self.first_row + row if row is not None else None
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
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def resolve_inside(issue_dir: Path, name: str, what: str) -> Path:
    """The path of a file named in issue.yaml; it must stay inside the issue folder."""
    candidate = (issue_dir / name).resolve()
    root = issue_dir.resolve()
    if Path(name).is_absolute() or (candidate != root and root not in candidate.parents):
        raise DataError(f"{what}“{name}”在本期文件夹之外，不能使用", issue_dir / "issue.yaml")
    if not candidate.is_file():
        raise DataError(f"{what}不存在", issue_dir / name)
    if candidate.stat().st_size > MAX_TEXT_BYTES:
        raise DataError(f"{what}过大，超过 {MAX_TEXT_BYTES // 1024 // 1024} MB 的上限", issue_dir / name)
    return candidate


def _from_frame(frame, path: Path, sheet: str | None, first_row: int) -> RawTable:
    header = [_text(c) for c in frame.columns]
    rows = [[_text(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    rows = [r for r in rows if any(r)]  # trailing blank lines from Excel exports
    table = RawTable(path, sheet, header, rows, first_row)
    for index, name in enumerate(header):
        if not name or name.startswith("Unnamed:"):
            raise table.error(f"第{index + 1}列没有列名（表头应在第一行）")
    return table


def read_csv(path: Path) -> RawTable:
    import pandas as pd

    text = decode(path.read_bytes(), path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError("表格文件是空的", path) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"无法读取 CSV：{exc}", path) from None
    return _from_frame(frame, path, None, 2)


def read_excel(path: Path, sheet: str | int | None) -> RawTable:
    import pandas as pd

    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # a renamed .xls, a corrupt file, a password
        raise DataError(f"无法打开 Excel 文件（{type(exc).__name__}）；请另存为 .xlsx 后再试", path) from None
    names = book.sheet_names
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
    frame = pd.read_excel(book, sheet_name=name, dtype=object)
    return _from_frame(frame, path, name, 2)


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
