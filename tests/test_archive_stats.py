"""供稿统计 (the catalogue's counts, zhuanbao.archive.stats): tables per unit, section and month; CSV and .xlsx."""

from __future__ import annotations

import csv

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
