"""zhuanbao.load.frontmatter: an item's --- header and its body, with file line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError
from zhuanbao.load.frontmatter import split_front_matter

PATH = Path("2023-08/items/03-jiuye.md")


def test_front_matter_and_body():
    text = "---\nsection: 工作简讯\ntitle: 就业帮扶车间吸纳就业\nsource: 市人社局\n---\n第一段。\n\n第二段。\n"
    source = split_front_matter(text, PATH)
    assert source.path == PATH
    assert source.meta.data == {"section": "工作简讯", "title": "就业帮扶车间吸纳就业", "source": "市人社局"}
    assert source.body == "第一段。\n\n第二段。\n"
    assert source.body_line == 6


def test_front_matter_positions_are_lines_of_the_item_file():
    source = split_front_matter("---\nsection: 工作简讯\ntitle: 标题\n---\n正文\n", PATH)
    assert source.meta.where(("section",)) == (2, 1)
    assert source.meta.where(("title",)) == (3, 1)
    assert source.meta.where(("order",)) == (2, 1)


@pytest.mark.parametrize(
    ("text", "body", "body_line"),
    [
        ("---\nsection: 甲\n---\n正文", "正文", 4),
        ("--- \nsection: 甲\n---  \n正文", "正文", 4),  # trailing spaces after the markers
        ("---\nsection: 甲\n...\n正文", "正文", 4),  # YAML's own end marker
        ("---\nsection: 甲\n---\n\n\n正文\n", "\n\n正文\n", 4),
        ("---\nsection: 甲\n---", "", 4),
        ("---\nsection: 甲\ntitle: 甲\norder: 2\n---\n正文", "正文", 6),
    ],
)
def test_body_line(text, body, body_line):
    source = split_front_matter(text, PATH)
    assert (source.body, source.body_line) == (body, body_line)


def test_a_later_rule_in_the_body_stays_in_the_body():
    source = split_front_matter("---\nsection: 甲\n---\n上文\n---\n下文\n", PATH)
    assert source.body == "上文\n---\n下文\n" and source.meta.data == {"section": "甲"}


@pytest.mark.parametrize(
    "text",
    ["section: 工作简讯\n---\n正文", "正文一段。\n", "", "\n---\nsection: 甲\n---\n", "-- \nsection: 甲\n---\n"],
)
def test_missing_opening_marker(text):
    with pytest.raises(ContentError) as caught:
        split_front_matter(text, PATH)
    error = caught.value
    assert error.path == PATH and error.line == 1
    assert "缺少头信息" in error.message and "section: 工作简讯" in error.hint


@pytest.mark.parametrize("text", ["---\nsection: 甲\n正文。\n", "---\n", "---\nsection: 甲\n----\n正文"])
def test_unclosed_front_matter(text):
    with pytest.raises(ContentError) as caught:
        split_front_matter(text, PATH)
    assert caught.value.line == 1 and "没有结束" in caught.value.message and caught.value.path == PATH


@pytest.mark.parametrize("meta", ["- 工作简讯\n- 标题\n", "工作简讯\n", "[甲, 乙]\n", "42\n"])
def test_front_matter_must_be_a_mapping(meta):
    with pytest.raises(ContentError) as caught:
        split_front_matter(f"---\n{meta}---\n正文", PATH)
    assert caught.value.line == 2 and "键: 值" in caught.value.message


@pytest.mark.parametrize("meta", ["", "\n", "# 草稿\n"])
def test_empty_front_matter_is_an_empty_mapping(meta):
    source = split_front_matter(f"---\n{meta}---\n正文", PATH)
    assert source.meta.data == {} and source.body == "正文"


def test_yaml_error_in_front_matter_has_the_file_line():
    with pytest.raises(ContentError) as caught:
        split_front_matter("---\nsection: 甲\ntitle: 甲\ntitle: 乙\n---\n正文", PATH)
    assert caught.value.line == 4 and "重复" in caught.value.message
