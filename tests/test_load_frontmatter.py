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


# --- hostile front matter (issue 13): an alias bomb in an item a submitter sent ----------------------------

#: "billion laughs" in under 500 bytes of front matter: 9⁹ values once expanded
LAUGHS = "x0: &a0 [哈,哈,哈,哈,哈,哈,哈,哈,哈]\n" + "".join(
    f"x{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)
)
BOMB = f"---\nsection: 工作简讯\ntitle: 标题\n{LAUGHS}---\n正文。\n"


@pytest.mark.parametrize(
    ("meta", "fragment", "line"),
    [
        (LAUGHS, "别名 *a3 展开后的内容太多", 6),  # the fifth line of the front matter, the file's sixth
        ("section: 甲\nrefs: &r\n  - *r\n", "锚点“&r”的内容里又引用了它自己（*r）", 4),  # was a RecursionError
        ("section: 甲\ndeep: " + "[" * 900 + "]" * 900 + "\n", "列表或映射嵌套太深", 3),
    ],
)
def test_an_alias_bomb_in_front_matter_is_refused_at_its_line_in_the_item_file(meta, fragment, line):
    with pytest.raises(ContentError) as caught:
        split_front_matter(f"---\n{meta}---\n正文", PATH)
    assert fragment in caught.value.message and (caught.value.path, caught.value.line) == (PATH, line)


def test_check_and_build_stop_at_an_alias_bomb_in_an_item_within_bounds(series, tmp_path):
    from .conftest import bounded, refused

    assert len(BOMB.encode()) < 500
    root = series({"2024-03/items/02-bomb.md": BOMB})
    item = root / "2024-03" / "items" / "02-bomb.md"
    checked = bounded("check", str(root / "2024-03"), memory_mb=512, seconds=30)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr + checked.stdout, checked
    assert f"{item}:8:10: 错误: 别名 *a3 展开后的内容太多" in checked.stdout + checked.stderr
    built = bounded("build", str(root / "2024-03"), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    refused(built, f"{item}:8:10: 错误: 别名 *a3 展开后的内容太多（各处别名共展开超过 10,000 个值）")
    assert checked.seconds < 20 and built.seconds < 20
