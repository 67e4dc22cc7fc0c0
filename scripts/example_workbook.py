"""Writes the example series' real-shaped spreadsheet: an investment sheet laid out as a 发改委 keeps it.

Run:  .venv/bin/python scripts/example_workbook.py content/2025-10/tables/重点项目投资.xlsx

The sheet has what offices' sheets have and a "first row is the header" reader fails on: a title merged
across the table, a 单位：万元 row, a two-level merged header (年度目标 and 1—9月完成 over 项目数 / 投资额 /
完成率), the office's own 完成率 column, a 合计 row merged over 序号 and 区县（市）, notes under the table and
the 填表人 line. A script rather than a committed binary: the figures stay reviewable in a diff.

Excel and WPS save a formula's result beside it; openpyxl cannot, so the 完成率 and 合计 cells hold the
values Excel would have stored (a sheet with formulas but no results is refused by the reader, which says to
open and save it in Excel or WPS). docs/content.md shows the issue.yaml entry that reads it.
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal
from pathlib import Path

TITLE = "2025年1—9月各区县（市）重点民生项目投资完成情况"
UNIT = "单位：万元"
#: (区县（市）, 年度目标·项目数, 年度目标·投资额, 1—9月完成·项目数, 1—9月完成·投资额)
COUNTIES = [
    ("东岭区", 12, "5000", 9, "4210.50"),
    ("溪口区", 8, "3200", 8, "3300.00"),
    ("石门坳县", 9, "2860", 6, "2145.80"),
    ("青禾县", 10, "4100", 6, "2870.25"),
    ("枫林县", 7, "2450", 5, "1930.60"),
    ("白沙洲县", 6, "1980", 3, "1102.35"),
    ("望川市", 11, "4600", 10, "4425.00"),
]
NOTES = ["注：完成率为1—9月完成投资额÷年度目标投资额。", "数据来源：市发展改革委。"]


def write_example_workbook(path: Path) -> Path:
    """The workbook at ``path`` (its folder made if missing); returns ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.properties.creator = "市发展改革委"
    book.properties.created = book.properties.modified = datetime.datetime(2025, 10, 10, 9, 0)  # not today's date
    sheet = book.active
    sheet.title = "重点项目投资"
    sheet.append([TITLE])
    sheet.merge_cells("A1:H1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([UNIT])
    sheet.append(["序号", "区县（市）", "年度目标", None, "1—9月完成", None, None, "备注"])
    sheet.append([None, None, "项目数", "投资额", "项目数", "投资额", "完成率", None])
    for cells in ("A3:A4", "B3:B4", "C3:D3", "E3:G3", "H3:H4"):
        sheet.merge_cells(cells)
    totals = [0, Decimal(0), 0, Decimal(0)]
    for number, (county, projects, target, done, actual) in enumerate(COUNTIES, start=1):
        target_, actual_ = Decimal(target), Decimal(actual)
        sheet.append([number, county, projects, float(target_), done, float(actual_), float(actual_ / target_)])
        row = sheet.max_row
        sheet.cell(row=row, column=6).number_format = "0.00"
        sheet.cell(row=row, column=7).number_format = "0.0%"
        totals = [totals[0] + projects, totals[1] + target_, totals[2] + done, totals[3] + actual_]
    sheet.append(["合计", None, totals[0], float(totals[1]), totals[2], float(totals[3]), float(totals[3] / totals[1])])
    row = sheet.max_row
    sheet.merge_cells(f"A{row}:B{row}")
    sheet.cell(row=row, column=6).number_format = "0.00"
    sheet.cell(row=row, column=7).number_format = "0.0%"
    sheet.append([])
    for note in NOTES:
        sheet.append([note])
    sheet.append(["填表人：周宁", None, None, "审核人：陈晓梅", None, "填报日期：2025年10月10日"])
    for column, width in zip("ABCDEFGH", (6, 12, 9, 11, 9, 11, 9, 10)):
        sheet.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].endswith(".xlsx"):
        sys.exit("用法：python scripts/example_workbook.py 输出文件.xlsx")
    print(write_example_workbook(Path(sys.argv[1])))
