"""Bulletin markup: what templates write, parsed into the document tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.doctree import Paragraph, Table
from zhuanbao.diagnostics import TemplateError
from zhuanbao.load.templates import default_template_dir
from zhuanbao.render.markup import parse_markup
from zhuanbao.load.templates import load_style_sheet


@pytest.fixture(scope="module")
def sheet():
    return load_style_sheet(default_template_dir() / "style.yaml")


def parse(text, sheet):
    return parse_markup(text, sheet, Path("t.xml.j2"))


def test_paragraph_runs_and_styles(sheet):
    [para] = parse('<p style="body"><r style="lead-title">标题。</r>正文<b>加粗</b><i>斜</i><tab/>尾<br/>行</p>', sheet)
    assert isinstance(para, Paragraph) and para.style == "body"
    assert [(r.text, r.style, r.bold, r.italic) for r in para.runs] == [
        ("标题。", "lead-title", False, False),
        ("正文", None, False, False),
        ("加粗", None, True, False),
        ("斜", None, False, True),
        ("\t", None, False, False),
        ("尾", None, False, False),
        ("\n", None, False, False),
        ("行", None, False, False),
    ]


def test_template_layout_whitespace_is_not_text(sheet):
    [para] = parse('<p style="body">\n    第一段\n    接着写\n</p>', sheet)
    assert para.text == "第一段接着写"


def test_hang_align_and_page_break(sheet):
    [para] = parse('<p style="distribution" align="center" break="page"><hang>报：</hang>甲，乙。</p>', sheet)
    assert (para.hang, para.align, para.page_break_before, para.text) == ("报：", "center", True, "报：甲，乙。")


def test_a_tail_and_keep_with_next(sheet):
    [heading, para] = parse('<p style="body" keep="next">一、压实责任</p>'
                            '<p style="body">正文。<tail><r style="source">[市统计局供稿]</r></tail>\n</p>', sheet)
    assert heading.keep_next and not para.keep_next
    assert para.text == "正文。"
    assert [(run.text, run.style) for run in para.tail] == [("[市统计局供稿]", "source")]


def test_tables(sheet):
    [table] = parse(
        '<table style="distribution" widths="1,3"><tr header="1"><td span="2" align="right"><p>甲</p></td></tr>'
        "<tr><td><p>乙</p></td><td><p>丙</p></td></tr></table>",
        sheet,
    )
    assert isinstance(table, Table) and table.widths == [1.0, 3.0]
    assert table.rows[0].header and table.rows[0].cells[0].span == 2 and table.rows[0].cells[0].align == "right"
    assert [c.paragraphs[0].text for c in table.rows[1].cells] == ["乙", "丙"]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ('<p style="nope">x</p>', "段落样式“nope”"),
        ('<p><r style="nope">x</r></p>', "字符样式“nope”"),
        ('<p align="middle">x</p>', "align"),
        ("<p><img/></p>", "不能使用 <img>"),
        ("<section/>", "不能使用 <section>"),
        ('<table style="nope"></table>', "表格样式“nope”"),
        ('<table style="distribution" widths="1,x"><tr><td/></tr></table>', "widths"),
        ('<table style="distribution" widths="1,2"><tr><td><p>甲</p></td></tr></table>', "widths 给了 2 列"),
        ("<p>a & b</p>", "标记有误"),
        ('<p keep="page">x</p>', "keep=“page”无效"),
        ("<p><tail>甲</tail>乙</p>", "<tail> 只能写在 <p> 的最后"),
        ("<p><b><tail>甲</tail></b></p>", "<tail> 只能写在 <p> 的最后"),
        ('<p>甲<tail style="x">乙</tail></p>', "<tail> 没有 style 这个属性"),
        ("<p>甲<tail>乙<br/></tail></p>", "<tail> 中只能有文字"),
    ],
)
def test_markup_mistakes_name_the_template(sheet, markup, message):
    with pytest.raises(TemplateError) as caught:
        parse(markup, sheet)
    assert message in caught.value.message
    assert caught.value.path == Path("t.xml.j2")
