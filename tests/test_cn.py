"""Dates, numerals, issue names and the numbering rule, as offices write them."""

from __future__ import annotations

import datetime as dt

import pytest

from zhuanbao.cn import cn_date, cn_iso, cn_month, cn_num, issue_name, next_number, parse_iso_date


def test_dates_are_never_zero_padded():
    assert cn_date(dt.date(2023, 5, 4)) == "2023年5月4日"
    assert cn_iso("2025-08-06") == "2025年8月6日"
    assert cn_month(2025, 8) == "2025年8月"


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "零"), (1, "一"), (10, "十"), (11, "十一"), (21, "二十一"), (100, "一百"), (105, "一百零五"),
     (110, "一百一十"), (119, "一百一十九"), (999, "九百九十九"), (1000, "一千"), (1010, "一千零一十"),
     (1005, "一千零五"), (2300, "二千三百"), (9999, "九千九百九十九"), (-3, "负三")],
)  # fmt: skip
def test_numerals_as_headings_use_them(number, text):
    assert cn_num(number) == text


def test_numerals_stop_below_ten_thousand():
    with pytest.raises(ValueError):
        cn_num(10000)


def test_the_issue_name_is_the_document_name():
    assert issue_name("工作专报", 2023, 8) == "工作专报2023年第8期"


@pytest.mark.parametrize(
    ("previous", "date", "number"),
    [(None, dt.date(2025, 3, 1), 1), ((7, dt.date(2025, 7, 24)), dt.date(2025, 8, 26), 8),
     ((12, dt.date(2025, 12, 20)), dt.date(2026, 1, 15), 1)],
)  # fmt: skip
def test_numbers_run_on_within_a_year_and_restart_in_a_new_one(previous, date, number):
    assert next_number(previous, date) == number


@pytest.mark.parametrize(
    ("text", "message"),
    [("2025-13-01", "日期“2025-13-01”不存在（月应为 1—12，日不超过当月天数）"),
     ("2025-02-30", "日期“2025-02-30”不存在（月应为 1—12，日不超过当月天数）"),
     ("明天", "日期“明天”应写作 2025-08-26 的形式")],
)  # fmt: skip
def test_a_typed_date_that_is_no_date_says_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_iso_date(text)
    assert parse_iso_date("2025-08-26") == dt.date(2025, 8, 26)


def test_an_archive_date_edited_by_hand_without_padding_still_reads():
    assert cn_iso("2025-7-4") == "2025年7月4日"
