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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError, UserError, os_reason
from .load.content import (
    ISSUE_DIR_NAME,
    ISSUE_FILE,
    ITEMS_DIR,
    SERIES_FILE,
    issue_facts,
    issue_order,
    item_files,
    load_edition,
    load_series,
    locate,
    stray_files,
)
from .load.frontmatter import split_front_matter
from .load.text import read_text
from .model import Edition, Series

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WIDE_PUNCT = "，。、；：？！“”‘’（）《》【】…—"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "【": "】"}

SEVERITY_WORD = {"error": "错误", "warning": "警告"}


@dataclass
class Finding:
    path: Path
    line: int
    column: int
    rule: str
    message: str
    severity: str = "error"
    fixed: bool = False

    def __str__(self) -> str:
        state = "（已修正）" if self.fixed else ""
        return f"{self.path}:{self.line}:{self.column}: {SEVERITY_WORD[self.severity]}: {self.message}{state} [{self.rule}]"


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    default: str = "error"
    fixable: bool = False


RULES = {
    r.id: r
    for r in [
        Rule("build", "生成时会被拒绝的问题（格式、缺项、未知的键、表格数据……）"),
        Rule("lint-settings", "series.yaml 的 lint 中写了不存在的规则或栏目（这项设置不起作用）"),
        Rule("halfwidth-punct", "中文旁边用了半角标点 , ; : ? ! . ( )", fixable=True),
        Rule("straight-quotes", "中文旁边用了直引号 \" '（应为 “” ‘’）"),
        Rule("unmatched-pair", "引号、书名号、括号不成对：“” ‘’ 《》 （） 【】"),
        Rule("date-padding", "日期中的月、日补了零：2023年05月", fixable=True),
        Rule("date-format", "正文中的日期不是“2023年5月24日”的写法：2023-05-24、2023.5.24", "warning"),
        Rule("range-dash", "数字范围用了连字符：1-7月（应写 1—7月 或 1至7月）"),
        Rule("fullwidth-alnum", "全角数字或字母：２０２３、ＡＰＰ", fixable=True),
        Rule("repeated-punct", "标点重复：，， 。。 ！！"),
        Rule("ellipsis", "省略号写法不规范：... 或 。。。（应写 ……）", "warning"),
        Rule("space-in-cjk", "中文之间、中文与数字之间有空格", "warning"),
        Rule("title-punct", "标题末尾有句号、逗号等标点", "warning"),
        Rule("title-markup", "标题中写了 **加粗** 等 Markdown 记号，会原样印出"),
        Rule("not-an-item", "items 文件夹中有 .txt、.docx 等不会排入专报的文件", "warning"),
        Rule("line-join", "上一行以句号等结束、本行不空行接着写：两行会接成同一段", "warning"),
        Rule("image-in-item", "正文中的图片 ![说明](文件) 不会印出，只印说明文字", "warning"),
        Rule("empty-item", "正文排出来是空的（如 {% if %} 条件不成立），整篇不印", "warning"),
        Rule("duplicate-title", "同一期中有两篇稿件标题相同"),
        Rule("source-suffix", "source 末尾写了“供稿”，会印成“[XX供稿供稿]”"),
        Rule("missing-source", "要求署供稿单位的栏目中，稿件没有 source"),
        Rule("required-section", "规定每期必有的栏目没有稿件"),
        Rule("issue-number", "期号、总期号不接续上一期"),
        Rule("issue-date", "日期早于上一期"),
    ]
}


def _mask_templates(text: str) -> str:
    """Hide {{ … }} / {% … %} so template syntax is not linted as prose."""
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", lambda m: "□" * len(m.group(0)), text)


def _mask_code(text: str) -> str:
    """Hide a link's address and `code`: their brackets and dots are not prose."""
    return re.sub(r"(?<=\])\([^()\s]*\)|`[^`]*`", lambda m: "□" * len(m.group(0)), text)


# --- text rules: each yields (column index, length, message, replacement or None) ------

TextRule = Callable[[str, Series], Iterator[tuple[int, int, str, str | None]]]

_HALF = re.compile(rf"(?<=[{CJK}{WIDE_PUNCT}])[,;:?!]|[,;:?!](?=[{CJK}])")
_CJK_CHAR = re.compile(f"[{CJK}]")
_CJK_OR_WIDE = re.compile(f"[{CJK}{WIDE_PUNCT}]")
# A full stop typed on an English keyboard: after Chinese (or a closing quote
# or bracket), ending the line or followed by a space or Chinese. A decimal
# point or a web address has a letter or digit before it.
_NUMERAL_DOT = re.compile(r"^\s*(?:#+\s*)?[一二三四五六七八九十]+[.．]")
_HALF_STOP = re.compile(rf"(?<=[{CJK}”’）》】])\.(?=$|\s|[{CJK}“‘（《【])")
_PADDED = re.compile(r"(?<=\d年)0(?=\d月)|(?<=\d月)0(?=\d日)|(?<![\d.])0(?=[1-9]月\d{1,2}日)")
_DATE_AROUND = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
# A range of figures with a unit: 1-7月, 1月-9月, 10月1日-7日, 15%-20%, 3万-5万元, 第1-3季度.
# Not a phone number (0745-2288123: no unit), a code (A-3, COVID-19) or an ISO date (2025-10-01).
_UNITS = "月日年岁元万亿%个人户天时周期季度号名项"
_RANGE = re.compile(
    rf"(?<![\d.:A-Za-z-])(\d+(?:\.\d+)?)([{_UNITS}]?)\s*(?P<dash>[-~～－])\s*(\d+(?:\.\d+)?)\s*(?=[{_UNITS}])"
)
_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ]+")
_REPEATED = re.compile(r"([，。、；：！？])\1+")
_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)")
_SPACE = re.compile(rf"(?<=[{CJK}])[ \u3000]+(?=[{CJK}0-9A-Za-z])|(?<=[0-9A-Za-z])[ \u3000]+(?=[{CJK}])")


def halfwidth_punct(text: str, _series: Series):
    for m in _HALF.finditer(text):
        yield m.start(), 1, f"中文旁边的半角“{m.group(0)}”应为全角“{HALF_TO_FULL[m.group(0)]}”", HALF_TO_FULL[m.group(0)]
    numbered = _NUMERAL_DOT.match(text)
    if numbered:  # 一.总体情况: a heading number, which takes 、
        yield numbered.end() - 1, 1, "序号“一”“二”后应为顿号“、”", "、"
    for m in _HALF_STOP.finditer(text):
        if not numbered or m.start() != numbered.end() - 1:
            yield m.start(), 1, "中文句末的半角“.”应为句号“。”", "。"
    yield from _halfwidth_brackets(text)


def _halfwidth_brackets(text: str):
    """( ) in Chinese text, changed as a pair so a fix never leaves （…) behind.

    A pair is Chinese when it holds Chinese, follows Chinese, or opens the text
    before Chinese: 会议(AI)、(一期)、(AI)应用; f(x)很好 keeps its brackets.
    A bracket without a partner goes by its neighbours, like , ; : ? !.
    """
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for index, ch in enumerate(text):
        if ch == "(":
            opened.append(index)
        elif ch == ")":
            if opened:
                pairs.append((opened.pop(), index))
            else:
                lone.append(index)
    lone += opened

    def after_chinese(index: int) -> bool:
        return index > 0 and bool(_CJK_OR_WIDE.match(text[index - 1]))

    def before_chinese(index: int) -> bool:
        return bool(_CJK_OR_WIDE.match(text, index + 1))

    found = [i for i in lone if after_chinese(i) or _CJK_CHAR.match(text, i + 1)]
    for start, end in pairs:
        opens_text = start == 0 or text[start - 1].isspace()
        if _CJK_CHAR.search(text, start, end) or after_chinese(start) or (opens_text and before_chinese(end)):
            found += [start, end]
    for index in sorted(found):
        full = HALF_TO_FULL[text[index]]
        yield index, 1, f"中文旁边的半角括号“{text[index]}”应为全角“{full}”", full


_STRAIGHT_QUOTE = re.compile(rf"(?<=[{CJK}，。；：？！、])[\"']|[\"'](?=[{CJK}])")


def straight_quotes(text: str, _series: Series):
    for m in _STRAIGHT_QUOTE.finditer(text):
        wanted = "“ ”" if m.group(0) == '"' else "‘ ’"
        yield m.start(), 1, f"中文中的引号应为 {wanted}，不用直引号 {m.group(0)}", None


def date_padding(text: str, _series: Series):
    for m in _PADDED.finditer(text):
        date = next((d for d in _DATE_AROUND.finditer(text) if d.start() <= m.start() < d.end()), None)
        fixed = f"（应写 {_PADDED.sub('', date.group(0))}）" if date else ""
        yield m.start(), 1, f"日期中的月、日不补零{fixed}", ""


def date_format(text: str, _series: Series):
    for m in _ISO_DATE.finditer(text):
        y, mo, d = m.groups()
        yield m.start(), len(m.group(0)), f"日期应写作“{int(y)}年{int(mo)}月{int(d)}日”", None


def range_dash(text: str, series: Series):
    wanted = series.lint.range_dash
    if wanted == "-":
        return
    for m in _RANGE.finditer(text):
        if m.group("dash") == wanted:
            continue
        yield m.start("dash"), 1, f"数字范围应写作“{m.group(1)}{m.group(2)}{wanted}{m.group(4)}”", None


def fullwidth_alnum(text: str, _series: Series):
    for m in _FULLWIDTH.finditer(text):
        half = "".join(chr(ord(c) - 0xFEE0) for c in m.group(0))
        yield m.start(), len(m.group(0)), f"全角“{m.group(0)}”应为半角“{half}”", half


def repeated_punct(text: str, _series: Series):
    for m in _REPEATED.finditer(text):
        yield m.start(), len(m.group(0)), f"标点“{m.group(1)}”重复", None


def ellipsis(text: str, _series: Series):
    for m in _ELLIPSIS.finditer(text):
        yield m.start(), len(m.group(0)), "省略号应写作“……”（两个“…”）", None


def space_in_cjk(text: str, _series: Series):
    for m in _SPACE.finditer(text):
        yield m.start(), len(m.group(0)), "中文之间、中文与数字之间不加空格", None


TEXT_RULES: dict[str, TextRule] = {
    "halfwidth-punct": halfwidth_punct,
    "straight-quotes": straight_quotes,
    "date-padding": date_padding,
    "date-format": date_format,
    "range-dash": range_dash,
    "fullwidth-alnum": fullwidth_alnum,
    "repeated-punct": repeated_punct,
    "ellipsis": ellipsis,
    "space-in-cjk": space_in_cjk,
}


def unmatched(lines: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    """Unmatched “” ‘’ 《》 （） 【】 in a paragraph (a run of lines): (line, col, message)."""
    stack: list[tuple[str, int, int]] = []
    closers = {v: k for k, v in PAIRS.items()}
    for line, offset, text in lines:
        for index, ch in enumerate(text):
            if ch in PAIRS:
                stack.append((ch, line, offset + index + 1))
            elif ch in closers:
                if stack and stack[-1][0] == closers[ch]:
                    stack.pop()
                else:
                    yield line, offset + index + 1, f"“{ch}”没有对应的“{closers[ch]}”"
    for ch, line, col in stack:
        yield line, col, f"“{ch}”没有对应的“{PAIRS[ch]}”"


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_SENTENCE_END = re.compile(r"[。！？][”’）]?\s*$")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\u3000)")


def _joins_a_finished_sentence(previous: str, line: str) -> bool:
    """Markdown joins consecutive lines into one paragraph; after a full stop
    that is rarely what an editor who writes one paragraph a line meant.
    List items, headings, quotes and 　　-indented lines start blocks of their own."""
    if previous.endswith(("  ", "\\")):  # a Markdown hard break: the line breaks there, as meant
        return False
    return bool(_SENTENCE_END.search(previous)) and not _BLOCK_START.match(line)


# --- checking files --------------------------------------------------------------


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error" and not f.fixed)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning" and not f.fixed)


class Checker:
    def __init__(self, series: Series, report: Report, fix: bool, backup_dir: Path | None) -> None:
        self.series = series
        self.report = report
        self.fix = fix
        self.backup_dir = backup_dir
        self.severity = {rid: series.lint.rules.get(rid, rule.default) for rid, rule in RULES.items()}

    def add(self, path: Path, line: int, column: int, rule: str, message: str, fixed: bool = False) -> None:
        severity = self.severity[rule]
        if severity != "off":
            self.report.findings.append(Finding(path, line, column, rule, message, severity, fixed))

    def lint_text(self, path: Path, line: int, offset: int, text: str) -> str:
        """Lint one line of prose; returns the line with safe fixes applied when fixing."""
        masked = _mask_code(_mask_templates(text))
        edits: list[tuple[int, int, str]] = []
        for rule_id, rule in TEXT_RULES.items():
            if self.severity[rule_id] == "off":
                continue
            for start, length, message, replacement in rule(masked, self.series):
                fixable = self.fix and RULES[rule_id].fixable and replacement is not None
                self.add(path, line, offset + start + 1, rule_id, message, fixed=fixable)
                if fixable:
                    edits.append((start, length, replacement))
        for start, length, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[start + length :]
        return text

    def lint_item(self, path: Path) -> None:
        try:
            raw = read_text(path)
            source = split_front_matter(raw, path)
        except UserError:
            return  # reported by the build check
        lines = raw.split("\n")
        self.lint_title(path, lines, source.body_line - 2)
        paragraph: list[tuple[int, int, str]] = []
        in_fence = False
        for index in range(source.body_line - 1, len(lines)):
            text = lines[index]
            if text.strip().startswith("```"):
                in_fence = not in_fence
            if not text.strip() or in_fence:
                self.pairs(path, paragraph)
                paragraph = []
                continue
            if paragraph and _joins_a_finished_sentence(paragraph[-1][2], text):
                self.add(path, index + 1, 1, "line-join", "这一行会与上一行接成同一段；如要另起一段，请在两行之间空一行")
            for image in _IMAGE.finditer(text):
                self.add(path, index + 1, image.start() + 1, "image-in-item",
                         f"正文中的图片“{image.group(0)[:30]}”不会印出，只印说明文字；图表请用指标表的 chart")  # fmt: skip
            lines[index] = self.lint_text(path, index + 1, 0, text)
            paragraph.append((index + 1, 0, _mask_templates(lines[index])))
        self.pairs(path, paragraph)
        fixed_lines = {i: line for i, (line, was) in enumerate(zip(lines, raw.split("\n"))) if line != was}
        if fixed_lines:
            self.save(path, fixed_lines)

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
            inner = self.lint_text(path, start + 1, first_at + 1, value[1:-1])
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
            lines[line] = lines[line][:at] + self.lint_text(path, line + 1, at, lines[line][at:])
        if not spans:
            return
        self.title_findings(path, lines, spans, "".join(lines[line][at:].strip() for line, at in spans))

    def title_findings(self, path: Path, lines: list[str], spans: list[tuple[int, int]], title: str) -> None:
        last = spans[-1][0]
        if title and title[-1] in "。，；、":
            self.add(path, last + 1, len(lines[last].rstrip()), "title-punct", f"标题末尾不用“{title[-1]}”")
        for line, at in spans:  # the title is not Markdown: the marks would print
            mark = next((m for m in ("**", "__") if m in lines[line][at:]), None)
            if mark:
                column = at + lines[line][at:].find(mark) + 1
                self.add(path, line + 1, column, "title-markup", "标题不是 Markdown，** 会原样印出（标题本身已是黑体）")
                break

    def pairs(self, path: Path, paragraph: list[tuple[int, int, str]]) -> None:
        if paragraph and self.severity["unmatched-pair"] != "off":
            for line, col, message in unmatched(paragraph):
                self.add(path, line, col, "unmatched-pair", message)

    def save(self, path: Path, fixed_lines: dict[int, str]) -> None:
        """Write the fixed lines into the file, after copying the original into the backup folder.

        Only the fixed lines change: every other line, and every line's own ending
        (CRLF from Notepad, LF or CR from a paste), stays as the editor saved it,
        in the file's own encoding.
        """
        assert self.backup_dir is not None
        from .build import write_atomic
        from .load.text import decode, encode_like

        # keep the path below the series folder: two issues' 01.md must not collide
        target = self.backup_dir / path.relative_to(self.backup_dir.parent.parent)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():  # two runs in one second: keep the older, original copy
                shutil.copy2(path, target)
        except OSError as exc:  # no backup, no fix: the editor's text is never changed without one
            raise OutputError(f"无法写入备份文件夹，这个文件没有修改：{os_reason(exc)}", target.parent) from None
        original = path.read_bytes()
        # the same line breaks clean() turns into "\n", so indices match read_text's lines
        parts = re.split(r"(\r\n|\r|\n)", decode(original, path))
        for index, line in fixed_lines.items():
            parts[2 * index] = line
        try:
            write_atomic(path, encode_like("".join(parts), original, path))
        except OSError as exc:
            raise OutputError(f"无法写回修正：{os_reason(exc)}", path) from None

    def lint_edition(self, edition: Edition, printed: dict | None = None) -> None:
        """Rules over a whole issue; ``printed`` is the rendered context, when the
        issue renders: an item whose body prints nothing is not in it."""
        shown = {item.path.name for item in edition.items}
        if printed is not None:
            shown = {view.file for section in printed["sections"] for view in section["items"]}
        titles: dict[str, Path] = {}
        lint = self.series.lint
        for item in edition.items:
            title = item.meta.title
            if title:
                if title in titles:
                    line, col = item.meta_doc.where(("title",))
                    self.add(item.path, line or 1, col or 1, "duplicate-title", f"标题与 {titles[title].name} 相同")
                titles.setdefault(title, item.path)
            if item.meta.source and item.meta.source.endswith("供稿"):
                line, col = item.meta_doc.where(("source",))
                self.add(item.path, line or 1, col or 1, "source-suffix",
                         f"source 不要写“供稿”二字：会印成“[{item.meta.source}供稿]”")  # fmt: skip
            if item.meta.section in lint.require_source and not item.meta.source:
                self.add(item.path, 1, 1, "missing-source", f"栏目“{item.meta.section}”的稿件须写 source（供稿单位）")
        for item in edition.items:
            if item.path.name not in shown:
                self.add(item.path, item.body_line, 1, "empty-item", "正文排出来是空的，这篇稿件不会印出（条件句都不成立？）")
        used = {item.meta.section for item in edition.items if item.path.name in shown}
        for name in lint.required_sections:
            if name not in used:
                self.add(edition.issue_dir / ISSUE_FILE, 1, 1, "required-section", f"本期没有“{name}”栏目的稿件")


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
        expected = p_number + 1 if date.year == p_date.year else 1
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


def check(path: Path, fix: bool = False, now: dt.datetime | None = None) -> Report:
    """Lint an issue or every issue of a series; with ``fix``, apply safe fixes (backed up)."""
    series_dir, issue_dirs = locate(path)
    report = Report()
    try:
        series = load_series(series_dir)
    except UserError as exc:
        _add_build_errors(report, exc)
        return report
    _check_lint_settings(series_dir, series, report)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    backup = series_dir / ".zhuanbao-backup" / stamp if fix else None
    checker = Checker(series, report, fix, backup)
    all_issues = [p for p in series_dir.iterdir() if p.is_dir() and ISSUE_DIR_NAME.match(p.name)]
    for issue_dir in issue_dirs:
        for item in item_files(issue_dir / ITEMS_DIR):
            checker.lint_item(item)
        for stray in stray_files(issue_dir / ITEMS_DIR):
            hint = "；如是稿件，请改名为 .md" if stray.suffix.lower() in (".txt", ".markdown") else "；Word 稿件请用 zhuanbao import 导入"
            checker.add(stray, 1, 1, "not-an-item", f"“{stray.name}”不是 .md 文件，不会排入专报{hint}")
        try:
            edition = load_edition(series_dir, issue_dir, series)
        except UserError as exc:
            _add_build_errors(report, exc)
            continue
        printed = None
        try:
            from .render import context

            printed = context(edition)  # data sentences: undefined names, bad syntax
        except UserError as exc:
            _add_build_errors(report, exc)
        checker.lint_edition(edition, printed)
    check_sequence(checker, issue_dirs, all_issues)
    report.findings.sort(key=lambda f: (str(f.path), f.line, f.column))
    return report


def _check_lint_settings(series_dir: Path, series: Series, report: Report) -> None:
    """Names in series.yaml's lint: that match no rule or section would silently do nothing."""
    import difflib

    from .load.yamlfile import load_yaml

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
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = f"是否想写“{guess[0]}”？" if guess else f"可用的有：{'、'.join(known)}"
        message = f"没有名为“{name}”的{what}，这项设置不起作用；{hint}"
        report.findings.append(Finding(doc.path, line or 1, column or 1, "lint-settings", message))


def _add_build_errors(report: Report, exc: UserError) -> None:
    errors = getattr(exc, "errors", [exc])
    for error in errors:
        report.findings.append(
            Finding(error.path or Path("."), error.line or 1, error.column or 1, "build", error.message)
        )
