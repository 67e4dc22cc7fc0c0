"""zhuanbao.render.filters: dates and numbers written the way Chinese offices write them."""

from __future__ import annotations

import datetime as dt

import pytest

from zhuanbao.render.filters import FILTERS, cn_date, cn_num


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
    ],
)
def test_cn_num(number, text):
    assert cn_num(number) == text


def test_filters_are_registered_under_their_template_names():
    assert FILTERS["cn_date"] is cn_date and FILTERS["cn_num"] is cn_num
