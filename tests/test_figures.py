"""Figures as offices type and print them: parsing, decimals, 四舍五入, rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhuanbao.figures import decimals_of, format_number, format_rate, is_percent, parse_number, round_half_up


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234", "1234"), ("1,234.5", "1234.5"), ("－3", "-3"), ("12．5", "12.5"), ("−1.4", "-1.4"), ("63.9%", "63.9"),
     ("12％", "12"), (" 0.50 ", "0.50")],
)  # fmt: skip
def test_numbers_as_offices_type_them(text, value):
    assert parse_number(text) == Decimal(value)  # exact: 0.50 keeps its typed decimals


@pytest.mark.parametrize("text", ["", "五", "1.2.3", "12,34", "12%%", "001", "0731"])
def test_not_numbers(text):
    assert parse_number(text) is None


def test_percentages_and_decimals_as_typed():
    assert is_percent("63.9％") and is_percent("5%") and not is_percent("63.9")
    assert [decimals_of(t) for t in ("12", "12.50", "63.9%", "1,234.567")] == [0, 2, 1, 3]


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [("12.5", 0, "13"), ("0.125", 2, "0.13"), ("1.25", 1, "1.3"), ("2.5", 0, "3"), ("-1.45", 1, "-1.5"), ("7", 2, "7.00")],
)  # fmt: skip
def test_rounding_is_half_up_as_offices_round(value, decimals, text):
    """Python's round() goes to the even neighbour (12.5 → 12); offices write 13."""
    assert format_number(Decimal(value), decimals) == text
    assert round_half_up(float(value), decimals) == Decimal(text)


@pytest.mark.parametrize(
    ("rate", "decimals", "text"),
    [("1.06896", 1, "106.9%"), ("0.9996", 1, "99.9%"), ("0.99996", 2, "99.99%"), ("1", 1, "100.0%"), ("0.125", 0, "13%")],
)  # fmt: skip
def test_a_rate_short_of_100_percent_never_prints_as_100(rate, decimals, text):
    assert format_rate(Decimal(rate), decimals) == text
