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
        ("第一行，  \n硬换行第二行", "第一行，<br/>硬换行第二行"),  # two spaces: a line break, as in CommonMark
        ("line one\\\nline two", "line one<br/>line two"),
        ("[注]:本表数据来源于市统计局。", "[注]:本表数据来源于市统计局。"),  # not a link definition: printed
        ("[^1]: 脚注的文字", "[^1]: 脚注的文字"),
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


# --- paragraphs, lines and inline markup ---------------------------------------------


@pytest.mark.parametrize("first_line", [1, 4, 12])
def test_block_lines_are_lines_of_the_item_file(first_line):
    body = "第一段。\n\n第二段第一行，\n第二行。\n\n\n第三段。\n"
    blocks = to_blocks(body, first_line=first_line)
    assert [(b.kind, b.text, b.line - first_line) for b in blocks] == [
        ("paragraph", "第一段。", 0),
        ("paragraph", "第二段第一行，第二行。", 2),
        ("paragraph", "第三段。", 6),
    ]


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("青石市召开\n推进会。", "青石市召开推进会。"),
        ("完成率达到\n79.1%。", "完成率达到79.1%。"),
        ("key\nperformance indicator", "key performance indicator"),
        ("GDP\n增长", "GDP增长"),
        ("增长\nGDP", "增长GDP"),
        ("共计\n8427万元，\n同比增长", "共计8427万元，同比增长"),
        ("**东岭区：**\n该区", "东岭区：该区"),
        ("Word\n**PDF**", "Word PDF"),
    ],
)
def test_soft_breaks_join_chinese_directly_and_latin_with_a_space(body, text):
    assert one(body).text == text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("　　全角空格缩进。", "全角空格缩进。"),
        ("　 　混合缩进。", "混合缩进。"),
        ("  两个空格。", "两个空格。"),
        ("    四个空格缩进，不是代码。", "四个空格缩进，不是代码。"),
        ("        八个空格缩进。", "八个空格缩进。"),
        ("\t制表符缩进。", "制表符缩进。"),
        ("　　**东岭区：**正文", "东岭区：正文"),
    ],
)
def test_indented_paragraphs_are_paragraphs_without_their_indent(body, text):
    block = one(body)
    assert (block.kind, block.level, block.text) == ("paragraph", None, text)
    assert str(block.inline).replace("<b>", "").replace("</b>", "") == text


def test_indented_paragraph_after_a_blank_line_keeps_its_line():
    blocks = to_blocks("第一段。\n\n    第二段缩进。\n", first_line=5)
    assert [(b.kind, b.text, b.line) for b in blocks] == [("paragraph", "第一段。", 5), ("paragraph", "第二段缩进。", 7)]


def test_a_line_opening_with_a_full_width_space_starts_a_paragraph():
    """Word habit: every paragraph indented with 　　, no blank lines between."""
    body = "　　**东岭区：**第一段。\n　　第二段，\n接着写的一行。\n　　第三段。\n"
    blocks = to_blocks(body, first_line=4)
    assert [(b.text, b.line) for b in blocks] == [
        ("东岭区：第一段。", 4),
        ("第二段，接着写的一行。", 5),
        ("第三段。", 7),
    ]
    assert str(blocks[0].inline) == "<b>东岭区：</b>第一段。"
    assert "\u3000" not in "".join(b.text for b in blocks)


@pytest.mark.parametrize(
    ("body", "inline"),
    [
        ("**加粗**", "<b>加粗</b>"),
        ("__加粗__", "<b>加粗</b>"),
        ("*倾斜*", "<i>倾斜</i>"),
        ("***粗斜***", "<b><i>粗斜</i></b>"),
        ("**洞口县：**该县", "<b>洞口县：</b>该县"),
        ("甲**乙**丙", "甲<b>乙</b>丙"),
        ("R&D 投入 < 5% > 3%", "R&amp;D 投入 &lt; 5% &gt; 3%"),
        ("**A&B**", "<b>A&amp;B</b>"),
        ("<i>不是标签</i>", "&lt;i&gt;不是标签&lt;/i&gt;"),
    ],
)
def test_bold_italic_and_escaping(body, inline):
    assert str(one(body).inline) == inline


# --- numbering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "level"),
    [
        ("一、加强组织领导", "h1"),
        ("十、其他", "h1"),
        ("二十一、附则", "h1"),
        ("（一）压实责任", "h2"),
        ("(二)压实责任", "h2"),
        ("（十二）压实责任", "h2"),
        ("1.推进医养结合", "h3"),
        ("12.推进医养结合", "h3"),
        ("2．全角点", "h3"),
        ("（1）每月调度", "h4"),
        ("(3)每月调度", "h4"),
        ("（10）每月调度", "h4"),
    ],
)
def test_numbering_alone_is_a_heading_in_its_level_style(body, level):
    block = one(body)
    assert (block.kind, block.level, str(block.inline)) == ("heading", level, f'<r style="{level}">{body}</r>')


@pytest.mark.parametrize(
    ("body", "level", "head", "tail"),
    [
        ("一、加强领导。正文……", "h1", "一、加强领导。", "正文……"),
        ("（一）压实责任。各地要落实。", "h2", "（一）压实责任。", "各地要落实。"),
        ("1.推进医养结合！已完成80%。", "h3", "1.推进医养结合！", "已完成80%。"),
        ("（1）每月调度？按月通报。", "h4", "（1）每月调度？", "按月通报。"),
        ("一、A&B。C<D", "h1", "一、A&amp;B。", "C&lt;D"),
    ],
)
def test_numbering_with_text_styles_only_the_part_up_to_the_sentence_end(body, level, head, tail):
    block = one(body)
    assert (block.kind, block.level) == ("paragraph", level)
    assert str(block.inline) == f'<r style="{level}">{head}</r>{tail}'
    assert block.text == body


@pytest.mark.parametrize(
    "body",
    [
        "1.5万元已拨付到位。",
        "3.2%的增幅。",
        "一是稳就业。",
        "第一、二季度。",
        "2023年5月召开。",
        "（注）数据截至5月底。",
        "一二三",
    ],
)
def test_text_that_only_looks_like_numbering_is_a_plain_paragraph(body):
    block = one(body)
    assert (block.kind, block.level, str(block.inline)) == ("paragraph", None, body)


# --- lists and Markdown headings ----------------------------------------------------------


def test_ordered_list_numbers_and_lines():
    blocks = to_blocks("1. 甲\n2. 乙\n3. 丙\n", first_line=10)
    assert [(b.kind, b.text, b.line, b.level) for b in blocks] == [
        ("list", "1.甲", 10, None),
        ("list", "2.乙", 11, None),
        ("list", "3.丙", 12, None),
    ]


def test_nested_ordered_list_is_parenthesised_and_restarts():
    blocks = to_blocks("1. 甲\n   1. 子一\n   2. 子二\n2. 乙\n   1. 子三\n")
    assert [b.text for b in blocks] == ["1.甲", "（1）子一", "（2）子二", "2.乙", "（1）子三"]


@pytest.mark.parametrize(
    ("body", "texts"),
    [
        ("- 甲\n- 乙\n", ["●甲", "●乙"]),
        ("* 甲\n* 乙\n", ["●甲", "●乙"]),
        ("+ **东岭区：**完成\n", ["●东岭区：完成"]),
        ("- 甲\n  - 子\n", ["●甲", "●子"]),
    ],
)
def test_bullet_lists_get_the_bullet(body, texts):
    blocks = to_blocks(body)
    assert [b.text for b in blocks] == texts and {b.kind for b in blocks} == {"list"}


def test_list_items_are_not_numbering_headings():
    [block] = to_blocks("1. 一、不是标题\n")
    assert (block.kind, block.level, str(block.inline)) == ("list", None, "1.一、不是标题")


def test_bold_in_a_list_item():
    assert str(one("- **东岭区：**完成").inline) == "●<b>东岭区：</b>完成"


@pytest.mark.parametrize(
    "body",
    ["-\n\n段落。\n", "1.\n\n段落。\n", "- \n\n段落。\n"],
)
def test_an_empty_list_item_does_not_number_the_next_paragraph(body):
    assert [(b.kind, b.text) for b in to_blocks(body)] == [("paragraph", "段落。")]


@pytest.mark.parametrize(
    ("body", "level"),
    [("# 总体要求", "h1"), ("## 具体措施", "h2"), ("### 分项", "h3"), ("#### 细项", "h4"), ("###### 更细", "h4")],
)
def test_markdown_headings(body, level):
    block = one(body)
    text = body.split(" ", 1)[1]
    assert (block.kind, block.level, block.text, str(block.inline)) == (
        "heading",
        level,
        text,
        f'<r style="{level}">{text}</r>',
    )


def test_markdown_heading_escapes_and_keeps_bold():
    assert str(one("# **A&B** 要求").inline) == '<r style="h1"><b>A&amp;B</b> 要求</r>'


# --- pictures ------------------------------------------------------------------------------------------------


PLACED = {"images/a.jpg": ("picture-a.jpg", 400.0), "images/东岭区-2.png": ("picture-b.png", 120.5)}


def test_a_picture_is_a_block_of_its_own_with_its_caption_and_line():
    body = "检查组到了现场。\n\n![图1 检查现场](images/a.jpg)\n\n检查结束。\n"
    blocks = to_blocks(body, first_line=6, pictures=PLACED)
    assert [(b.kind, b.text, b.line) for b in blocks] == [
        ("paragraph", "检查组到了现场。", 6), ("picture", "图1 检查现场", 8), ("paragraph", "检查结束。", 10)]
    picture = blocks[1]
    assert picture.style == "picture" and picture.caption == "图1 检查现场"
    assert str(picture.inline) == '<image name="picture-a.jpg" width="400.00pt"/>'


def test_a_picture_inside_a_paragraph_cuts_it_in_two_and_keeps_the_lines():
    body = "前面的文字，\n![](images/东岭区-2.png)\n后面的文字。\n"
    blocks = to_blocks(body, pictures=PLACED)
    assert [(b.kind, b.text, b.line) for b in blocks] == [
        ("paragraph", "前面的文字，", 1), ("picture", "", 2), ("paragraph", "后面的文字。", 3)]
    assert 'width="120.50pt"' in str(blocks[1].inline) and blocks[1].caption == ""


def test_a_picture_the_renderer_has_nothing_for_is_left_out_caption_and_all():
    blocks = to_blocks("正文。\n\n![图2 没有的图](images/none.jpg)\n", pictures=PLACED)
    assert [b.kind for b in blocks] == ["paragraph"]
    unplaced = to_blocks("![图2 说明](images/none.jpg)\n")  # check's view: the picture is there, unplaced
    assert [(b.kind, b.text, str(b.inline)) for b in unplaced] == [("picture", "图2 说明", "")]


def test_a_caption_is_plain_text_and_markup_in_it_is_not_passed_on():
    [block] = to_blocks('![图3 **加粗**与<b>标记</b> & "引号"](images/a.jpg)\n', pictures=PLACED)
    assert block.caption == '图3 加粗与<b>标记</b> & "引号"'  # the template escapes it
