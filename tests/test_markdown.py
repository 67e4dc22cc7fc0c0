"""Item bodies: Markdown into blocks, with the bulletin's numbering conventions."""

from __future__ import annotations

import pytest

from zhuanbao.markdown import to_blocks


def one(body: str):
    [block] = to_blocks(body)
    return block


def test_paragraphs_with_their_lines_in_the_file():
    blocks = to_blocks("第一段。\n\n第二段，\n续行。\n", first_line=6)
    assert [(b.text, b.line) for b in blocks] == [("第一段。", 6), ("第二段，续行。", 8)]


@pytest.mark.parametrize(
    ("body", "inline"),
    [
        ("**东岭区：**全区新建车间", "<b>东岭区：</b>全区新建车间"),
        ("一是**稳就业**，二是*兜底线*。", "一是<b>稳就业</b>，二是<i>兜底线</i>。"),
        ("A & B < C > D", "A &amp; B &lt; C &gt; D"),
        ("英文 line\nbreak 与中文\n接续", "英文 line break 与中文接续"),
        ("　　全角空格缩进的段落", "全角空格缩进的段落"),
        ("    四个空格缩进的段落不是代码", "四个空格缩进的段落不是代码"),
        ("<b>HTML 是文字</b>", "&lt;b&gt;HTML 是文字&lt;/b&gt;"),
        ("[链接文字](http://example.cn)", "链接文字"),
    ],
)
def test_inline_markup(body, inline):
    assert str(one(body).inline) == inline


@pytest.mark.parametrize(
    ("body", "level", "kind", "inline"),
    [
        ("一、加强组织领导", "h1", "heading", '<r style="h1">一、加强组织领导</r>'),
        (
            "一、加强组织领导。各地要压实责任。",
            "h1",
            "paragraph",
            '<r style="h1">一、加强组织领导。</r>各地要压实责任。',
        ),
        ("（二）强化要素保障", "h2", "heading", '<r style="h2">（二）强化要素保障</r>'),
        ("3.推进医养结合", "h3", "heading", '<r style="h3">3.推进医养结合</r>'),
        ("3．推进医养结合", "h3", "heading", '<r style="h3">3．推进医养结合</r>'),
        ("（1）每月调度", "h4", "heading", '<r style="h4">（1）每月调度</r>'),
        ("1.5万元已拨付。", None, "paragraph", "1.5万元已拨付。"),
        ("十二、附则", "h1", "heading", '<r style="h1">十二、附则</r>'),
    ],
)
def test_plain_text_numbering_keeps_its_heading_look(body, level, kind, inline):
    block = one(body)
    assert (block.level, block.kind, str(block.inline)) == (level, kind, inline)


def test_bold_inside_a_numbered_heading_is_kept():
    block = one("一、**加强**领导。正文。")
    assert str(block.inline) == '<r style="h1">一、<b>加强</b>领导。</r>正文。'


def test_ordered_lists_print_their_numbers_and_nest_as_parenthesised():
    blocks = to_blocks("1. 第一项\n2. 第二项\n   1. 子项\n")
    assert [b.text for b in blocks] == ["1.第一项", "2.第二项", "（1）子项"]
    assert all(b.kind == "list" for b in blocks)


def test_list_number_before_a_figure_is_not_read_as_a_decimal():
    assert [b.text for b in to_blocks("1. 6月底前完成\n2. 全部完成\n")] == ["1. 6月底前完成", "2.全部完成"]


def test_ordered_list_keeps_its_start_number():
    assert [b.text for b in to_blocks("3. 丙\n4. 丁\n")] == ["3.丙", "4.丁"]


def test_bullet_lists_get_a_mark():
    assert [b.text for b in to_blocks("- 甲\n- 乙\n")] == ["●甲", "●乙"]
    assert [b.text for b in to_blocks("- 甲\n", bullet="·")] == ["·甲"]


def test_markdown_headings_take_the_level_styles():
    blocks = to_blocks("# 总体要求\n\n## 具体措施\n\n正文。\n")
    assert [(b.level, b.kind) for b in blocks] == [("h1", "heading"), ("h2", "heading"), (None, "paragraph")]


def test_code_fences_become_plain_paragraphs():
    assert [b.text for b in to_blocks("```\n第一行\n第二行\n```\n")] == ["第一行", "第二行"]


def test_empty_body_has_no_blocks():
    assert to_blocks("\n\n   \n") == []
