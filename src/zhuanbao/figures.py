"""Figures as offices type and print them: parsing, decimals, 四舍五入, percentages.

Shared by the table reader (Excel cells shown as Excel shows them), the
indicator computations and the template filters, so a figure is written the
same way wherever it appears.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# No leading zero: 001 and 0731 are codes (序号, area codes) to print as typed.
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|0|[1-9]\d*)(\.\d+)?%?$")
# Full-width forms from a Chinese input method, and the minus sign U+2212 that
# Word and WPS put in for a typed hyphen before a figure.
_NORMALISE = str.maketrans({"，": ",", "＋": "+", "－": "-", "−": "-", "．": ".", "％": "%"})


def parse_number(text: str) -> Decimal | None:
    """A figure as offices type it: 1234, 1,234, 12.50, ＋3, −1.4, 63.9% (as 63.9:
    a percentage stays in percent). None if it is not one."""
    text = text.strip().translate(_NORMALISE)
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", "").rstrip("%"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def is_percent(text: str) -> bool:
    return text.strip().translate(_NORMALISE).endswith("%")


def decimals_of(text: str) -> int:
    text = text.strip().translate(_NORMALISE).rstrip("%")
    return len(text.split(".", 1)[1]) if "." in text else 0


def round_half_up(value: Decimal | float, decimals: int) -> Decimal:
    """四舍五入, as offices round: 12.5 → 13 and 0.125 → 0.13. Python's own
    rounding (round, format) goes to the even neighbour and works on binary
    floats, so 12.5% printed as 12% and 1.25 as 1.2."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | float, decimals: int) -> str:
    """Fixed decimals, no thousands grouping (the way bulletin tables print figures)."""
    return str(round_half_up(value, decimals))


def format_rate(rate: Decimal | float, decimals: int) -> str:
    """A completion rate in percent. A rate short of 100% never prints as 100%:
    9,996 of 10,000 reads 99.9%, not a "100.0%" beside the status 正常."""
    percent = round_half_up(Decimal(str(rate)) * 100, decimals)
    if rate < 1 and percent >= 100:
        percent = Decimal(100) - Decimal(1).scaleb(-decimals)
    return f"{percent}%"


class Figure(Decimal):
    """An exact figure that item sentences and templates can still do sums with.

    Figures stay ``Decimal`` from the cell to the printed text (0.1 + 0.2 is
    0.3, 36 prints as 36, not 36.0); but a sentence may well write
    ``{{ row.actual * 0.5 }}``, and a plain ``Decimal`` refuses to meet a float.
    A float here is taken as the number it prints as (0.5 as Decimal("0.5")).
    """

    __slots__ = ()


def _as_exact(value):
    return Decimal(repr(value)) if isinstance(value, float) else value


def _figure_operator(name: str):
    base = getattr(Decimal, name)

    def operator(self, *others):
        result = base(self, *(_as_exact(o) for o in others))
        return Figure(result) if type(result) is Decimal else result

    operator.__name__ = name
    return operator


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
              "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__", "__neg__", "__pos__",
              "__abs__"):  # fmt: skip
    setattr(Figure, _name, _figure_operator(_name))
del _name
