"""Loading: YAML positions, front matter, folders (text decoding: test_load_text.py)."""

from __future__ import annotations

import pytest

from zhuanbao.errors import ContentError, UserErrors
from zhuanbao.load.content import load_edition, load_series, locate
from zhuanbao.load.frontmatter import split_front_matter
from zhuanbao.load.yamlfile import parse_yaml

# --- YAML ------------------------------------------------------------------------


def test_positions_of_keys_and_list_items(tmp_path):
    doc = parse_yaml("title: 工作专报\ndistribution:\n  报: [甲, 乙]\n  送:\n    - 丙\n", tmp_path / "s.yaml")
    assert doc.where(("title",)) == (1, 1)
    assert doc.where(("distribution", "报")) == (3, 3)
    assert doc.where(("distribution", "送", 0)) == (5, 7)
    assert doc.where(("distribution", "发")) == (2, 1)  # falls back to the parent key


def test_line_offset_shifts_positions(tmp_path):
    doc = parse_yaml("a: 1\nb: 2\n", tmp_path / "x.md", line_offset=1)
    assert doc.where(("b",)) == (3, 1)


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("title: 甲\n\tissuer: 乙\n", "Tab", 2),
        ("sections: [甲, 乙\nissuer: 丙\n", "方括号", None),
        ("title: 甲\ntitle: 乙\n", "重复", 2),
        ("number: 1\ndate: 2023-02-30\n", "不存在", 2),
        ("title: 甲: 乙: [\n", None, 1),
    ],
)
def test_yaml_errors_are_chinese_and_located(tmp_path, source, message, line):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, tmp_path / "s.yaml")
    if message:
        assert message in caught.value.message
    if line:
        assert caught.value.line == line
    assert caught.value.path.name == "s.yaml"


def test_empty_yaml_is_none(tmp_path):
    assert parse_yaml("# 只有注释\n", tmp_path / "e.yaml").data is None


# --- front matter ------------------------------------------------------------------


def test_front_matter_and_body_line(tmp_path):
    source = split_front_matter("---\nsection: 工作简讯\ntitle: 甲\n---\n正文第一行\n", tmp_path / "a.md")
    assert source.meta.data == {"section": "工作简讯", "title": "甲"}
    assert source.meta.where(("title",)) == (3, 1)
    assert source.body == "正文第一行\n" and source.body_line == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("section: 工作简讯\n正文\n", "缺少头信息"),
        ("---\nsection: 工作简讯\n正文\n", "头信息没有结束"),
        ("---\n- 列表\n---\n正文\n", "键: 值"),
    ],
)
def test_broken_front_matter(tmp_path, text, message):
    with pytest.raises(ContentError, match=message):
        split_front_matter(text, tmp_path / "a.md")


def test_empty_front_matter_is_an_empty_mapping(tmp_path):
    assert split_front_matter("---\n---\n正文\n", tmp_path / "a.md").meta.data == {}


# --- folders -----------------------------------------------------------------------


def test_locate_issue_and_series(series):
    root = series()
    assert locate(root / "2024-03") == (root.resolve(), [(root / "2024-03").resolve()])
    assert locate(root)[1] == [(root / "2024-03").resolve()]


def test_locate_errors(series, tmp_path):
    with pytest.raises(ContentError, match="路径不存在"):
        locate(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ContentError, match="既没有 series.yaml"):
        locate(tmp_path / "empty")
    root = series(drop=("2024-03/issue.yaml", "2024-03/items/01-gaizao.md"))
    with pytest.raises(ContentError, match="没有任何一期"):
        locate(root)


def edition(root):
    series = load_series(root)
    return load_edition(root, root / "2024-03", series)


def test_folder_name_must_match_number_and_year(series):
    root = series({"2024-03/issue.yaml": "number: 4\ndate: 2025-03-15\n"})
    with pytest.raises(UserErrors) as caught:
        edition(root)
    messages = {(e.message, e.line) for e in caught.value.errors}
    assert ("期号 4 与文件夹名“2024-03”（第3期）不一致", 1) in messages
    assert ("日期 2025-03-15 与文件夹名“2024-03”（2024年）不一致", 2) in messages


def test_unknown_section_points_at_its_line_with_a_suggestion(series):
    root = series({"2024-03/items/01-gaizao.md": "---\ntitle: 甲\nsection: 部门动太\n---\n正文\n"})
    with pytest.raises(ContentError) as caught:
        edition(root)
    assert "栏目“部门动太”不在" in caught.value.message
    assert caught.value.line == 3 and caught.value.hint == "是否想写“部门动态”？"


def test_every_bad_item_is_reported_together(series):
    root = series(
        {
            "2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\ntitel: 甲\n---\n正文\n",
            "2024-03/items/02.md": "没有头信息\n",
            "2024-03/items/03.md": "---\nsection: 工作简讯\n---\n\n",
        }
    )
    with pytest.raises(UserErrors) as caught:
        edition(root)
    found = sorted((e.path.name, e.line) for e in caught.value.errors)
    assert found == [("01-gaizao.md", 3), ("02.md", 1), ("03.md", 4)]


def test_missing_items_folder_and_empty_issue(series):
    with pytest.raises(ContentError, match="缺少稿件文件夹"):
        edition(series(drop=("2024-03/items/01-gaizao.md",)))


def test_issue_without_items(series):
    root = series(drop=("2024-03/items/01-gaizao.md",))
    (root / "2024-03" / "items").mkdir()
    with pytest.raises(ContentError, match="还没有任何稿件"):
        edition(root)


def test_items_sorted_by_order_then_file_name(series):
    root = series(
        {
            "2024-03/items/02-b.md": "---\nsection: 工作简讯\n---\n乙\n",
            "2024-03/items/03-c.md": "---\nsection: 工作简讯\norder: 1\n---\n丙\n",
        }
    )
    assert [i.path.name for i in edition(root).items] == ["03-c.md", "01-gaizao.md", "02-b.md"]


def test_gbk_item_with_crlf_loads(series):
    item = "---\r\nsection: 工作简讯\r\ntitle: 编码测试\r\n---\r\n正文是GBK编码。\r\n".encode("gbk")
    items = edition(series({"2024-03/items/01-gaizao.md": item})).items
    assert items[0].meta.title == "编码测试" and items[0].body.strip() == "正文是GBK编码。"
