"""The rules of ``zhuanbao check``: what they find in a line of prose, and how each may be fixed.

Each text rule takes a line (template code and link addresses masked) and
yields (column index, length, message, replacement or None); a replacement
is applied only by ``--fix`` and only for rules marked fixable. The rules are
listed with examples in docs/lint-rules.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..cn import cn_date
from ..load.frontmatter import TEMPLATE_CODE
from ..model import Series

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WIDE_PUNCT = "，。、；：？！“”‘’（）《》【】…—"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "【": "】"}

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
        Rule("image-in-item", "正文中的图片 ![说明](images/文件) 找不到或无法读取，不会印出", "warning"),
        Rule("empty-item", "正文排出来是空的（如 {% if %} 条件不成立），整篇不印", "warning"),
        Rule("duplicate-title", "同一期中有两篇稿件标题相同"),
        Rule("source-suffix", "source 末尾写了“供稿”，会印成“[XX供稿供稿]”"),
        Rule("missing-source", "要求署供稿单位的栏目中，稿件没有 source"),
        Rule("required-section", "规定每期必有的栏目没有稿件"),
        Rule("issue-number", "期号、总期号不接续上一期"),
        Rule("issue-date", "日期早于上一期"),
        Rule("stale-table", "指标表还是上一期的：表格文件与上一期的一样，或统计截止日期不晚于上一期", "warning"),
    ]
}


def mask_templates(text: str) -> str:
    """Hide {{ … }} / {% … %} so template syntax is not linted as prose."""
    return TEMPLATE_CODE.sub(lambda m: "□" * len(m.group(0)), text)


def mask_code(text: str) -> str:
    """Hide a link's or picture's address, the ! of a picture, the space after a caption's number
    (![图1 检查现场]: as captions are set) and `code`: their brackets, dots and spaces are not prose."""
    text = _PICTURE_MARKS.sub(lambda m: "□" + m.group(1)[1:] + "□" * len(m.group(2)) if m.group(1) else "□", text)
    return re.sub(r"(?<=\])\([^()\s]*\)|`[^`]*`", lambda m: "□" * len(m.group(0)), text)


_PICTURE_MARKS = re.compile(r"(!\[图\s*[0-9０-９一二三四五六七八九十]+)([ \u3000]+)|!(?=\[)")


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
        y, mo, d = (int(part) for part in m.groups())
        try:
            shown = cn_date(dt.date(y, mo, d))
        except ValueError:  # 2025-13-40 is no date: written out as typed
            shown = f"{y}年{mo}月{d}日"
        yield m.start(), len(m.group(0)), f"日期应写作“{shown}”", None


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


_SENTENCE_END = re.compile(r"[。！？][”’）]?\s*$")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\u3000|!\[)")  # a picture is a block of its own too


def joins_a_finished_sentence(previous: str, line: str) -> bool:
    """Markdown joins consecutive lines into one paragraph; after a full stop
    that is rarely what an editor who writes one paragraph a line meant.
    List items, headings, quotes, pictures and 　　-indented lines start blocks of their own."""
    if previous.endswith(("  ", "\\")):  # a Markdown hard break: the line breaks there, as meant
        return False
    return bool(_SENTENCE_END.search(previous)) and not _BLOCK_START.match(line)
