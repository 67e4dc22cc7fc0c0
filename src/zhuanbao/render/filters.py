"""Jinja filters for writing dates and numbers the way Chinese offices do."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"


def cn_date(value: dt.date) -> str:
    """2023-05-24 → 2023年5月24日 (never zero-padded)."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_num(value: int) -> str:
    """Small integers in Chinese numerals, as in 一、 （二） 第十一期: 1 → 一, 21 → 二十一."""
    number = int(value)
    if number < 0:
        return "负" + cn_num(-number)
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if not rest:
            return _DIGITS[hundreds] + "百"
        middle = "零" if rest < 10 else ""
        tail = cn_num(rest) if rest >= 20 or rest < 10 else "一" + cn_num(rest)
        return _DIGITS[hundreds] + "百" + middle + tail
    return str(number)


def pct(value: float, decimals: int = 1) -> str:
    """0.791 → 79.1% (a share, as computed rates are)."""
    return f"{float(value) * 100:.{decimals}f}%"


def wan(value: float, decimals: int = 2) -> str:
    """84270000 → 8427万, 13100 → 1.31万: figures in units of 10,000, trailing zeros dropped."""
    text = f"{float(value) / 10000:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万"


FILTERS = {"cn_date": cn_date, "cn_num": cn_num, "pct": pct, "wan": wan}
