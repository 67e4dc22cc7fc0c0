"""供稿统计 output: terminal tables, CSV (UTF-8 with BOM, so Excel opens it) and .xlsx."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from .cjk import em_width
from .errors import OutputError, os_reason

Tables = dict[str, list[tuple[str, int]]]


def print_tables(tables: Tables, echo: Callable[[str], None]) -> None:
    if not any(rows for rows in tables.values()):
        echo("没有符合条件的已发布稿件（检查 --year、--series 是否写对）。")
        return
    for name, rows in tables.items():
        echo(f"【按{name}】")
        width = max([em_width(name)] + [em_width(str(label)) for label, _ in rows]) + 2
        for label, count in rows:
            label = str(label)
            echo(f"  {label}{' ' * int((width - em_width(label)) * 2)}{count:>4}")
        echo(f"  {'合计'}{' ' * int((width - 2) * 2)}{sum(c for _, c in rows):>4}")


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
    from .build import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"无法写入：{os_reason(exc)}", path) from None
