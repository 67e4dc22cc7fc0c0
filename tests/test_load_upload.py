"""load/upload.py: a browser's upload is what its content says, whatever its name; refusals name the file."""

from __future__ import annotations

import io
import zipfile

import pytest

from zhuanbao.diagnostics import ContentError
from zhuanbao.load.upload import MAX_UPLOAD_BYTES, browser_name, checked_upload

SUBMISSIONS = (".docx", ".txt", ".md")


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("标题")
    document.save(buffer)
    return buffer.getvalue()


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, suffix", [
    (docx_bytes(), "东岭区来稿.DOCX", ".docx"),
    ("东岭区：新建车间5个。\r\n".encode("gbk"), "来稿.txt", ".txt"),
    ("# 标题\n\n正文。\n".encode("utf-8-sig"), "来稿.md", ".md"),
    ("来稿\n".encode("utf-16"), "来稿.txt", ".txt"),
    (zip_of({"xl/workbook.xml": b"<workbook/>"}), "表.xlsx", ".xlsx"),
])  # fmt: skip
def test_files_that_are_what_their_names_say_are_taken(data, name, suffix):
    assert checked_upload(data, name, (*SUBMISSIONS, ".xlsx")) == suffix


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 64, "报告.docx", "“报告.docx”的扩展名是 .docx，内容却不是Word 文档"),
    (zip_of({"photo.jpg": b"\xff\xd8\xff"}), "照片.docx", "“照片.docx”是一个压缩包，但其中没有 word/document.xml"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧稿.docx", "“旧稿.docx”是旧版 Office 格式"),
    (docx_bytes(), "稿件.txt", "“稿件.txt”的扩展名是 .txt，内容却是 Word、Excel 或压缩文件"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64, "说明.md", "“说明.md”不是Markdown 文件"),
    (b"", "空.txt", "“空.txt”是空文件"),
    (b"%PDF-1.7", "稿件.pdf", "“稿件.pdf”不是可以导入的文件：只能导入 .docx、.txt、.md 文件"),
    (b"text", "没有扩展名", "“没有扩展名”不是可以导入的文件"),
    (b"x" * (MAX_UPLOAD_BYTES + 1), "大.txt", "“大.txt”有 20.0 MB，超过 20 MB 的上限"),
])  # fmt: skip
def test_a_mislabelled_or_unusable_file_is_refused_naming_it(data, name, message):
    with pytest.raises(ContentError) as caught:
        checked_upload(data, name, SUBMISSIONS)
    assert caught.value.message.startswith(message) and caught.value.path is None


def test_only_the_last_component_of_a_browser_s_name_is_kept():
    assert browser_name("C:\\fakepath\\东岭区.docx") == "东岭区.docx"
    assert browser_name("../../series.yaml") == "series.yaml" and browser_name(None) == ""
