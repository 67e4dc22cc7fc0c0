"""zhuanbao.load.word: a submitted .docx read as its author sees it on screen."""

from __future__ import annotations

import zipfile
import zlib

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


def with_footnotes(source_path, target, notes: str) -> None:
    """A copy of a python-docx document with a footnotes part, as Word writes one."""
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(target, "w") as out:
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


def test_footnotes_left_out_are_told(tmp_path):
    d = docx.Document()
    d.add_paragraph("正文")
    d.save(tmp_path / "a.docx")
    notes = (f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>数据来源：市统计局。</w:t></w:r></w:p></w:footnote></w:footnotes>')  # fmt: skip
    with_footnotes(tmp_path / "a.docx", tmp_path / "b.docx", notes)
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


# --- hostile submissions (issue 13): zip bombs, damaged zips, thousands of styles, numbers that are not ------------


def plain_docx(path, text="正文"):
    d = docx.Document()
    d.add_paragraph("东岭区：新建就业帮扶车间5个")
    d.add_paragraph(text)
    d.save(path)
    return path


def patched(path, name, **fields):
    """The zip at ``path`` with the headers (local and directory) of part ``name`` changed:
    flags, method, crc, csize, usize — what a hostile or damaged file states about a part."""
    import struct

    data = bytearray(path.read_bytes())
    offsets = {"flags": 6, "method": 8, "crc": 14, "csize": 18, "usize": 22}  # in a local header
    for signature, shift, name_at in ((b"PK\x03\x04", 0, 30), (b"PK\x01\x02", 2, 46)):  # the directory's are 2 later
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + 26 + shift)[0]
            if data[at + name_at : at + name_at + length] == name.encode():
                for field_name, value in fields.items():
                    size = "<H" if field_name in ("flags", "method") else "<I"
                    struct.pack_into(size, data, at + offsets[field_name] + shift, value)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def zeros_deflated(chunks: int, chunk: int = 2**24) -> bytes:
    """A raw deflate stream of ``chunks`` × 16 MB of zeros, made without inflating
    it: after a full flush the compressor forgets its history, so every middle
    chunk compresses to the same bytes."""
    import zlib

    zeros = bytes(chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH) == middle
    return first + middle * (chunks - 3) + compressor.compress(zeros) + compressor.flush()


def with_bomb(tmp_path, claimed: int, crc: int = 0):
    """A .docx whose word/document.xml inflates to 3 GB of zeros, its directory claiming ``claimed`` bytes."""
    source = plain_docx(tmp_path / "ok.docx")
    stream = zeros_deflated(192)  # 192 × 16 MB = 3 GB
    target = tmp_path / "稿件.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename == "word/document.xml":
                new.writestr(zipfile.ZipInfo(item.filename), stream)  # stored as is: the bytes of a deflate stream
            else:
                new.writestr(item, old.read(item))
    return patched(target, "word/document.xml", method=zipfile.ZIP_DEFLATED, usize=claimed, crc=crc)


@pytest.mark.parametrize(
    ("claimed", "crc", "fragments"),
    [
        (3 * 2**30, 0, ["“word/document.xml”解压后有 3.0 GB，超过文字部件每个 8.0 MB 的上限", "另存为 .docx"]),
        # a directory that lies, and then the checksum of what it claims: zipfile's read() would
        # still ask zlib for 2 GB at once; read a megabyte at a time, it is 4 KB of zeros, not XML
        (4096, 0, ["无法打开 Word 文件：文件已损坏"]),
        (4096, zlib.crc32(bytes(4096)), ["无法打开 Word 文件：文件已损坏"]),
    ],
)
def test_a_part_that_inflates_to_gigabytes_is_refused_within_bounds(series, tmp_path, claimed, crc, fragments):
    """Was a MemoryError: python-docx inflates word/document.xml whole."""
    from .conftest import bounded, refused

    bomb = with_bomb(tmp_path, claimed, crc)
    assert bomb.stat().st_size < 4 * 2**20
    issue = series() / "2024-03"
    result = bounded("import", str(bomb), str(issue), "-s", "工作简讯", memory_mb=512, seconds=30)
    refused(result, str(bomb), *fragments)
    assert result.seconds < 15 and len(list((issue / "items").iterdir())) == 1


def test_a_part_compressed_far_better_than_word_compresses_is_refused(tmp_path):
    source = plain_docx(tmp_path / "ok.docx")
    target = tmp_path / "b.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr("word/media/image1.png", bytes(8 * 2**20))  # 8 MB of zeros in 8 KB
    with pytest.raises(ContentError) as caught:
        read_word(target)
    assert caught.value.path == target
    assert "“word/media/image1.png”压缩比异常（解压后是压缩时的 1,0" in caught.value.message
    assert "上限 400 倍" in caught.value.message


def test_too_much_in_total_or_too_many_parts_is_refused(tmp_path, monkeypatch):
    from zhuanbao.load import word

    source = plain_docx(tmp_path / "ok.docx")
    target = tmp_path / "many.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        for i in range(5001):
            new.writestr(f"extra/part{i}.bin", "")
    with pytest.raises(ContentError, match=r"部件太多（5,0\d\d 个，上限 5,000 个）"):
        read_word(target)
    monkeypatch.setattr(word, "MAX_TOTAL_BYTES", 20_000)  # a few images over the limit, none alone
    with pytest.raises(ContentError, match=r"Word 文件解压后共 0.\d MB，超过 0.0 MB 的上限"):
        read_word(source)


def test_a_zip_directory_too_large_to_read_is_refused_before_it_is_read(tmp_path):
    import struct

    path = plain_docx(tmp_path / "a.docx")
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.rfind(b"PK\x05\x06") + 12, 64 * 2**20)  # the end record's directory size
    path.write_bytes(bytes(data))
    with pytest.raises(ContentError, match="Word 文件的目录太大（64 MB，上限 2.0 MB）"):
        read_word(path)


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        ("bad-crc", "文件已损坏"),
        ("truncated", "文件已损坏"),
        ("unknown-compression", "文件已损坏"),
        ("encrypted", "其中的内容设了密码"),
        ("ole", "这是 .doc 格式（把扩展名改为 .doc 即可导入），或设了打开密码"),
    ],
)
def test_a_corrupt_or_encrypted_zip_is_explained(tmp_path, damage, fragment):
    path = plain_docx(tmp_path / "a.docx")
    if damage == "bad-crc":
        patched(path, "word/document.xml", crc=0x12345678)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    elif damage == "unknown-compression":
        patched(path, "word/document.xml", method=99)
    elif damage == "encrypted":
        patched(path, "word/document.xml", flags=1)
    else:  # what Word saves when a document has an opening password
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(ContentError) as caught:
        read_word(path)
    assert caught.value.path == path and "无法打开 Word 文件" in caught.value.message
    assert fragment in caught.value.message


def with_styles(tmp_path, count: int):
    """``count`` paragraph styles, each based on the one before, the first a numbered list;
    ``count`` paragraphs, each in one of them (the last styles first)."""
    source = tmp_path / "ok.docx"
    docx.Document().save(source)
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="S{i}"/>'
        + (f'<w:basedOn w:val="S{i - 1}"/>' if i else '<w:basedOn w:val="ListNumber"/>')
        + "</w:style>"
        for i in range(count)
    )
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="S{count - 1 - i}"/></w:pPr><w:r><w:t>第{i}段</w:t></w:r></w:p>'
        for i in range(count)
    )
    target = tmp_path / "稿件.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", styles.encode() + b"</w:styles>")
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + paragraphs.encode())
            new.writestr(item, data)
    return target


def test_thousands_of_styles_are_looked_up_in_linear_time(series, tmp_path):
    """Was minutes: every paragraph searched the style list, and walked its basedOn chain, again."""
    from .conftest import bounded

    path = with_styles(tmp_path, 20)
    assert [p.number for p in read_word(path)[0]][:3] == ["1.", "2.", "3."]  # numbering through basedOn
    path = with_styles(tmp_path, 5000)
    issue = series() / "2024-03"
    result = bounded("import", str(path), str(issue), "-s", "工作简讯", memory_mb=512, seconds=60)
    assert result.returncode == 0 and result.seconds < 15, (result.seconds, result.stderr[-2000:])
    item = next(p for p in (issue / "items").iterdir() if not p.name.startswith("01-"))
    assert "5000. 第4999段" in item.read_text("utf-8")


def test_numbering_values_that_are_not_numbers_are_read_as_absent(tmp_path):
    """Were a ValueError traceback (w:val="x"), or a hang (ilvl of a billion, a start of 10¹¹ in roman)."""
    levels = (
        '<w:lvl w:ilvl="x"><w:start w:val="x"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="99999999999"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%2)"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="2"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
    )
    path = numbered_document(tmp_path, levels, [
        ("加强组织领导", "x", "90"), ("成立专班", 1, "90"), ("建立台账", 2, "90"),
        ("深层", 999999999, "90"), ("未知编号", 0, "x"), ("强化政策落实", 0, "90"),
    ])  # fmt: skip
    assert [p.number for p in read_word(path)[0]] == ["一、", "i)", "b)", "二、", None, "三、"]


def test_note_ids_and_run_properties_that_are_not_word_values_do_not_stop_the_import(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("全区新增就业")
    p._p.append(parse_xml(f'<w:r {W}><w:rPr><w:b w:val="x"/></w:rPr><w:t>3200</w:t></w:r>'))
    p.add_run("人。").bold = True
    d.save(tmp_path / "a.docx")
    notes = (f'<w:footnotes {W}><w:footnote w:id="x"><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:footnote>'
             '<w:footnote w:id="2"><w:p><w:r><w:t>数据来源：市统计局。</w:t></w:r></w:p></w:footnote></w:footnotes>')  # fmt: skip
    with_footnotes(tmp_path / "a.docx", tmp_path / "b.docx", notes)
    paragraphs, left_out = read_word(tmp_path / "b.docx")
    assert paragraphs[0].pieces == [("全区新增就业", False), ("3200", False), ("人。", True)]
    assert left_out == ["稿件中有 1 条脚注或尾注没有导入：需要时请把内容写进正文"]


# --- text that is too long: XML parts, paragraphs (issue 13) -------------------------------------


def random_paragraphs(count: int, letters: int) -> bytes:
    """``count`` paragraphs of ``letters`` random letters each: XML that deflates
    about 4:1, like a real document's, not the 1000:1 of repeated paragraphs."""
    import os
    import string

    table = bytes.maketrans(bytes(range(256)), (string.ascii_letters * 5)[:256].encode())
    raw = os.urandom(count * letters).translate(table)
    return b"".join(b"<w:p><w:r><w:t>" + raw[i : i + letters] + b"</w:t></w:r></w:p>" for i in range(0, len(raw), letters))


def with_parts(tmp_path, name="稿件.docx", paragraphs: bytes = b"", **parts: bytes):
    """A plain .docx with ``paragraphs`` added to word/document.xml, and ``parts`` added
    (``word__media__x_bin`` for word/media/x.bin)."""
    source = plain_docx(tmp_path / "ok.docx")
    target = tmp_path / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + paragraphs)
            new.writestr(item.filename, data)
        for key, data in parts.items():
            new.writestr(key.replace("__", "/").replace("_", "."), data)
    return target


def test_a_document_of_thirty_megabytes_of_text_is_refused_quickly_within_bounds(series, tmp_path):
    """Was an XPathEvalError traceback within 512 MB; without a limit 51 s, 1.6 GB and a 9.8 MB item.
    A 7 MB file within every other limit: 700,000 paragraphs of random letters, 30 MB of XML."""
    from .conftest import bounded, refused

    path = with_parts(tmp_path, paragraphs=random_paragraphs(700_000, 12))
    assert path.stat().st_size < 10 * 2**20 and zipfile.ZipFile(path).getinfo("word/document.xml").file_size > 30 * 10**6
    issue = series() / "2024-03"
    result = bounded("import", str(path), str(issue), "-s", "工作简讯", memory_mb=512, seconds=60)
    refused(result, str(path), "“word/document.xml”解压后有 30 MB，超过文字部件每个 8.0 MB 的上限", "请分成几篇分别导入")
    assert result.seconds < 15 and len(list((issue / "items").iterdir())) == 1


def test_xml_not_named_xml_and_xml_parts_together_are_bounded(tmp_path, monkeypatch):
    from zhuanbao.load import word

    xml = b"<?xml version='1.0'?><x>" + random_paragraphs(400_000, 12) + b"</x>"  # 12 MB
    path = with_parts(tmp_path, word__media__image9_bin=xml)
    with pytest.raises(ContentError, match="“word/media/image9.bin”解压后超过文字部件每个 8.0 MB 的上限"):
        read_word(path)
    # a picture of the same size is only a picture
    path = with_parts(tmp_path, word__media__image9_png=b"\x89PNG" + xml)
    assert texts(path) == ["东岭区：新建就业帮扶车间5个", "正文"]
    monkeypatch.setattr(word, "MAX_XML_BYTES", 20_000)  # the styles, settings … of a plain document are more
    with pytest.raises(ContentError, match=r"Word 文件中的文字部件解压后共 0.\d MB，超过 0.0 MB 的上限：一篇稿件很少"):
        read_word(plain_docx(tmp_path / "a.docx"))
    monkeypatch.setattr(word, "_named_xml", lambda name: False)  # the same, found while inflating
    with pytest.raises(ContentError, match="文字部件解压后共超过 0.0 MB 的上限"):
        read_word(plain_docx(tmp_path / "a.docx"))


def test_a_picture_claiming_gigabytes_is_refused_by_the_limit_for_any_part(tmp_path):
    path = with_parts(tmp_path, word__media__image1_png=b"\x89PNG" + bytes(100))
    patched(path, "word/media/image1.png", usize=3 * 2**30)
    with pytest.raises(ContentError, match="“word/media/image1.png”解压后有 3.0 GB，超过每个部件 32 MB 的上限"):
        read_word(path)


def test_more_paragraphs_than_any_submission_has_are_refused(tmp_path):
    ok = with_parts(tmp_path, "ok20000.docx", random_paragraphs(20_000 - 2, 3))
    assert len(read_word(ok)[0]) == 20_000
    path = with_parts(tmp_path, paragraphs=random_paragraphs(20_000 - 1, 3))
    with pytest.raises(ContentError) as caught:
        read_word(path)
    assert caught.value.path == path
    assert caught.value.message.startswith("Word 文件的段落太多（超过 20,000 段）：一篇稿件很少有这么多文字，请分成几篇分别导入")


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        ("xpath", "无法读取 Word 文件：内容太多或结构异常"),  # what lxml says when memory runs out
        ("memory", "无法读取 Word 文件：内容太多或结构异常"),
        ("syntax", "无法打开 Word 文件：文件已损坏"),
    ],
)
def test_lxml_failing_while_the_paragraphs_are_read_is_a_chinese_message(tmp_path, monkeypatch, error, fragment):
    from lxml import etree

    from zhuanbao.load import word

    def failing(p, document, pictures=None):
        if error == "xpath":
            raise etree.XPathEvalError("unknown error")
        if error == "memory":
            raise MemoryError
        raise etree.XMLSyntaxError("Memory allocation failed", 1, 1, 1)
        yield

    monkeypatch.setattr(word, "_pieces", failing)
    path = plain_docx(tmp_path / "a.docx")
    with pytest.raises(ContentError) as caught:
        read_word(path)
    assert caught.value.path == path and fragment in caught.value.message
