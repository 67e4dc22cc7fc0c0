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
    from lxml import etree

    namespaces = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                  "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}  # fmt: skip
    # in the DrawingML box; its VML fallback (mc:Fallback) repeats it for older readers
    boxed = etree.XPath(".//mc:Choice//w:txbxContent//w:tc//w:t", namespaces=namespaces)(document.element.body)
    assert "".join(t.text for t in boxed) == "报：甲，乙。"


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


def test_distribution_block_is_pinned_so_its_bottom_is_the_text_blocks_bottom(sheet):
    from zhuanbao.docx.body import BodyWriter

    long_list = "，".join(["市直有关单位"] * 8)  # 2 + 55 characters: wraps once at 14 pt
    table = Table(
        "distribution",
        [
            Row([Cell([Paragraph("distribution", [Run(f"报：{long_list}。")], hang="报：")])]),
            Row([Cell([Paragraph("distribution-last", [Run("编辑：王芳\t（共印60份）")])])]),
        ],
    )
    writer = BodyWriter(sheet)
    pitch = sheet.page.line_pitch
    assert writer.lines(table.rows[0].cells[0].paragraphs[0], sheet.page.text_width) == 3
    assert writer.table_height(table) == pytest.approx(4 * pitch + 1 + 1 + 0.75)
    document = part(make(sheet, [Paragraph("body", [Run("正文")]), table]), "word/document.xml")
    offset = int(re.search(r"<wp:posOffset>(\d+)</wp:posOffset>", document).group(1)) / 12700
    assert offset == pytest.approx(sheet.page.text_height - writer.table_height(table), abs=0.01)
    assert "<wp:wrapTopAndBottom/>" in document and 'relativeFrom="margin"' in document


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


def body_paragraphs(xml: str) -> list[str]:
    return re.findall(r"<w:p>.*?</w:p>", xml.split("<w:body>")[1])


def test_a_credit_stays_on_the_last_line_only_where_it_fits_whole(sheet):
    """On the grid of 28: a last line of 10 characters leaves room for the credit (8 characters and two
    narrow brackets) and the margin; one of 19 does not, and the credit goes after a line break,
    flush right at a tab stop, with widow control so that it never starts a page alone."""
    credit = [Run("[常德市统计局供稿]", style="source")]
    for own, alone in ((26 + 10, False), (26 + 19, True)):
        para = Paragraph("body", [Run("民" * own)], tail=credit)
        [xml] = body_paragraphs(part(make(sheet, [para]), "word/document.xml"))
        assert "[常德市统计局供稿]" in xml
        assert ("<w:br/><w:tab/>" in xml) is alone
        assert ('<w:tab w:val="right" w:pos="8844"/>' in xml) is alone  # 156 mm
        assert ("<w:widowControl/>" in xml) is alone
    assert "<w:doNotExpandShiftReturn/>" in part(make(sheet), "word/settings.xml")


def test_widow_control_only_for_paragraphs_whose_last_line_is_short(sheet):
    """Widow control costs the page before a line, so it is on only where the last line is short."""
    xml = part(make(sheet, [Paragraph("body", [Run("民" * (26 + 28 + 3))]),
                            Paragraph("body", [Run("民" * (26 + 28 + 20))])]), "word/document.xml")  # fmt: skip
    short, long = body_paragraphs(xml)
    assert "<w:widowControl/>" in short and "<w:widowControl/>" not in long
    styles = part(make(sheet), "word/styles.xml")
    assert '<w:widowControl w:val="0"/>' in styles  # the 22-line grid everywhere else


def test_a_tables_first_and_last_rows_and_its_note_keep_together(sheet):
    from zhuanbao.doctree import DataTable

    rows = [[(f"项目{i}", "left"), (str(i), "right")] for i in range(1, 11)]
    table = DataTable("indicator", "table-head", "table-cell", ["项目", "完成"], rows, [4.0, 3.0])
    xml = part(make(sheet, [table, Paragraph("table-note", [Run("注：……")])]), "word/document.xml")
    kept = [row.count("<w:keepNext/>") == 2 for row in xml.split("<w:tr>")[1:]]
    # the header and rows 1–2 keep with the next (header + 3 rows together); rows 8–9 and 10 with the note
    assert kept == [True, True, True, False, False, False, False, False, True, True, True]
    assert re.search(r'<w:pStyle w:val="table-cell"/><w:keepNext/><w:jc w:val="left"/>', xml)  # schema order
