"""What offices compute from an indicator table: completion rate, time progress, status, rank, totals.

Input is the table as the office typed it (text cells); output is both the
numbers (for data-driven sentences in items) and the formatted cells (for the
printed table), so a figure in the text and the same figure in the table can
never disagree. Figures stay exact (``Decimal``) until they are formatted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .cjk import column_widths
from .diagnostics import UserError, raise_all
from .figures import Figure, decimals_of, format_number, format_rate, is_percent, parse_number, round_half_up
from .load.records import is_total_row
from .load.tables import RawTable
from .model import TableSpec

RATE = "完成率"
STATUS = "状态"
RANK = "排名"
DONE = "已完成"
LAGGING = "滞后"
ON_TRACK = "正常"
TOTAL_LABEL = "合计"
UNIT_COLUMNS = ("单位", "计量单位")

def time_progress(as_of: dt.date) -> Decimal:
    """Elapsed share of the year on ``as_of`` (by days), e.g. 30 Sep → 74.8%."""
    start = dt.date(as_of.year, 1, 1)
    days = (dt.date(as_of.year + 1, 1, 1) - start).days
    return Figure((as_of - start).days + 1) / days


@dataclass
class Cell:
    text: str
    align: str = "left"


@dataclass
class Indicator:
    """A computed indicator table: what templates print and item texts quote."""

    id: str
    title: str
    spec: TableSpec
    header: list[str]
    cells: list[list[Cell]]
    widths: list[float]
    min_widths: list[float] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    count: int = 0
    done: int = 0
    lagging: list[dict] = field(default_factory=list)
    as_of: dt.date | None = None
    progress: Decimal | None = None
    total: dict | None = None
    sheet_note: str | None = None  # the notes under the sheet's table (注：…, 数据来源：…), joined
    unit: str | None = None  # the sheet's unit line (单位：万元), printed right-aligned above the table

    @property
    def chart(self) -> str | None:
        """The name of its completion chart's picture in the document, when the table asks for one."""
        return f"chart-{self.id}.png" if self.spec.chart == "bar" else None

    @property
    def note(self) -> str | None:
        """issue.yaml's note, or else the sheet's own notes under its table."""
        return self.spec.note if self.spec.note is not None else self.sheet_note

    @property
    def section(self) -> str:
        return self.spec.section

    @property
    def progress_text(self) -> str | None:
        return format_rate(self.progress, self.spec.decimals) if self.progress is not None else None


def _column(raw: RawTable, name: str | None, what: str, key: str, renamed: dict[str, str] | None = None) -> int | None:
    """The column issue.yaml names: by the sheet's heading (a two-level one joined, 年度目标·投资额), by the
    heading ``columns:`` prints it under, or by a spelling that differs only in spaces and the joining mark."""
    if name is None:
        return None
    found = find_column(raw.header, name, renamed)
    if found is None:
        from .diagnostics import suggest

        hint = suggest(name, raw.header)
        hint = f"，{hint}" if hint else ""
        raise raw.error(f"找不到{what}列“{name}”（{key}；表头有：{'、'.join(raw.header)}）{hint}")
    return found


def _loose(name: str) -> str:
    import unicodedata

    return re.sub(r"[\s·・．./／_\-]+", "", unicodedata.normalize("NFKC", name))


def find_column(header: list[str], name: str, renamed: dict[str, str] | None = None) -> int | None:
    """The index of the column ``name`` in ``header`` (see :func:`_column`), or None."""
    if name in header:
        return header.index(name)
    for source, printed in (renamed or {}).items():
        if printed == name and source in header:
            return header.index(source)
    loose = [i for i, h in enumerate(header) if _loose(h) == _loose(name)]
    return loose[0] if len(loose) == 1 else None


#: a sheet's own completion-rate column (完成率, 1—9月完成·完成率, 完成进度（%）): printed once, not beside ours
_OWN_RATE = re.compile(r"(完成率|完成进度|完成比例|完成比率|(^|·)进度)\s*([(（]%[)）]|%)?$")  # not 时间进度


def _figure(raw: RawTable, row: int, column: int, what: str) -> Decimal:
    text = raw.rows[row][column] if column < len(raw.rows[row]) else ""
    if not text.strip():
        formula = raw.formula(row, column)
        if formula:
            raise raw.error(f"{what}是公式“{formula}”，但文件中没有保存计算结果；请用 Excel 或 WPS 打开后保存一次", row, column)
        raise raw.error(f"{what}是空的", row, column)
    value = parse_number(text)
    if value is None:
        raise raw.error(f"{what}“{text}”不是数字", row, column)
    return value


def compute(spec: TableSpec, raw: RawTable) -> Indicator:
    """Compute rates, status, rank and totals; bad figures raise DataError at their cell."""
    from .load.layout import note_text

    if not raw.rows:
        raise raw.error("表格没有数据行")
    renamed = {source: printed for source, printed in spec.printed_columns or [] if source != printed}
    target_col = _column(raw, spec.target, "目标数", "target", renamed)
    actual_col = _column(raw, spec.actual, "完成数", "actual", renamed)
    rate_col = _column(raw, spec.rate, "完成率", "rate", renamed)
    width = len(raw.header)
    # A 合计 row the office typed (exports usually have one) is not a county to
    # count, rank or chart; it is known by its first filled cell (Excel merges
    # 序号 and 区县 for it), and left out of deciding what each column holds.
    typed_total = next((i for i, r in enumerate(raw.rows) if is_total_row(r)), None)
    data = [i for i in range(len(raw.rows)) if i != typed_total]
    if not data:
        raise raw.error("表格除合计行外没有数据行")
    parsed = [[parse_number(text) if text.strip() else None for text in row] for row in raw.rows]
    numeric, codes = [], []
    for column in range(width):
        filled = [(raw.rows[i][column], parsed[i][column]) for i in data if raw.rows[i][column].strip()]
        numeric.append(bool(filled) and all(value is not None for _, value in filled))
        codes.append(bool(filled) and all(text.strip().isdigit() for text, _ in filled))  # 序号 1 2 or 01 02
    # The row's name is its first text column: a 序号 column before 区县 is not a name.
    name_col = next((c for c in range(width) if not numeric[c] and not codes[c]), 0)
    decimals = [max((decimals_of(r[c]) for r in raw.rows if c < len(r)), default=0) for c in range(width)]
    unit_column = next((h for h in raw.header if h in UNIT_COLUMNS), None)
    units = {raw.rows[i][raw.header.index(unit_column)] for i in data} if unit_column else set()
    # Rows in different units (万人, 个, 公里) keep the decimals they were typed
    # with; rows in one unit share fixed decimals per column.
    mixed_units = len(units) > 1
    computes = target_col is not None and actual_col is not None
    has_rate = computes or rate_col is not None

    rows: list[dict] = []
    errors: list[UserError] = []  # every bad figure of the table at once, not one per build
    for index in data:
        values = raw.rows[index] + [""] * (width - len(raw.rows[index]))
        record: dict = dict(zip(raw.header, values))
        record.update({printed: record[source] for source, printed in renamed.items() if source in record
                       and printed not in record})  # fmt: skip
        try:
            if rate_col is not None:
                record.update(_own_rate(raw, index, rate_col, spec.decimals))
                if computes:
                    record["target"] = Figure(_figure(raw, index, target_col, "目标数"))
                    record["actual"] = Figure(_figure(raw, index, actual_col, "完成数"))
            elif computes:
                record.update(_rate(raw, index, target_col, actual_col, spec.decimals))
        except UserError as exc:
            errors.append(exc)
        record["name"] = values[name_col]
        rows.append(record)
    raise_all(errors)

    unit = raw.unit.split("：", 1)[-1].split(":", 1)[-1].strip() if raw.unit else ""
    # the unit on its own line above the table's right edge, as tables in documents carry it (a title that
    # already names it does not get it twice); in the title it would wrap at any character of （单位：万元）
    unit_line = f"单位：{unit}" if unit and unit not in spec.title else None
    indicator = Indicator(spec.id, spec.title, spec, [], [], [], rows=rows, count=len(rows),
                          sheet_note=note_text(raw.notes), unit=unit_line)  # fmt: skip
    if has_rate:
        _status_and_rank(indicator, spec)

    own_rates = {c for c in range(width) if numeric[c] and _OWN_RATE.search(raw.header[c])}
    printed = _printed(spec, raw, has_rate, rate_col, own_rates if computes and rate_col is None else set(), renamed)
    header = [heading for _, _, heading in printed]

    def cells_for(values: list[str], record: dict) -> list[Cell]:
        out = []
        for kind, column, _ in printed:
            if kind == RATE:
                out.append(Cell(record.get("rate_text", ""), "right"))
            elif kind == STATUS:
                out.append(Cell(record.get("status", ""), "center"))
            elif kind == RANK:
                out.append(Cell(str(record.get("rank", "")), "center"))
            else:
                text = values[column]
                value = parse_number(text) if numeric[column] and text.strip() else None
                if value is not None:
                    places = decimals_of(text) if mixed_units else decimals[column]
                    out.append(Cell(format_number(value, places) + ("%" if is_percent(text) else ""), "right"))
                else:
                    out.append(Cell(text, "left" if column == name_col else "center"))
        if record.get("name") == TOTAL_LABEL:
            labelled = [c for c in out if c.text == TOTAL_LABEL]
            if not labelled:  # the name column is not printed: the label goes in the first empty text cell
                labelled = [c for (kind, _, _), c in zip(printed, out) if kind is None and not c.text][:1]
                for cell in labelled:
                    cell.text = TOTAL_LABEL
            for cell in labelled:
                cell.align = "center"
        return out

    cells = [cells_for(raw.rows[index] + [""] * (width - len(raw.rows[index])), record) for index, record in zip(data, rows)]

    # percentages (达标率 95% against 96.0%) have rates but no sum
    in_percent = computes and any(is_percent(raw.rows[i][c]) for i in data for c in (target_col, actual_col))
    if computes and spec.total and not mixed_units and not in_percent and len(rows) > 1:
        target = sum(r["target"] for r in rows)
        actual = sum(r["actual"] for r in rows)
        if typed_total is not None:
            _check_typed_total(raw, typed_total, [(target_col, "目标数", target), (actual_col, "完成数", actual)])
        values = [""] * width
        values[name_col] = TOTAL_LABEL
        if unit_column:
            values[raw.header.index(unit_column)] = next(iter(units), "")
        # every figure column is summed and printed as its cells are (a 序号 or a
        # column typed in percent has no sum); the data sentences get the same text
        for column in range(width):
            if column in (target_col, actual_col) or column != name_col and _summable(raw, data, parsed, column, numeric[column]):
                values[column] = format_number(sum(parsed[i][column] for i in data), decimals[column])
        total = dict(zip(raw.header, values))
        total.update({printed: total[source] for source, printed in renamed.items() if source in total
                      and printed not in total})  # fmt: skip
        total.update({
            "name": TOTAL_LABEL,
            # as printed: 126830, not the 126830.0 a sum of typed decimals may come to
            "target": Figure(round_half_up(target, decimals[target_col])),
            "actual": Figure(round_half_up(actual, decimals[actual_col])),
            "rate": Figure(actual / target),
            "rate_text": format_rate(actual / target, spec.decimals),
        })  # fmt: skip
        if spec.as_of:
            total["status"] = DONE if total["rate"] >= 1 else (LAGGING if total["rate"] < indicator.progress else ON_TRACK)
        cells.append(cells_for(values, total))
        indicator.total = total
    elif typed_total is not None:  # no total of ours: theirs is printed as typed, last
        values = raw.rows[typed_total] + [""] * (width - len(raw.rows[typed_total]))
        record = {"name": TOTAL_LABEL}
        if has_rate:
            try:
                if rate_col is not None:
                    record["rate_text"] = _own_rate(raw, typed_total, rate_col, spec.decimals)["rate_text"]
                else:
                    record["rate_text"] = _rate(raw, typed_total, target_col, actual_col, spec.decimals)["rate_text"]
            except UserError:
                pass  # a total row without usable figures: printed without a rate
        cells.append(cells_for(values, record))

    indicator.header = header
    indicator.cells = cells
    sample = [[(cell.text, cell.align) for cell in row] for row in cells[:500]]  # enough rows to size the columns
    indicator.widths, indicator.min_widths = column_widths(header, sample)
    return indicator


def _printed(spec: TableSpec, raw: RawTable, has_rate: bool, rate_col: int | None, own_rates: set[int],
             renamed: dict[str, str]) -> list[tuple[str | None, int | None, str]]:  # fmt: skip
    """The printed columns in order: (None, sheet column, heading) or (完成率/状态/排名, None, heading).

    Without ``columns:`` every sheet column prints, except the sheet's own completion rate where zhuanbao
    computes one (two 完成率 columns side by side, possibly disagreeing, is what offices sent back); the
    column ``rate:`` names prints as the 完成率. ``columns:`` picks and orders them; the computed columns it
    does not place follow the ones it lists."""
    computed = [name for name, wanted in ((RATE, has_rate), (STATUS, has_rate and spec.as_of), (RANK, has_rate and spec.rank))
                if wanted]  # fmt: skip
    if spec.printed_columns is None:
        sheet = [(None, c, raw.header[c]) for c in range(len(raw.header)) if c not in own_rates and c != rate_col]
        return [*sheet, *((name, None, name) for name in computed)]
    out: list[tuple[str | None, int | None, str]] = []
    for source, heading in spec.printed_columns:
        if source in computed and not (source == RATE and not has_rate):
            out.append((source, None, heading))
            continue
        column = find_column(raw.header, source)
        if column is None and source in _NEEDS:
            raise raw.error(f"columns 中的“{source}”：这张表不算{source}（{_NEEDS[source]}）")
        if column is None:
            from .diagnostics import suggest

            hint = suggest(source, [*raw.header, *computed])
            hint = f"，{hint}" if hint else ""
            raise raw.error(f"columns 中的“{source}”不是表中的列（表头有：{'、'.join(raw.header)}）{hint}")
        if column == rate_col:
            out.append((RATE, None, heading if heading != source else RATE))
        elif column in own_rates:
            raise raw.error(f"columns 中的“{source}”是表中自带的完成率，与 zhuanbao 算出的“{RATE}”会印成两列",
                            -1, column)  # fmt: skip
        else:
            out.append((None, column, heading))
    placed = {kind for kind, _, _ in out}
    out += [(name, None, name) for name in computed if name not in placed]
    headings = [heading for _, _, heading in out]
    for index, heading in enumerate(headings):
        if heading in headings[:index]:
            raise raw.error(f"columns 中有两列都印作“{heading}”，列名不能重复")
    return out


#: what a computed column needs, said when ``columns:`` lists one the table does not compute
_NEEDS = {RATE: "要写 target 和 actual，或用 rate 指明表中的完成率列", STATUS: "要写 as_of（统计截止日期）",
          RANK: "要写 rank: true"}  # fmt: skip


def _own_rate(raw: RawTable, index: int, column: int, decimals: int) -> dict:
    """rate and rate_text of one row from the sheet's own rate column (``rate:``): 84.2% is 0.842; a plain
    number is a fraction as Excel keeps a percentage (0.842), or percent points when the heading says %."""
    text = raw.rows[index][column] if column < len(raw.rows[index]) else ""
    value = _figure(raw, index, column, "完成率")
    heading = raw.header[column]
    if is_percent(text) or "%" in heading or "％" in heading:
        value = value / 100
    elif value > 10:
        raise raw.error(f"完成率“{text.strip()}”没有 % 号，按小数读是 {format_rate(value, 0)}；若它是百分数，"
                        "请在 Excel 或 WPS 中把这一列设成百分比格式，或把列名写成“完成率（%）”", index, column)  # fmt: skip
    if value < 0:
        raise raw.error("完成率是负数", index, column)
    return {"rate": Figure(value), "rate_text": format_rate(value, decimals)}


def _summable(raw: RawTable, data: list[int], parsed: list[list], column: int, numeric: bool) -> bool:
    """A figure column the 合计 row sums: every cell a number, none in percent,
    and not a 序号 (1, 2, 3 … in order, or codes written 01, 02)."""
    texts = [raw.rows[i][column].strip() for i in data]
    figures = [parsed[i][column] for i in data]
    if not numeric or None in figures or any(is_percent(t) for t in texts):
        return False
    sequence = figures == list(range(1, len(figures) + 1)) or any(len(t) > 1 and t.startswith("0") for t in texts)
    return not sequence


def _rate(raw: RawTable, index: int, target_col: int, actual_col: int, decimals: int) -> dict:
    """target, actual, rate and rate_text of one row; every bad figure of it reported."""
    errors: list[UserError] = []
    target = actual = None
    try:
        target = _figure(raw, index, target_col, "目标数")
        if target <= 0:
            reason = "为 0" if target == 0 else "是负数"
            raise raw.error(f"目标数{reason}，无法计算完成率", index, target_col)
    except UserError as exc:
        errors.append(exc)
    try:
        actual = _figure(raw, index, actual_col, "完成数")
        if actual < 0:  # work done cannot be less than none: a stray minus sign
            raise raw.error("完成数是负数，无法计算完成率", index, actual_col)
    except UserError as exc:
        errors.append(exc)
    raise_all(errors)
    assert target is not None and actual is not None
    if is_percent(raw.rows[index][target_col]) != is_percent(raw.rows[index][actual_col]):
        raise raw.error("目标数和完成数要么都写成百分数，要么都不写（一个带 %、一个不带，无法相比）", index, actual_col)
    return {
        "target": Figure(target),
        "actual": Figure(actual),
        "rate": Figure(actual / target),
        "rate_text": format_rate(actual / target, decimals),
    }


def _status_and_rank(indicator: Indicator, spec: TableSpec) -> None:
    rows = indicator.rows
    indicator.done = sum(1 for r in rows if r["rate"] >= 1)
    progress = time_progress(spec.as_of) if spec.as_of else None
    indicator.as_of, indicator.progress = spec.as_of, progress
    for record in rows:
        if record["rate"] >= 1:
            record["status"] = DONE
        elif progress is not None and record["rate"] < progress:
            record["status"] = LAGGING
        else:
            record["status"] = ON_TRACK
    indicator.lagging = [r for r in rows if r["status"] == LAGGING]
    if spec.rank:
        ordered = sorted(rows, key=lambda r: -r["rate"])
        for position, record in enumerate(ordered):
            same = position and ordered[position - 1]["rate"] == record["rate"]
            record["rank"] = ordered[position - 1]["rank"] if same else position + 1


def _check_typed_total(raw: RawTable, index: int, sums: list[tuple[int, str, Decimal]]) -> None:
    """The office's own 合计 must agree with its rows (to the decimals it was typed
    with): the printed total is computed, and a silent difference would change a figure."""
    errors = []
    for column, what, computed in sums:
        text = raw.rows[index][column] if column < len(raw.rows[index]) else ""
        typed = parse_number(text)
        if typed is None:
            continue  # a 合计 row with that cell blank or a dash: nothing to disagree with
        if round_half_up(computed, decimals_of(text)) != typed:
            shown = format_number(computed, decimals_of(text))
            errors.append(raw.error(f"合计行的{what} {text.strip()} 与各行之和 {shown} 不符", index, column))
    raise_all(errors)


def compute_edition(edition):
    """The edition with every table it declares computed (in issue.yaml order);
    the bad figures of all its tables reported at once."""
    from dataclasses import replace

    indicators, errors = [], []
    for spec, raw in edition.tables:
        try:
            indicators.append(compute(spec, raw))
        except UserError as exc:
            errors.append(exc)
    raise_all(errors)
    return replace(edition, indicators=indicators)
