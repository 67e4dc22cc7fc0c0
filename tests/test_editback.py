"""apply: a leader's edits in the Word document carried back into the items' Markdown (issue 18, items 1–3).

Round trips: build the issue, edit the .docx as a leader would (typed over, or with Track Changes), apply
the edits to the sources, build again, and compare the rebuilt document's text with the edited one's:
equal, except for what apply reported it could not write.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, saved_by_libreoffice
from tests.editing import Leader
from zhuanbao import services
from zhuanbao.diagnostics import HeldOpenError, UserError
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


@pytest.fixture
def example(tmp_path) -> Path:
    """The shipped example series (indicator tables from a CSV, an .xlsx and a database)."""
    shutil.copytree(EXAMPLE, tmp_path / "content")
    return tmp_path / "content" / "2025-10"


def reported_edits(leader: Leader) -> None:
    # writable: a title, a credit, a paragraph typed inside an item, a paragraph deleted inside one
    leader.replace("东岭区：老旧小区改造同步加装电梯。", "东岭区：老旧小区改造同步加装电梯46部。")
    leader.replace("[市民政局供稿]", "[市民政局社会救助科供稿]")
    leader.insert_after("今年已签约加装电梯46部", "区住建局对加装电梯项目实行“一梯一档”管理。")
    leader.delete_paragraph("该县还组织县内企业到乡镇开展")
    # reported: the masthead's date, the 版记's copies, a table cell, a figure an expression prints
    leader.replace("2025年10月24日", "2025年10月25日")
    leader.replace("（共印80份）", "（共印100份）")
    leader.cell("5520", "5530")
    leader.replace("全市城镇新增就业28330人", "全市城镇新增就业28340人")
    leader.replace("个进度滞后于时间进度", "个进度慢于时间进度")  # … while the words around it are written
    # reported: a paragraph typed between two items, a font and a line break set by hand
    leader.insert_after("[市民政局", "市医保局完成年度医保基金审计。")
    leader.font("市人社局开展")
    leader.line_break("9月底，白沙洲县", "9月底，")


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_what_no_item_holds_is_reported_with_where_to_change_it(example, tmp_path, tracked):
    review, written, edited, rebuilt = round_trip(example, tmp_path, reported_edits, tracked)
    report = "\n".join([*review.elsewhere, *review.to_place, *review.unheld,
                        *(p for change in review.items for p in change.problems)])  # fmt: skip
    assert "报头" in report and "issue.yaml 的 date" in report
    assert "版记：“签发：刘建国　审核：陈晓梅　编辑：周宁（共印80份）”中“80”改为“100”" in report and "series.yaml 的 distribution" in report
    assert "表《2025年1—9月各区县（市）城镇新增就业完成情况》" in report and "“东岭区”行“累计完成（人）”列：“5520”改为“5530”" in report
    assert "数据库" in report
    assert "第 1 段的“28330”不是稿件中原样写的文字" in report
    assert "市医保局完成年度医保基金审计。" in "\n".join(review.to_place)
    assert "市民政局完成城乡低保年度核查" in "\n".join(review.to_place)  # after which item
    assert any("字体" in line and "市人社局开展" in line for line in review.unheld)
    assert any("手动换行" in line and "白沙洲县" in line for line in review.unheld)

    items = example / "items"
    dongling = (items / "04-dongling.md").read_text("utf-8")
    assert "title: 东岭区：老旧小区改造同步加装电梯46部\n" in dongling
    assert "惠及居民1100余户。\n\n区住建局对加装电梯项目实行“一梯一档”管理。\n\n**北门街道：**" in dongling
    assert "source: 市民政局社会救助科\n" in (items / "03-dibao.md").read_text("utf-8")
    assert "该县还组织县内企业" not in (items / "05-fenglin.md").read_text("utf-8")
    shuju = (items / "09-shuju.md").read_text("utf-8")
    assert "{{ tables.jobs.lagging | length }}个进度慢于时间进度（{{ tables.jobs.progress | pct }}）" in shuju
    assert "全市城镇新增就业{{ tables.jobs.total.actual }}人" in shuju

    # the rebuilt document is the edited one but for the lines reported
    rebuilt_lines, edited_lines = texts(rebuilt), texts(edited)
    differ = [line for line in edited_lines if line not in rebuilt_lines]
    assert "“[枫林县人社局供稿]”也删去了" in report  # the credit went with the last paragraph: kept, said
    assert len(differ) == 6, differ
    assert any(line.startswith("枫林县：") for line in differ)
    assert any(line.startswith("枫林县：") and line.endswith("[枫林县人社局供稿]") for line in rebuilt_lines)
    assert any("2025年10月25日" in line for line in differ)
    assert any("共印100份" in line for line in differ)
    assert any("5530" in line for line in differ)
    assert any("28340" in line for line in differ)
    assert any(line == "市医保局完成年度医保基金审计。" for line in differ)
    assert len(rebuilt_lines) == len(edited_lines) - 1  # the paragraph to place


# --- the command line -----------------------------------------------------------------------


def invoke(*args: str):
    from typer.testing import CliRunner

    from zhuanbao.cli import app

    return CliRunner().invoke(app, list(args))


def test_apply_lists_the_changes_per_item_and_writes_only_when_asked(issue, tmp_path):
    built = build(issue, tmp_path / "out")
    leader = Leader(built, tracked=True)
    leader.replace("改造12个", "改造15个")
    leader.replace("全区共投入资金4200万元。", "")
    edited = leader.save(tmp_path / "修改稿.docx")
    before = (issue / "items/01-gaizao.md").read_bytes()

    shown = invoke("apply", str(edited), str(issue))
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "01-gaizao.md《测试区完成老旧小区改造》：改动 2 处" in lines
    assert "  · 第 1 段：“12”改为“15”" in lines
    assert "  · 第 1 段：删去“全区共投入资金4200万元。”" in lines
    assert lines[-1] == "以上 1 篇稿件的改动尚未写入；确认后加 --write 写入稿件。"
    assert (issue / "items/01-gaizao.md").read_bytes() == before

    shown = invoke("apply", str(edited), str(issue), "--write")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1].startswith("已写入 1 篇稿件；请重新生成并核对：zhuanbao build")
    assert "改造15个，惠及居民1860户。\n" in (issue / "items/01-gaizao.md").read_text("utf-8")
    again = invoke("apply", str(build(issue, tmp_path / "out2")), str(issue))
    assert again.stdout.splitlines()[-1] == "文档与本期的源文件一致，没有改动。"


def test_a_file_that_is_not_a_word_document_is_refused_naming_it(issue, tmp_path):
    fake = tmp_path / "修改稿.docx"
    fake.write_text("这不是 Word 文件", "utf-8")
    shown = invoke("apply", str(fake), str(issue), "--write")
    assert shown.exit_code == 2
    assert str(fake) in shown.stderr and "无法打开 Word 文件" in shown.stderr
    assert "Traceback" not in shown.output


def test_a_word_97_document_is_refused_with_what_to_do(issue, tmp_path):
    old = tmp_path / "修改稿.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    shown = invoke("apply", str(old), str(issue))
    assert shown.exit_code == 2
    assert str(old) in shown.stderr and "另存为 .docx" in shown.stderr


def test_the_document_of_another_issue_is_refused_and_nothing_is_written(series, tmp_path):
    root = series({
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
        "2024-04/items/01-other.md": "---\nsection: 工作简讯\ntitle: 青石市开展防汛演练\n---\n4月10日，青石市在河东区开展防汛应急演练，参演人员300余人。\n",
    })  # fmt: skip
    other = build(root / "2024-04", tmp_path / "out")
    before = {p: p.read_bytes() for p in (root / "2024-03/items").iterdir()}
    shown = invoke("apply", str(other), str(root / "2024-03"), "--write")
    assert shown.exit_code == 2
    assert str(other) in shown.stderr
    assert "这份文档是2024年第4期的专报，不是本期（工作专报2024年第3期）的修改稿" in shown.stderr
    assert before == {p: p.read_bytes() for p in (root / "2024-03/items").iterdir()}


def test_nothing_is_written_over_an_item_changed_since_the_comparison(issue, tmp_path):
    leader = Leader(build(issue, tmp_path / "out"))
    leader.replace("改造12个", "改造15个")
    review = compare(leader.save(tmp_path / "修改稿.docx"), issue)
    item = issue / "items/01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("1860户", "1870户"), "utf-8")
    with pytest.raises(UserError, match="被修改过，没有写入任何稿件"):
        write(review)
    assert "改造12个" in item.read_text("utf-8") and "1870户" in item.read_text("utf-8")


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_a_headline_an_item_moved_to_another_section_a_split_and_a_joined_paragraph(example, tmp_path, tracked):
    def edit(leader: Leader) -> None:
        leader.replace("市政府常务会议部署重点民生实事四季度攻坚", "市政府常务会议部署四季度重点民生实事攻坚")
        leader.move_before(["市民政局完成城乡低保年度核查"], "东岭区：老旧小区改造同步加装电梯")  # to 【区县动态】
        leader.split("10月16日，市政府召开常务会议", "10月16日，市政府召开常务会议，")
        leader.join_with_next("每周在村务群发布一次岗位信息")

    review, written, edited, rebuilt = round_trip(example, tmp_path, edit, tracked)
    items = example / "items"
    assert "title: 市政府常务会议部署四季度重点民生实事攻坚\n" in (items / "01-changwuhui.md").read_text("utf-8")
    dibao = (items / "03-dibao.md").read_text("utf-8")
    assert "section: 区县动态\n" in dibao and "order: 10\n" in dibao
    assert any("从【部门动态】移到【区县动态】" in line for change in review.items for line in change.changes)
    changwuhui = (items / "01-changwuhui.md").read_text("utf-8")
    assert "10月16日，市政府召开常务会议，\n\n" in changwuhui
    fenglin = (items / "05-fenglin.md").read_text("utf-8")
    assert "每周在村务群发布一次岗位信息，今年已帮助1380名农村劳动力在县内就近就业。该县还组织" in fenglin
    assert texts(rebuilt) == texts(edited)


def test_comments_and_a_restated_style_are_told_apart_from_hand_formatting(issue, tmp_path):
    leader = Leader(build(issue, tmp_path / "out"))
    body_font = leader.doc.styles.element.xpath('//w:style[@w:styleId="body"]/w:rPr/w:rFonts')[0]
    leader.run_property("3月10日", "w:rFonts", dict(body_font.attrib))  # the style's own fonts, restated as WPS writes them
    leader.run_property("东岭区举办", "w:rFonts", {"w:hint": "eastAsia"})  # Word's note of the script
    leader.font("市民政局对全市", "黑体")
    paragraph = leader.doc.paragraphs[[p.text for p in leader.doc.paragraphs].index(
        next(p.text for p in leader.doc.paragraphs if p.text.startswith("东岭区开展春风行动")))]
    leader.doc.add_comment(paragraph.runs, "岗位数请再核实", author="张明")
    review = compare(leader.save(tmp_path / "修改稿.docx"), issue)
    assert len(review.unheld) == 1 and "市民政局对全市" in review.unheld[0] and "字体" in review.unheld[0]
    assert review.comments == ["张明：岗位数请再核实（在“东岭区开展春风行动。东岭区举办招聘会5场，提供岗位3200……”处）"]
    assert not review.items


@pytest.mark.libreoffice
def test_a_document_saved_again_by_another_word_processor_is_read_alike(libreoffice, example, tmp_path):
    """LibreOffice rewrites every run, style id and page break of the document (as WPS or Word do when a
    leader saves it): nothing of that is a change; the tracked edits it keeps are."""


    built = build(example, tmp_path / "out")
    leader = Leader(built, tracked=True)
    leader.replace("今年已签约加装电梯46部", "今年已签约加装电梯48部")
    leader.delete_paragraph("该县还组织县内企业到乡镇开展")
    edited = leader.save(tmp_path / "修改稿.docx")
    for source in (built, edited):
        saved_by_libreoffice(source, "docx:MS Word 2007 XML", tmp_path / "resaved")
    assert compare(tmp_path / "resaved" / built.name, example).unchanged
    review = compare(tmp_path / "resaved" / "修改稿.docx", example)
    assert not review.elsewhere and not review.unheld and not review.to_place
    assert {change.path.name: change.changes for change in review.items} == {
        "04-dongling.md": ["第 1 段：“46”改为“48”"],
        "05-fenglin.md": ["删去第 2 段：“该县还组织县内企业到乡镇开展“送岗下乡”活动18场，针对留……”"],
    }


def test_a_gbk_item_with_windows_line_ends_keeps_both(issue, tmp_path):
    item = issue / "items/02-jiuye.md"
    item.write_bytes(ITEMS["2024-03/items/02-jiuye.md"].replace("\n", "\r\n").encode("gbk"))
    leader = Leader(build(issue, tmp_path / "out"))
    leader.replace("招聘会5场", "招聘会6场")
    write(compare(leader.save(tmp_path / "修改稿.docx"), issue))
    data = item.read_bytes()
    assert data.decode("gbk") == ITEMS["2024-03/items/02-jiuye.md"].replace("5场", "6场").replace("\n", "\r\n")


def test_an_item_that_is_a_link_is_not_written_and_nothing_else_is(issue, tmp_path):
    shared = issue.parent / "共用"
    shared.mkdir()
    target = shared / "dibao.md"
    (issue / "items/03-dibao.md").rename(target)
    (issue / "items/03-dibao.md").symlink_to(target)
    leader = Leader(build(issue, tmp_path / "out"))
    leader.replace("改造12个", "改造15个")
    leader.replace("清退不符合条件对象212户", "清退不符合条件对象213户")
    review = compare(leader.save(tmp_path / "修改稿.docx"), issue)
    with pytest.raises(UserError, match="是一个链接"):
        write(review)
    assert "212户" in target.read_text("utf-8")
    assert "改造12个" in (issue / "items/01-gaizao.md").read_text("utf-8")


def test_an_item_added_after_the_document_was_sent_is_not_taken_for_deleted(issue, tmp_path):
    leader = Leader(build(issue, tmp_path / "out"), tracked=True)
    leader.replace("改造12个", "改造15个")
    edited = leader.save(tmp_path / "修改稿.docx")
    later = issue / "items/05-houlai.md"  # written by the editor after sending the document for sign-off
    later.write_text("---\nsection: 工作简讯\ntitle: 后来加的稿件\n---\n这是送审之后才写的稿件。\n", "utf-8")
    review = compare(edited, issue)
    change = next(c for c in review.items if c.path == later)
    assert not change.deleted and "多半是送审之后才加的，没有移入回收站" in change.problems[0]
    write(review)
    assert later.is_file()


def test_bold_switched_by_hand_is_listed_not_lost(issue, tmp_path):
    from docx.oxml.ns import qn

    leader = Leader(build(issue, tmp_path / "out"))
    bold = leader.run_with("北门街道：").find(qn("w:rPr")).find(qn("w:b"))
    bold.set(qn("w:val"), "0")  # 取消加粗
    leader.run_property("清退不符合条件对象212户", "w:b", {})  # 加粗
    numbered = leader.paragraph("东岭区举办招聘会").find(qn("w:pPr"))  # Word's numbering put on a paragraph
    numbered.append(numbered.makeelement(qn("w:numPr"), {}))
    review = compare(leader.save(tmp_path / "修改稿.docx"), issue)
    assert any("“北门街道：”取消了加粗" in line for line in review.unheld)
    assert any("自动编号" in line and "东岭区举办招聘会" in line for line in review.unheld)
    assert any("设为加粗" in line and "清退不符合条件对象212户" in line for line in review.unheld)
    assert not review.items


TABLE_ITEM = """\
---
section: 工作简讯
title: 各街道加装电梯进度
source: 东岭区住建局
---
截至3月10日，各街道加装电梯进度如下。

| 街道 | 签约（部） | 建成（部） |
| --- | ---: | ---: |
| 北门街道 | 26 | 12 |
| **南关街道** | 18 | 9 |
"""


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_a_cell_of_a_table_in_an_item_is_written_into_its_markdown_table(issue, tmp_path, tracked):
    item = issue / "items/06-dianti.md"
    item.write_text(TABLE_ITEM, "utf-8")

    def edit(leader: Leader) -> None:
        leader.cell("18", "19")

    review, written, edited, rebuilt = round_trip(issue, tmp_path, edit, tracked)
    assert item.read_text("utf-8") == TABLE_ITEM.replace("| **南关街道** | 18 |", "| **南关街道** | 19 |")
    assert review.items[0].changes == ["第 8 行的表格：“南关街道”行“签约（部）”列：“18”改为“19”"]
    assert texts(rebuilt) == texts(edited)


def test_an_item_held_open_on_windows_stops_the_write_before_any_item_is_written(issue, tmp_path, word_holds):
    """An item open in another program (winerror 32) is said before the first file is replaced: all or none."""
    built = build(issue, tmp_path / "out")
    leader = Leader(built)
    leader_edits(leader)
    review = compare(leader.save(tmp_path / "修改稿.docx"), issue)
    before = {p.name: p.read_bytes() for p in (issue / "items").iterdir()}
    word_holds.add(issue / "items" / "02-jiuye.md")  # 01-gaizao.md comes first
    with pytest.raises(HeldOpenError) as held:
        write(review)
    assert held.value.diagnostics[0].location.path.name == "02-jiuye.md"
    assert {p.name: p.read_bytes() for p in (issue / "items").iterdir()} == before
