"""zhuanbao.load.text: the encodings offices save in, and what a Word paste leaves behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError
from zhuanbao.load import text as text_module
from zhuanbao.load.text import clean, decode, read_text

ITEM = "---\nsection: 区县动态\n---\n**东岭区：**低保标准提高到每月680元，7月1日起执行。\n"


# --- decode ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        ITEM.encode("utf-8"),
        b"\xef\xbb\xbf" + ITEM.encode("utf-8"),
        ITEM.encode("gbk"),
        ITEM.encode("gb18030"),
        ITEM.encode("utf-16"),  # with BOM, as Notepad's "Unicode"
        b"\xfe\xff" + ITEM.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_decode_reads_office_encodings_without_being_told(data):
    assert decode(data, Path("a.md")) == ITEM


@pytest.mark.parametrize(
    "text",
    ["中", "低保", "第8期", "𠀀𠀁丽"],  # one GBK character is still recognised; astral via GB18030 four-byte codes
)
def test_decode_short_chinese_texts_in_gb18030(text):
    assert decode(text.encode("gb18030"), Path("a.md")) == text


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"abc\xff\xff\xff", 1),
        ("第一行\n第二行\n".encode() + b"\x81\xff", 3),
        (b"\xaa\xa1" * 50, 1),  # decodes as GB18030, but only to private-use characters
        (b"section: x\n\x80\x80\x80", 2),
    ],
)
def test_decode_refuses_unknown_encodings_naming_file_and_line(data, line):
    path = Path("items/01-dibao.md")
    with pytest.raises(ContentError) as caught:
        decode(data, path)
    error = caught.value
    assert error.path == path and error.line == line
    assert "编码" in error.message and "UTF-8" in error.hint
    assert str(error).startswith(f"items/01-dibao.md:{line}: ")


# --- clean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第一行\r\n第二行\r\n", "第一行\n第二行\n"),
        ("第一行\r第二行\r", "第一行\n第二行\n"),
        ("甲\r\n\r\n乙", "甲\n\n乙"),
        ("重点民生\x0b实事", "重点民生实事"),  # Shift+Enter in Word between Chinese: no break meant
        ("低保\x0b\x0b提标", "低保提标"),
        ("key\x0bperformance", "key performance"),
        ("7月1日\x0b起", "7月1日起"),
        ("a\x00b", "ab"),
        ("第一页\x0c第二页", "第一页第二页"),
        ("\ufeff标题", "标题"),
        ("a\x07b\x1fc\x7fd", "abcd"),
        ("列1\t列2", "列1\t列2"),
        ("末段\u2028续", "末段续"),
    ],
)
def test_clean_removes_paste_debris(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["甲\r\n乙\r\n丙", "甲\r乙\r丙", "甲\x0b\n乙\x0c\n丙", "甲\x00\n乙\n\x0b丙", "a\x0b\r\nb\r\nc"],
)
def test_clean_keeps_the_line_count_so_error_lines_match_the_editor(raw):
    assert clean(raw).count("\n") == 2


def test_clean_keeps_astral_cjk_and_emoji():
    assert clean("𠀀\x0b𠀁 👍\r\n") == "𠀀𠀁 👍\n"


# --- read_text -------------------------------------------------------------------


def test_read_text_decodes_and_cleans(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + "第一行\r\n第\x0b二行\r\n".encode())
    assert read_text(path) == "第一行\n第二行\n"


def test_read_text_gbk_with_crlf(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(ITEM.replace("\n", "\r\n").encode("gbk"))
    assert read_text(path) == ITEM


@pytest.mark.parametrize("text", ["𠀀𠀁𪚥", "完成👍🎉", "𠀀 emoji 😀 混排"])
def test_read_text_keeps_astral_characters(tmp_path, text):
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    assert read_text(path) == text


def test_read_text_missing_file(tmp_path):
    path = tmp_path / "items" / "missing.md"
    with pytest.raises(ContentError) as caught:
        read_text(path)
    assert caught.value.path == path and caught.value.message == "文件不存在"


def test_read_text_directory(tmp_path):
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path)
    assert caught.value.path == tmp_path and "文件夹" in caught.value.message


def test_read_text_refuses_oversize_file(tmp_path, monkeypatch):
    monkeypatch.setattr(text_module, "MAX_TEXT_BYTES", 16)
    small, big = tmp_path / "small.md", tmp_path / "big.md"
    small.write_bytes(b"x" * 16)
    big.write_bytes(b"x" * 17)
    assert read_text(small) == "x" * 16
    with pytest.raises(ContentError) as caught:
        read_text(big)
    assert caught.value.path == big and "文件过大" in caught.value.message


def test_read_text_undecodable_file_names_it(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"title: a\n\xff\xfe\xfd\xff")
    with pytest.raises(ContentError, match="编码") as caught:
        read_text(path)
    assert caught.value.path == path and caught.value.line == 2
