"""apply: a leader's edits in the Word document carried back into the items' Markdown (issue 18, items 1–3).

Round trips: build the issue, edit the .docx as a leader would (typed over, or with Track Changes), apply
the edits to the sources, build again, and compare the rebuilt document's text with the edited one's:
equal, except for what apply reported it could not write.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.editing import Leader
from zhuanbao import services
from zhuanbao.diagnostics import UserError
from zhuanbao.editback import compare, write
from zhuanbao.editback.read import read_edited

ITEMS = {
    "2024-03/items/01-gaizao.md": """\
---
section: 区县动态
title: 测试区完成老旧小区改造
source: 测试区住建局
# 这一行注释要保留
---
3月10日，测试区完成老旧小区改造12个，惠及居民1860户。全区共投入资金4200万元。

**北门街道：**街道成立加装电梯议事协调小组，已签约电梯26部。
""",
    "2024-03/items/02-jiuye.md": """\
---
section: 区县动态
title: 东岭区开展春风行动
source: 东岭区人社局
---
东岭区举办招聘会5场，提供岗位3200个。
""",
    "2024-03/items/03-dibao.md": """\
---
section: 部门动态
title: 市民政局完成低保核查
source: 市民政局
---
市民政局对全市低保对象开展核查，清退不符合条件对象212户。
""",
    "2024-03/items/04-yimiao.md": """\
---
section: 工作简讯
title: 溪口区启动流感疫苗接种
---
溪口区在全区14个接种门诊启动流感疫苗接种。
""",
}


@pytest.fixture
def issue(series) -> Path:
    folder = series(ITEMS, drop=("2024-03/items/01-gaizao.md",)) / "2024-03"
    for name, text in ITEMS.items():  # the fixture's own item replaced by ours
        (folder.parent / name).write_text(text, "utf-8")
    return folder


def build(issue: Path, output: Path) -> Path:
    result = services.build(services.BuildRequest(issue, output))
    assert not result.failed
    return result.built[0].path


def texts(path: Path) -> list[str]:
    """The document's paragraphs and tables as compared: text without layout spaces."""
    return [line.key for line in read_edited(path)]


def round_trip(issue: Path, tmp_path: Path, edit, tracked: bool):
    built = build(issue, tmp_path / "out1")
    leader = Leader(built, tracked)
    edit(leader)
    edited = leader.save(tmp_path / "修改稿.docx")
    review = compare(edited, issue)
    written = write(review)
    rebuilt = build(issue, tmp_path / "out2")
    return review, written, edited, rebuilt


def leader_edits(leader: Leader) -> None:
    leader.replace("改造12个", "改造15个")  # a figure
    leader.replace("全区共投入资金4200万元。", "")  # a sentence deleted
    leader.replace("已签约电梯26部。", "已签约电梯26部，年内全部完工。")  # a sentence added
    leader.move_before(["东岭区开展春风行动"], "测试区完成老旧小区改造")  # two items swapped
    leader.delete_paragraph("溪口区启动流感疫苗接种")  # an item deleted, and its section's marker
    leader.delete_paragraph("【工作简讯】")


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_a_leaders_edits_come_back_and_the_rebuilt_document_is_the_edited_one(issue, tmp_path, tracked):
    review, written, edited, rebuilt = round_trip(issue, tmp_path, leader_edits, tracked)
    assert texts(rebuilt) == texts(edited)
    assert not review.to_place and not review.elsewhere and not review.unheld
    gaizao = (issue / "items/01-gaizao.md").read_text("utf-8")
    assert "改造15个" in gaizao and "4200万元" not in gaizao
    assert "**北门街道：**街道成立加装电梯议事协调小组，已签约电梯26部，年内全部完工。" in gaizao  # emphasis kept
    assert "# 这一行注释要保留" in gaizao and "source: 测试区住建局" in gaizao  # front matter kept
    assert not (issue / "items/04-yimiao.md").exists()
    assert (issue / ".回收站/04-yimiao.md").is_file()
    assert [p.name for p in written.binned] == ["04-yimiao.md"]
    described = {change.path.name: change.changes for change in review.items}
    assert any("“12”改为“15”" in line or "“12个”改为“15个”" in line for line in described["01-gaizao.md"])
    assert any("删去" in line and "4200" in line for line in described["01-gaizao.md"])
    assert any("第 1 篇改为第 2 篇" in line for line in described["01-gaizao.md"])


def test_unchanged_document_changes_nothing(issue, tmp_path):
    built = build(issue, tmp_path / "out")
    before = {p: p.read_bytes() for p in (issue / "items").iterdir()}
    review = compare(built, issue)
    assert review.unchanged
    assert write(review) == ([], [])
    assert before == {p: p.read_bytes() for p in (issue / "items").iterdir()}
