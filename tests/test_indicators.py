"""Indicator tables: computing what offices compute (reading the CSV/Excel files: test_load_tables.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from zhuanbao.diagnostics import DataError, UserError
from zhuanbao.indicators import compute, time_progress
from zhuanbao.load.tables import RawTable, read_table
from zhuanbao.model import TableSpec

COUNTIES = [
    ["东岭区", "5", "5"],
    ["溪口区", "4", "3"],
    ["石门坳县", "8", "2"],
    ["青禾县", "5", "5"],
    ["望川市", "7", "9"],
]


def spec(**changes) -> TableSpec:
    base = {"id": "t", "file": "t.csv", "title": "进度", "section": "工作简讯", "target": "目标", "actual": "完成"}
    base.update(changes)
    return TableSpec.model_validate(base)


def raw(rows, header=("区县", "目标", "完成"), sheet=None) -> RawTable:
    return RawTable(Path("t.csv"), sheet, list(header), [list(r) for r in rows], list(range(2, len(rows) + 2)))


def test_rate_done_and_formatting():
    table = compute(spec(), raw(COUNTIES))
    assert [r["rate_text"] for r in table.rows] == ["100.0%", "75.0%", "25.0%", "100.0%", "128.6%"]
    assert table.count == 5 and table.done == 3
    assert table.header == ["区县", "目标", "完成", "完成率"]


def test_rank_by_rate_with_shared_ranks():
    table = compute(spec(rank=True), raw(COUNTIES))
    assert [r["rank"] for r in table.rows] == [2, 4, 5, 2, 1]
    assert table.header[-1] == "排名"


def test_time_progress_and_status_in_words():
    assert time_progress(dt.date(2023, 9, 30)) == Decimal(273) / Decimal(365)  # exact, not a float
    assert time_progress(dt.date(2024, 12, 31)) == 1.0
    table = compute(spec(as_of=dt.date(2023, 9, 30)), raw(COUNTIES))
    assert [r["status"] for r in table.rows] == ["已完成", "正常", "滞后", "已完成", "已完成"]
    assert [r["name"] for r in table.lagging] == ["石门坳县"]
    assert table.progress_text == "74.8%"
    assert [c.text for c in table.cells[2]][-1] == "滞后"


def test_totals_row_when_one_unit():
    table = compute(spec(), raw(COUNTIES))
    assert [c.text for c in table.cells[-1]] == ["合计", "29", "24", "82.8%"]
    assert table.total["rate"] == Decimal(24) / Decimal(29)


def test_the_total_row_carries_every_figure_column_as_the_table_prints_it():
    rows = [["1", "东岭区", "1200.0", "1180.5", "36", "98.3%"], ["2", "石门坳县", "800.0", "612.0", "21", "76.5%"],
            ["3", "青石县", "1000.0", "1001.0", "17", "100.1%"]]  # fmt: skip
    # 投资占比: a % column that is not a rate (a sheet's own 完成率 is not printed at all: test_workbooks.py)
    table = compute(spec(), raw(rows, header=("序号", "区县", "目标", "完成", "项目个数", "投资占比")))
    assert [c.text for c in table.cells[-1]][:6] == ["", "合计", "3000.0", "2793.5", "74", ""]  # no sum of 序号 or of %
    total = table.total
    assert (total["项目个数"], total["目标"], total["完成"]) == ("74", "3000.0", "2793.5")
    assert str(total["actual"]) == "2793.5" and str(total["target"]) == "3000.0"  # as printed in the table
    whole = compute(spec(), raw([["东岭区", "1200.0", "1180.0"], ["石门坳县", "800.0", "612.0"]]))
    assert [c.text for c in whole.cells[-1]][:3] == ["合计", "2000.0", "1792.0"] and str(whole.total["actual"]) == "1792.0"


def test_no_totals_row_across_different_units():
    rows = [["低保提标", "万人", "4.86", "4.86"], ["帮扶车间", "个", "40", "36"]]
    table = compute(spec(), raw(rows, ("项目", "单位", "目标", "完成")))
    assert table.total is None and len(table.cells) == 2
    # each row keeps the decimals it was typed with
    assert [c.text for c in table.cells[1]][2:4] == ["40", "36"]
    assert [c.text for c in table.cells[0]][2:4] == ["4.86", "4.86"]


def test_fixed_decimals_per_column_and_right_aligned_numbers():
    rows = [["甲", "12.5", "3"], ["乙", "3", "2.25"]]
    table = compute(spec(decimals=2), raw(rows))
    assert [c.text for c in table.cells[0]] == ["甲", "12.5", "3.00", "24.00%"]
    assert [c.align for c in table.cells[0]] == ["left", "right", "right", "right"]


def test_rates_are_rounded_half_up_and_never_read_100_before_done():
    rows = [["甲", "8", "1"], ["乙", "8", "3"], ["丙", "10000", "9996"], ["丁", "8", "8"]]
    table = compute(spec(decimals=0), raw(rows))
    assert [r["rate_text"] for r in table.rows] == ["13%", "38%", "99%", "100%"]  # 12.5 → 13, not to even
    table = compute(spec(), raw(rows))
    assert [(r["rate_text"], r["rate"] >= 1) for r in table.rows][2:] == [("99.9%", False), ("100.0%", True)]


def test_figures_keep_their_typed_decimals_rounded_half_up():
    table = compute(spec(), raw([["甲", "2.5", "1.25"], ["乙", "3", "2"]]))
    assert [c.text for c in table.cells[-1]][1:3] == ["5.5", "3.25"]  # the total row, exact


def test_table_without_target_and_actual_is_printed_as_is():
    table = compute(spec(target=None, actual=None), raw(COUNTIES))
    assert table.header == ["区县", "目标", "完成"] and table.total is None and len(table.cells) == 5


@pytest.mark.parametrize(
    ("rows", "message", "line", "column"),
    [
        ([["甲", "五", "3"]], "目标数“五”不是数字", 2, 2),
        ([["甲", "5", "3"], ["乙", "5", ""]], "完成数是空的", 3, 3),
        ([["甲", "0", "3"]], "目标数为 0", 2, 2),
        ([["甲", "-5", "4"]], "目标数是负数", 2, 2),
        ([["甲", "5", "4"], ["乙", "5", "-1.2"]], "完成数是负数", 3, 3),  # a stray minus, not −24.0%
        ([], "没有数据行", None, None),
    ],
)
def test_bad_figures_name_row_and_column(rows, message, line, column):
    with pytest.raises(DataError) as caught:
        compute(spec(), raw(rows))
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
    if line:
        assert f"第{line}行" in caught.value.message


def test_excel_locations_name_sheet_row_and_column_letter():
    with pytest.raises(DataError) as caught:
        compute(spec(), raw([["甲", "x", "1"]], sheet="农村低保"))
    assert caught.value.message.startswith("工作表“农村低保”第2行第B列（目标）：")


def test_missing_column_is_named_with_a_suggestion():
    with pytest.raises(DataError) as caught:
        compute(spec(actual="完成数"), raw(COUNTIES))
    assert "找不到完成数列“完成数”" in caught.value.message and "是否想写“完成”" in caught.value.message


def test_columns_with_a_minus_sign_or_percentages_stay_figures():
    # U+2212 (what Word and WPS make of a typed minus) and 63.9% must not turn a
    # column into text: figures stay right-aligned with the column's decimals
    rows = [["甲", "10", "8", "−1.4", "63.9%"], ["乙", "10", "9", "2.25", "7%"]]
    table = compute(spec(), raw(rows, header=("区县", "目标", "完成", "同比", "占比")))
    assert [(c.text, c.align) for c in table.cells[0][3:5]] == [("-1.40", "right"), ("63.9%", "right")]
    assert [c.text for c in table.cells[1][3:5]] == ["2.25", "7.0%"]


def test_a_target_typed_as_a_percentage_is_a_figure():
    table = compute(spec(), raw([["甲", "95%", "97%"], ["乙", "90%", "81%"]]))
    assert [r["rate_text"] for r in table.rows] == ["102.1%", "90.0%"]
    assert table.total is None and len(table.cells) == 2  # percentages are not summed into a 合计


def test_a_percentage_against_a_plain_figure_is_refused():
    with pytest.raises(DataError, match="第2行“完成”列：目标数和完成数要么都写成百分数"):
        compute(spec(), raw([["甲", "0.95", "96.0%"], ["乙", "90%", "81%"]]))


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        ([["01", "东岭区", "10", "8"], ["02", "溪口区", "10", "9"]], ["东岭区", "溪口区"]),  # 序号 with leading zeros
        ([["1", "东岭区", "10", "8"], ["2", "溪口区", "10", "9"], ["合计", "", "20", "17"]], ["东岭区", "溪口区"]),
        ([["1", "东岭区", "10", "8"], ["2", "溪口区", "10", "9"], ["", "合计", "20", "—"]], ["东岭区", "溪口区"]),
    ],
)
def test_the_name_column_is_found_from_the_data_rows(rows, names):
    # Excel merges 序号 and 区县 for the 合计 row, so 合计 lands in the 序号 column
    table = compute(spec(), raw(rows, header=("序号", "区县", "目标", "完成")))
    assert [r["name"] for r in table.rows] == names and table.total["actual"] == 17


# --- figures read from files -----------------------------------------------------


def test_a_formula_saved_without_its_result_is_named(tmp_path):
    from openpyxl import Workbook

    book = Workbook()  # written by a program: formulas carry no cached values
    book.active.title = "进度"
    book.active.append(["区县", "目标", "完成"])
    book.active.append(["东岭区", 5, "=B2*0.8"])
    book.save(tmp_path / "t.xlsx")
    raw_table = read_table(spec(file="t.xlsx"), tmp_path)
    with pytest.raises(DataError) as caught:
        compute(spec(file="t.xlsx"), raw_table)
    assert "完成数是公式“=B2*0.8”，但文件中没有保存计算结果" in caught.value.message
    assert (caught.value.line, caught.value.column) == (2, 3)


def test_every_bad_figure_of_a_table_is_reported_at_once():
    with pytest.raises(UserError) as caught:
        compute(spec(), raw([["甲", "十", "3"], ["乙", "0", "3"], ["丙", "5", ""], ["丁", "5", "5"]]))
    assert [(e.line, e.column) for e in caught.value.diagnostics] == [(2, 2), (3, 2), (4, 3)]


def test_rows_after_a_blank_line_are_named_by_their_own_line(tmp_path):
    # a typist leaves a blank line between groups of counties: line numbers still match the editor
    (tmp_path / "t.csv").write_text("区县,目标,完成\n甲,5,4\n\n乙,5,四\n", "utf-8")
    with pytest.raises(DataError) as caught:
        compute(spec(), read_table(spec(), tmp_path))
    assert caught.value.line == 4 and caught.value.message.startswith("第4行“完成”列：")


def test_excel_rows_after_a_blank_row_are_named_by_their_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in (["区县", "目标", "完成"], ["甲", 5, 4], [None, None, None], ["乙", 5, "四"]):
        book.active.append(row)
    book.active.title = "进度"
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(DataError) as caught:
        compute(spec(file="t.xlsx"), read_table(spec(file="t.xlsx"), tmp_path))
    assert caught.value.line == 4 and caught.value.message.startswith("工作表“进度”第4行第C列（完成）：")


def test_a_serial_number_column_is_not_the_row_name():
    # 序号 first, as many office tables have: names, total and chart labels come from 区县
    rows = [["1", "东岭区", "10", "8"], ["2", "溪口区", "10", "9"]]
    table = compute(spec(), raw(rows, header=("序号", "区县", "目标", "完成")))
    assert [r["name"] for r in table.rows] == ["东岭区", "溪口区"]
    assert [c.text for c in table.cells[-1]][:4] == ["", "合计", "20", "17"]
    assert [c.text for c in table.cells[0]][:2] == ["1", "东岭区"]


@pytest.mark.parametrize("label", ["合计", "总计", " 合 计 ", "全市合计"])
def test_a_total_row_typed_in_the_data_is_not_counted_again(label):
    rows = COUNTIES + [[label, "29", "24"]]
    table = compute(spec(), raw(rows))
    assert table.count == 5 and "合计" not in [r["name"] for r in table.rows]
    assert table.total["target"] == 29 and table.total["actual"] == 24
    assert [c.text for c in table.cells[-1]][:3] == ["合计", "29", "24"] and len(table.cells) == 6


def test_a_typed_total_that_disagrees_with_the_rows_is_named():
    rows = COUNTIES + [["合计", "30", "24"]]
    with pytest.raises(DataError) as caught:
        compute(spec(), raw(rows))
    assert caught.value.message == "第7行“目标”列：合计行的目标数 30 与各行之和 29 不符"


def test_a_typed_total_is_printed_as_typed_when_none_is_computed():
    rows = COUNTIES + [["合计", "29", "24"]]
    table = compute(spec(total=False), raw(rows))
    assert table.count == 5 and table.total is None
    assert [c.text for c in table.cells[-1]][:3] == ["合计", "29", "24"]
    plain = compute(spec(target=None, actual=None), raw(rows))
    assert plain.count == 5 and [c.text for c in plain.cells[-1]] == ["合计", "29", "24"]
