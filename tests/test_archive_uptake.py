"""采用记录 (zhuanbao.archive.uptake): 被上级刊物采用 and 领导批示 recorded beside an archived issue, after
publication — added by `zhuanbao record`, checked by `verify`, never a new version."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from typer.testing import CliRunner

from zhuanbao import services
from zhuanbao.archive.layout import UPTAKE
from zhuanbao.cli import app
from zhuanbao.diagnostics import ContentError

from .conftest import SERIES_YAML, write_tree

runner = CliRunner()
TODAY = dt.date(2025, 12, 1)

ITEMS = {  # 2025年第8期 as an office makes it: a headline item, lead-sentence items, one without a unit
    "series.yaml": SERIES_YAML,
    "2025-08/issue.yaml": "number: 8\ndate: 2025-08-26\ntotal: 32\n",
    "2025-08/items/01-duchahui.md": "---\nsection: 重要新闻\ntitle: 市委常委会听取重点民生实事推进情况汇报\n"
                                    "source: 市专班办公室\n---\n8月20日，市委常委会听取重点民生实事推进情况汇报。\n",
    "2025-08/items/02-yanglao.md": "---\nsection: 部门动态\ntitle: 我市启动敬老院改造提升三年行动\nsource: 市民政局\n---\n"
                                   "8月，市民政局印发敬老院改造提升三年行动方案。\n",
    "2025-08/items/03-xikou.md": "---\nsection: 区县动态\ntitle: 溪口区：打造15分钟便民生活圈\nsource: 溪口区商务局\n---\n"
                                 "溪口区新建便民服务点12个。\n",
    "2025-08/items/04-jianxun.md": "---\nsection: 工作简讯\n---\n全市新增城镇就业岗位3200个。\n",
}  # fmt: skip


@pytest.fixture
def published(tmp_path):
    root = write_tree(tmp_path / "content", ITEMS)
    archive = tmp_path / "archive"
    services.publish(root / "2025-08", archive, pdf=False)
    return root, archive


def record(root, archive, *args: str):
    return runner.invoke(app, ["record", str(root / "2025-08"), *args, "--archive", str(archive)])


def test_a_record_goes_beside_the_versions_and_changes_no_published_file(published):
    root, archive = published
    home = archive / "content" / "2025-08"
    before = {p: p.read_bytes() for p in (home / "v1").rglob("*") if p.is_file()}
    done = record(root, archive, "02-yanglao.md", "--level", "领导批示", "--by", "市长刘建国", "--date", "2025-09-03")
    assert done.exit_code == 0, done.output
    assert "已记录：工作专报2025年第8期 02-yanglao.md《我市启动敬老院改造提升三年行动》（市民政局）领导批示，市长刘建国，2025年9月3日" in done.output
    assert "共有 1 条" in done.output
    again = record(root, archive, "敬老院", "--level", "上级刊物", "--by", "省政府办公厅《政务信息》2025年第45期",
                   "--date", "2025-09-10", "--note", "全文采用: 第3版")  # fmt: skip
    assert again.exit_code == 0 and "被上级刊物采用" in again.output and "共有 2 条" in again.output
    text = (home / UPTAKE).read_text("utf-8")
    assert text.startswith("# 采用记录：")  # says what the file is to whoever opens it
    assert yaml.safe_load(text)["records"] == [
        {"item": "02-yanglao.md", "level": "领导批示", "by": "市长刘建国", "date": dt.date(2025, 9, 3)},
        {"item": "02-yanglao.md", "level": "被上级刊物采用", "by": "省政府办公厅《政务信息》2025年第45期",
         "date": dt.date(2025, 9, 10), "note": "全文采用: 第3版"},
    ]  # fmt: skip
    assert {p: p.read_bytes() for p in (home / "v1").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in home.iterdir()) == sorted(["current", "v1", UPTAKE])  # no new version
    checked = runner.invoke(app, ["verify", "--archive", str(archive)])
    assert checked.exit_code == 0 and "全部一致" in checked.output


def test_an_item_is_named_by_its_file_its_number_or_a_word_of_its_title(published):
    root, archive = published
    for wanted, file in (("03-xikou", "03-xikou.md"), ("1", "01-duchahui.md"), ("常委会", "01-duchahui.md"),
                         ("4", "04-jianxun.md")):  # fmt: skip
        result = services.record(root / "2025-08", wanted, "批示", f"领导{wanted}", "2025-09-01", archive=archive,
                                 today=TODAY)  # fmt: skip
        assert result.record.item == file and result.record.level == "领导批示"
    assert result.item["source"] == ""  # the unsigned item: its unit is said as 未署名
    assert "04-jianxun.md（无标题）（未署名）领导批示" in record(root, archive, "4", "-l", "批示", "--by", "x", "--date",
                                                             "2025-09-02").output  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["07", "-l", "批示", "--by", "市长"], "工作专报2025年第8期只有 4 篇稿件，没有第 7 篇"),
        (["就业车间", "-l", "批示", "--by", "市长"], "工作专报2025年第8期的现行版本中没有稿件“就业车间”"),
        (["市", "-l", "批示", "--by", "市长"], "有 2 篇稿件的标题含“市”，请写文件名或序号"),
        (["1", "-l", "被采用", "--by", "市长"], "“被采用”不用记录：已发布的稿件每篇都计一次被采用"),
        (["1", "-l", "采用", "--by", "市长"], "级别“采用”不对，只能是 被上级刊物采用、领导批示"),
        (["1", "-l", "批示", "--by", " "], "请写明批示的领导（--by）"),
        (["1", "-l", "批示", "--by", "市长", "--date", "2025-08-25"], "日期 2025-08-25 早于工作专报2025年第8期的印发日期 2025-08-26"),
        (["1", "-l", "批示", "--by", "市长", "--date", "2999-01-01"], "日期 2999-01-01 晚于今天"),
        (["1", "-l", "批示", "--by", "市长", "--date", "2025-09-31"], "日期“2025-09-31”不存在"),
    ],
)  # fmt: skip
def test_a_record_that_cannot_count_is_refused_and_nothing_written(published, args, message):
    root, archive = published
    result = record(root, archive, *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not (archive / "content" / "2025-08" / UPTAKE).exists()


def test_the_same_record_twice_and_an_issue_not_published_are_refused(published):
    root, archive = published
    args = ("2", "-l", "领导批示", "--by", "市长刘建国", "--date", "2025-09-03")
    assert record(root, archive, *args).exit_code == 0
    twice = record(root, archive, *args)
    assert twice.exit_code == 2 and "这条记录已经有了：02-yanglao.md 领导批示（市长刘建国，2025-09-03）" in twice.output
    write_tree(root, {"2025-09/issue.yaml": "number: 9\ndate: 2025-09-26\n", "2025-09/items/01.md": ITEMS[
        "2025-08/items/01-duchahui.md"]})  # fmt: skip
    early = runner.invoke(app, ["record", str(root / "2025-09"), "1", "-l", "批示", "--by", "市长", "-a", str(archive)])
    assert early.exit_code == 2 and "工作专报2025年第9期还没有发布" in early.output


def test_a_hand_edited_file_keeps_its_comments_and_a_broken_one_is_said_at_its_line(published):
    root, archive = published
    path = archive / "content" / "2025-08" / UPTAKE
    path.write_text("# 办公室自己的说明\nrecords:\n  - item: 01-duchahui.md   # 书记批示\n    level: 领导批示\n"
                    "    by: 市委书记\n    date: 2025-09-01\n", "utf-8")  # fmt: skip
    assert record(root, archive, "3", "-l", "上级刊物", "--by", "省委办公厅《每日要情》", "--date", "2025-09-05").exit_code == 0
    text = path.read_text("utf-8")
    assert text.startswith("# 办公室自己的说明\n") and "# 书记批示" in text
    assert [r["item"] for r in yaml.safe_load(text)["records"]] == ["01-duchahui.md", "03-xikou.md"]
    path.write_text("# 办公室自己的说明\nrecords:\n", "utf-8")  # every record deleted by hand
    assert record(root, archive, "3", "-l", "上级刊物", "--by", "省委办公厅《每日要情》", "--date", "2025-09-05").exit_code == 0
    assert [r["item"] for r in yaml.safe_load(path.read_text("utf-8"))["records"]] == ["03-xikou.md"]
    path.write_text(text.replace("level: 领导批示", "level: 表扬"), "utf-8")
    broken = record(root, archive, "2", "-l", "批示", "--by", "市长", "--date", "2025-09-06")
    assert broken.exit_code == 2 and f"{UPTAKE}:4:" in broken.output and "应为 被上级刊物采用、领导批示 之一" in broken.output
    assert "02-yanglao.md" not in path.read_text("utf-8")


def test_verify_says_which_record_cannot_count_at_its_line(published):
    root, archive = published
    path = archive / "content" / "2025-08" / UPTAKE
    path.write_text(
        "records:\n"
        "  - item: 02-yanglao.md\n    level: 领导批示\n    by: 市长刘建国\n    date: 2025-09-03\n"  # lines 2–5
        "  - item: 09-none.md\n    level: 领导批示\n    by: 市长刘建国\n    date: 2025-08-01\n"  # 6–9
        "  - item: 02-yanglao.md\n    level: 领导批示\n    by: 市长刘建国\n    date: 2025-09-03\n",  # 10–13
        "utf-8",
    )
    result = runner.invoke(app, ["verify", "--archive", str(archive)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if UPTAKE in line]
    assert [line.split(UPTAKE)[1] for line in lines] == [
        ":6:5: 第2条记录的稿件“09-none.md”不在这一期的现行版本中",
        ":9:5: 第2条记录的日期 2025-08-01 早于这一期的印发日期 2025-08-26",
        ":10:5: 第3条记录与第1条重复（同一稿件、级别、批示的领导和日期）",
    ]
    path.write_text("records:\n  - item: [\n", "utf-8")
    broken = runner.invoke(app, ["verify", "--archive", str(archive)])
    assert broken.exit_code == 1 and f"{UPTAKE}:" in broken.output


def test_a_record_follows_the_item_into_a_revision_and_is_said_when_the_item_is_gone(published):
    root, archive = published
    services.record(root / "2025-08", "3", "被上级刊物采用", "省商务厅《商务简报》", "2025-09-02", archive=archive, today=TODAY)
    (root / "2025-08" / "items" / "03-xikou.md").unlink()
    services.publish(root / "2025-08", archive, revise=True, pdf=False)
    report = services.verify(archive)
    assert [(d.path.name, d.line, d.message) for d in report.problems] == [
        (UPTAKE, 5, "第1条记录的稿件“03-xikou.md”不在这一期的现行版本中")]  # under the 3 lines saying what the file is  # fmt: skip
    with pytest.raises(ContentError) as refused:  # adding to a file with a record that cannot count: fix it first
        services.record(root / "2025-08", "1", "批示", "市长", "2025-09-03", archive=archive, today=TODAY)
    assert refused.value.first.path.name == UPTAKE


def test_a_file_saved_by_hand_while_a_record_is_added_is_never_rewritten_from_what_was_read(published, monkeypatch):
    """The series lock keeps other zhuanbao runs out, not Notepad: a record added by hand after the records were
    read must survive (the file was once rewritten whole from the stale records)."""
    from zhuanbao.archive import uptake

    root, archive = published
    path = archive / "content" / "2025-08" / UPTAKE
    assert record(root, archive, "02-yanglao.md", "-l", "领导批示", "--by", "市长", "--date", "2025-09-03").exit_code == 0
    by_hand = path.read_text("utf-8") + "  - item: 02-yanglao.md\n    level: 领导批示\n    by: 副市长\n    date: 2025-09-05\n"
    real_read = uptake.read

    def read_then_notepad_saves(home):
        read = real_read(home)
        path.write_text(by_hand, "utf-8")  # saved in Notepad between zhuanbao's read and its write
        return read

    monkeypatch.setattr(uptake, "read", read_then_notepad_saves)
    refused = record(root, archive, "02-yanglao.md", "-l", "上级刊物", "--by", "省政府办公厅", "--date", "2025-09-10")
    assert refused.exit_code == 2 and "采用记录刚被别人（或记事本）改过并保存，本次没有记录" in refused.output
    assert path.read_text("utf-8") == by_hand


def test_a_record_file_held_open_on_windows_is_said_and_left_alone(published, word_holds):
    root, archive = published
    path = archive / "content" / "2025-08" / UPTAKE
    assert record(root, archive, "02-yanglao.md", "-l", "领导批示", "--by", "市长", "--date", "2025-09-03").exit_code == 0
    before = path.read_bytes()
    word_holds.add(path)
    held = record(root, archive, "02-yanglao.md", "-l", "上级刊物", "--by", "省政府办公厅", "--date", "2025-09-10")
    assert held.exit_code == 2 and "正被其他程序" in held.output and "Traceback" not in held.output
    assert path.read_bytes() == before
