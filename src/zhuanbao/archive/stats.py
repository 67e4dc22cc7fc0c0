"""供稿统计: the yearly scores per unit and level, and the files: CSV (UTF-8 with BOM, so Excel opens
it) of the counts, and .xlsx of the scores, one sheet per year laid out as an office hands it in for its
information-work assessment (the terminal tables are the CLI's).

Scores: every item of a current version is 被采用 once, in its issue's year;
each record of 采用记录.yaml (:mod:`.uptake`) counts at its level in the year
of its own date (an item of December adopted in January scores in January's
year, as assessments count by when the adoption happened). Each is worth the
points series.yaml's ``contribution_weights`` gives its level, read from the
series.yaml archived with the series' latest issue of that year (the rules in
force that year, from the archive alone: a year's sheet comes out the same
whenever it is made); a year before any issue takes the first issue's.

The labels are what editors typed (a ``source:`` of ``=HYPERLINK(…)`` or
``-1+2``), so no cell may become a formula (OWASP, CSV injection): in the
CSV a text beginning with = + - @, a tab or a carriage return gets a leading
``'`` and every text is quoted; in the .xlsx every text is a string cell,
never a formula, whatever it begins with. Counts stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..cn import cn_date
from ..diagnostics import Diagnostic, OutputError, UserError, os_reason
from ..fsio import write_atomic
from ..model import DEFAULT_WEIGHTS, LEVELS

Tables = dict[str, list[tuple[str, int]]]


UNSIGNED = "（未署名）"


@dataclass(frozen=True)
class UnitScore:
    """One unit's year: items and points at each level (in :data:`LEVELS` order)."""

    unit: str
    counts: tuple[int, ...]
    scores: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return tidy(sum(self.scores, Decimal(0)))


def tidy(value: Decimal) -> Decimal:
    """A score as people write it: 5, not 5.0; 2.5, not 2.50."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


@dataclass(frozen=True)
class YearScores:
    """One year's sheet: who compiled it, the period, the rules, each unit's row."""

    year: int
    period: tuple[dt.date, dt.date]  # the whole year, or to today while it runs
    issuers: tuple[str, ...]  # the compiling unit (series.yaml issuer) of each series counted
    series: tuple[str, ...]  # the series' titles
    weights: tuple[tuple[str, tuple[Decimal, ...]], ...]  # (series title, points per level), each series counted
    rows: tuple[UnitScore, ...]  # the highest total first

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(sum(row.counts[i] for row in self.rows) for i in range(len(LEVELS)))

    @property
    def scores(self) -> tuple[Decimal, ...]:
        return tuple(tidy(sum((row.scores[i] for row in self.rows), Decimal(0))) for i in range(len(LEVELS)))

    @property
    def total(self) -> Decimal:
        return tidy(sum(self.scores, Decimal(0)))

    @property
    def same_weights(self) -> tuple[Decimal, ...] | None:
        """The points per level when every series counted gives the same, else None."""
        found = {w for _, w in self.weights}
        return next(iter(found)) if len(found) == 1 else None


@dataclass
class _Rules:
    """What each series' archived series.yaml says, read once per version; ``points``, when given (stats
    --weights), replaces every series' points."""

    archive: Path
    warnings: list[Diagnostic]
    points: tuple[Decimal, ...] | None = None
    read: dict[str, tuple[str, tuple[Decimal, ...]]] = field(default_factory=dict)

    def of(self, path: str, title: str) -> tuple[str, tuple[Decimal, ...]]:
        """(issuer, points per level) from the series.yaml archived in the version at ``path``."""
        if path not in self.read:
            self.read[path] = self._read(self.archive / path, title)
        issuer, points = self.read[path]
        return issuer, self.points or points

    def _read(self, version: Path, title: str) -> tuple[str, tuple[Decimal, ...]]:
        from ..load.content import SERIES_FILE, load_series
        from .layout import SOURCES

        try:
            series = load_series(version / SOURCES)
        except (UserError, OSError) as exc:
            said = exc.diagnostics if isinstance(exc, UserError) else (Diagnostic(os_reason(exc)),)
            self.warnings += [d.at(severity="warning", message=f"{d.message}（按默认分数计分）") for d in said]
            self.warnings.append(Diagnostic(f"存档的 {SERIES_FILE} 无法读取，《{title}》按默认分数计分",
                                            version / SOURCES / SERIES_FILE, severity="warning"))  # fmt: skip
            return "", tuple(DEFAULT_WEIGHTS[level] for level in LEVELS)
        return series.issuer, tuple(series.weights[level] for level in LEVELS)


def scores(archive: Path, items, year: int | None = None, today: dt.date | None = None,
           warnings: list[Diagnostic] | None = None, points: tuple[Decimal, ...] | None = None) -> list[YearScores]:  # fmt: skip
    """Each year's scores (only ``year``'s when given, even with nothing in it), the latest year first;
    ``points`` (per level) instead of what each series.yaml archived says.

    ``items``: the current versions' items (:meth:`Catalogue.contributions`). A records file that does not
    read, or a record that cannot count (:func:`uptake.sift`), is left out with a warning in ``warnings``."""
    from . import uptake
    from .layout import CATALOGUE
    from .site import plain_name

    warnings = warnings if warnings is not None else []
    today = today or dt.date.today()
    issues: dict[tuple[str, str], list] = {}
    for item in items:
        issues.setdefault((item.series_key, item.folder), []).append(item)
    events: list[tuple[dt.date, int, str, str]] = []  # (date, level, unit, series_key)
    latest: dict[str, list[tuple[dt.date, str, str]]] = {}  # series_key → (issue date, version path, title)
    for (key, folder), printed in issues.items():
        first = printed[0]
        try:
            issued = dt.date.fromisoformat(first.date)
            if not (plain_name(key) and plain_name(folder) and all(plain_name(p) for p in first.path.split("/"))):
                raise ValueError
        except ValueError:  # a catalogue row edited by hand (verify says which): not followed out of the archive
            warnings.append(Diagnostic(f"检索目录中{first.name}的记录不对（日期或文件夹），未计入；运行 zhuanbao reindex 可重建",
                                       archive / CATALOGUE, severity="warning"))  # fmt: skip
            continue
        latest.setdefault(key, []).append((issued, first.path, first.series))
        unit = {item.file: item.source or UNSIGNED for item in printed}
        events += [(issued, 0, item.source or UNSIGNED, key) for item in printed]
        try:
            records, doc = uptake.read(archive / key / folder)
        except UserError as exc:
            warnings += [d.at(severity="warning") for d in exc.diagnostics]
            warnings.append(Diagnostic(f"{first.name}的采用记录无法读取，未计入", archive / key / folder,
                                       severity="warning"))  # fmt: skip
            continue
        as_printed = [{"file": item.file} for item in printed]
        counted, wrong = uptake.sift(records, doc, as_printed, issued)
        warnings += [d.at(severity="warning", message=f"{d.message}，未计入") for d in wrong]
        events += [(r.date, LEVELS.index(r.level), unit[r.item], key) for r in counted]
    rules = _Rules(archive, warnings, points)
    years = sorted({date.year for date, *_ in events} | ({year} if year else set()), reverse=True)
    return [_year(y, [e for e in events if e[0].year == y], latest, rules, today) for y in years if not year or y == year]


def _year(year: int, events, latest, rules: _Rules, today: dt.date) -> YearScores:
    weights: dict[str, tuple[str, str, tuple[Decimal, ...]]] = {}  # series_key → (title, issuer, points)
    for key in sorted({e[3] for e in events}):
        issues = sorted(latest[key])
        _, path, title = next((i for i in reversed(issues) if i[0].year <= year), issues[0])
        weights[key] = (title, *rules.of(path, title))
    counts: dict[str, list[int]] = {}
    points: dict[str, list[Decimal]] = {}
    for _, level, unit, key in events:
        counts.setdefault(unit, [0] * len(LEVELS))[level] += 1
        points.setdefault(unit, [Decimal(0)] * len(LEVELS))[level] += weights[key][2][level]
    rows = [UnitScore(unit, tuple(counts[unit]), tuple(tidy(p) for p in points[unit])) for unit in counts]
    rows.sort(key=lambda row: (-row.total, -sum(row.counts), row.unit))
    end = dt.date(year, 12, 31)
    period = (dt.date(year, 1, 1), today if dt.date(year, 1, 1) <= today < end else end)
    ordered = sorted(weights.values())
    issuers = tuple(dict.fromkeys(issuer for _, issuer, _ in ordered if issuer))
    return YearScores(year, period, issuers, tuple(t for t, _, _ in ordered), tuple((t, w) for t, _, w in ordered),
                      tuple(rows))  # fmt: skip


#: what a spreadsheet takes for the start of a formula (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A text cell for the CSV: a leading ' when a spreadsheet would read a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(tables: Tables, path: Path) -> None:
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # every text quoted, counts bare
    writer.writerow(["分类", "项目", "稿件数"])
    for name, rows in tables.items():
        for label, count in rows:
            writer.writerow([csv_text(name), csv_text(label), int(count)])
    _save(path, ".csv", buffer.getvalue().encode("utf-8-sig"))


#: the sheet's columns: 序号, 供稿单位, a count and a score per level, the total
_COLUMNS = 2 + 2 * len(LEVELS) + 1
_WIDTHS = (6, 30, *(9,) * (2 * len(LEVELS)), 11)


def write_xlsx(years: list[YearScores], path: Path) -> None:
    """One sheet per year (the latest first), each a table an office can print and hand in: title,
    compiling unit and period, a two-row header (each level's count and score), one row per unit, 合计,
    the scoring rules, a line to sign; A4, fitted to the page's width, the header repeated on every page."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for year in years:
        _year_sheet(book.create_sheet(f"{year.year}年"), year)
    if not years:
        sheet = book.create_sheet("供稿统计")
        _text_cell(sheet.cell(row=1, column=1), "信息工作供稿统计表")
        _text_cell(sheet.cell(row=2, column=1), "没有已发布的稿件。")
    buffer = io.BytesIO()
    book.save(buffer)
    _save(path, ".xlsx", buffer.getvalue())


def _year_sheet(sheet, year: YearScores) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    last = get_column_letter(_COLUMNS)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = Font(name="仿宋", size=12)
    bold = Font(name="黑体", size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def put(row: int, column: int, value, font=body, align=centre) -> None:
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            _text_cell(cell, value)
        else:
            cell.value = _number(value)
        cell.font, cell.alignment = font, align

    def merge(first: str, row: int, value: str, font, align, to: str | None = None, down: int = 0) -> None:
        column = sheet[f"{first}1"].column
        put(row, column, value, font, align)
        sheet.merge_cells(f"{first}{row}:{to or first}{row + down}")

    merge("A", 1, f"{year.year}年度信息工作供稿统计表", Font(name="黑体", size=18, bold=True), centre, to=last)
    sheet.row_dimensions[1].height = 36
    middle = get_column_letter(2 + len(LEVELS))
    merge("A", 2, f"编制单位：{'、'.join(year.issuers)}", body, Alignment(horizontal="left", vertical="center"), to=middle)
    start, end = year.period
    merge(get_column_letter(3 + len(LEVELS)), 2, f"统计期间：{cn_date(start)}至{cn_date(end)}", body,
          Alignment(horizontal="right", vertical="center"), to=last)  # fmt: skip
    sheet.row_dimensions[2].height = 24
    merge("A", 3, "序号", bold, centre, down=1)
    merge("B", 3, "供稿单位", bold, centre, down=1)
    same = year.same_weights
    for index, level in enumerate(LEVELS):
        count, score = get_column_letter(3 + 2 * index), get_column_letter(4 + 2 * index)
        merge(count, 3, level, bold, centre, to=score)
        put(4, 3 + 2 * index, "条数", bold)
        put(4, 4 + 2 * index, f"得分（每条{score_text(same[index])}分）" if same else "得分", bold)
    merge(last, 3, "合计得分", bold, centre, down=1)
    sheet.row_dimensions[3].height = 24
    sheet.row_dimensions[4].height = 36  # 得分（每条1分） on two lines
    row = 5
    for number, unit in enumerate(year.rows, start=1):
        sheet.row_dimensions[row].height = 20
        put(row, 1, number)
        put(row, 2, unit.unit, align=Alignment(horizontal="left", vertical="center", wrap_text=True))
        for index in range(len(LEVELS)):
            put(row, 3 + 2 * index, unit.counts[index])
            put(row, 4 + 2 * index, unit.scores[index])
        put(row, _COLUMNS, unit.total)
        row += 1
    merge("A", row, "合计", bold, centre, to="B")
    for index in range(len(LEVELS)):
        put(row, 3 + 2 * index, year.counts[index], bold)
        put(row, 4 + 2 * index, year.scores[index], bold)
    put(row, _COLUMNS, year.total, bold)
    sheet.row_dimensions[row].height = 20
    for line in sheet.iter_rows(min_row=3, max_row=row, max_col=_COLUMNS):
        for cell in line:
            cell.border = box
    notes = [rules_text(year), f"统计范围：{'、'.join(f'《{t}》' for t in year.series) or '（无）'}各期的现行版本；"
             "被采用按各期印发日期计入年度，被上级刊物采用、领导批示按记录的日期计入年度。",
             "填表人：　　　　　　　审核人：　　　　　　　填报日期：　　　年　　月　　日"]  # fmt: skip
    for offset, note in enumerate(notes, start=1):
        merge("A", row + offset, note, Font(name="仿宋", size=11),
              Alignment(horizontal="left", vertical="center", wrap_text=True), to=last)  # fmt: skip
        sheet.row_dimensions[row + offset].height = 32 if offset < len(notes) else 28
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "3:4"
    sheet.freeze_panes = "C5"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the units take
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def rules_text(year: YearScores) -> str:
    """The scoring rules as the sheet's note says them: one line, or one per series when they differ."""
    def said(weights: tuple[Decimal, ...]) -> str:
        return "，".join(f"{level}每条{score_text(w)}分" for level, w in zip(LEVELS, weights))

    if year.same_weights or not year.weights:
        return f"计分标准：{said(year.same_weights or tuple(DEFAULT_WEIGHTS.values()))}。"
    return "计分标准：" + "；".join(f"《{title}》{said(w)}" for title, w in year.weights) + "。"


def score_text(value: Decimal) -> str:
    """A score as a note or a terminal writes it: 5, 2.5."""
    return format(tidy(value), "f")


def _number(value):
    """A count or a score as a spreadsheet number: whole numbers as integers, others as they are (0.5)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# characters XML 1.0 cannot hold (openpyxl refuses them): a control character pasted into a source
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_cell(cell, value) -> None:
    """``value`` as a string cell: openpyxl takes a text beginning with = for a formula."""
    cell.value = _NOT_IN_XML.sub("\ufffd", str(value))
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited, as a typed ' does


def check_name(path: Path, suffix: str) -> None:
    """Only a file of the kind asked for: --csv 统计.xlsx (or a slip onto
    series.yaml) must not be overwritten with another format."""
    if path.suffix.lower() != suffix:
        raise OutputError(f"文件名应以 {suffix} 结尾（要保存的是 {suffix[1:].upper()} 格式）", path)


def _save(path: Path, suffix: str, data: bytes) -> None:
    """Replace the file whole or not at all."""
    check_name(path, suffix)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"无法写入：{os_reason(exc)}", path) from None
