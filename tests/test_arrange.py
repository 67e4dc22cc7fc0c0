"""arrange.py: moves within a section and between sections write order:/section: lines only, in steps of
ten, and only over the items the editor saw."""

from __future__ import annotations

import pytest

from zhuanbao.arrange import items_state, move
from zhuanbao.diagnostics import ConflictError, ContentError
from zhuanbao.load.content import load_edition, load_series


def item(section: str, title: str, extra: str = "") -> str:
    return f"---\nsection: {section}\ntitle: {title}\n{extra}---\n{title}的正文。\n"


@pytest.fixture
def issue(series):
    root = series({
        "2024-03/items/01-gaizao.md": item("工作简讯", "甲"),
        "2024-03/items/02-b.md": item("工作简讯", "乙"),
        "2024-03/items/03-c.md": item("工作简讯", "丙"),
        "2024-03/items/04-d.md": item("区县动态", "丁", "order: 5  # 手写的\n"),
        "2024-03/items/_示例.md": item("工作简讯", "示例"),
    })  # fmt: skip
    return root / "2024-03"


def printed(issue, section: str) -> list[str]:
    edition = load_edition(issue.parent, issue, load_series(issue.parent))
    return [i.meta.title for i in edition.items if i.meta.section == section]


def snapshot(issue) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((issue / "items").iterdir())}


def test_moving_up_numbers_the_section_in_tens_and_changes_no_other_line(issue):
    before = snapshot(issue)
    placed = move(issue, "03-c.md", items_state(issue), offset=-1)
    assert printed(issue, "工作简讯") == ["甲", "丙", "乙"]
    assert [p.name for p in placed.rewritten] == ["01-gaizao.md", "03-c.md", "02-b.md"]
    after = snapshot(issue)
    assert after["03-c.md"].decode() == item("工作简讯", "丙", "order: 20\n")
    assert after["01-gaizao.md"].decode() == item("工作简讯", "甲", "order: 10\n")
    assert after["04-d.md"] == before["04-d.md"] and after["_示例.md"] == before["_示例.md"]
    # a second move rewrites only the items whose number changes
    placed = move(issue, "01-gaizao.md", items_state(issue), offset=1)
    assert printed(issue, "工作简讯") == ["丙", "甲", "乙"] and len(placed.rewritten) == 2


def test_moving_past_an_end_or_onto_its_own_place_writes_nothing(issue):
    before = snapshot(issue)
    for args in ({"offset": -1}, {"before": "01-gaizao.md"}, {"section": "工作简讯", "before": "02-b.md"}):
        assert move(issue, "01-gaizao.md", items_state(issue), **args).rewritten == []
    assert move(issue, "03-c.md", items_state(issue), offset=1).rewritten == []
    assert snapshot(issue) == before


def test_moving_into_another_section_before_an_item_or_last(issue):
    move(issue, "02-b.md", items_state(issue), section="区县动态", before="04-d.md")
    assert printed(issue, "区县动态") == ["乙", "丁"] and printed(issue, "工作简讯") == ["甲", "丙"]
    text = (issue / "items" / "02-b.md").read_text("utf-8")
    assert text == "---\nsection: 区县动态\ntitle: 乙\norder: 10\n---\n乙的正文。\n"
    assert "\norder: 20\n" in (issue / "items" / "04-d.md").read_text("utf-8")  # renumbered (its comment with the line)
    move(issue, "01-gaizao.md", items_state(issue), section="区县动态")
    assert printed(issue, "区县动态") == ["乙", "丁", "甲"]


def test_a_move_over_items_changed_since_the_page_was_made_is_refused_and_writes_nothing(issue):
    seen = items_state(issue)
    (issue / "items" / "05-new.md").write_text(item("工作简讯", "新"), "utf-8")  # the CLI imported one meanwhile
    before = snapshot(issue)
    with pytest.raises(ConflictError, match="刷新页面"):
        move(issue, "03-c.md", seen, offset=-1)
    assert snapshot(issue) == before
    seen = items_state(issue)
    (issue / "items" / "01-gaizao.md").write_text(item("工作简讯", "甲改"), "utf-8")  # another editor saved
    with pytest.raises(ConflictError):
        move(issue, "03-c.md", seen, offset=-1)


def test_a_draft_does_not_change_the_state_and_cannot_be_moved(issue):
    seen = items_state(issue)
    (issue / "items" / "_示例.md").write_text("改过", "utf-8")
    assert items_state(issue) == seen
    with pytest.raises(ContentError, match="草稿"):
        move(issue, "_示例.md", seen, offset=1)


def test_a_section_the_series_lacks_is_refused_with_a_suggestion(issue):
    with pytest.raises(ContentError) as caught:
        move(issue, "01-gaizao.md", items_state(issue), section="工作简迅")
    assert "不在本刊的栏目中" in caught.value.message and "工作简讯" in (caught.value.hint or "")
    assert "order" not in (issue / "items" / "01-gaizao.md").read_text("utf-8")


def test_an_item_whose_front_matter_cannot_be_read_is_left_out_and_cannot_be_moved(issue):
    (issue / "items" / "05-bad.md").write_text("---\nsection: [工作简讯\n---\n正文。\n", "utf-8")
    seen = items_state(issue)
    with pytest.raises(ContentError, match="头信息无法读取"):
        move(issue, "05-bad.md", seen, offset=-1)
    move(issue, "03-c.md", seen, offset=-1)
    assert (issue / "items" / "05-bad.md").read_text("utf-8") == "---\nsection: [工作简讯\n---\n正文。\n"


def test_before_an_item_that_is_not_in_the_section_is_refused(issue):
    with pytest.raises(ConflictError):
        move(issue, "01-gaizao.md", items_state(issue), section="工作简讯", before="04-d.md")


def test_an_item_linking_out_is_neither_read_nor_moved_and_a_link_inside_is_not_rewritten(issue, tmp_path):
    secret = tmp_path / "机密.md"
    secret.write_text(item("工作简讯", "机密"), "utf-8")
    (issue / "items" / "05-out.md").symlink_to(secret)
    with pytest.raises(ContentError, match="稿件是一个链接，指向series文件夹之外，不会读取或移动"):
        move(issue, "05-out.md", items_state(issue), offset=-1)
    move(issue, "03-c.md", items_state(issue), offset=-1)  # the others move as before
    assert (issue / "items" / "05-out.md").is_symlink() and secret.read_text("utf-8") == item("工作简讯", "机密")
    (issue / "items" / "05-out.md").unlink()
    shared = issue.parent / "shared.md"
    shared.write_text(item("工作简讯", "共用"), "utf-8")
    (issue / "items" / "06-in.md").symlink_to(shared)
    before = snapshot(issue)
    with pytest.raises(ContentError, match="稿件 06-in.md 是一个链接，指向刊物文件夹中的 shared.md；编辑器不改写链接，这次没有移动"):
        move(issue, "06-in.md", items_state(issue), offset=-1)
    assert snapshot(issue) == before and (issue / "items" / "06-in.md").is_symlink()
