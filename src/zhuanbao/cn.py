"""How Chinese offices write dates, numerals and issue names: each rule in one place.

The masthead, the scaffold of a new issue, check's messages, the archive's
site and its statistics all print these; written once here, they cannot
drift apart (2023年5月24日 in one place and 2023年05月24日 in another).
"""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = "零一二三四五六七八九"


def cn_date(date: dt.date) -> str:
    """2023-05-24 → 2023年5月24日: Arabic digits, never zero-padded (BULLETIN.md)."""
    return f"{date.year}年{date.month}月{date.day}日"


def cn_month(year: int, month: int) -> str:
    """2025, 8 → 2025年8月."""
    return f"{year}年{month}月"


def cn_iso(text: str) -> str:
    """A date as stored in the archive's manifests (2025-08-26; an unpadded
    2025-8-26 edited by hand too) → 2025年8月26日."""
    year, month, day = (int(part) for part in text.split("-"))
    return f"{year}年{month}月{day}日"


def cn_num(number: int) -> str:
    """Integers in Chinese numerals, as in 一、 （二） 第十一期: 1 → 一, 21 → 二十一, 1010 → 一千零一十.

    Below ten thousand (what headings and list numbers need); a caller with
    user input checks the range first.
    """
    if number < 0:
        return "负" + cn_num(-number)
    if number >= 10000:
        raise ValueError(f"cn_num: {number} is 10000 or more")
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if not rest:
            return _DIGITS[hundreds] + "百"
        return _DIGITS[hundreds] + "百" + ("零" if rest < 10 else "") + _teens(rest)
    thousands, rest = divmod(number, 1000)
    if not rest:
        return _DIGITS[thousands] + "千"
    if rest < 100:
        return _DIGITS[thousands] + "千零" + _teens(rest)
    return _DIGITS[thousands] + "千" + cn_num(rest)


def _teens(number: int) -> str:
    """10–19 after a hundred or thousand read 一十…: 一百一十, not 一百十."""
    return "一" + cn_num(number) if 10 <= number < 20 else cn_num(number)


def issue_name(title: str, year: int, number: int) -> str:
    """The name people use for an issue, and its document's: 工作专报2023年第8期."""
    return f"{title}{year}年第{number}期"


def next_number(previous: tuple[int, dt.date] | None, date: dt.date) -> int:
    """The issue number after ``previous`` (its number and date) for an issue
    dated ``date``: numbers run on within a year and restart at 1 in a new one."""
    if previous is None:
        return 1
    number, when = previous
    return number + 1 if when.year == date.year else 1


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> dt.date:
    """A date typed as 2025-08-26 (``new --date``); ValueError with the reason in Chinese."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if _ISO.fullmatch(text):
            raise ValueError(f"日期“{text}”不存在（月应为 1—12，日不超过当月天数）") from None
        raise ValueError(f"日期“{text}”应写作 2025-08-26 的形式") from None
