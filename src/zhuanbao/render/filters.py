"""Jinja filters for writing dates and numbers the way Chinese offices do.

The rules are ``cn.py``'s and ``figures.py``'s; what these add is taking whatever
an editor points them at (a table's text, an empty value) and saying in Chinese
why it is not a date or a figure.
"""

from __future__ import annotations

import datetime as dt

from .. import cn
_EMPTY = "{name} 用在了空值上：这一项没有数据（例如表格没有设 as_of、没有合计行，或单元格是空的）"


def _decimal(value, name: str):
    """A figure for a filter: a number, or text typed in a table ("10,000",
    "−1.4", "63.9%" as the share 0.639), read as the tables read it.

    Filters are applied to whatever an editor points them at; a None, a word
    or an infinity must come back as a sentence, not as decimal's
    ``[<class 'ConversionSyntax'>]``.
    """
    from decimal import Decimal

    from ..figures import is_percent, parse_number

    if value is None:
        raise ValueError(_EMPTY.format(name=name))
    if isinstance(value, bool):
        raise ValueError(f"{name} 只能用于数字，“{value}”不是数字")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        number = parse_number(str(value))
        if number is None:
            raise ValueError(f"{name} 只能用于数字，“{value}”不是数字")
        if is_percent(str(value)):
            number /= 100
    if not number.is_finite():
        raise ValueError(f"{name} 只能用于数字，“{value}”不是一个有限的数")
    return number


def cn_date(value: dt.date | str) -> str:
    """2023-05-24 → 2023年5月24日 (never zero-padded); a date column's text too."""
    if value is None:
        raise ValueError(_EMPTY.format(name="cn_date"))
    if isinstance(value, str):  # a date column of a CSV table
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"cn_date 只能用于日期，“{value}”不是日期（应写作 2025-08-31）") from None
    if not isinstance(value, dt.date):
        raise ValueError(f"cn_date 只能用于日期，“{value}”不是日期")
    return cn.cn_date(value)


def cn_num(value: int) -> str:
    """Integers in Chinese numerals, as in 一、 （二） 第十一期: 1 → 一, 21 → 二十一, 1010 → 一千零一十."""
    exact = _decimal(value, "cn_num")
    if exact != exact.to_integral_value():
        raise ValueError(f"cn_num 只能写整数，{value} 不是整数")
    if abs(exact) >= 10000:
        raise ValueError(f"cn_num 只能写一万以下的数，{value} 太大（请直接写数字）")
    return cn.cn_num(int(exact))


def pct(value: float, decimals: int = 1) -> str:
    """0.791 → 79.1% (a share, as computed rates are), rounded 四舍五入 — and,
    as in the table's 完成率, a share short of 1 never prints as 100%."""
    from ..figures import format_rate

    return format_rate(_decimal(value, "pct"), decimals)


def wan(value: float, decimals: int = 2) -> str:
    """84270000 → 8427万, 13100 → 1.31万: figures in units of 10,000, trailing zeros dropped."""
    from ..figures import round_half_up

    text = str(round_half_up(_decimal(value, "wan") / 10000, decimals))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万"


FILTERS = {"cn_date": cn_date, "cn_num": cn_num, "pct": pct, "wan": wan}
