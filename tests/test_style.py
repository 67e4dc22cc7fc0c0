"""The style sheet: units, inheritance, the 22 × 28 grid, and mistakes in it."""

from __future__ import annotations

import pytest

from zhuanbao.diagnostics import UserError
from zhuanbao.load.templates import default_template_dir
from zhuanbao.load.templates import load_style_sheet
from zhuanbao.style import MM

from .conftest import write_tree

MINIMAL = """\
page: {lines: 22, chars: 28}
fonts:
  仿宋: {east_asia: 仿宋_GB2312}
paragraph:
  body: {name: 正文, font: 仿宋, size: 三号, line: 1line, indent_first: 2ch, grid: true}
  folio-odd: {name: 页码, font: 仿宋, size: 四号, line: 14pt}
  folio-even: {name: 页码, base: folio-odd, align: left}
"""


def sheet_from(tmp_path, text):
    return load_style_sheet(write_tree(tmp_path, {"style.yaml": text}) / "style.yaml")


def test_default_sheet_page_numbers():
    sheet = load_style_sheet(default_template_dir() / "style.yaml")
    page = sheet.page
    assert round(page.margin_top / MM, 1) == 37 and round(page.margin_bottom / MM, 1) == 35
    assert round(page.margin_left / MM, 1) == 28 and abs(page.margin_right / MM - 26) <= 1
    assert page.line_pitch == 28.95 and int(page.text_height // page.line_pitch) == 22
    body = sheet.paragraphs["body"]
    assert body.size == 16 and body.east_asia == "仿宋_GB2312" and body.latin == "Times New Roman"
    assert int(page.text_width // (body.size + body.letter_spacing)) == 28


def test_chinese_sizes_and_units(tmp_path):
    sheet = sheet_from(tmp_path, MINIMAL)
    body = sheet.paragraphs["body"]
    assert body.size == 16 and body.line == sheet.page.line_pitch
    assert body.indent_first == pytest.approx(2 * (16 + body.letter_spacing))
    assert sheet.paragraphs["folio-odd"].size == 14


def test_base_styles_are_inherited_and_overridden(tmp_path):
    even = sheet_from(tmp_path, MINIMAL).paragraphs["folio-even"]
    assert even.size == 14 and even.align == "left" and even.name == "页码"


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (("size: 三号", "size: 大号"), "无法识别的长度“大号”", 5),
        (("size: 三号", "size: 小三号"), "字号还可写 三号、小四 等", 5),
        (("size: 三号", "size: 60px"), "无法识别的长度“60px”", 5),
        (("font: 仿宋, size: 三号", "font: 宋体, size: 三号"), "字体“宋体”没有在 fonts 中定义", 5),
        (("base: folio-odd", "base: nothing"), "base“nothing”不存在", 7),
        (("line: 1line, indent", "linee: 1line, indent"), "未知的键“linee”", 5),
        (("line: 14pt}", "line: 14pt, align: middle}"), "align", 6),
        (("size: 四号", "size: -5pt"), "“-5pt”应大于 0", 6),
        (("size: 四号", "size: 0pt"), "“0pt”应大于 0", 6),
        (("size: 四号", "size: 2000pt"), "超过 Word 的上限 1638pt", 6),
        (("line: 14pt", "line: 14"), "“14”缺少单位（应写如 14mm 或 14pt）", 6),
        (("page: {lines: 22, chars: 28}", "page: {lines: 22, chars: 28, margin_top: 37}"), "“37”缺少单位", 1),
        (("page: {lines: 22, chars: 28}", "page: {lines: 22, chars: 28, margin_left: -28mm}"), "页边距“-28mm”不能是负数", 1),
        (("page: {lines: 22, chars: 28}", "page: {lines: 22, chars: 28, margin_top: 250mm}"), "页边距太大", 1),
        (("page: {lines: 22, chars: 28}", "page: {lines: 22, chars: 200}"), "每行 200 个 三号 的字排不下", 1),
        (("page: {lines: 22, chars: 28}", "page: {lines: 22,\n  chars: 22}\nfolio: {odd: folio-oddx}"), "folio-oddx", 3),
    ],
)
def test_mistakes_in_the_sheet_are_reported_at_their_line(tmp_path, change, message, line):
    old, new = change
    with pytest.raises(UserError) as caught:
        sheet_from(tmp_path, MINIMAL.replace(old, new, 1))
    assert message in str(caught.value)
    assert (caught.value.path.name, caught.value.line) == ("style.yaml", line)


def test_folio_format_must_hold_the_page_number(tmp_path):
    with pytest.raises(UserError, match=r"\{page\}"):
        sheet_from(tmp_path, MINIMAL + "folio: {format: '第页'}\n")


def test_base_cycle_is_reported(tmp_path):
    text = MINIMAL + "  a: {name: A, base: b}\n  b: {name: B, base: a}\n"
    with pytest.raises(UserError, match="循环"):
        sheet_from(tmp_path, text)
