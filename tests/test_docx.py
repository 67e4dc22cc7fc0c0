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


# --- what Word, WPS and LibreOffice read ------------------------------------------

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

#: Namespaces whose mc:Choice each reader takes. Word 2013 and later write w14 and w15
#: markup themselves; LibreOffice's DOCX import (writerfilter,
#: OOXMLFastContextHandler::prepareMceContext) takes a Choice only for these four.
WORD_2013 = {"http://schemas.microsoft.com/office/word/2010/wordml",
             "http://schemas.microsoft.com/office/word/2012/wordml",
             "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"}  # fmt: skip
LIBREOFFICE = {"http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
               "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
               "http://schemas.microsoft.com/office/word/2010/wordml",
               "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"}  # fmt: skip


def as_read_by(xml: str, understood: set[str]):
    """The part as a reader that understands ``understood`` sees it: each
    mc:AlternateContent replaced by its first Choice whose Requires it
    understands, else by its Fallback (ISO/IEC 29500-3, Markup Compatibility)."""
    from lxml import etree

    root = etree.fromstring(xml.encode())
    for alternate in list(root.iter(f"{MC}AlternateContent")):
        chosen = next((c for c in alternate.findall(f"{MC}Choice")
                       if all(c.nsmap.get(p) in understood for p in c.get("Requires").split())),
                      alternate.find(f"{MC}Fallback"))  # fmt: skip
        parent, index = alternate.getparent(), alternate.getparent().index(alternate)
        parent.remove(alternate)
        for offset, child in enumerate(list(chosen) if chosen is not None else []):
            parent.insert(index + offset, child)
    return root


def hangs(styles_root, inverted: bool) -> bool:
    """Whether body text may hang a closing mark past the margin: the default
    paragraph properties' overflowPunct, read as Word does (as written) or as
    LibreOffice's DOCX import does (inverted)."""
    values = [e.get(f"{W}val") for e in styles_root.iter(f"{W}overflowPunct")]
    assert len(values) == 1, "one overflowPunct, in the document defaults, and no style overriding it"
    on = values[0] in ("1", "true", "on")
    return not on if inverted else on


def test_word_and_libreoffice_both_keep_closing_marks_inside_the_margin(sheet):
    """Word hangs a closing mark in the margin when overflowPunct is on (its
    default); LibreOffice 7.4 then pushed the line's 28th character down instead,
    so the preview's pages could differ from the printout (issue 16, finding 6).
    Neither may hang: Word reads the value as written, LibreOffice inverted
    (writerfilter DomainMapper: ParaIsHangingPunctuation = val == 0), so each must
    read its own value — Word takes the w15 Choice, LibreOffice the Fallback."""
    styles = part(make(sheet), "word/styles.xml")
    assert not hangs(as_read_by(styles, WORD_2013), inverted=False), "Word would hang the mark"
    assert not hangs(as_read_by(styles, LIBREOFFICE), inverted=True), "LibreOffice would hang it (and not draw it)"


#: Chinese faces on every Chinese Windows 10/11: the core list (SimSun, NSimSun,
#: Microsoft YaHei) and the Chinese (Simplified) Supplemental Fonts installed with
#: the language (DengXian, FangSong, KaiTi, SimHei) — Microsoft's "Windows 10 font
#: list"; Word matches a face by its Chinese or English name.
STOCK_WINDOWS = {"宋体", "SimSun", "新宋体", "NSimSun", "微软雅黑", "Microsoft YaHei", "等线", "DengXian",
                 "仿宋", "FangSong", "楷体", "KaiTi", "黑体", "SimHei", "Times New Roman"}  # fmt: skip


def test_every_face_falls_back_to_a_stock_windows_face_and_xiaobiaosong_to_a_heavy_one(sheet):
    """Where 仿宋_GB2312, 楷体_GB2312 or 方正小标宋简体 is not installed, Word
    and WPS use the font table's altName (ISO/IEC 29500-1 §17.8.3.1). It must
    name a face a stock Windows has, and for the 小标宋 of the masthead and
    titles a heavy one: 宋体 printed them thin."""
    from lxml import etree

    table = etree.fromstring(part(make(sheet), "word/fontTable.xml").encode())
    alt = {f.get(f"{W}name"): (f.find(f"{W}altName").get(f"{W}val") if f.find(f"{W}altName") is not None else None)
           for f in table.iter(f"{W}font")}  # fmt: skip
    named = {fmt.east_asia for fmt in sheet.paragraphs.values()} | {fmt.latin for fmt in sheet.paragraphs.values()}
    assert named <= alt.keys()
    for face in named:
        assert face in STOCK_WINDOWS or alt[face] in STOCK_WINDOWS, (face, alt[face])
    assert alt["方正小标宋简体"] in {"黑体", "SimHei"}
    assert alt["仿宋_GB2312"] == "仿宋" and alt["楷体_GB2312"] == "楷体"


def test_a_centred_title_set_wide_has_no_spacing_after_its_last_glyph(sheet):
    """Word adds a run's letter spacing after every character, the last one too
    (ISO/IEC 29500-1 §17.3.2.35: "after each character in this run"), and
    centres that whole advance: the masthead's name sat 6 pt (about 2 mm) left
    of centre (issue 16, finding 9). LibreOffice centres the glyphs themselves
    (tests/test_e2e.py measures it). Read as Word does, the last glyph must
    carry no spacing and every other one the style's."""
    from lxml import etree

    data = make(sheet, [Paragraph("masthead-title", [Run("工作"), Run("专报", bold=True)])])
    style = re.search(r'w:styleId="masthead-title">.*?</w:style>', part(data, "word/styles.xml")).group(0)
    styled = int(re.search(r'<w:spacing w:val="(-?\d+)"/>', style).group(1))
    assert styled == 240  # 12 pt
    body = etree.fromstring(part(data, "word/document.xml").encode())
    advances = []  # letter spacing after each character, in twips, as Word applies it
    for run in body.iter(f"{W}r"):
        own = run.find(f"{W}rPr/{W}spacing")
        spacing = int(own.get(f"{W}val")) if own is not None else styled
        advances += [spacing] * len("".join(t.text for t in run.iter(f"{W}t")))
    assert advances == [240, 240, 240, 0]
    # the caller's runs are not changed, and text that is not centred keeps its spacing
    left = make(sheet, [Paragraph("masthead-title", [Run("工作专报")], align="left")])
    assert '<w:spacing w:val="0"/>' not in part(left, "word/document.xml")


@pytest.fixture(scope="module")
def example_documents(tmp_path_factory):
    from zhuanbao.build import build

    from .conftest import EXAMPLE

    return [built.path for built in build(EXAMPLE, tmp_path_factory.mktemp("valid"))]


@pytest.mark.parametrize("version", ["OFFICE_2007", "MICROSOFT_365"])
def test_the_example_documents_validate_as_word_reads_them(example_documents, version):
    """The Open XML SDK's checks (openxml-audit, a pure-Python port: a dev
    dependency, so this never skips) for Word 2007 and for current Word: a
    missing theme part and Word 2010's tblLook attributes were each an error."""
    from openxml_audit.errors import FileFormat
    from openxml_audit.validator import OpenXmlValidator

    validator = OpenXmlValidator(file_format=getattr(FileFormat, version), max_errors=0)
    for path in example_documents:
        result = validator.validate(path)
        assert result.is_valid, (path.name, [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors])


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
