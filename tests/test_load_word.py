"""zhuanbao.load.word: a submitted .docx read as its author sees it on screen."""

from __future__ import annotations

import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from zhuanbao.diagnostics import ContentError
from zhuanbao.importer import docx_paragraphs
from zhuanbao.load.word import read_word

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def texts(path):
    return ["".join(t for t, _ in p.pieces) for p in read_word(path)[0]]


def test_text_inside_links_revisions_fields_controls_and_smart_tags_is_kept(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("详见")
    rid = d.part.relate_to("https://rsj.example.cn/1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True)
    p._p.append(parse_xml(f'<w:hyperlink {W} {R} r:id="{rid}"><w:r><w:t>市人社局网站通知</w:t></w:r></w:hyperlink>'))
    p.add_run("，共帮扶120人。")
    p = d.add_paragraph("全区新增就业")
    p._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="a"><w:r><w:t>3200</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="a"><w:r><w:delText>3000</w:delText></w:r></w:del>'))
    p.add_run("人。")
    p = d.add_paragraph("截至")
    p._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" DATE "><w:r><w:t>2025年8月31日</w:t></w:r></w:fldSimple>'))
    p = d.add_paragraph("负责单位：")
    p._p.append(parse_xml(f"<w:sdt {W}><w:sdtContent><w:r><w:t>东岭区人社局</w:t></w:r></w:sdtContent></w:sdt>"))
    p = d.add_paragraph("联系人")
    p._p.append(parse_xml(f'<w:smartTag {W} w:uri="x" w:element="y"><w:r><w:t>张三</w:t></w:r></w:smartTag>'))
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>内容控件中的一段。</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    d.save(tmp_path / "a.docx")
    assert texts(tmp_path / "a.docx") == [
        "详见市人社局网站通知，共帮扶120人。",
        "全区新增就业3200人。",  # the insertion kept, the deletion not
        "截至2025年8月31日",
        "负责单位：东岭区人社局",
        "联系人张三",
        "内容控件中的一段。",
    ]


def test_a_complex_field_keeps_its_result_not_its_code(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("共")
    for run in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>86</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(run.replace("<w:r>", f"<w:r {W}>", 1)))
    p.add_run("人。")
    d.save(tmp_path / "a.docx")
    assert texts(tmp_path / "a.docx") == ["共86人。"]


def test_a_text_box_is_a_paragraph_after_the_one_it_sits_in_printed_once(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("文本框前")
    box = "<w:txbxContent><w:p><w:r><w:t>文本框里的数字：3200人</w:t></w:r></w:p></w:txbxContent>"
    p._p.append(parse_xml(
        f'<w:r {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    ))
    d.add_paragraph("文本框后")
    d.save(tmp_path / "a.docx")
    assert texts(tmp_path / "a.docx") == ["文本框前", "文本框里的数字：3200人", "文本框后"]


def numbered_document(tmp_path, levels: str, paragraphs: list[tuple[str, int | None, str]]):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level, num_id in paragraphs:
        p = d.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
            )
    d.save(tmp_path / "n.docx")
    return tmp_path / "n.docx"


def test_chinese_numbering_is_kept_as_shown_and_restarts_below_a_new_level(tmp_path):
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    )
    path = numbered_document(tmp_path, levels, [
        ("加强组织领导", 0, "90"), ("成立专班", 1, "90"), ("建立台账", 1, "90"), ("每周调度", 2, "90"),
        ("强化政策落实", 0, "90"), ("发放补贴", 1, "90"),
    ])  # fmt: skip
    assert [p.number for p in read_word(path)[0]] == ["一、", "（一）", "（二）", "1.", "二、", "（一）"]
    paragraphs, _ = docx_paragraphs(path)
    assert paragraphs == ["一、加强组织领导", "（一）成立专班", "（二）建立台账", "1.每周调度", "二、强化政策落实", "（一）发放补贴"]


def test_numbering_switched_off_with_num_id_0_prints_no_number(tmp_path):
    path = numbered_document(tmp_path, "", [("溪口区：开展敬老月活动", None, ""), ("走访慰问老人860户。", 0, "0")])
    assert [p.number for p in read_word(path)[0]] == [None, None]


@pytest.mark.parametrize("damage", ["cut", "not-a-zip"])
def test_a_damaged_word_file_is_explained(tmp_path, damage):
    d = docx.Document()
    d.add_paragraph("正文")
    d.save(tmp_path / "ok.docx")
    target = tmp_path / "bad.docx"
    if damage == "not-a-zip":
        target.write_bytes(b"PK not really")
    else:
        with zipfile.ZipFile(tmp_path / "ok.docx") as source, zipfile.ZipFile(target, "w") as out:
            for item in source.infolist():
                data = source.read(item)
                out.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(ContentError, match="无法打开 Word 文件"):
        read_word(target)


def test_footnotes_left_out_are_told(tmp_path):
    d = docx.Document()
    d.add_paragraph("正文")
    d.save(tmp_path / "a.docx")
    notes = (f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>数据来源：市统计局。</w:t></w:r></w:p></w:footnote></w:footnotes>')  # fmt: skip
    with zipfile.ZipFile(tmp_path / "a.docx") as source, zipfile.ZipFile(tmp_path / "b.docx", "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')  # fmt: skip
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')  # fmt: skip
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", notes)
    assert read_word(tmp_path / "b.docx")[1] == ["稿件中有 1 条脚注或尾注没有导入：需要时请把内容写进正文"]


def test_two_numbering_instances_of_one_list_continue_it_unless_one_restarts(tmp_path):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    level = '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="91">{level}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="92"><w:abstractNumId w:val="91"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="93"><w:abstractNumId w:val="91"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))  # fmt: skip
    for num_id in ("91", "91", "92", "92", "93", "93"):
        p = d.add_paragraph("项")
        p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
    d.save(tmp_path / "n.docx")
    assert [p.number for p in read_word(tmp_path / "n.docx")[0]] == ["1.", "2.", "3.", "4.", "1.", "2."]
