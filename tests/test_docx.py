"""The .docx writer: package parts and the OOXML details Word and WPS depend on."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx as python_docx
import pytest

from zhuanbao.doctree import Cell, Document, Paragraph, Row, Run, Table
from zhuanbao.docx import docx_bytes
from zhuanbao.load.templates import default_template_dir, load_style_sheet

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def sheet():
    return load_style_sheet(default_template_dir() / "style.yaml")


def make(sheet, blocks=None) -> bytes:
    blocks = blocks or [
        Paragraph("masthead-title", [Run("工作专报")]),
        Paragraph("body", [Run("导语。", style="lead-title"), Run("正文 & <特殊> 字符\t制表\n换行")]),
        Table("distribution", [Row([Cell([Paragraph("distribution", [Run("报：甲，乙。")], hang="报：")])])]),
    ]
    return docx_bytes(Document(blocks, "工作专报2024年第3期", "青石市专班", dt.date(2024, 3, 15)), sheet)


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


def test_same_input_gives_identical_bytes(sheet):
    assert make(sheet) == make(sheet)


def test_zip_entries_have_fixed_timestamps(sheet):
    for info in zipfile.ZipFile(io.BytesIO(make(sheet))).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)


def test_python_docx_opens_it_and_reads_text_and_properties(sheet):
    document = python_docx.Document(io.BytesIO(make(sheet)))
    texts = [p.text for p in document.paragraphs]
    assert "工作专报" in texts
    assert any("正文 & <特殊> 字符" in t for t in texts)
    props = document.core_properties
    assert props.title == "工作专报2024年第3期"
    assert props.author == "青石市专班"
    assert props.created == dt.datetime(2024, 3, 15, tzinfo=dt.timezone.utc)
    # the 版记 is ordinary paragraphs (in a frame): every reader that reads paragraphs has it
    assert "报：甲，乙。" in texts


def test_page_setup_follows_gb9704(sheet):
    section = python_docx.Document(io.BytesIO(make(sheet))).sections[0]
    mm = 36000  # EMU per millimetre
    assert round(section.page_width / mm) == 210 and round(section.page_height / mm) == 297
    assert round(section.top_margin / mm) == 37
    assert round(section.bottom_margin / mm) == 35
    assert round(section.left_margin / mm) == 28
    assert round(section.right_margin / mm) == 26


def test_every_style_sets_the_east_asian_font_and_chinese_language(sheet):
    styles = part(make(sheet), "word/styles.xml")
    body = re.search(r'<w:style [^>]*w:styleId="body">.*?</w:style>', styles).group(0)
    assert 'w:eastAsia="仿宋_GB2312"' in body
    assert 'w:ascii="Times New Roman"' in body
    assert 'w:eastAsia="zh-CN"' in body
    assert '<w:sz w:val="32"/>' in body  # 三号 = 16 pt
    for style_id in ("section", "masthead-title", "item-headline", "distribution"):
        block = re.search(rf'<w:style [^>]*w:styleId="{style_id}">.*?</w:style>', styles).group(0)
        assert "w:eastAsia=" in block, style_id


def test_body_line_pitch_gives_22_lines_and_grid_spacing_28_characters(sheet):
    styles = part(make(sheet), "word/styles.xml")
    body = re.search(r'<w:style [^>]*w:styleId="body">.*?</w:style>', styles).group(0)
    line = int(re.search(r'w:line="(\d+)" w:lineRule="exact"', body).group(1))
    text_height = (297 - 37 - 35) / 25.4 * 1440
    assert int(text_height // line) == 22
    spacing = int(re.search(r'<w:spacing w:val="(-?\d+)"/>', body).group(1))
    text_width_pt = (210 - 28 - 26) / 25.4 * 72
    pitch = 16 + spacing / 20
    assert int(text_width_pt // pitch) == 28
    assert 'w:firstLine="630"' in body  # two characters of the condensed pitch


def test_defaults_carry_no_indent_that_would_leak_into_tables_and_footers(sheet):
    styles = part(make(sheet), "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles).group(0)
    assert "w:ind" not in defaults and "firstLine" not in defaults


def test_odd_and_even_footers_with_em_dash_folio(sheet):
    data = make(sheet)
    assert "<w:evenAndOddHeaders/>" in part(data, "word/settings.xml")
    document = part(data, "word/document.xml")
    assert 'w:footerReference w:type="default"' in document and 'w:footerReference w:type="even"' in document
    odd, even = part(data, "word/footer1.xml"), part(data, "word/footer2.xml")
    for footer in (odd, even):
        assert "\u2014 </w:t>" in footer and "> \u2014</w:t>" in footer
        assert " PAGE " in footer
    assert 'w:val="folio-odd"' in odd and 'w:val="folio-even"' in even
    styles = part(data, "word/styles.xml")
    odd_style = re.search(r'w:styleId="folio-odd">.*?</w:style>', styles).group(0)
    even_style = re.search(r'w:styleId="folio-even">.*?</w:style>', styles).group(0)
    assert '<w:jc w:val="right"/>' in odd_style and 'w:right="280"' in odd_style
    assert '<w:jc w:val="left"/>' in even_style and 'w:left="280"' in even_style
    assert '<w:sz w:val="28"/>' in odd_style  # 4号 = 14 pt


def test_text_is_escaped_and_tabs_and_breaks_become_elements(sheet):
    document = part(make(sheet), "word/document.xml")
    assert "正文 &amp; &lt;特殊&gt; 字符" in document
    assert "<w:tab/>" in document and "<w:br/>" in document


def test_control_characters_never_reach_the_xml(sheet):
    blocks = [Paragraph("body", [Run("甲\x0b乙\x00丙\x0c丁")])]
    document = part(make(sheet, blocks), "word/document.xml")
    assert "甲乙丙丁" in document


def test_hanging_label_indents_continuation_lines_after_the_label(sheet):
    document = part(make(sheet), "word/document.xml")
    left, hanging = map(int, re.search(r'<w:ind w:left="(\d+)" w:right="\d+" w:hanging="(\d+)"', document).groups())
    assert hanging == 2 * 14 * 20  # 报： is two characters of 14 pt
    assert left == hanging + 14 * 20  # one character in from the edge, plus the label


def test_font_table_gives_windows_fallbacks(sheet):
    fonts = part(make(sheet), "word/fontTable.xml")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_masthead_that_would_wrap_is_shrunk_to_one_line(sheet):
    long_title = "某某省某某市某某县打好重点民生保障仗工作专报"
    document = part(make(sheet, [Paragraph("masthead-title", [Run(long_title)])]), "word/document.xml")
    size = int(re.search(r'<w:sz w:val="(\d+)"/>', document).group(1)) / 2
    width_pt = (210 - 28 - 26) / 25.4 * 72
    assert size * len(long_title) <= width_pt
    short = part(make(sheet, [Paragraph("masthead-title", [Run("工作专报")])]), "word/document.xml")
    assert "<w:sz " not in short  # the style's own size is kept when it fits


def test_distribution_block_is_a_frame_pinned_to_the_bottom_taking_whole_lines(sheet):
    from zhuanbao.docx.body import BodyWriter

    long_list = "，".join(["市直有关单位"] * 8)  # 2 + 55 characters: wraps once at 14 pt
    table = Table(
        "distribution",
        [
            Row([Cell([Paragraph("distribution", [Run(f"报：{long_list}。")], hang="报：")])]),
            Row([Cell([Paragraph("distribution-last", [Run("编辑：王芳\t（共印60份）")])])]),
        ],
    )
    pitch = sheet.page.line_pitch
    assert BodyWriter(sheet).lines(table.rows[0].cells[0].paragraphs[0], sheet.page.text_width) == 3
    document = part(make(sheet, [Paragraph("body", [Run("正文")]), table]), "word/document.xml")
    framed = re.findall(r"<w:p><w:pPr>(?:(?!</w:pPr>).)*<w:framePr ([^>]*)/>.*?</w:p>", document)
    assert len(framed) == 2 + 3  # two rows, three rules
    assert set(framed) == {f'w:w="{round(sheet.page.text_width * 20)}" w:wrap="notBeside" w:vAnchor="margin" '
                           'w:hAnchor="margin" w:xAlign="center" w:yAlign="bottom"'}  # fmt: skip
    # rows and rules take 4 lines less 2 pt: the block fits wherever 4 lines are free
    lines = [int(n) for n in re.findall(r'<w:spacing (?:w:before="0" w:after="0" )?w:line="(\d+)" w:lineRule="exact"/>',
                                        document)]  # fmt: skip
    rows = lines[1:2] * 3 + lines[3:4]  # the first row has three lines, the second one
    rules = [lines[0], lines[2], lines[4]]
    assert rules == [20, 15, 20]  # 1 pt, 0.75 pt, 1 pt
    assert (sum(rows) + sum(rules)) / 20 == pytest.approx(4 * pitch - 2, abs=0.1)
    assert document.rstrip().endswith('<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
                                      + document[document.index("<w:sectPr>"):])  # fmt: skip


def test_a_cell_s_alignment_is_written_without_changing_the_tree(sheet):
    paragraph = Paragraph("body", [Run("（共印80份）")])
    table = Table("distribution", [Row([Cell([paragraph], align="right")])])
    xml = part(make(sheet, [table]), "word/document.xml")
    assert '<w:jc w:val="right"/>' in xml
    assert paragraph.align is None  # the caller's tree is as it was


def test_a_block_too_tall_for_a_page_names_where_its_content_came_from(sheet):
    from pathlib import Path

    from zhuanbao.diagnostics import LayoutError, Location
    from zhuanbao.doctree import Origin

    rows = [Row([Cell([Paragraph("distribution", [Run(f"送：单位{i}。")])])]) for i in range(40)]
    origin = Origin(Location(Path("series.yaml")), "报尾（报、送、发等）", "请合并发送范围")
    with pytest.raises(LayoutError) as caught:
        make(sheet, [Paragraph("body", [Run("正文。")]), Table("distribution", rows, origin=origin)])
    assert caught.value.path == Path("series.yaml") and caught.value.hint == "请合并发送范围"
    assert re.fullmatch(r"报尾（报、送、发等）排出来约 4[01] 行，一页只排得下 22 行", caught.value.message)  # 40 lines and rules
