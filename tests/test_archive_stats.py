"""供稿统计 (the catalogue's counts, zhuanbao.archive.stats): tables per unit, section and month; CSV and .xlsx."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from zhuanbao.archive.catalogue import Catalogue
from zhuanbao.cli import app
from zhuanbao.services import publish

from .conftest import SERIES_YAML, write_tree

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
    assert book.sheetnames == ["按供稿单位", "按栏目", "按月份"]
    assert [[c.value for c in row] for row in book["按供稿单位"].iter_rows()] == [
        ["供稿单位", "稿件数"], ["市专班办公室", 4], ["东岭区住建局", 1], ["（未署名）", 1], ["合计", 6],
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

    from zhuanbao.archive.stats import write_csv, write_xlsx

    tables = {"供稿单位": [(label, n) for n, label in enumerate(FORMULAS, start=1)] + [("市民政局", 7), ("-5", 8)],
              "栏目": [("=1+1", 2)], "月份": [("2025年1月", 3)]}  # fmt: skip
    write_csv(tables, tmp_path / "s.csv")
    raw = (tmp_path / "s.csv").read_bytes().decode("utf-8-sig")  # not read_text: it would turn the CR into LF
    assert '"\'=HYPERLINK(""http://example.com"",""点此"")",1' in raw  # prefixed, quoted, the count bare
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    cells = {row[1]: row[2] for row in rows[1:]}
    assert all(f"'{label}" in cells for label in FORMULAS) and cells["'-5"] == "8" and cells["市民政局"] == "7"
    assert cells["'=1+1"] == "2" and cells["2025年1月"] == "3"
    write_xlsx(tables, tmp_path / "s.xlsx")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)  # no formula anywhere
    sheet = load_workbook(tmp_path / "s.xlsx")["按供稿单位"]
    values = [(a.value, a.data_type, b.value, b.data_type) for a, b in sheet.iter_rows()]
    assert values[1:] == [(label, "s", n, "n") for n, label in enumerate(FORMULAS, start=1)] + [
        ("市民政局", "s", 7, "n"), ("-5", "s", 8, "n"), ("合计", "s", sum(range(1, 9)), "n")]  # fmt: skip


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

    cells = [row[0] for row in load_workbook(out_xlsx)["按供稿单位"].iter_rows()][1:3]
    assert sorted((c.value, c.data_type) for c in cells) == [("=1+2", "s"), ("@SUM(1)", "s")]
