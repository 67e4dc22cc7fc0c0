"""``zhuanbao check``: the mistakes that would embarrass the office, found before the build.

Every finding names the file, line and column as the editor sees the file
(front matter lines counted), so an editor can jump to it. Rules are listed
with examples in docs/lint-rules.md; each can be set to error, warning or off
in series.yaml (``lint: {rules: {rule-id: warning}}``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..cn import next_number
from ..diagnostics import Diagnostic, Location, OutputError, UserError, os_reason, suggest
from ..load.content import (
    ISSUE_DIR_NAME,
    ISSUE_FILE,
    ITEMS_DIR,
    SERIES_FILE,
    issue_facts,
    issue_order,
    item_files,
    load_series,
    locate,
    refuse_link_out,
    stray_files,
)
from ..load.frontmatter import TEMPLATE_CODE, split_front_matter
from ..load.text import clean, decode, encode_like, read_text
from ..markdown import table_rows
from ..model import Edition, Series
from .rules import RULES, TEXT_RULES, joins_a_finished_sentence, mask_code, mask_templates, unmatched

__all__ = ["RULES", "CheckReport", "check", "check_item"]

TITLE, SOURCE = ("title",), ("source",)  # the front-matter keys a finding is about, for a form to put it by its field
#: how a Word file in items/ becomes an item, said for the command line (the studio says its own way)
WORD_FILE_HINT = "Word 稿件请用 zhuanbao import 导入"


#: a picture written in a table cell: a cell prints its text only
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


@dataclass
class CheckReport:
    """Every finding of a check, in file order; a finding is a :class:`Diagnostic` with its rule."""

    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error" and not f.fixed)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning" and not f.fixed)


class Checker:
    def __init__(self, series: Series, report: CheckReport, fix: bool, backup_dir: Path | None,
                 focus: Path | None = None) -> None:  # fmt: skip
        self.series = series
        self.report = report
        self.fix = fix
        self.backup_dir = backup_dir
        self.focus = focus  # the item just imported: a title it repeats is reported on it
        self.severity = {rid: series.lint.rules.get(rid, rule.default) for rid, rule in RULES.items()}

    def add(self, path: Path, line: int, column: int, rule: str, message: str, fixed: bool = False,
            key: tuple = (), hint: str | None = None) -> None:  # fmt: skip
        severity = self.severity[rule]
        if severity != "off":
            location = Location(path, line, column, key)
            self.report.findings.append(Diagnostic(message, location, severity, rule, hint, fixed=fixed))

    def lint_text(self, path: Path, line: int, offset: int, text: str, key: tuple = ()) -> str:
        """Lint one line of prose (``key``: the front-matter key it is the value of); returns the line with
        safe fixes applied when fixing."""
        masked = mask_code(mask_templates(text))
        edits: list[tuple[int, int, str]] = []
        for rule_id, rule in TEXT_RULES.items():
            if self.severity[rule_id] == "off":
                continue
            for start, length, message, replacement in rule(masked, self.series):
                fixable = self.fix and RULES[rule_id].fixable and replacement is not None
                self.add(path, line, offset + start + 1, rule_id, message, fixed=fixable, key=key)
                if fixable:
                    edits.append((start, length, replacement))
        for start, length, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[start + length :]
        return text

    def lint_item(self, path: Path, series_dir: Path | None = None) -> None:
        try:
            if series_dir is not None:
                refuse_link_out(path, series_dir, "稿件")  # a link out is reported by the build check, not read
            read_text(path)  # a file too big or unreadable is reported by the build check
            seen = path.read_bytes()  # the fix is made from these bytes, and written only over them
            raw = clean(decode(seen, path))
        except (UserError, OSError):
            return  # reported by the build check
        fixed_lines = self.lint_source(path, raw)
        if fixed_lines:
            self.save(path, seen, fixed_lines)

    def lint_source(self, path: Path, raw: str) -> dict[int, str]:
        """The rules of one item over its text (LF line ends, as ``clean`` leaves them): a file's, or an
        edit form's not yet saved, found at ``path``'s lines either way. Returns the lines the safe fixes
        change (by index), when fixing; writing them is the caller's choice."""
        try:
            source = split_front_matter(raw, path)
        except UserError:
            return {}  # reported by the build check
        lines = raw.split("\n")
        self.lint_title(path, lines, source.body_line - 2)
        paragraph: list[tuple[int, int, str]] = []
        in_fence = False
        body = lines[source.body_line - 1 :]
        tables = {source.body_line - 1 + i: kind for i, kind in table_rows("\n".join(map(mask_templates, body))).items()}
        for index in range(source.body_line - 1, len(lines)):
            text = lines[index]
            if text.strip().startswith("```"):
                in_fence = not in_fence
            if not text.strip() or in_fence or index in tables:
                self.pairs(path, paragraph)
                paragraph = []
                if index in tables:
                    lines[index] = self.lint_table_row(path, index + 1, text, tables[index])
                continue
            if paragraph and joins_a_finished_sentence(paragraph[-1][2], text):
                self.add(path, index + 1, 1, "line-join", "这一行会与上一行接成同一段；如要另起一段，请在两行之间空一行")
            lines[index] = self.lint_text(path, index + 1, 0, text)
            paragraph.append((index + 1, 0, mask_templates(lines[index])))
        self.pairs(path, paragraph)
        return {i: line for i, (line, was) in enumerate(zip(lines, raw.split("\n"))) if line != was}

    def lint_table_row(self, path: Path, line: int, text: str, kind: str) -> str:
        """A table row linted cell by cell, each cell's findings at its own column, brackets and quotes
        paired within a cell (a row is no sentence); the delimiter row (| --- |) is no text. Returns the row
        with safe fixes applied when fixing."""
        if kind == "delimiter":
            return text
        if "|" not in mask_templates(text):  # Markdown reads on to the next blank line
            self.add(path, line, 1, "line-join", "这一行紧接在表格之后，会成为表格的一行；表格与后面的正文之间请空一行")
        for image in _IMAGE.finditer(text):
            self.add(path, line, image.start() + 1, "image-in-item",
                     f"表格中的图片“{image.group(0)[:30]}”不会印出，只印说明文字")  # fmt: skip
        pieces, done = [], 0
        for start, end in _cells(mask_templates(text)):
            fixed = self.lint_text(path, line, start, text[start:end])
            self.pairs(path, [(line, start, mask_templates(fixed))])
            pieces += [text[done:start], fixed]
            done = end
        return "".join(pieces) + text[done:]

    def lint_title(self, path: Path, lines: list[str], end: int) -> None:
        """The title's line(s) in the front matter (``end``: the closing ---),
        linted as prose and fixed in place: ``title: …`` and its continuation
        lines, or a block scalar (``title: >-`` and the indented lines after it)."""
        start = next((i for i in range(1, end) if lines[i].startswith("title:")), None)
        if start is None:
            return
        spans = []  # (line index, column where the title text starts)
        first_at = len(lines[start]) - len(lines[start][6:].lstrip())
        value = lines[start][first_at:].rstrip()
        if len(value) > 1 and value[0] in "'\"" and value[-1] == value[0]:
            # a YAML-quoted title: its quotes are YAML's, not the title's
            inner = self.lint_text(path, start + 1, first_at + 1, value[1:-1], TITLE)
            lines[start] = lines[start][: first_at + 1] + inner + value[-1]
            title = inner
            self.title_findings(path, lines, [(start, first_at + 1)], title)
            return
        if not re.fullmatch(r"[|>][+-]?\d*\s*(#.*)?", lines[start][first_at:]):
            spans.append((start, first_at))
        index = start + 1
        while index < end and lines[index][:1] in (" ", "\t") and lines[index].strip():
            spans.append((index, len(lines[index]) - len(lines[index].lstrip())))
            index += 1
        for line, at in spans:
            lines[line] = lines[line][:at] + self.lint_text(path, line + 1, at, lines[line][at:], TITLE)
        if not spans:
            return
        self.title_findings(path, lines, spans, "".join(lines[line][at:].strip() for line, at in spans))

    def title_findings(self, path: Path, lines: list[str], spans: list[tuple[int, int]], title: str) -> None:
        last = spans[-1][0]
        if title and title[-1] in "。，；、":
            self.add(path, last + 1, len(lines[last].rstrip()), "title-punct", f"标题末尾不用“{title[-1]}”", key=TITLE)
        for line, at in spans:  # the title is not Markdown: the marks would print
            mark = next((m for m in ("**", "__") if m in lines[line][at:]), None)
            if mark:
                column = at + lines[line][at:].find(mark) + 1
                self.add(path, line + 1, column, "title-markup", "标题不是 Markdown，** 会原样印出（标题本身已是黑体）",
                         key=TITLE)  # fmt: skip
                break

    def lint_pictures(self, item) -> None:
        """Each picture of ``item`` that will not print: its file missing, too large, or not a picture
        Pillow decodes (damaged, HEIC …), at the line and column where the body shows it."""
        if not item.pictures or self.severity["image-in-item"] == "off":
            return
        from ..picture import problem

        for picture in item.pictures:
            why = picture.problem if picture.data is None else problem(picture.data)
            if why is not None:
                hint = "请把图片文件放进稿件旁的 images 文件夹，或改正文件名" if picture.data is None else None
                self.add(item.path, picture.line, picture.column, "image-in-item",
                         f"图片“{picture.src}”{why}，不会印出", hint=hint)  # fmt: skip

    def pairs(self, path: Path, paragraph: list[tuple[int, int, str]]) -> None:
        if paragraph and self.severity["unmatched-pair"] != "off":
            for line, col, message in unmatched(paragraph):
                self.add(path, line, col, "unmatched-pair", message)

    def save(self, path: Path, seen: bytes, fixed_lines: dict[int, str]) -> None:
        """Write the fixed lines into the file, after copying the original into the backup folder.

        Only the fixed lines change: every other line, and every line's own ending
        (CRLF from Notepad, LF or CR from a paste), stays as the editor saved it,
        in the file's own encoding. The fix is made from ``seen``, the bytes that
        were checked; if the editor saved the file since, it is left alone.
        """
        assert self.backup_dir is not None
        from ..fsio import FileChanged, replace_if_unchanged

        # keep the path below the series folder: two issues' 01.md must not collide
        target = self.backup_dir / path.relative_to(self.backup_dir.parent.parent)
        try:
            if path.read_bytes() != seen:
                raise FileChanged(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():  # two runs in one second: keep the older, original copy
                shutil.copy2(path, target)
        except FileChanged:
            return self.not_fixed(path)
        except OSError as exc:  # no backup, no fix: the editor's text is never changed without one
            raise OutputError(f"无法写入备份文件夹，这个文件没有修改：{os_reason(exc)}", target.parent) from None
        try:
            replace_if_unchanged(path, encode_like(with_lines(decode(seen, path), fixed_lines), seen, path), seen)
        except FileChanged:
            self.not_fixed(path)
        except OSError as exc:
            raise OutputError(f"无法写回修正：{os_reason(exc)}", path) from None

    def not_fixed(self, path: Path) -> None:
        """The editor saved the file while it was checked: their text wins, the fixes are only reported."""
        findings = self.report.findings
        for i, finding in enumerate(findings):
            if finding.path == path and finding.fixed:
                findings[i] = finding._replace(fixed=False)
        findings.append(Diagnostic("检查期间这个文件又被保存过，为不覆盖新的内容，没有写入修正；请再运行一次 zhuanbao check --fix",
                                   Location(path, 1, 1), "warning"))  # fmt: skip

    def lint_edition(self, edition: Edition, printed: dict | None = None) -> None:
        """Rules over a whole issue; ``printed`` is the rendered context, when the
        issue renders: an item whose body prints nothing is not in it."""
        shown = {item.path.name for item in edition.items}
        if printed is not None:
            shown = {view.file for section in printed["sections"] for view in section["items"]}
        titles: dict[str, object] = {}
        lint = self.series.lint
        for item in edition.items:
            title = item.meta.title
            if title:
                if title in titles:
                    first = titles[title]
                    # on the later item, or on the one just imported, naming the other
                    here, other = (first, item) if self.focus is not None and first.path == self.focus else (item, first)
                    line, col = here.meta_doc.where(("title",))
                    self.add(here.path, line or 1, col or 1, "duplicate-title", f"标题与 {other.path.name} 相同",
                             key=TITLE)  # fmt: skip
                titles.setdefault(title, item)
            if item.meta.source and item.meta.source.endswith("供稿"):
                line, col = item.meta_doc.where(("source",))
                self.add(item.path, line or 1, col or 1, "source-suffix",
                         f"source 不要写“供稿”二字：会印成“[{item.meta.source}供稿]”", key=SOURCE)  # fmt: skip
            if item.meta.section in lint.require_source and not item.meta.source:
                self.add(item.path, 1, 1, "missing-source", f"栏目“{item.meta.section}”的稿件须写 source（供稿单位）",
                         key=SOURCE)  # fmt: skip
        for item in edition.items:
            if item.path.name not in shown:
                self.add(item.path, item.body_line, 1, "empty-item", "正文排出来是空的，这篇稿件不会印出（条件句都不成立？）")
        used = {item.meta.section for item in edition.items if item.path.name in shown}
        for name in lint.required_sections:
            if name not in used:
                self.add(edition.issue_dir / ISSUE_FILE, 1, 1, "required-section", f"本期没有“{name}”栏目的稿件")


def with_lines(text: str, lines: dict[int, str]) -> str:
    """``text`` with the lines at ``lines``' indices replaced, split at the same line breaks clean() turns
    into "\n" (so indices match the checked lines): every other line, and every line's own ending, kept."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    for index, line in lines.items():
        parts[2 * index] = line
    return "".join(parts)


class ItemCheck(NamedTuple):
    """What check finds in one item's text, and the lines (by index) its safe fixes would change."""

    findings: list[Diagnostic]
    fixed_lines: dict[int, str]


def check_item(path: Path, text: str, fix: bool = False) -> ItemCheck:
    """What ``check`` finds in the item at ``path`` if its file held ``text`` (an edit form not yet saved),
    writing nothing: the text and title rules, the front matter as the build validates it, the body
    rendered against the issue's data, and the issue's rules about this item (a title another item has,
    a body that prints nothing, a missing source). A title it repeats is reported on it, as on an item
    just imported. The rest of the issue need not be right: items that cannot be read are left out, and
    an issue.yaml or table the build refuses only leaves the body's data unchecked (those errors are
    the issue's). ``fix``: findings the safe fixes correct are marked fixed, their lines returned."""
    from dataclasses import replace

    from ..build import prepare
    from ..load.content import load_item
    from ..render import context

    issue_dir = path.parent.parent
    report = CheckReport()
    series_dir, _, series = _series(issue_dir, report)
    if series is None:
        return ItemCheck(report.findings, {})
    text = clean(text)  # as the file would be read once saved
    checker = Checker(series, report, fix, None, focus=path.resolve())
    fixed_lines = checker.lint_source(path, text)
    try:
        item = load_item(path, series, series_dir, text)
        checker.lint_pictures(item)
    except UserError as exc:
        _add_build_errors(report, exc)
        item = None
    try:
        edition = prepare(series_dir, issue_dir, series, partial=True) if item else None
    except UserError:
        edition = None
        if TEMPLATE_CODE.search(item.body):
            report.findings.append(Diagnostic("这一期的 issue.yaml 或指标表有错误，正文中 {{ }} 引用的数据暂时无法检查；错误列在这一期的页面上",
                                              Location(path, item.body_line, 1), "warning"))  # fmt: skip
    if edition is not None:
        mine = path.resolve()
        edition = replace(edition, items=sorted([*(i for i in edition.items if i.path.resolve() != mine), item],
                                                key=lambda i: i.sort_key))  # fmt: skip
        printed = None
        try:
            printed = context(replace(edition, items=[item]))  # this item's body only: the others' are theirs
        except UserError as exc:
            _add_build_errors(report, exc)
        checker.lint_edition(edition, printed)  # what it says of the other items is dropped below
        report.findings = [f for f in report.findings if f.path is not None and f.path.resolve() == mine]
    report.findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return ItemCheck(report.findings, fixed_lines)


def check_sequence(checker: Checker, issue_dirs: list[Path], all_issues: list[Path]) -> None:
    """Each issue's number, total and date follow the issue before it in the series."""
    ordered = sorted(all_issues, key=issue_order)
    facts = {p: issue_facts(p) for p in ordered}
    for index, issue_dir in enumerate(ordered):
        if issue_dir not in issue_dirs or index == 0:
            continue
        current, previous = facts[issue_dir], facts[ordered[index - 1]]
        if current is None or previous is None:
            continue
        number, total, date, doc = current
        p_number, p_total, p_date, _ = previous
        path = issue_dir / ISSUE_FILE
        expected = next_number((p_number, p_date), date)
        if number != expected:
            line, col = doc.where(("number",))
            checker.add(path, line or 1, col or 1, "issue-number",
                        f"期号应为 {expected}（上一期 {ordered[index - 1].name} 是第{p_number}期）")  # fmt: skip
        if total is not None and p_total is not None and total != p_total + 1:
            line, col = doc.where(("total",))
            checker.add(path, line or 1, col or 1, "issue-number",
                        f"总期号应为 {p_total + 1}（上一期是总第{p_total}期）")  # fmt: skip
        if date < p_date:
            line, col = doc.where(("date",))
            checker.add(path, line or 1, col or 1, "issue-date", f"日期 {date} 早于上一期的 {p_date}")
        _stale_tables(checker, path, doc, ordered[index - 1], previous[3])


def _cells(row: str) -> list[tuple[int, int]]:
    """Where each cell's text is in a table row (between unescaped |, the row's outer pipes excluded)."""
    bounds = [m.start() for m in re.finditer(r"(?<!\\)\|", row)]
    if not bounds or row[: bounds[0]].strip():
        bounds.insert(0, -1)
    if row[bounds[-1] + 1 :].strip():
        bounds.append(len(row))
    return [(a + 1, b) for a, b in zip(bounds, bounds[1:])]


def _stale_tables(checker: Checker, path: Path, doc, previous_dir: Path, previous_doc) -> None:
    """A table ``new`` carried over and nobody replaced: last month's figures under this month's date."""
    import datetime as dt

    tables = doc.data.get("tables") if isinstance(doc.data, dict) else None
    before = previous_doc.data.get("tables") if isinstance(previous_doc.data, dict) else None
    if not isinstance(tables, list) or not isinstance(before, list):
        return
    earlier = {t.get("id"): t for t in before if isinstance(t, dict)}
    for index, table in enumerate(tables):
        if not isinstance(table, dict) or not isinstance(table.get("file"), str):
            continue
        old = earlier.get(table.get("id"), {})
        line, col = doc.where(("tables", index, "file"))
        mine, theirs = path.parent / table["file"], previous_dir / table["file"]
        try:
            same = mine.is_file() and theirs.is_file() and mine.read_bytes() == theirs.read_bytes()
        except OSError:
            same = False
        if same:
            checker.add(path, line or 1, col or 1, "stale-table",
                        f"表格文件“{table['file']}”与上一期（{previous_dir.name}）的一样：还没有换成本期的数据？")  # fmt: skip
        as_of, old_as_of = table.get("as_of"), old.get("as_of")
        if isinstance(as_of, dt.date) and isinstance(old_as_of, dt.date) and as_of <= old_as_of:
            line, col = doc.where(("tables", index, "as_of"))
            checker.add(path, line or 1, col or 1, "stale-table",
                        f"统计截止日期 {as_of} 不晚于上一期同一张表的 {old_as_of}：请改为本期的截止日期")  # fmt: skip


def check(path: Path, fix: bool = False, now: dt.datetime | None = None, focus: Path | None = None) -> CheckReport:
    """Lint an issue or every issue of a series; with ``fix``, apply safe fixes (backed up).
    ``focus``: an item just added, on which a title it repeats is reported."""
    from ..build import prepare, unstarted
    from ..render import context

    report = CheckReport()
    series_dir, issue_dirs, series = _series(path, report)
    if series is None:
        return report
    _check_lint_settings(series_dir, series, report)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    backup = series_dir / ".zhuanbao-backup" / stamp if fix else None
    checker = Checker(series, report, fix, backup, focus.resolve() if focus else None)
    all_issues = [p for p in series_dir.iterdir() if p.is_dir() and ISSUE_DIR_NAME.match(p.name)]
    waiting = set(unstarted(path, issue_dirs))  # what new just made: a series build passes it by, and so does check
    for issue_dir in issue_dirs:
        for item in item_files(issue_dir / ITEMS_DIR):
            checker.lint_item(item, series_dir)
        for stray in stray_files(issue_dir / ITEMS_DIR):
            hint = "如是稿件，请改名为 .md" if stray.suffix.lower() in (".txt", ".markdown") else WORD_FILE_HINT
            checker.add(stray, 1, 1, "not-an-item", f"“{stray.name}”不是 .md 文件，不会排入专报", hint=hint)
        if issue_dir in waiting:
            continue
        try:
            edition = prepare(series_dir, issue_dir, series)
        except UserError as exc:
            _add_build_errors(report, exc)
            continue
        printed = None
        try:
            printed = context(edition)  # data sentences: undefined names, bad syntax
        except UserError as exc:
            _add_build_errors(report, exc)
        checker.lint_edition(edition, printed)
        for item in edition.items:
            checker.lint_pictures(item)
    check_sequence(checker, issue_dirs, all_issues)
    report.findings.sort(key=lambda f: (str(f.path), f.line, f.column))
    return report


def _series(path: Path, report: CheckReport) -> tuple[Path, list[Path], Series | None]:
    """The series folder and issue folders ``path`` designates, and the series read (None when series.yaml
    cannot be: its errors are then the report's, and nothing else can be checked)."""
    series_dir, issue_dirs = locate(path)
    try:
        return series_dir, issue_dirs, load_series(series_dir)
    except UserError as exc:
        _add_build_errors(report, exc)
        return series_dir, issue_dirs, None


def _check_lint_settings(series_dir: Path, series: Series, report: CheckReport) -> None:
    """Names in series.yaml's lint: that match no rule or section would silently do nothing."""
    from ..load.yamlfile import load_yaml

    doc = load_yaml(series_dir / SERIES_FILE)
    lint = series.lint
    # (where in series.yaml, the name written, what it should be one of, what that is called)
    named = [(("lint", "rules", name), name, list(RULES), "检查规则") for name in lint.rules]
    for key in ("required_sections", "require_source"):
        named += [(("lint", key, i), name, series.sections, "栏目") for i, name in enumerate(getattr(lint, key))]
    for where, name, known, what in named:
        if name in known:
            continue
        line, column = doc.where(where)
        hint = suggest(name, known) or f"可用的有：{'、'.join(known)}"
        message = f"没有名为“{name}”的{what}，这项设置不起作用；{hint}"
        location = Location(doc.path, line or 1, column or 1, tuple(where))
        report.findings.append(Diagnostic(message, location, rule="lint-settings"))


def _add_build_errors(report: CheckReport, exc: UserError) -> None:
    """What the build would refuse, as findings of the rule "build" (at line 1 when the error names none,
    so an editor can still jump to the file)."""
    for error in exc.diagnostics:
        where = error.location
        location = Location(where.path or Path("."), where.line or 1, where.column or 1, where.key)
        report.findings.append(Diagnostic(error.message, location, rule="build", hint=error.hint))
