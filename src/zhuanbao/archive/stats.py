"""供稿统计 files: CSV (UTF-8 with BOM, so Excel opens it) and .xlsx (the terminal table is the CLI's)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..diagnostics import OutputError, os_reason
from ..fsio import write_atomic

Tables = dict[str, list[tuple[str, int]]]


def write_csv(tables: Tables, path: Path) -> None:
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["分类", "项目", "稿件数"])
    for name, rows in tables.items():
        for label, count in rows:
            writer.writerow([name, label, count])
    _save(path, ".csv", buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(tables: Tables, path: Path) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(f"按{name}")
        sheet.append([name, "稿件数"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for label, count in rows:
            sheet.append([label, count])
        sheet.append(["合计", sum(c for _, c in rows)])
        sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    _save(path, ".xlsx", buffer.getvalue())


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
