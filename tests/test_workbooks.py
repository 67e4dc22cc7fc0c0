"""Spreadsheets as offices keep them (issue 17, items 4–7): a title row, a 单位：万元 row, a two-level merged
header, a 合计 row and notes under the table, in every format offices send: .xlsx, legacy .xls, WPS .et, .ods.

The files are real: an .xlsx written by openpyxl and saved again by LibreOffice Calc (so its formulas carry
their results, as Excel and WPS save them), the .xls and .ods LibreOffice Calc makes of it, an .xls written by
xlwt, and a WPS .et. WPS's .et is the same OLE compound file with a BIFF8 "Workbook" stream as an .xls (a
public analysis of a WPS-saved HelloWorld.et found exactly that, and a reader of .xls read it once renamed);
WPS does not run here, so the .et is the .xls LibreOffice wrote, under the .et name offices give it, read by
its content like any .et. Verified two ways: LibreOffice's own type registry
(/usr/lib/libreoffice/share/registry/calc.xcd) lists "et" among the extensions of calc_MS_Excel_97, the BIFF8
type its ExcelBiffFormatDetector recognises; and the analysis above. Newer WPS versions may also save an .et
that is an .xlsx package inside, so an .xlsx under the .et name is read too (by content, not by name).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import saved_by_libreoffice
from zhuanbao.diagnostics import DataError
from zhuanbao.indicators import compute
from zhuanbao.load.layout import locate, note_text
from zhuanbao.load.tables import read_table
from zhuanbao.model import TableSpec

TITLE = "2025年1—9月重点民生项目投资完成情况"
HEADER = ["序号", "区县", "年度目标·项目数", "年度目标·投资额", "1—9月完成·投资额", "1—9月完成·完成率", "截至"]
ROWS = [["1", "东岭区", "12", "5000", "4210.50", "84.2%", "2025-09-30"],
        ["2", "溪口区", "8", "3200", "3300.00", "103.1%", "2025-09-30"],
        ["3", "青禾县", "10", "4100", "2870.25", "70.0%", "2025-09-30"],  # 4100 typed as text, as offices do
        ["合计", "", "30", "12300", "10380.75", "84.4%", ""]]  # fmt: skip
NOTES = ["注：完成率为1—9月完成投资额÷年度目标投资额。", "数据来源：市发展改革委。"]


def real_sheet(path: Path) -> Path:
    """The sheet an office sends: title merged across, unit row, two-level merged header, a formula's 完成率
    formatted 0.0%, a date, a 合计 row merged over 序号 and 区县, notes and the 填表人 line under it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "重点项目"
    sheet.append([TITLE])
    sheet.merge_cells("A1:G1")
    sheet.append(["单位：万元"])
    sheet.append(["序号", "区县", "年度目标", None, "1—9月完成", None, "截至"])
    sheet.append([None, None, "项目数", "投资额", "投资额", "完成率", None])
    for cells in ("A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:G4"):
        sheet.merge_cells(cells)
    for row, (number, name, projects, target, actual) in enumerate(
            [(1, "东岭区", 12, 5000, 4210.5), (2, "溪口区", 8, 3200, 3300), (3, "青禾县", 10, "4100", 2870.25)], start=5):  # fmt: skip
        sheet.append([number, name, projects, target, actual, f"=E{row}/D{row}", dt.date(2025, 9, 30)])
        sheet.cell(row=row, column=5).number_format = "0.00"
        sheet.cell(row=row, column=6).number_format = "0.0%"
    sheet.append(["合计", None, "=SUM(C5:C7)", 12300, "=SUM(E5:E7)", "=E8/D8"])
    sheet.merge_cells("A8:B8")
    sheet.cell(row=8, column=6).number_format = "0.0%"
    sheet.append([])
    sheet.append([NOTES[0]])
    sheet.append([NOTES[1]])
    sheet.append(["填表人：周宁", None, None, "审核人：陈晓梅"])
    book.save(path)
    return path


def xlwt_sheet(path: Path) -> Path:
    """The same sheet written as a legacy .xls by xlwt (values where the other has formulas)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("重点项目")
    percent, fixed = xlwt.easyxf(num_format_str="0.0%"), xlwt.easyxf(num_format_str="0.00")
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet.write_merge(0, 0, 0, 6, TITLE)
    sheet.write(1, 0, "单位：万元")
    for first, last, column, end, label in [(2, 3, 0, 0, "序号"), (2, 3, 1, 1, "区县"), (2, 2, 2, 3, "年度目标"),
                                            (2, 2, 4, 5, "1—9月完成"), (2, 3, 6, 6, "截至")]:  # fmt: skip
        sheet.write_merge(first, last, column, end, label)
    for column, label in enumerate(["项目数", "投资额", "投资额", "完成率"], start=2):
        sheet.write(3, column, label)
    data = [(1, "东岭区", 12, 5000, 4210.5), (2, "溪口区", 8, 3200, 3300), (3, "青禾县", 10, "4100", 2870.25)]
    for row, (number, name, projects, target, actual) in enumerate(data, start=4):
        for column, value in enumerate([number, name, projects, target]):
            sheet.write(row, column, value)
        sheet.write(row, 4, actual, fixed)
        sheet.write(row, 5, actual / float(target), percent)
        sheet.write(row, 6, dt.datetime(2025, 9, 30), day)
    sheet.write_merge(7, 7, 0, 1, "合计")
    for column, value in [(2, 30), (3, 12300)]:
        sheet.write(7, column, value)
    sheet.write(7, 4, 10380.75, fixed)
    sheet.write(7, 5, 10380.75 / 12300, percent)
    sheet.write(9, 0, NOTES[0])
    sheet.write(10, 0, NOTES[1])
    sheet.write(11, 0, "填表人：周宁")
    sheet.write(11, 3, "审核人：陈晓梅")
    book.save(str(path))
    return path


def calc_convert(source: Path, kind: str, folder: Path) -> Path:
    """``source`` saved by LibreOffice Calc as ``kind`` (xlsx, xls, ods) into ``folder``."""
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods"}
    return saved_by_libreoffice(source, filters[kind], folder, timeout=120)  # Calc: libreoffice-calc-nogui


@pytest.fixture(scope="session")
def sheets(tmp_path_factory, libreoffice) -> dict[str, Path]:
    """The real-shaped sheet in every format, made once: {format: file}."""
    root = tmp_path_factory.mktemp("sheets")
    written = real_sheet(root / "投资.xlsx")
    made = {kind: calc_convert(written, kind, root / kind) for kind in ("xlsx", "xls", "ods")}
    et = root / "et" / "投资.et"
    et.parent.mkdir()
    shutil.copyfile(made["xls"], et)
    made["et"] = et
    zipped = root / "et-zip" / "投资.et"
    zipped.parent.mkdir()
    shutil.copyfile(made["xlsx"], zipped)
    made["xlsx.et"] = zipped
    made["xlwt.xls"] = xlwt_sheet(root / "xlwt.xls")
    return made


FORMATS = ["xlsx", "xls", "et", "xlsx.et", "ods", "xlwt.xls"]


def spec(file: str, **changes) -> TableSpec:
    return TableSpec.model_validate({"id": "invest", "file": file, "title": TITLE, "section": "工作简讯", **changes})


def placed(sheets: dict[str, Path], kind: str, tmp_path: Path) -> str:
    """The file of ``kind`` copied into an issue folder (``tmp_path``); its name there."""
    name = sheets[kind].name
    shutil.copyfile(sheets[kind], tmp_path / name)
    return name


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_reads_as_the_office_sees_it(sheets, tmp_path, kind):
    table = read_table(spec(placed(sheets, kind, tmp_path)), tmp_path)
    assert table.header == HEADER  # the two-level header's names joined
    assert table.rows == ROWS  # 0.0% as 84.2%, 0.00 as 4210.50, the date, the formula's result, text kept
    assert table.lines == [5, 6, 7, 8] and table.header_rows == [3, 4]
    assert table.unit == "单位：万元" and table.notes == NOTES  # the 填表人 line is neither


@pytest.mark.parametrize("kind", FORMATS)
def test_a_real_shaped_sheet_prints_with_its_unit_its_notes_and_one_rate_column(sheets, tmp_path, kind):
    table = spec(placed(sheets, kind, tmp_path), target="年度目标·投资额", actual="1—9月完成·投资额", rank=True)
    indicator = compute(table, read_table(table, tmp_path))
    assert indicator.title == TITLE and indicator.unit == "单位：万元"
    assert indicator.header == ["序号", "区县", "年度目标·项目数", "年度目标·投资额", "1—9月完成·投资额", "截至", "完成率", "排名"]
    assert [c.text for c in indicator.cells[0]] == ["1", "东岭区", "12", "5000", "4210.50", "2025-09-30", "84.2%", "2"]
    assert [c.text for c in indicator.cells[-1]] == ["", "合计", "30", "12300", "10380.75", "", "84.4%", ""]
    assert indicator.note == "完成率为1—9月完成投资额÷年度目标投资额。数据来源：市发展改革委。"


def test_the_sheet_is_built_into_the_bulletin_end_to_end(series, sheets):
    from zhuanbao.build import load_path
    from zhuanbao.doctree import DataTable, Paragraph
    from zhuanbao.load.templates import load_templates
    from zhuanbao.render import render

    issue = ("number: 3\ndate: 2024-03-15\ntables:\n  - id: invest\n    file: tables/投资.ods\n    title: 重点民生项目投资\n"
             "    section: 工作简讯\n    target: 年度目标·投资额\n    actual: 1—9月完成·投资额\n    columns:\n      - 区县\n"
             "      - 年度目标·投资额: 目标\n      - 1—9月完成·投资额: 完成\n      - 完成率\n")  # fmt: skip
    root = series({"2024-03/issue.yaml": issue, "2024-03/tables/投资.ods": sheets["ods"].read_bytes(),
                   "2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n完成投资{{ tables.invest.total.完成 }}万元。\n"})
    editions, templates = load_path(root)
    document = render(editions[0], load_templates(templates))
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    table = next(b for b in document.blocks if isinstance(b, DataTable))
    assert texts[texts.index("重点民生项目投资") + 1] == "单位：万元"  # its own line, above the table
    assert "注：完成率为1—9月完成投资额÷年度目标投资额。数据来源：市发展改革委。" in texts
    assert table.header == ["区县", "目标", "完成", "完成率"]
    assert [t for t, _ in table.rows[-1]] == ["合计", "12300", "10380.75", "84.4%"]
    assert any("完成投资10380.75万元。" in t for t in texts)


def printed_tables(root: Path) -> tuple[list[str], list[list[list[str]]]]:
    """The paragraphs and the tables (rows of cell texts) of the .docx ``build`` writes for the series at
    ``root``: what the editor opens in Word."""
    from docx import Document

    from zhuanbao.build import build

    built = build(root, root.parent / "out")
    document = Document(str(built[0].path))
    return ([p.text for p in document.paragraphs], [[[c.text for c in row.cells] for row in t.rows] for t in document.tables])


@pytest.mark.parametrize("kind", FORMATS)
def test_the_built_document_prints_the_sheets_table_with_one_rate_column(series, sheets, kind):
    name = sheets[kind].name
    issue = (f"number: 3\ndate: 2024-03-15\ntables:\n  - id: invest\n    file: tables/{name}\n    title: 重点民生项目投资\n"
             "    section: 工作简讯\n    target: 年度目标·投资额\n    actual: 1—9月完成·投资额\n")  # fmt: skip
    root = series({"2024-03/issue.yaml": issue, f"2024-03/tables/{name}": sheets[kind].read_bytes()})
    paragraphs, tables = printed_tables(root)
    assert tables[0][0] == ["序号", "区县", "年度目标·项目数", "年度目标·投资额", "1—9月完成·投资额", "截至", "完成率"]
    assert tables[0][1] == ["1", "东岭区", "12", "5000", "4210.50", "2025-09-30", "84.2%"]  # the sheet's 84.2% once
    assert [row[1] for row in tables[0][1:]] == ["东岭区", "溪口区", "青禾县", "合计"]  # no title, unit, note row
    assert paragraphs[paragraphs.index("重点民生项目投资") + 1] == "单位：万元"
    assert "注：完成率为1—9月完成投资额÷年度目标投资额。数据来源：市发展改革委。" in paragraphs
    assert not any("填表人" in p for p in paragraphs)


#: the table entry the example issue (content/2025-10) gets for scripts/example_workbook.py's workbook
EXAMPLE_ENTRY = """\
  - id: invest
    file: tables/重点项目投资.xlsx
    title: 2025年1—9月各区县（市）重点民生项目投资完成情况
    section: 附件
    target: 年度目标·投资额
    actual: 1—9月完成·投资额
    rank: true
    as_of: 2025-09-30
    columns:
      - 区县（市）
      - 年度目标·投资额: 年度目标
      - 1—9月完成·投资额: 1—9月完成
      - 完成率
      - 状态
      - 排名
"""


def test_the_example_workbook_script_makes_a_sheet_the_example_issue_builds(series, tmp_path):
    import runpy

    script = Path(__file__).parents[1] / "scripts" / "example_workbook.py"
    made = tmp_path / "重点项目投资.xlsx"
    subprocess.run([sys.executable, str(script), str(made)], check=True, capture_output=True, timeout=60)
    issue = "number: 10\ndate: 2025-10-24\ntables:\n" + EXAMPLE_ENTRY
    item = "---\nsection: 工作简讯\n---\n1—9月完成投资{{ tables.invest.total['1—9月完成'] }}万元，完成{{ tables.invest.total.rate_text }}。\n"
    root = series({"2025-10/issue.yaml": issue, "2025-10/tables/重点项目投资.xlsx": made.read_bytes(),
                   "2025-10/items/01-touzi.md": item}, drop=("2024-03/issue.yaml", "2024-03/items/01-gaizao.md"))  # fmt: skip
    paragraphs, tables = printed_tables(root)
    counties = runpy.run_path(str(script))["COUNTIES"]
    assert tables[0][0] == ["区县（市）", "年度目标", "1—9月完成", "完成率", "状态", "排名"]
    assert [row[0] for row in tables[0][1:]] == [c[0] for c in counties] + ["合计"]
    assert tables[0][2] == ["溪口区", "3200", "3300.00", "103.1%", "已完成", "1"]
    assert tables[0][-1][:4] == ["合计", "24190", "19984.50", "82.6%"]  # 19984.50 ÷ 24190, by hand
    assert any(p.endswith("1—9月完成投资19984.50万元，完成82.6%。") for p in paragraphs)
    title = paragraphs.index("2025年1—9月各区县（市）重点民生项目投资完成情况")
    assert paragraphs[title + 1] == "单位：万元"


# --- where the header is: found, or said in issue.yaml -------------------------------------------------------


def rows(*lines: str) -> list[tuple[int, list[str]]]:
    return [(number, line.split(",") if line else []) for number, line in enumerate(lines, start=1)]


def test_a_plain_table_keeps_its_first_row_as_header():
    layout = locate(rows("区县,目标,完成", "东岭区,5,4", "溪口区,4,3"))
    assert layout.header == ["区县", "目标", "完成"] and [line for line, _ in layout.records] == [2, 3]


def test_a_header_of_years_under_a_title_is_found():
    layout = locate(rows("各区县投资对比", "区县,2024年,2025", "东岭区,5,4"))
    assert layout.header == ["区县", "2024年", "2025"] and layout.header_lines == [2]


def test_the_numbering_row_of_a_statistics_form_is_not_data():
    layout = locate(rows("区县,目标,完成", "甲,1,2", "东岭区,5,4"))
    assert [line for line, _ in layout.records] == [3] and layout.skipped == [2]


def test_a_note_continues_on_its_own_lines_and_a_county_without_figures_stays_a_row():
    layout = locate(rows("区县,目标,完成", "东岭区,5,4", "青禾县,,", "注：1.目标为年度目标。", "2.完成数截至9月底。"))
    assert [line for line, _ in layout.records] == [2, 3]
    assert note_text(layout.notes) == "1.目标为年度目标。2.完成数截至9月底。"


def test_header_row_and_skip_rows_from_issue_yaml(tmp_path):
    # a header whose first row is mostly figures (the years) is not found by itself: issue.yaml says where it is
    (tmp_path / "t.csv").write_text("项目,2024,2025\n小计,9,9\n甲,1,2\n乙,5,4\n", "utf-8")
    table = read_table(spec("t.csv", header_row=1, skip_rows=[2]), tmp_path)
    assert table.header == ["项目", "2024", "2025"] and table.lines == [4]  # 甲 1 2 under the header: the 栏次 row
    with pytest.raises(DataError) as caught:
        read_table(spec("t.csv", header_row=7), tmp_path)
    assert caught.value.message == "header_row 写的第7行是空行，不能作表头" and caught.value.line == 7


def test_a_wrong_guess_names_the_rows_it_took_and_says_header_row(tmp_path):
    (tmp_path / "t.csv").write_text("说明,,\n区县,,完成\n东岭区,5,4\n", "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec("t.csv"), tmp_path)
    assert caught.value.message == "第2行：第2列没有列名（表头在第2行）" and "header_row" in caught.value.hint


def test_header_row_said_for_the_real_sheet_reads_as_found(sheets, tmp_path):
    name = placed(sheets, "xls", tmp_path)
    said = read_table(spec(name, header_row=[3, 4]), tmp_path)
    assert said.header == HEADER and said.rows == ROWS and said.notes == NOTES
    with pytest.raises(DataError) as caught:  # the lower level alone: 序号 and 区县 are merged into row 3
        read_table(spec(name, header_row=4, skip_rows=[3]), tmp_path)
    assert caught.value.message == "工作表“重点项目”第4行：第1列没有列名（表头在第4行）" and caught.value.line == 4


def test_the_examples_in_docs_content_are_valid_table_entries():
    import re

    import yaml

    text = (Path(__file__).parents[1] / "docs" / "content.md").read_text("utf-8")
    start = text.index("### 按科室习惯排的表")
    section = text[start : text.index("\n### ", start)]
    entries = [yaml.safe_load(block)[0] for block in re.findall(r"```yaml\n(.*?)```", section, re.S) if "- id:" in block]
    assert len(entries) == 2
    assert [TableSpec.model_validate(e).header_lines for e in entries] == [[3, 4], None]
    assert TableSpec.model_validate(entries[1]).rate == "1—9月完成·完成率"


# --- columns: and the sheet's own rate ----------------------------------------------------------------------

CSV = "区县,目标,完成,完成率\n东岭区,5,4,80.0%\n溪口区,4,5,125.0%\n"


def computed(tmp_path: Path, text: str = CSV, **changes):
    (tmp_path / "t.csv").write_text(text, "utf-8")
    table = spec("t.csv", **changes)
    return compute(table, read_table(table, tmp_path))


def test_the_sheets_own_rate_is_not_printed_beside_the_computed_one(tmp_path):
    assert computed(tmp_path, target="目标", actual="完成").header == ["区县", "目标", "完成", "完成率"]


def test_columns_picks_orders_and_renames_and_places_the_computed_columns(tmp_path):
    indicator = computed(tmp_path, target="目标", actual="完成", rank=True,
                         columns=["区县", "排名", {"完成": "完成（个）"}, "完成率"])  # fmt: skip
    assert indicator.header == ["区县", "排名", "完成（个）", "完成率"]
    assert [c.text for c in indicator.cells[0]] == ["东岭区", "2", "4", "80.0%"]
    assert indicator.rows[0]["完成（个）"] == "4"  # the renamed heading can be quoted too


@pytest.mark.parametrize(("columns", "message"), [
    (["区县", "完成数"], "columns 中的“完成数”不是表中的列（表头有：区县、目标、完成、完成率）"),
    (["区县", "状态"], "columns 中的“状态”：这张表不算状态（要写 as_of（统计截止日期））"),
    (["区县", {"目标": "完成"}, "完成"], "columns 中有两列都印作“完成”，列名不能重复"),
])  # fmt: skip
def test_columns_naming_what_is_not_there_is_said(tmp_path, columns, message):
    with pytest.raises(DataError) as caught:
        computed(tmp_path, target="目标", actual="完成", columns=columns)
    assert message in caught.value.message


def test_listing_the_sheets_rate_beside_the_computed_one_is_refused(tmp_path):
    text = CSV.replace("完成率", "1—9月完成率（%）").replace("80.0%", "80.0").replace("125.0%", "125.0")
    with pytest.raises(DataError, match="是表中自带的完成率，与 zhuanbao 算出的“完成率”会印成两列"):
        computed(tmp_path, text, target="目标", actual="完成", columns=["区县", "1—9月完成率（%）"])


def test_rate_uses_the_sheets_own_rate_for_status_and_rank(tmp_path):
    indicator = computed(tmp_path, rate="完成率", rank=True, as_of="2024-06-30")
    assert indicator.header == ["区县", "目标", "完成", "完成率", "状态", "排名"]
    assert [[c.text for c in row][3:] for row in indicator.cells] == [["80.0%", "正常", "2"], ["125.0%", "已完成", "1"]]
    # a fraction, as a percentage cell of an .xls or .ods holds it, and percent points under a heading with %
    fraction = computed(tmp_path, "区县,完成率\n东岭区,0.5\n", rate="完成率")
    points = computed(tmp_path, "区县,完成率（%）\n东岭区,50\n", rate="完成率（%）")
    assert fraction.rows[0]["rate_text"] == points.rows[0]["rate_text"] == "50.0%"
    with pytest.raises(DataError, match="完成率“84.2”没有 % 号"):
        computed(tmp_path, "区县,完成率\n东岭区,84.2\n", rate="完成率")


def test_a_name_differing_only_in_the_joining_mark_is_found(tmp_path):
    text = "区县,年度目标·投资额,1—9月完成·投资额\n东岭区,5,4\n"
    indicator = computed(tmp_path, text, target="年度目标.投资额", actual="1—9月完成 投资额")
    assert indicator.rows[0]["rate_text"] == "80.0%"


# --- hostile files in the new formats: refused quickly, in bounded memory --------------------------------------


def test_a_tiny_xls_claiming_a_huge_sheet_is_refused(series, tmp_path):
    import xlwt

    from .test_load_tables import build_refused, table_series

    book = xlwt.Workbook()
    sheet = book.add_sheet("进度")
    sheet.write(0, 0, "区县")
    sheet.write(65535, 255, 1)  # 6 KB: python-calamine took 1 GB for it
    book.save(str(tmp_path / "far.xls"))
    issue = table_series(series, "t.xls", (tmp_path / "far.xls").read_bytes())
    build_refused(issue, tmp_path, "工作表“进度”过大：范围是 （65,536 行 × 256 列，共 16,777,216 个单元格）", "Ctrl+End")


def test_an_ods_with_a_far_cell_is_refused_without_filling_the_gap(series, tmp_path, sheets):
    import zipfile

    from .test_load_tables import build_refused, table_series

    with zipfile.ZipFile(sheets["ods"]) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    far = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
           '<table:table-row><table:table-cell table:number-columns-repeated="900"/>'
           '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
           '</table:table-row>')  # fmt: skip
    parts["content.xml"] = parts["content.xml"].replace(b"</table:table>", far.encode() + b"</table:table>", 1)
    with zipfile.ZipFile(tmp_path / "far.ods", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    issue = table_series(series, "t.ods", (tmp_path / "far.ods").read_bytes())
    build_refused(issue, tmp_path, "工作表“重点项目”过大：读到第2,048,577行时已超过 100,000 个单元格的上限")  # after LibreOffice's own empty rows


def test_formulas_without_results_in_an_et_package_are_said_so(tmp_path):
    # openpyxl writes formulas without their results, as some systems' exports do; WPS may name the package .et
    from openpyxl import Workbook

    book = Workbook()
    for row in (["区县", "目标", "完成"], ["东岭区", 5, "=B2*0.8"], ["溪口区", 4, 3]):
        book.active.append(row)
    book.save(tmp_path / "进度.et")
    table = spec("进度.et", target="目标", actual="完成")
    with pytest.raises(DataError) as caught:
        compute(table, read_table(table, tmp_path))
    assert "完成数是公式“=B2*0.8”，但文件中没有保存计算结果" in caught.value.message


def test_an_xls_that_is_really_a_web_page_is_said_so(tmp_path):
    (tmp_path / "t.xls").write_text("<html><table><tr><td>区县</td></tr></table></html>", "utf-8")
    with pytest.raises(DataError, match="其实是网页（HTML）表格"):
        read_table(spec("t.xls"), tmp_path)
