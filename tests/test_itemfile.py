"""itemfile.py: front-matter keys set without touching any other byte (what a move writes), and a new item
from the 新增稿件 form written as import writes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError, UserError
from zhuanbao.itemfile import create, read_form, with_keys
from zhuanbao.load.content import load_edition, load_series

SECTIONS = ["重要新闻", "部门动态", "区县动态", "工作简讯"]
ITEM = "---\n# 市里的稿件\nsection: 工作简讯   # 栏目\ntitle: 测试\norder: 2  # 排第二\n---\n正文第一段。\n\n  缩进的第二段  \n\n\n"
P = Path("01.md")


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.split("\n"), after.split("\n")) if a != b]


def test_only_the_lines_of_the_keys_set_change():
    after = with_keys(ITEM.encode(), P, {"order": 10, "section": "区县动态"}).decode()
    assert changed_lines(ITEM, after) == [("section: 工作简讯   # 栏目", "section: 区县动态"), ("order: 2  # 排第二", "order: 10")]
    assert after.endswith("---\n正文第一段。\n\n  缩进的第二段  \n\n\n")  # the body, trailing blank lines and all


def test_a_key_already_holding_its_value_is_not_touched_and_a_missing_key_is_added():
    data = ITEM.encode()
    assert with_keys(data, P, {"order": 2, "section": "工作简讯"}) == data  # comments kept: nothing to write
    text = "---\nsection: 工作简讯\n---\n正文。\n"
    assert with_keys(text.encode(), P, {"order": 30}).decode() == "---\nsection: 工作简讯\norder: 30\n---\n正文。\n"
    assert with_keys(ITEM.encode(), P, {"order": None}).decode().count("order") == 0


def test_an_order_written_as_text_is_replaced_by_a_number():
    text = "---\nsection: 工作简讯\norder: '2'\n---\n正文。\n"
    assert "order: 10\n" in with_keys(text.encode(), P, {"order": 10}).decode()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_the_encoding_and_the_line_ends_are_kept(encoding):
    data = ITEM.replace("\n", "\r\n").encode(encoding)
    after = with_keys(data, P, {"order": 20})
    assert after == ITEM.replace("order: 2  # 排第二", "order: 20").replace("\n", "\r\n").encode(encoding)


def test_a_file_of_old_mac_line_ends_keeps_them():
    data = ITEM.replace("\n", "\r").encode()
    assert with_keys(data, P, {"order": 20}) == ITEM.replace("order: 2  # 排第二", "order: 20").replace("\n", "\r").encode()


def test_front_matter_that_cannot_be_read_is_refused():
    for text in ("section: 工作简讯\n正文。\n", "---\nsection: [工作简讯\n---\n正文。\n", "---\nsection: 工作简讯\n"):
        with pytest.raises(UserError):
            with_keys(text.encode(), P, {"order": 10})


def test_read_form_gives_the_order(tmp_path):
    (tmp_path / "a.md").write_text(ITEM, "utf-8")
    (tmp_path / "b.md").write_text("---\nsection: 工作简讯\norder: two\n---\n正文。\n", "utf-8")
    assert read_form(tmp_path / "a.md").order == 2 and read_form(tmp_path / "b.md").order is None


# --- a new item -------------------------------------------------------------------------------------------


def test_a_new_item_is_numbered_after_the_issue_s_items_and_builds(series):
    root = series({"2024-03/items/07-x.md": "---\nsection: 工作简讯\n---\n正文。\n",
                   "2024-03/items/_示例99.md": "---\nsection: 工作简讯\n---\n示例。\n"})  # fmt: skip
    target = create(root / "2024-03", "区县动态", "  东岭区：新建车间\n5个 ", "东岭区人社局", "第一段。\r\n\r\n第二段。\r\n", SECTIONS)
    assert target.name == "08-东岭区-新建车间-5个.md"  # after 07, drafts not counted; the importer's slug
    assert target.read_text("utf-8") == (
        "---\nsection: 区县动态\ntitle: 东岭区：新建车间 5个\nsource: 东岭区人社局\n---\n第一段。\n\n第二段。\n"
    )
    edition = load_edition(root, root / "2024-03", load_series(root))
    assert [i.meta.title for i in edition.items if i.meta.section == "区县动态"] == ["东岭区：新建车间 5个"]


def test_a_new_item_never_replaces_a_file_and_an_untitled_one_is_named_after_its_section(series):
    root = series()
    first = create(root / "2024-03", "工作简讯", "", "", "☆正文。", SECTIONS)
    second = create(root / "2024-03", "工作简讯", "", "", "☆正文。", SECTIONS)
    assert (first.name, second.name) == ("02-工作简讯.md", "03-工作简讯.md")
    assert first.read_text("utf-8") == "---\nsection: 工作简讯\n---\n☆正文。\n"  # no title, no source keys


def test_values_yaml_would_misread_are_quoted(series):
    target = create(series() / "2024-03", "工作简讯", "yes: 123", "#1", "正文。", SECTIONS)
    form = read_form(target)
    assert (form.title, form.source) == ("yes: 123", "#1")


def test_a_new_item_in_no_section_or_without_a_body_is_refused_at_its_fields(series):
    root = series()
    with pytest.raises(UserError) as caught:
        create(root / "2024-03", "工作动向", "标题", "", " \r\n ", SECTIONS)
    assert {d.location.key for d in caught.value.diagnostics} == {("section",), ("body",)}
    assert sorted(p.name for p in (root / "2024-03" / "items").iterdir()) == ["01-gaizao.md"]


def test_a_new_item_too_large_is_refused(series):
    root = series()
    with pytest.raises(ContentError, match="超过一篇稿件 2.0 MB 的上限"):
        create(root / "2024-03", "工作简讯", "长", "", "字" * 800_000, SECTIONS)
    assert sorted(p.name for p in (root / "2024-03" / "items").iterdir()) == ["01-gaizao.md"]
