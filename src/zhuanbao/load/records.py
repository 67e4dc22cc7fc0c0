"""Raw records (one row per project, per household, as offices export them) made into the indicator table
a bulletin prints, one row per county: ``where:`` keeps the records that match, ``group_by:`` makes one row
per group, ``count:`` counts a group's records (all, or those that match a condition) and ``sum:`` adds up
columns. pandas does the selecting and grouping, imported only when a table asks for it.

Sums are exact: each figure is parsed as typed (``Decimal``) and added as an integer in units of the
column's smallest decimal place (12.5 and 3.25 as 1250 and 325 hundredths), so a float never decides a
printed figure and a total is the sum of what the office typed, to the last digit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..diagnostics import DataError, UserError, raise_all, suggest
from ..figures import decimals_of, is_percent, parse_number
from ..located import YamlDoc
from ..model import TableSpec
from .tables import MAX_TABLE_CELLS, RawTable

#: Raw records may be many more than a printed table (50,000 households of a county are 400,000 cells);
#: beyond this, an export is no monthly record set but a whole database: query it instead.
MAX_RECORD_CELLS = 1_000_000
#: A 合计 row an office typed under its records is no record: by its first filled cell (合计, 全市合计 …).
TOTAL_ROW = re.compile(r"(全市|全县|全区|全省|全镇)?(合计|总计)")
#: what offices put in a cell with no figure: counted as nothing, not as an error
NO_FIGURE = frozenset({"", "-", "—", "－", "–", "/", "／"})
MAX_REPORTED = 20  # bad figures reported at once: the first screenful, not 50,000 lines


def is_total_row(row: list[str]) -> bool:
    first = next((cell for cell in row if cell.strip()), "")
    return bool(TOTAL_ROW.fullmatch("".join(first.split())))


def selects(spec: TableSpec) -> bool:
    """Whether the table entry makes its table from records (filters or groups them)."""
    return bool(spec.where or spec.group_by)


@dataclass
class GroupedTable(RawTable):
    """The table ``group_by`` made: one row per group. An error in a computed figure names the group and
    points at the records' source (their file, or the query's line)."""

    keys: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # the records of each group
    source: RawTable | None = None

    @property
    def external(self) -> bool:
        return bool(getattr(self.source, "external", False))

    def where(self, row: int, column: int) -> str:
        name = self.header[column] if column < len(self.header) else ""
        group = "、".join(self.rows[row][: len(self.keys)])
        return f"“{group}”一组（{self.sizes[row]} 条记录）的“{name}”"

    def formula(self, row: int, column: int) -> str | None:
        return None

    def error(self, message: str, row: int | None = None, column: int | None = None) -> DataError:
        by = "、".join(self.keys)
        if row is not None and row >= 0:
            group = "、".join(self.rows[row][: len(self.keys)])
            where = self.where(row, column) if column is not None else f"“{group}”一组"
        else:
            where = ""
        source = self.source
        line = getattr(source, "anchor", None)
        return DataError(f"按“{by}”汇总后{where}：{message}", source.path if source else self.path, line)


def select(raw: RawTable, spec: TableSpec, doc: YamlDoc, index: int) -> RawTable:
    """The table ``spec``'s where/group_by/count/sum make of the records ``raw``."""
    import pandas as pd

    def at(key: str, message: str, hint: str | None = None) -> DataError:
        return doc.error(message, ("tables", index, key), hint, cls=DataError)

    def column(name: str, key: str) -> int:
        if name in raw.header:
            return raw.header.index(name)
        hint = suggest(name, raw.header)
        raise at(key, f"找不到列“{name}”（{key}；表头有：{'、'.join(raw.header)}）" + (f"，{hint}" if hint else ""))

    frame = pd.DataFrame({i: [row[i].strip() for row in raw.rows] for i in range(len(raw.header))}, dtype=object)
    matches = _Matcher(frame)
    keep = pd.Series(True, index=frame.index)
    for name, condition in spec.where.items():
        keep &= matches(column(name, "where"), condition)
    if spec.group_by:
        keep &= ~pd.Series([is_total_row(row) for row in raw.rows], index=frame.index, dtype=bool)
    kept = keep.to_numpy().nonzero()[0].tolist()
    if not kept:
        what = "按 where 的条件筛选后" if spec.where else "去掉合计行后"
        raise at("where" if spec.where else "group_by", f"{what}没有剩下任何记录（原有 {len(raw.rows):,} 条）")
    if not spec.group_by:
        if len(kept) * len(raw.header) > MAX_TABLE_CELLS:
            raise at("where", f"筛选后还有 {len(kept):,} 行，作为一张表印出来过大",
                     "逐条记录要按区县等汇总的，请写 group_by 和 sum、count。")  # fmt: skip
        return replace(raw, rows=[raw.rows[i] for i in kept], lines=[raw.lines[i] for i in kept])

    keys = [column(name, "group_by") for name in spec.group_by]
    records = frame.iloc[kept]
    for key in keys:
        blank = (records[key] == "").to_numpy().nonzero()[0]
        if len(blank):
            raise raw.error(f"“{raw.header[key]}”是空的：这条记录归不到任何一组", kept[blank[0]], key)
    grouped = pd.DataFrame({f"key{n}": records[key] for n, key in enumerate(keys)})
    grouped["size"] = 1
    places: dict[str, int] = {}
    errors: list[UserError] = []
    for n, name in enumerate(spec.sum):
        position = column(name, "sum")
        try:
            grouped[f"sum{n}"], places[name] = _units(raw, records[position], position, errors)
        except _Percent:
            raise at("sum", f"“{name}”列是百分数，不能相加（各组的完成率由 target、actual 计算）") from None
    raise_all(errors)
    for n, (name, rule) in enumerate(spec.count.items()):
        hit = pd.Series(True, index=records.index)
        if rule is not True:
            for other, condition in rule.items():
                hit &= matches(column(other, "count"), condition).loc[records.index]
        grouped[f"count{n}"] = hit.astype("int64")
    totals = grouped.groupby([f"key{n}" for n in range(len(keys))], sort=False).sum()
    rows, sizes = [], []
    for group, values in zip(totals.index, totals.to_dict("records")):
        names = list(group) if isinstance(group, tuple) else [group]
        figures = [str(int(values[f"count{n}"])) for n in range(len(spec.count))]
        figures += [_text(int(values[f"sum{n}"]), places[name]) for n, name in enumerate(spec.sum)]
        rows.append(names + figures)
        sizes.append(int(values["size"]))
    header = [raw.header[k] for k in keys] + list(spec.count) + list(spec.sum)
    return GroupedTable(raw.path, None, header, rows, list(range(1, len(rows) + 1)), keys=[raw.header[k] for k in keys],
                        sizes=sizes, source=raw)  # fmt: skip


class _Percent(Exception):
    pass


def _units(raw: RawTable, cells: Any, column: int, errors: list[UserError]) -> tuple[Any, int]:
    """A column's figures as integers in units of its smallest decimal place (exact, summable by NumPy when
    they fit 64 bits) and that number of places; a cell that is no figure reported at its row."""
    import numpy as np
    import pandas as pd

    figures: list[Decimal] = []
    places = 0
    for position, text in zip(cells.index, cells.tolist()):
        if text in NO_FIGURE:
            figures.append(Decimal(0))
            continue
        value = parse_number(text)
        if value is None or is_percent(text):
            if value is not None:
                raise _Percent
            if len(errors) < MAX_REPORTED:
                errors.append(raw.error(f"“{text}”不是数字，无法求和", int(position), column))
            figures.append(Decimal(0))
            continue
        places = max(places, decimals_of(text))
        figures.append(value)
    units = [int(value.scaleb(places)) for value in figures]
    largest = max((abs(u) for u in units), default=0)
    fits = largest * max(1, len(units)) < 2**63  # no sum of them can overflow int64
    return pd.Series(units, index=cells.index, dtype=np.int64 if fits else object), places


def _text(units: int, places: int) -> str:
    return format(Decimal(units).scaleb(-places), f".{places}f")


class _Matcher:
    """Which records a condition keeps: a value (equal), a list (any of them), ``{from, to}`` (inclusive).
    Figures compare as numbers (2025 matches 2025 and 2025.0), dates as written (2025-09-30), text as text."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame
        self.numbers: dict[int, Any] = {}

    def figures(self, column: int) -> Any:
        if column not in self.numbers:
            self.numbers[column] = self.frame[column].map(parse_number)
        return self.numbers[column]

    def __call__(self, column: int, condition: Any) -> Any:
        texts = self.frame[column]
        if isinstance(condition, dict):
            low, high = condition.get("from"), condition.get("to")
            if all(_numeric(bound) for bound in (low, high) if bound is not None):
                figures = self.figures(column)
                present = figures.notna()
                result = present
                if low is not None:
                    result &= figures.where(present, Decimal(0)) >= _number(low)
                if high is not None:
                    result &= figures.where(present, Decimal(0)) <= _number(high)
                return result
            result = texts != ""
            if low is not None:
                result &= texts >= _written(low)
            if high is not None:
                result &= texts <= _written(high)
            return result
        values = condition if isinstance(condition, list) else [condition]
        numbers = [_number(v) for v in values if _numeric(v)]
        result = texts.isin([_written(v) for v in values])
        if numbers:
            result |= self.figures(column).isin(numbers)
        return result


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _written(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value).strip()
