"""Jinja filters for writing dates and numbers the way Chinese offices do."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"


def cn_date(value: dt.date) -> str:
    """2023-05-24 → 2023年5月24日 (never zero-padded)."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_num(value: int) -> str:
    """Integers in Chinese numerals, as in 一、 （二） 第十一期: 1 → 一, 21 → 二十一, 1010 → 一千零一十."""
    from decimal import Decimal, InvalidOperation

    try:
        exact = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"cn_num 只能写整数，“{value}”不是数") from None
    if exact != exact.to_integral_value():
        raise ValueError(f"cn_num 只能写整数，{value} 不是整数")
    number = int(exact)
    if number >= 10000:
        raise ValueError(f"cn_num 只能写一万以下的数，{value} 太大（请直接写数字）")
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
    thousands, rest = divmod(number, 1000)
    if not rest:
        return _DIGITS[thousands] + "千"
    if rest < 100:
        return _DIGITS[thousands] + "千零" + (cn_num(rest) if rest >= 20 or rest < 10 else "一" + cn_num(rest))
    return _DIGITS[thousands] + "千" + cn_num(rest)


def pct(value: float, decimals: int = 1) -> str:
    """0.791 → 79.1% (a share, as computed rates are), rounded 四舍五入."""
    from decimal import Decimal

    from ..indicators import round_half_up

    return f"{round_half_up(Decimal(str(value)) * 100, decimals)}%"


def wan(value: float, decimals: int = 2) -> str:
    """84270000 → 8427万, 13100 → 1.31万: figures in units of 10,000, trailing zeros dropped."""
    from decimal import Decimal

    from ..indicators import round_half_up

    text = str(round_half_up(Decimal(str(value)) / 10000, decimals))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万"


FILTERS = {"cn_date": cn_date, "cn_num": cn_num, "pct": pct, "wan": wan}
