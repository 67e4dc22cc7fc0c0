"""zhuanbao.render.filters: dates and numbers written the way Chinese offices write them."""

from __future__ import annotations

import datetime as dt

import pytest

from zhuanbao.render.filters import FILTERS, cn_date, cn_num, pct, wan


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2023, 5, 24), "2023年5月24日"),
        (dt.date(2023, 5, 4), "2023年5月4日"),
        (dt.date(2024, 1, 1), "2024年1月1日"),
        (dt.date(2024, 10, 10), "2024年10月10日"),
        (dt.date(2024, 12, 31), "2024年12月31日"),
        (dt.datetime(2023, 8, 9, 15, 30), "2023年8月9日"),
    ],
)
def test_cn_date_has_no_zero_padding(date, text):
    assert cn_date(date) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "零"),
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (56, "五十六"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (109, "一百零九"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (120, "一百二十"),
        (200, "二百"),
        (305, "三百零五"),
        (999, "九百九十九"),
        ("12", "十二"),
        (1000, "一千"),
        (1005, "一千零五"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (2024, "二千零二十四"),
        (3.0, "三"),
    ],
)
def test_cn_num(number, text):
    assert cn_num(number) == text


def test_filters_are_registered_under_their_template_names():
    assert FILTERS["cn_date"] is cn_date and FILTERS["cn_num"] is cn_num


@pytest.mark.parametrize("value", [2.5, "两", 10000])
def test_cn_num_refuses_what_it_cannot_write(value):
    with pytest.raises(ValueError, match="cn_num"):
        cn_num(value)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(0.0125, 1, "1.3%"), (0.125, 0, "13%"), (0.375, 0, "38%"), (0.791, 1, "79.1%"), (1, 1, "100.0%")],
)
def test_pct_rounds_half_up(value, decimals, text):
    assert pct(value, decimals) == text


def test_wan_rounds_half_up():
    assert wan(12345, 1) == "1.2万" and wan(12500, 1) == "1.3万" and wan(84270000) == "8427万"


def test_pct_never_rounds_a_shortfall_up_to_100_percent():
    # the same rule as the table's 完成率: 9,996 of 10,000 is not "100.0%" beside 正常
    assert pct(0.9996) == "99.9%" and pct(0.99996, 2) == "99.99%" and pct(1) == "100.0%" and pct(1.0004) == "100.0%"


@pytest.mark.parametrize(("value", "text"), [("10,000", "1万"), ("8427", "0.84万"), (" 13100 ", "1.31万")])
def test_wan_reads_figures_as_typed_in_a_table(value, text):
    assert wan(value) == text


def test_cn_date_reads_a_date_written_in_a_table():
    assert cn_date("2025-08-31") == "2025年8月31日"


@pytest.mark.parametrize(("value", "text"), [("63.9%", "63.9%"), ("−1.4", "-140.0%"), ("1,234", "123400.0%")])
def test_pct_reads_table_text_as_the_tables_do(value, text):
    assert pct(value) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "inf", "nan"])
@pytest.mark.parametrize("flt", [pct, wan, cn_num])
def test_no_infinity_or_nan_reaches_a_python_message(flt, value):
    with pytest.raises(ValueError) as caught:
        flt(value)
    assert caught.value.args[0].startswith(f"{flt.__name__} 只能用于数字")
