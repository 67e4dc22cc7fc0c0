"""Raw records grouped into an indicator table (load/records.py): where filters, counts and exact sums,
checked against totals computed by hand, and the errors at the record's line or issue.yaml's."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import UserError
from zhuanbao.load.content import load_edition, load_series

RECORDS = """\
项目,区县,年度,开工日期,进度,计划投资,完成投资,户数
A1,甲县,2025,2025-02-10,已完工,12.5,12.5,30
A2,甲县,2025,2025-05-01,在建,3.25,1.1,12
B1,乙县,2025,2025-03-15,已完工,100,99.99,50
A0,甲县,2024,2024-11-20,已完工,7,7,9
B2,乙县,2025,2025-08-30,在建,0.1,0.2,1
B3,乙县,2025,2025-09-01,未开工,-,—,
合计,,,,,122.85,120.79,102
"""

ENTRY = """\
number: 3
date: 2024-03-15
total: 20
tables:
  - id: works
    title: 改造
    section: 附件
    file: 台账.csv
{entry}"""


def make(series, entry: str, records: str = RECORDS) -> Path:
    return series({"2024-03/issue.yaml": ENTRY.format(entry=entry), "2024-03/台账.csv": records})


def table(root: Path):
    edition = load_edition(root, root / "2024-03", load_series(root))
    return edition.tables[0][1]


def error_of(root: Path):
    with pytest.raises(UserError) as caught:
        table(root)
    return caught.value.diagnostics


GROUPED = """\
    where: {年度: 2025}
    group_by: 区县
    count: {项目数: true, 已完工: {进度: 已完工}}
    sum: [计划投资, 完成投资, 户数]
"""


def test_groups_counts_and_sums_match_the_hand_computed_totals(series):
    raw = table(make(series, GROUPED))
    assert raw.header == ["区县", "项目数", "已完工", "计划投资", "完成投资", "户数"]
    # by hand: 甲县 (2025 only) A1 + A2; 乙县 B1 + B2 + B3 (B3 has no figures: counted, adds nothing);
    # the 合计 row and the 2024 project A0 left out; decimals as the column's most precise figure
    assert raw.rows == [
        ["甲县", "2", "1", "15.75", "13.60", "42"],  # 12.5 + 3.25; 12.5 + 1.1; 30 + 12
        ["乙县", "3", "1", "100.10", "100.19", "51"],  # 100 + 0.1; 99.99 + 0.2; 50 + 1
    ]


def test_a_grouped_table_computes_as_an_indicator_table_with_an_exact_total(series):
    from zhuanbao.build import prepare

    root = make(series, GROUPED + "    target: 计划投资\n    actual: 完成投资\n")
    edition = prepare(root, root / "2024-03", load_series(root))
    (indicator,) = edition.indicators
    text = [[cell.text for cell in row] for row in indicator.cells]
    assert text[-1][0] == "合计" and "115.85" in text[-1] and "113.79" in text[-1]  # 15.75 + 100.10; 13.60 + 100.19


def test_sums_are_exact_where_floats_are_not(series):
    records = "区县,金额\n" + "甲县,0.1\n" * 10 + "乙县,0.7\n乙县,0.1\n乙县,0.2\n"
    raw = table(make(series, "    group_by: 区县\n    sum: 金额\n", records))
    assert sum([0.1] * 10) != 1.0  # what float arithmetic would print
    assert raw.rows == [["甲县", "1.0", ], ["乙县", "1.0"]]


def test_where_takes_a_list_of_values_and_a_range_of_dates_or_figures(series):
    entry = """\
    where: {进度: [已完工, 在建], 开工日期: {from: 2025-01-01, to: 2025-06-30}, 户数: {from: 10}}
    group_by: 区县
    count: 项目数
    sum: 户数
"""
    raw = table(make(series, entry))
    # A1 (2-10, 30 户), A2 (5-01, 12 户), B1 (3-15, 50 户); B2 started in August, A0 in 2024, B3 未开工
    assert raw.rows == [["甲县", "2", "42"], ["乙县", "1", "50"]]


def test_where_alone_keeps_the_matching_records_as_they_are(series):
    raw = table(make(series, "    where: {区县: 乙县, 年度: 2025}\n"))
    assert [row[0] for row in raw.rows] == ["B1", "B2", "B3"] and raw.lines == [4, 6, 7]  # their lines in the file


def test_a_figure_that_is_not_a_number_is_named_at_its_line(series):
    records = RECORDS.replace("A2,甲县,2025,2025-05-01,在建,3.25", "A2,甲县,2025,2025-05-01,在建,三点二五")
    (diagnostic,) = error_of(make(series, GROUPED, records))
    assert diagnostic.path.name == "台账.csv" and diagnostic.line == 3 and "“三点二五”不是数字" in diagnostic.message


def test_a_column_that_does_not_exist_is_named_at_issue_yaml_s_line_with_a_suggestion(series):
    (diagnostic,) = error_of(make(series, GROUPED.replace("sum: [计划投资,", "sum: [计划投入,")))
    assert diagnostic.path.name == "issue.yaml" and diagnostic.line == 12  # sum:
    assert "找不到列“计划投入”" in diagnostic.message and "计划投资" in diagnostic.message


def test_percentages_are_not_added_up(series):
    records = "区县,完成率\n甲县,50%\n甲县,20%\n"
    (diagnostic,) = error_of(make(series, "    group_by: 区县\n    sum: 完成率\n", records))
    assert "百分数，不能相加" in diagnostic.message


def test_a_record_without_its_group_is_named_at_its_line(series):
    records = RECORDS.replace("B2,乙县", "B2,")
    (diagnostic,) = error_of(make(series, GROUPED, records))
    assert diagnostic.line == 6 and "归不到任何一组" in diagnostic.message


def test_a_filter_that_keeps_nothing_says_so(series):
    (diagnostic,) = error_of(make(series, GROUPED.replace("年度: 2025", "年度: 2030")))
    assert diagnostic.path.name == "issue.yaml" and "没有剩下任何记录（原有 7 条）" in diagnostic.message


@pytest.mark.parametrize("entry, words", [
    ("    sum: 户数\n", "须同时写 group_by"),
    ("    group_by: 区县\n", "sum（求和的列）或 count"),
    ("    group_by: 区县\n    sum: 区县\n", "出现了不止一次"),
    ("    where: {年度: true}\n    group_by: 区县\n    count: n\n", "不能是true/false"),
])  # fmt: skip
def test_entries_that_cannot_be_grouped_are_refused(series, entry, words):
    diagnostics = error_of(make(series, entry))
    assert any(words in d.message for d in diagnostics), diagnostics


def test_the_example_ledger_groups_to_the_totals_computed_from_it_by_hand():
    """content/2025-10's 老旧小区改造 ledger (65 projects of 2025, 5 carried over from 2024): each county's figures as added up
    with Decimal outside zhuanbao, line by line from the CSV."""
    from .conftest import EXAMPLE

    edition = load_edition(EXAMPLE, EXAMPLE / "2025-10", load_series(EXAMPLE))
    raw = dict((spec.id, raw) for spec, raw in edition.tables)["renovation"]
    assert raw.header == ["区县（市）", "项目数", "已完工", "计划投资", "完成投资"]
    assert raw.rows == [
        ["东岭区", "12", "3", "7299.28", "3521.27"], ["溪口区", "11", "4", "5178.68", "2463.77"],
        ["石门坳县", "8", "6", "3585.72", "3140.67"], ["青禾县", "9", "0", "4150.77", "1668.79"],
        ["枫林县", "8", "5", "3902.11", "3224.57"], ["白沙洲县", "7", "2", "3055.19", "2140.56"],
        ["望川市", "10", "5", "5198.46", "3579.21"],
    ]  # fmt: skip
