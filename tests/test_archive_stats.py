"""供稿统计 (the catalogue's counts, zhuanbao.archive.stats): tables per unit, section and month; CSV and .xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from zhuanbao.archive.catalogue import Catalogue
from zhuanbao.archive.stats import UnitScore, YearScores, write_xlsx
from zhuanbao.cli import app
from zhuanbao.services import publish

from .conftest import SERIES_YAML, saved_by_libreoffice, write_tree

runner = CliRunner()


def _item(section: str, source: str | None = None) -> str:
    return f"---\nsection: {section}\n" + (f"source: {source}\n" if source else "") + "---\n一条稿件。\n"


STATS_SERIES = {  # 工作专报: five items in 2025 (three from 市专班办公室), one in 2024
    "gongzuo/series.yaml": SERIES_YAML,
    "gongzuo/2024-12/issue.yaml": "number: 12\ndate: 2024-12-20\n",
    "gongzuo/2024-12/items/01.md": _item("工作简讯", "市专班办公室"),  # another year
    "gongzuo/2025-01/issue.yaml": "number: 1\ndate: 2025-01-15\n",
    "gongzuo/2025-01/items/01.md": _item("重要新闻", "市专班办公室"),
    "gongzuo/2025-01/items/02.md": _item("部门动态", "市专班办公室"),
    "gongzuo/2025-01/items/03.md": _item("区县动态", "东岭区住建局"),
    "gongzuo/2025-02/issue.yaml": "number: 2\ndate: 2025-02-14\n",
    "gongzuo/2025-02/items/01.md": _item("重要新闻", "市专班办公室"),
    "gongzuo/2025-02/items/02.md": _item("工作简讯"),  # no source
    # 民政简报: one more item from 市专班办公室 in 2025, in another series
    "minzheng/series.yaml": "title: 民政简报\nissuer: 青石市民政局\nsections: [工作动态]\n",
    "minzheng/2025-03/issue.yaml": "number: 3\ndate: 2025-03-10\n",
    "minzheng/2025-03/items/01.md": _item("工作动态", "市专班办公室"),
}


def test_stats_per_unit_section_and_month(tmp_path):
    root = write_tree(tmp_path / "series", STATS_SERIES)
    archive = tmp_path / "archive"
    for issue in ("gongzuo/2024-12", "gongzuo/2025-01", "gongzuo/2025-02", "minzheng/2025-03"):
        publish(root / issue, archive, pdf=False)
    with Catalogue(archive) as catalogue:
        tables = catalogue.stats(year=2025, series="工作专报")
    assert tables["供稿单位"] == [("市专班办公室", 3), ("东岭区住建局", 1), ("（未署名）", 1)]
    assert sorted(tables["栏目"]) == [("区县动态", 1), ("工作简讯", 1), ("部门动态", 1), ("重要新闻", 2)]
    assert tables["栏目"][0] == ("重要新闻", 2)  # the largest first
    assert tables["月份"] == [("2025年1月", 3), ("2025年2月", 2)]
    out_csv, out_xlsx = tmp_path / "s.csv", tmp_path / "s.xlsx"
    result = runner.invoke(
        app, ["stats", "-a", str(archive), "--year", "2025", "--csv", str(out_csv), "--xlsx", str(out_xlsx)]
    )
    assert result.exit_code == 0 and "【按供稿单位】" in result.output
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out_csv.read_text("utf-8-sig").splitlines()))
    assert rows[0] == ["分类", "项目", "稿件数"]
    units = [row[1:] for row in rows if row[0] == "供稿单位"]  # both series: 民政简报's item counts too
    assert units == [["市专班办公室", "4"], ["东岭区住建局", "1"], ["（未署名）", "1"]]
    assert [row[1:] for row in rows if row[0] == "月份"] == [["2025年1月", "3"], ["2025年2月", "2"], ["2025年3月", "1"]]
    from openpyxl import load_workbook

    book = load_workbook(out_xlsx)
    assert book.sheetnames == ["2025年"]  # the year asked for; its units as the assessment table lists them
    assert [[c.value for c in row[:3]] for row in book["2025年"].iter_rows(min_row=5, max_row=8)] == [
        [1, "市专班办公室", 4], [2, "东岭区住建局", 1], [3, "（未署名）", 1], ["合计", None, 6],
    ]  # fmt: skip
    empty = runner.invoke(app, ["stats", "-a", str(archive), "--year", "1999"])
    assert empty.exit_code == 0 and "没有符合条件的已发布稿件" in empty.output and "合计" not in empty.output


@pytest.mark.parametrize("option", ["--csv", "--xlsx"])
def test_stats_never_writes_one_format_under_another_s_name(two_series, tmp_path, option):
    _, archive = two_series
    target = tmp_path / ("统计.xlsx" if option == "--csv" else "series.yaml")
    target.write_text("编辑自己的文件", "utf-8")
    result = runner.invoke(app, ["stats", "-a", str(archive), option, str(target)])
    assert result.exit_code == 2 and "文件名应以" in result.output and "Traceback" not in result.output
    assert "【按供稿单位】" not in result.output  # refused before the report, not after it
    assert target.read_text("utf-8") == "编辑自己的文件"


# --- hostile input (issue 13) -------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://example.com\",\"点此\")", "+1+2", "-3+4", "@SUM(1,2)", "\t=1", "\r=1"]


def test_units_that_look_like_formulas_stay_text_in_csv_and_xlsx(tmp_path):
    import zipfile

    from openpyxl import load_workbook

    from zhuanbao.archive.stats import write_csv

    tables = {"供稿单位": [(label, n) for n, label in enumerate(FORMULAS, start=1)] + [("市民政局", 7), ("-5", 8)],
              "栏目": [("=1+1", 2)], "月份": [("2025年1月", 3)]}  # fmt: skip
    write_csv(tables, tmp_path / "s.csv")  # the counts
    raw = (tmp_path / "s.csv").read_bytes().decode("utf-8-sig")  # not read_text: it would turn the CR into LF
    assert '"\'=HYPERLINK(""http://example.com"",""点此"")",1' in raw  # prefixed, quoted, the count bare
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    cells = {row[1]: row[2] for row in rows[1:]}
    assert all(f"'{label}" in cells for label in FORMULAS) and cells["'-5"] == "8" and cells["市民政局"] == "7"
    assert cells["'=1+1"] == "2" and cells["2025年1月"] == "3"
    one = (Decimal(1), Decimal(0), Decimal(0))
    units = [UnitScore(label, (n, 0, 0), (Decimal(n), 0, 0)) for n, label in enumerate(FORMULAS, start=1)]
    year = YearScores(2025, (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), ("=cmd|' /C calc'!A0",), ("+工作专报",),
                      (("+工作专报", one),), (*units, UnitScore("-5", (8, 0, 0), (Decimal(8), 0, 0))))  # fmt: skip
    write_xlsx([year], tmp_path / "s.xlsx")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)  # no formula anywhere
    sheet = load_workbook(tmp_path / "s.xlsx")["2025年"]
    values = [(b.value, b.data_type, c.value, c.data_type) for _, b, c, *_ in sheet.iter_rows(min_row=5, max_row=11)]
    assert values == [(label, "s", n, "n") for n, label in enumerate(FORMULAS, start=1)] + [("-5", "s", 8, "n")]
    assert sheet["A2"].value == "编制单位：=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"


def test_stats_command_exports_a_formula_unit_as_text(tmp_path):
    root = write_tree(tmp_path / "series", {
        "gongzuo/series.yaml": SERIES_YAML,
        "gongzuo/2025-01/issue.yaml": "number: 1\ndate: 2025-01-15\n",
        "gongzuo/2025-01/items/01.md": _item("重要新闻", "'=1+2'"),
        "gongzuo/2025-01/items/02.md": _item("部门动态", "'@SUM(1)'"),
    })  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "gongzuo/2025-01", archive, pdf=False)
    out_csv, out_xlsx = tmp_path / "s.csv", tmp_path / "s.xlsx"
    result = runner.invoke(app, ["stats", "-a", str(archive), "--csv", str(out_csv), "--xlsx", str(out_xlsx)])
    assert result.exit_code == 0, result.output
    units = [row[1] for row in csv.reader(out_csv.read_text("utf-8-sig").splitlines()) if row[0] == "供稿单位"]
    assert sorted(units) == ["'=1+2", "'@SUM(1)"]
    from openpyxl import load_workbook

    cells = [row[1] for row in load_workbook(out_xlsx)["2025年"].iter_rows(min_row=5, max_row=6)]
    assert sorted((c.value, c.data_type) for c in cells) == [("=1+2", "s"), ("@SUM(1)", "s")]


# --- weighted 供稿统计 (issue 18, item 7): levels, points from series.yaml, one sheet per year ------------------

WEIGHTS = "contribution_weights:\n  被采用: 1\n  被上级刊物采用: 2.5\n  领导批示: 4\n"


@pytest.fixture
def scored(tmp_path):
    """工作专报 published over two years, with adoptions and instructions recorded after publication.

    2024-12 was published under the default points (1/3/5), the 2025 issues after series.yaml set 1/2.5/4.
    Records: 2024-12's item adopted 2025-01-08 (a 2025 event) and instructed 2024-12-28; 2025-01's 东岭区
    item adopted and instructed; 2025-01's first item adopted in March."""
    root = write_tree(tmp_path / "series", STATS_SERIES)
    archive = tmp_path / "archive"
    publish(root / "gongzuo/2024-12", archive, pdf=False)
    (root / "gongzuo/series.yaml").write_text(SERIES_YAML + WEIGHTS, "utf-8")
    for issue in ("gongzuo/2025-01", "gongzuo/2025-02", "minzheng/2025-03"):
        publish(root / issue, archive, pdf=False)
    for issue, item, level, by, date in (
        ("2024-12", "01.md", "被上级刊物采用", "省政府办公厅《政务信息》2025年第2期", "2025-01-08"),
        ("2024-12", "01.md", "领导批示", "市长", "2024-12-28"),
        ("2025-01", "03.md", "领导批示", "副市长", "2025-02-01"),
        ("2025-01", "03.md", "被上级刊物采用", "省住建厅《住建信息》", "2025-01-20"),
        ("2025-01", "01.md", "被上级刊物采用", "省委办公厅《每日要情》", "2025-03-01"),
    ):
        result = runner.invoke(app, ["record", str(root / "gongzuo" / issue), item, "-l", level, "--by", by, "--date",
                                     date, "-a", str(archive)])  # fmt: skip
        assert result.exit_code == 0, result.output
    return root, archive


def test_each_year_scores_its_events_with_that_year_s_points(scored):
    from zhuanbao.services import stats

    _, archive = scored
    result = stats(archive, series="工作专报", today=dt.date(2026, 3, 1))
    assert [y.year for y in result.scores] == [2025, 2024]
    year = result.scores[0]
    # by hand, at 1 / 2.5 / 4: 市专班办公室 3 items (3) + 2 adoptions (5) = 8; 东岭区住建局 1 + 2.5 + 4 = 7.5
    assert [(r.unit, r.counts, [str(s) for s in r.scores], str(r.total)) for r in year.rows] == [
        ("市专班办公室", (3, 2, 0), ["3", "5", "0"], "8"),  # 5, not 5.0: as the page and the sheet show it
        ("东岭区住建局", (1, 1, 1), ["1", "2.5", "4"], "7.5"),
        ("（未署名）", (1, 0, 0), ["1", "0", "0"], "1"),
    ]  # fmt: skip
    assert year.counts == (5, 3, 1) and year.total == Decimal("16.5")
    assert year.period == (dt.date(2025, 1, 1), dt.date(2025, 12, 31)) and year.issuers == ("青石市打好重点民生保障仗工作专班",)
    # 2024 under the points archived with 2024-12 (the defaults): the item 1, the instruction 5
    assert [(r.unit, r.counts, r.total) for r in result.scores[1].rows] == [("市专班办公室", (1, 0, 1), Decimal(6))]
    running = stats(archive, year=2025, series="工作专报", today=dt.date(2025, 6, 30)).scores
    assert [y.year for y in running] == [2025] and running[0].period[1] == dt.date(2025, 6, 30)  # the year so far


def test_the_xlsx_has_a_sheet_per_year_an_office_can_hand_in(scored, tmp_path):
    from openpyxl import load_workbook

    _, archive = scored
    target = tmp_path / "供稿统计.xlsx"
    result = runner.invoke(app, ["stats", "-a", str(archive), "--series", "工作专报", "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    assert "【2025年度计分】计分标准：被采用每条1分，被上级刊物采用每条2.5分，领导批示每条4分。" in result.output
    book = load_workbook(target)
    assert book.sheetnames == ["2025年", "2024年"]  # the latest first: the workbook opens on it
    sheet = book["2025年"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "2025年度信息工作供稿统计表" and "A1:I1" in merged and sheet["A1"].font.b
    assert sheet["A2"].value == "编制单位：青石市打好重点民生保障仗工作专班" and "A2:E2" in merged
    assert sheet["F2"].value == "统计期间：2025年1月1日至2025年12月31日" and "F2:I2" in merged
    assert [c.value for c in sheet[3]] == ["序号", "供稿单位", "被采用", None, "被上级刊物采用", None, "领导批示", None, "合计得分"]
    assert [c.value for c in sheet[4]][2:8] == ["条数", "得分（每条1分）", "条数", "得分（每条2.5分）", "条数", "得分（每条4分）"]
    assert {"A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:H3", "I3:I4"} <= merged
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=8)]
    assert rows == [
        [1, "市专班办公室", 3, 3, 2, 5, 0, 0, 8],
        [2, "东岭区住建局", 1, 1, 1, 2.5, 1, 4, 7.5],
        [3, "（未署名）", 1, 1, 0, 0, 0, 0, 1],
        ["合计", None, 5, 5, 3, 7.5, 1, 4, 16.5],
    ]  # fmt: skip
    assert "A8:B8" in merged and all(c.data_type == "n" for c in sheet[8][2:])  # numbers, no formula
    assert sheet["A9"].value == "计分标准：被采用每条1分，被上级刊物采用每条2.5分，领导批示每条4分。"
    assert sheet["A11"].value.startswith("填表人：")
    assert sheet.print_title_rows == "$3:$4"  # the header repeated on every printed page
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert [[c.value for c in row] for row in book["2024年"].iter_rows(min_row=5, max_row=6)] == [
        [1, "市专班办公室", 1, 1, 0, 0, 1, 5, 6], ["合计", None, 1, 1, 0, 0, 1, 5, 6]]  # fmt: skip
    assert book["2024年"]["D4"].value == "得分（每条1分）" and book["2024年"]["H4"].value == "得分（每条5分）"


def test_series_with_other_points_are_each_scored_by_their_own(scored, tmp_path):
    from openpyxl import load_workbook

    _, archive = scored
    target = tmp_path / "s.xlsx"
    assert runner.invoke(app, ["stats", "-a", str(archive), "--year", "2025", "--xlsx", str(target)]).exit_code == 0
    sheet = load_workbook(target)["2025年"]
    # 民政简报 (default points) adds one 被采用 for 市专班办公室: 4 items, 4 points, whatever the series
    assert [c.value for c in sheet[5]] == [1, "市专班办公室", 4, 4, 2, 5, 0, 0, 9]
    assert sheet["D4"].value == "得分" and sheet["A2"].value == "编制单位：青石市打好重点民生保障仗工作专班、青石市民政局"
    assert sheet["A9"].value == ("计分标准：《工作专报》被采用每条1分，被上级刊物采用每条2.5分，领导批示每条4分；"
                                 "《民政简报》被采用每条1分，被上级刊物采用每条3分，领导批示每条5分。")  # fmt: skip


def test_a_record_that_cannot_count_is_left_out_with_a_warning(scored):
    from zhuanbao.services import stats

    root, archive = scored
    (root / "gongzuo/2025-01/items/03.md").unlink()
    publish(root / "gongzuo/2025-01", archive, revise=True, pdf=False)  # 东岭区's item gone from the version in force
    result = stats(archive, year=2025, series="工作专报")
    assert [r.unit for r in result.scores[0].rows] == ["市专班办公室", "（未署名）"]
    assert [(w.path.name, w.severity) for w in result.warnings] == [("采用记录.yaml", "warning")] * 2
    assert [(w.line, w.message) for w in result.warnings] == [
        (5, "第1条记录的稿件“03.md”不在这一期的现行版本中，未计入"), (9, "第2条记录的稿件“03.md”不在这一期的现行版本中，未计入")]
    path = archive / "gongzuo" / "2025-01" / "采用记录.yaml"
    path.write_text("records: {", "utf-8")
    damaged = stats(archive, year=2025, series="工作专报")
    assert damaged.scores[0].rows[0].counts == (3, 1, 0)  # 2025-01's March adoption not counted, 2024-12's January one is
    assert any(w.message == "工作专报2025年第1期的采用记录无法读取，未计入" for w in damaged.warnings)


def test_a_year_of_records_only_is_still_scored_and_shown(scored):
    """January's adoption of a December item: 2026 has no issue yet, its sheet has the adoption."""
    root, archive = scored
    result = runner.invoke(app, ["record", str(root / "gongzuo/2025-02"), "1", "-l", "批示", "--by", "市长", "--date",
                                 "2026-01-05", "-a", str(archive)])  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["stats", "-a", str(archive), "--year", "2026", "--series", "工作专报"])
    assert shown.exit_code == 0 and "没有符合条件" not in shown.output and "【按供稿单位】" not in shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "【2026年度计分】计分标准：被采用每条1分，被上级刊物采用每条2.5分，领导批示每条4分。"
    assert lines[2].split() == ["市专班办公室", "0", "0", "1", "4"]


def test_a_catalogue_row_edited_to_lead_out_of_the_archive_is_not_followed(scored):
    import sqlite3

    from zhuanbao.services import stats

    _, archive = scored
    (archive.parent / "elsewhere").mkdir()
    (archive.parent / "elsewhere" / "采用记录.yaml").write_text(
        "records:\n  - {item: 01.md, level: 领导批示, by: 伪造, date: 2025-05-01}\n", "utf-8")
    db = sqlite3.connect(archive / "catalogue.sqlite")
    db.execute("UPDATE issues SET folder = '../../elsewhere' WHERE folder = '2025-02'")
    db.execute("UPDATE issues SET date = '2025-13-01' WHERE folder = '2025-01'")
    db.commit()
    db.close()
    result = stats(archive, year=2025, series="工作专报")
    assert [(r.unit, r.counts) for r in result.scores[0].rows] == [("市专班办公室", (0, 1, 0))]  # 2024-12's adoption
    assert sum("检索目录中" in w.message and "未计入" in w.message for w in result.warnings) == 2


def test_weights_set_after_the_year_s_last_issue_are_used_when_asked(scored, tmp_path):
    """January: the assessment's points come out after 2025's last issue; --weights takes them from series.yaml now."""
    root, archive = scored
    (root / "gongzuo/series.yaml").write_text(SERIES_YAML + "contribution_weights: {被上级刊物采用: 10, 领导批示: 20}\n",
                                              "utf-8")  # fmt: skip
    target = tmp_path / "s.xlsx"
    result = runner.invoke(app, ["stats", "-a", str(archive), "--year", "2025", "--series", "工作专报", "--xlsx",
                                 str(target), "--weights", str(root / "gongzuo/series.yaml")])  # fmt: skip
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(target)["2025年"]
    assert [c.value for c in sheet[5]] == [1, "东岭区住建局", 1, 1, 1, 10, 1, 20, 31]  # 1 + 10 + 20
    assert [c.value for c in sheet[6]] == [2, "市专班办公室", 3, 3, 2, 20, 0, 0, 23]
    (root / "gongzuo/series.yaml").write_text(SERIES_YAML + "contribution_weights: {领导批示: 很多}\n", "utf-8")
    wrong = runner.invoke(app, ["stats", "-a", str(archive), "--weights", str(root / "gongzuo")])
    assert wrong.exit_code == 2 and "series.yaml:13:" in wrong.output and "应是一个数" in wrong.output


@pytest.mark.libreoffice
def test_the_sheet_prints_on_a4_fitted_to_width_with_the_header_on_every_page(tmp_path, libreoffice):
    """Printed as an office prints it (LibreOffice Calc to PDF): 60 units take two A4 pages, both with the header."""

    import pypdfium2


    units = tuple(UnitScore(f"第{n}号乡镇人民政府办公室", (n, 0, 0), (Decimal(n), Decimal(0), Decimal(0)))
                  for n in range(60, 0, -1))  # fmt: skip
    year = YearScores(2025, (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), ("青石市打好重点民生保障仗工作专班",),
                      ("工作专报",), (("工作专报", (Decimal(1), Decimal(3), Decimal(5))),), units)  # fmt: skip
    write_xlsx([year], tmp_path / "s.xlsx")
    pdf = pypdfium2.PdfDocument(saved_by_libreoffice(tmp_path / "s.xlsx", "pdf", tmp_path))
    pages = [pdf[i] for i in range(len(pdf))]
    assert len(pages) == 2
    width, height = pages[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 portrait
    texts = [page.get_textpage().get_text_range() for page in pages]
    assert "2025年度信息工作供稿统计表" in texts[0] and "2025年度信息工作供稿统计表" not in texts[1]
    # the header repeated, and every column on each page (fitted to width: 合计得分 is the last)
    assert all("供稿单位" in text and "领导批示" in text and "合计得分" in text for text in texts)
    assert "第1号乡镇人民政府办公室" in texts[1] and "填表人" in texts[1]


def test_a_workbook_held_open_in_wps_is_said_and_left_as_it_was(scored, tmp_path, word_holds):
    """Windows: last year's 供稿统计.xlsx still open in WPS or Excel cannot be replaced (winerror 32)."""
    _, archive = scored
    target = tmp_path / "供稿统计.xlsx"
    target.write_bytes(b"the sheet handed in last time")
    word_holds.add(target)
    result = runner.invoke(app, ["stats", "-a", str(archive), "--xlsx", str(target)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "供稿统计.xlsx" in result.output and "正被其他程序（PDF 阅读器、Excel 等）打开" in result.output
    assert target.read_bytes() == b"the sheet handed in last time"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left behind
