"""import of the word-processor files offices still send — .doc, WPS's .wps, .rtf, .odt (issue 17, item 1):
real files written here by LibreOffice, checked by their content, converted to .docx, imported and built.

A WPS .wps comes in two shapes. Older WPS Writer saves a Word 97 compound file (a WordDocument stream,
with WPS's own streams beside it): LibreOffice's type writer_MS_Word_97 lists the extensions "doc wps" and
reads it with its Word 97 filter, so LibreOffice's Word 97 output saved under the name .wps is the sample
here. WPS 12.1 (2025) saves an OOXML package, a .docx under the name .wps (a public sample was checked:
see the test of it below), read as a .docx without LibreOffice.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from tests.conftest import saved_by_libreoffice

from zhuanbao import services
from zhuanbao.cli import app
from zhuanbao.diagnostics import ContentError, ToolMissingError
from zhuanbao.export import install_hint
from zhuanbao.load.upload import check_office, checked_upload

KINDS = (".doc", ".wps", ".rtf", ".odt")
#: LibreOffice's export filter for each kind (a .wps is a Word 97 file: see the module's docstring)
WRITE = {".doc": "doc:MS Word 97", ".wps": "doc:MS Word 97", ".rtf": "rtf:Rich Text Format", ".odt": "odt:writer8"}


def submission(path: Path) -> Path:
    """A submission as an office writes one: a title, a paragraph with its unit in bold, a table with a
    heading of two rows."""
    document = docx.Document()
    document.add_paragraph("东岭区：新建就业帮扶车间5个")
    first = document.add_paragraph()
    first.add_run("东岭区：").bold = True
    first.add_run("8月以来，全区新建就业帮扶车间5个，吸纳就业120人。各街道进展如下：")
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "街道"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "1—8月完成"
    table.cell(1, 1).text, table.cell(1, 2).text = "车间（个）", "就业（人）"
    for row, values in ((2, ("城东街道", "3", "72")), (3, ("城西街道", "2", "48"))):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    document.add_paragraph("下一步，全区将继续推进车间提质增效。")
    document.save(path)
    return path


@pytest.fixture(scope="session")
def office_files(libreoffice, tmp_path_factory) -> dict[str, Path]:
    """The submission as .doc, .wps, .rtf and .odt, each written by LibreOffice from the .docx."""
    folder = tmp_path_factory.mktemp("office")
    source = submission(folder / "来稿.docx")
    made = {}
    for kind in KINDS:
        written = saved_by_libreoffice(source, WRITE[kind], tmp_path_factory.mktemp("converted"))
        made[kind] = written.rename(folder / f"东岭区来稿{kind}")
    return made


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_each_word_processor_format_is_imported_as_its_docx_would_be_and_builds(series, office_files, kind):
    root = series()
    path = office_files[kind]
    assert checked_upload(path.read_bytes(), path.name, KINDS) == kind  # what its content says it is
    result = services.import_submission(path, root / "2024-03", "区县动态", "东岭区人社局")
    item = result.target.read_text("utf-8")
    assert result.target.name == "02-东岭区-新建就业帮扶车间5个.md"
    assert "title: 东岭区：新建就业帮扶车间5个\n" in item
    assert "**东岭区：**8月以来，全区新建就业帮扶车间5个，吸纳就业120人。各街道进展如下：" in item
    assert ("| 街道 | 1—8月完成·车间（个） | 1—8月完成·就业（人） |\n| --- | --- | --- |\n"
            "| 城东街道 | 3 | 72 |\n| 城西街道 | 2 | 48 |\n") in item  # fmt: skip
    assert result.left_out == ["第 8 行的表格：表头的 2 行合成了一行，上下的文字用“·”连起来，如“1—8月完成·车间（个）”"]

    from zhuanbao.build import build

    [built] = build(root / "2024-03", root.parent / "out")
    printed = docx.Document(str(built.path))
    table = next(t for t in printed.tables if t.rows[0].cells[0].text == "街道")
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["街道", "1—8月完成·车间（个）", "1—8月完成·就业（人）"], ["城东街道", "3", "72"], ["城西街道", "2", "48"]]
    assert any("下一步，全区将继续推进车间提质增效。" in p.text for p in printed.paragraphs)


@pytest.mark.libreoffice
def test_the_command_line_imports_a_doc_and_says_how_its_table_was_written(series, office_files):
    root = series()
    result = CliRunner().invoke(app, ["import", str(office_files[".doc"]), str(root / "2024-03"), "-s", "区县动态"])
    assert result.exit_code == 0, result.output
    assert "注意：第 7 行的表格：表头的 2 行合成了一行" in result.output and "已导入：" in result.output


def test_without_libreoffice_a_doc_is_refused_saying_how_to_install_it(series, tmp_path, monkeypatch):
    monkeypatch.setattr("zhuanbao.export.find_soffice", lambda: None)
    source = tmp_path / "来稿.doc"
    source.write_bytes(word97())
    before = sorted(p.name for p in (series() / "2024-03/items").iterdir())
    with pytest.raises(ToolMissingError) as caught:
        services.import_submission(source, series() / "2024-03", "区县动态")
    assert caught.value.message == "未找到 LibreOffice，无法导入 .doc 文件（需要先把它转换为 .docx）"
    assert caught.value.path == source and caught.value.hint == install_hint()
    assert sorted(p.name for p in (series() / "2024-03/items").iterdir()) == before
    shown = CliRunner().invoke(app, ["import", str(source), str(series() / "2024-03"), "-s", "区县动态"])
    assert shown.exit_code == 2 and "未找到 LibreOffice" in shown.output and install_hint() in shown.output


def test_a_wps_that_wps_saved_as_a_docx_package_is_imported_without_libreoffice(series, tmp_path, monkeypatch):
    """WPS Office 12.1 (2025) saves .wps files as OOXML packages: a public sample (github.com/tangchenxuzi/test,
    test.wps) is a zip of word/document.xml, docProps/app.xml naming "WPS Office_12.1.0.19770" and a
    KSOProductBuildVer custom property. Such a file is a .docx under another name: read as one."""
    monkeypatch.setattr("zhuanbao.export.find_soffice", lambda: None)  # no conversion needed, none tried
    path = submission(tmp_path / "来稿.docx").rename(tmp_path / "东岭区来稿.wps")
    assert checked_upload(path.read_bytes(), path.name, KINDS) == ".wps"
    result = services.import_submission(path, series() / "2024-03", "区县动态", "东岭区人社局")
    item = result.target.read_text("utf-8")
    assert "title: 东岭区：新建就业帮扶车间5个\n" in item and "| 城东街道 | 3 | 72 |\n" in item


# --- by content, not by name -----------------------------------------------------------------------------------


def word97() -> bytes:
    """A small Word 97 file: a compound file whose directory holds a WordDocument stream (made by hand for
    tests without LibreOffice; the real ones above are LibreOffice's)."""
    import olefile

    if not hasattr(word97, "data"):
        word97.data = _compound({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 508, "1Table": b"\x00" * 512})
    assert olefile.isOleFile(word97.data)
    return word97.data


def _compound(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (MS-CFB version 3) holding ``streams``, each of whole 512-byte sectors (so no
    mini stream is needed: every stream is at least 4096 bytes long, the mini-stream cutoff)."""
    import struct

    sector = 512
    streams = {name: data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00") for name, data in streams.items()}
    entries = [("Root Entry", 5, 0, 0)]  # name, type, first sector, size
    data_sectors: list[bytes] = []
    starts = []
    for name, data in streams.items():
        starts.append(len(data_sectors))
        data_sectors += [data[i : i + sector] for i in range(0, len(data), sector)]
        entries.append((name, 2, starts[-1], len(data)))
    directory_sector = len(data_sectors)
    fat_sector = directory_sector + 1
    fat = [0xFFFFFFFF] * (sector // 4)
    for (name, _, start, size) in entries[1:]:
        count = size // sector
        for i in range(count):
            fat[start + i] = start + i + 1 if i + 1 < count else 0xFFFFFFFE
    fat[directory_sector] = 0xFFFFFFFE
    fat[fat_sector] = 0xFFFFFFFD
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\x00").encode("utf-16-le")
        child = 1 if index == 0 else 0xFFFFFFFF
        right = index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF
        directory += (encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
                      + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                      + struct.pack("<IIi", start if kind == 2 else 0xFFFFFFFE, size, 0))  # fmt: skip
    directory = directory.ljust(sector, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIII", 0, 1, directory_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<I", fat_sector) + b"\xff\xff\xff\xff" * 108)  # fmt: skip
    return header + b"".join(data_sectors) + directory + struct.pack(f"<{len(fat)}I", *fat)


def odf(mimetype: bytes) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", mimetype)
        package.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


def test_the_hand_made_compound_files_are_what_they_claim():
    import olefile

    with olefile.OleFileIO(word97()) as ole:
        assert ole.listdir() == [["1Table"], ["WordDocument"]] and ole.openstream("WordDocument").read(2) == b"\xec\xa5"


@pytest.mark.parametrize("name, data, message, hint", [
    ("来稿.doc", b"{\\rtf1\\ansi \\f0 \\'b6\\'ab}", "“来稿.doc”的扩展名是 .doc，内容却是RTF 文档，不是Word 97–2003 文档",
     "请把扩展名改为 .rtf 再导入"),
    ("来稿.wps", b"PK\x03\x04not a zip", "“来稿.wps”的扩展名是 .wps，内容却不是WPS 文字文档", "文件可能改过扩展名或已损坏"),
    ("来稿.rtf", None, "“来稿.rtf”的扩展名是 .rtf，内容却是Word、Excel 等旧版 Office 文件，不是RTF 文档", "另存为 .docx"),
    ("来稿.odt", odf(b"application/vnd.oasis.opendocument.spreadsheet"),
     "“来稿.odt”的扩展名是 .odt，内容却是OpenDocument 表格（.ods），不是OpenDocument 文本", "另存为 .docx"),
    ("来稿.odt", b"{\\rtf1 x}", "“来稿.odt”的扩展名是 .odt，内容却是RTF 文档，不是OpenDocument 文本", "请把扩展名改为 .rtf"),
    ("表格.doc", "workbook", "“表格.doc”是Excel 表格（.xls），不是 Word 或 WPS 文字文档，无法导入", "另存为 .docx"),
    ("加密.doc", "encrypted", "“加密.doc”设了打开密码，无法导入", "去掉密码"),
    ("加密.wps", "package", "“加密.wps”设了打开密码，无法导入", "去掉密码"),
    ("坏.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "“坏.doc”已损坏，读不出其中的内容，无法导入", "另存为 .docx"),
])  # fmt: skip
def test_a_file_that_is_not_what_its_name_says_is_refused_in_chinese(name, data, message, hint):
    if data is None:
        data = word97()
    elif data == "workbook":
        data = _compound({"Workbook": b"\x09\x08" + b"\x00" * 510})
    elif data == "encrypted":  # FibBase.fEncrypted: Word 97's own password
        raw = bytearray(_compound({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 6 + b"\x00\x01" + b"\x00" * 500}))
        data = bytes(raw)
    elif data == "package":  # Office 2007 and later: the whole .docx encrypted into a compound file
        data = _compound({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 8})
    with pytest.raises(ContentError) as caught:
        checked_upload(data, name, KINDS)
    assert caught.value.message == message and hint in caught.value.hint


def test_the_command_line_checks_the_content_too_and_names_the_file(series, tmp_path):
    source = tmp_path / "来稿.doc"
    source.write_bytes(b"{\\rtf1 \\'b6\\'ab}")
    with pytest.raises(ContentError) as caught:
        services.import_submission(source, series() / "2024-03", "区县动态")
    assert caught.value.path == source and caught.value.message.startswith("“来稿.doc”的扩展名是 .doc，内容却是RTF 文档")


def test_a_docx_that_is_a_doc_says_the_doc_can_be_imported_under_its_own_name(series, tmp_path):
    source = tmp_path / "来稿.docx"
    source.write_bytes(word97())
    with pytest.raises(ContentError, match=r"这是 \.doc 格式（把扩展名改为 \.doc 即可导入）"):
        services.import_submission(source, series() / "2024-03", "区县动态")


def test_check_office_passes_a_word_97_file_by_either_name():
    for name in ("来稿.doc", "来稿.wps"):
        check_office(word97(), name, name[-4:])


# --- the studio's drop zone: the preview's resident LibreOffice converts ---------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", [".wps", ".odt"])
def test_a_file_dropped_on_a_section_is_converted_by_the_studio_s_libreoffice_and_imported(
        studio, office_files, uno_python, kind):  # fmt: skip
    client, session, root = studio(follow_redirects=False)
    try:
        path = office_files[kind]
        response = client.post("/issue/2024-03/upload", data={"csrf": session.csrf, "section": "区县动态"},
                               files=[("files", (path.name, path.read_bytes(), "application/octet-stream"))])  # fmt: skip
        assert response.status_code == 303, response.text
        item = (root / "2024-03/items/02-东岭区-新建就业帮扶车间5个.md").read_text("utf-8")
        assert "| 城东街道 | 3 | 72 |\n| 城西街道 | 2 | 48 |" in item and "title: 东岭区：新建就业帮扶车间5个" in item
        assert client.app.state.studio.parts["preview"]._converter.mode == "resident"  # not a cold soffice run
        notice = re.sub(r"\s+", " ", client.get("/issue/2024-03").text).split('id="notices"')[1].split("</section>")[0]
        assert path.name in notice and "表头的 2 行合成了一行" in notice
    finally:
        client.app.state.studio.close()


def test_a_dropped_doc_without_libreoffice_says_how_to_install_it_next_to_the_file(studio, monkeypatch):
    monkeypatch.setattr("zhuanbao.export.find_soffice", lambda: None)
    client, session, root = studio(follow_redirects=False)
    before = sorted(p.name for p in (root / "2024-03/items").iterdir())
    response = client.post("/issue/2024-03/upload", data={"csrf": session.csrf, "section": "区县动态"},
                           files=[("files", ("西山县来稿.doc", word97(), "application/msword"))])  # fmt: skip
    page = re.sub(r"\s+", " ", response.text)
    assert response.status_code == 400 and "西山县来稿.doc" in page and "未找到 LibreOffice" in page
    assert install_hint().split("\n")[0][:20] in page
    assert sorted(p.name for p in (root / "2024-03/items").iterdir()) == before
