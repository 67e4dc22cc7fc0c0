"""publish --document: the archive holds the document as issued (issue 18, item 4).

The issue is built, edited in Word as the 签发 leader would (tests/editing.py), and handed to publish as the
document that was sent: refused with the differences while the sources say otherwise, accepted once apply has
brought the edits back, and archived as sent with --as-sent, its text then what search and 供稿统计 read.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.editing import Leader
from tests.test_editback import build, issue  # noqa: F401 - the fixture of the leaders' edits
from zhuanbao import services
from zhuanbao.archive.layout import MANIFEST
from zhuanbao.cli import app
from zhuanbao.diagnostics import ContentError


def signed(issue: Path, tmp_path: Path, tracked: bool = False) -> Path:  # noqa: F811
    """The issue built, then edited as the 签发 leader does: a figure changed, a sentence added, an item deleted."""
    leader = Leader(build(issue, tmp_path / "built"), tracked)
    leader.replace("改造12个", "改造15个")
    leader.replace("已签约电梯26部。", "已签约电梯26部，年内全部完工。")
    leader.delete_paragraph("溪口区启动流感疫苗接种")
    leader.delete_paragraph("【工作简讯】")
    return leader.save(tmp_path / "签发稿.docx")


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_a_document_that_differs_is_refused_with_its_differences_and_nothing_is_archived(issue, tmp_path, tracked):  # noqa: F811
    document = signed(issue, tmp_path, tracked)
    archive = tmp_path / "archive"
    result = run("publish", issue, "--archive", archive, "--no-pdf", "--document", document)
    assert result.exit_code == 2
    said = result.output
    assert "签发稿.docx" in said and "不一致" in said and "没有发布" in said
    assert "01-gaizao.md《测试区完成老旧小区改造》：改动 2 处" in said
    assert "“12”改为“15”" in said or "“12个”改为“15个”" in said
    assert "年内全部完工" in said
    assert "04-yimiao.md《溪口区启动流感疫苗接种》：在文档中整篇删去" in said
    assert "--as-sent" in said and "zhuanbao apply" in said
    assert not any(p.name.startswith("v") for p in archive.rglob("*") if p.is_dir())


def test_after_apply_the_document_matches_and_is_archived_as_issued(issue, tmp_path):  # noqa: F811
    document = signed(issue, tmp_path)
    services.apply_edits(document, issue, write=True)
    archive = tmp_path / "archive"
    published = services.publish(issue, archive, pdf=False, document=document)
    manifest = json.loads((published.folder / MANIFEST).read_text("utf-8"))
    issued = manifest["issued"]
    assert issued["matches"] is True and issued["text"] == "rebuilt" and issued["sent_as"] == "签发稿.docx"
    assert (published.folder / issued["document"]).read_bytes() == document.read_bytes()
    assert issued["document"] == manifest["documents"][0] and issued["rebuilt"] in manifest["documents"]
    assert [h.file for h in services.search("年内全部完工", archive).hits] == ["01-gaizao.md"]
    assert not services.verify(archive).problems


def test_as_sent_archives_both_and_search_and_stats_read_the_sent_text(issue, tmp_path):  # noqa: F811
    document = signed(issue, tmp_path)
    archive = tmp_path / "archive"
    result = run("publish", issue, "--archive", archive, "--no-pdf", "--document", document, "--as-sent")
    assert result.exit_code == 0, result.output
    folder = next(archive.rglob(MANIFEST)).parent
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    issued = manifest["issued"]
    assert issued["document"] == "工作专报2024年第3期（印发稿）.docx" and issued["sent_as"] == "签发稿.docx"
    assert issued["rebuilt"] == "工作专报2024年第3期.docx"
    assert issued["text"] == "issued" and issued["matches"] is False
    assert (folder / issued["document"]).read_bytes() == document.read_bytes()
    assert (folder / issued["rebuilt"]).is_file() and issued["rebuilt"] != issued["document"]
    assert set(manifest["documents"]) == {issued["document"], issued["rebuilt"]}
    # the deleted item was not issued: said, and neither found nor counted
    assert any("04-yimiao.md" in note and "没有印发" in note for note in issued["notes"])
    assert "没有印发" in result.output
    hits = services.search("年内全部完工", archive).hits
    assert [h.file for h in hits] == ["01-gaizao.md"]
    found = run("search", "年内全部完工", "--archive", archive)  # words only the sent document has
    assert found.exit_code == 0 and "测试区完成老旧小区改造" in found.output and "【年内全部完工】" in found.output
    assert not services.search("流感疫苗", archive).hits
    assert not services.search("改造12个", archive).hits and services.search("改造15个", archive).hits
    items = json.loads((folder / "items.json").read_text("utf-8"))
    assert [i["file"] for i in items] == ["03-dibao.md", "01-gaizao.md", "02-jiuye.md"]  # as printed
    assert items[1]["text"] == ("3月10日，测试区完成老旧小区改造15个，惠及居民1860户。全区共投入资金4200万元。\n"
                                "北门街道：街道成立加装电梯议事协调小组，已签约电梯26部，年内全部完工。")
    assert services.stats(archive).tables["栏目"] == [("区县动态", 2), ("部门动态", 1)]  # no 工作简讯: not issued
    assert not services.verify(archive).problems


def test_verify_finds_a_sent_document_changed_after_publishing(issue, tmp_path):  # noqa: F811
    document = signed(issue, tmp_path)
    archive = tmp_path / "archive"
    published = services.publish(issue, archive, pdf=False, document=document, as_sent=True)
    manifest = json.loads((published.folder / MANIFEST).read_text("utf-8"))
    sent = published.folder / manifest["issued"]["document"]
    os.chmod(sent, stat.S_IRUSR | stat.S_IWUSR)
    sent.write_bytes(sent.read_bytes() + b"\0")
    problems = services.verify(archive).problems
    assert any(p.path == sent for p in problems), [str(p) for p in problems]


def test_as_sent_needs_a_document_and_a_document_must_be_a_docx(issue, tmp_path):  # noqa: F811
    with pytest.raises(ContentError, match="--document"):
        services.publish(issue, tmp_path / "archive", pdf=False, as_sent=True)
    not_word = tmp_path / "签发稿.docx"
    not_word.write_text("不是 Word 文件", "utf-8")
    result = run("publish", issue, "--archive", tmp_path / "archive", "--no-pdf", "--document", not_word)
    assert result.exit_code == 2 and "签发稿.docx" in result.output
    assert not (tmp_path / "archive").exists() or not list((tmp_path / "archive").rglob(MANIFEST))


def test_verify_finds_a_manifest_naming_another_issued_document(issue, tmp_path):  # noqa: F811
    document = signed(issue, tmp_path)
    archive = tmp_path / "archive"
    published = services.publish(issue, archive, pdf=False, document=document, as_sent=True)
    path = published.folder / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    manifest["issued"]["document"] = "别的文档.docx"
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    problems = [str(p) for p in services.verify(archive).problems]
    assert any("印发稿“别的文档.docx”不在这一版的文档中" in p for p in problems), problems


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_as_sent_indexes_a_new_title_a_new_paragraph_and_one_typed_between_items(issue, tmp_path, tracked):  # noqa: F811
    leader = Leader(build(issue, tmp_path / "built"), tracked)
    leader.replace("东岭区开展春风行动", "东岭区春风行动招聘会")  # the headline
    leader.insert_after("东岭区举办招聘会5场", "其中城关镇专场招聘会1场。")  # in the item
    leader.insert_after("[市民政局", "市医保局完成年度医保基金审计。")  # between two items
    document = leader.save(tmp_path / "签发稿.docx")
    archive = tmp_path / "archive"
    published = services.publish(issue, archive, pdf=False, document=document, as_sent=True)
    jiuye = services.search("城关镇", archive).hits
    assert [(h.file, h.title) for h in jiuye] == [("02-jiuye.md", "东岭区春风行动招聘会")]
    audit = services.search("医保基金审计", archive).hits
    assert [h.file for h in audit] == ["03-dibao.md"]  # indexed with the item printed before it, as said
    assert any("稿件之间新加的 2 段编入了文档中它前面那篇稿件" in str(w) for w in published.warnings)
    assert not services.verify(archive).problems


def test_the_pdf_archived_is_made_of_the_issued_document(issue, tmp_path, libreoffice):  # noqa: F811
    from tests.conftest import read_pdf

    document = signed(issue, tmp_path)
    published = services.publish(issue, tmp_path / "archive", pdf=True, document=document, as_sent=True)
    assert [p.name for p in published.documents] == ["工作专报2024年第3期（印发稿）.docx", "工作专报2024年第3期（印发稿）.pdf",
                                                     "工作专报2024年第3期.docx"]  # fmt: skip
    printed = "".join(read_pdf(published.documents[1]).text().split())
    assert "年内全部完工" in printed and "流感疫苗" not in printed


def test_two_items_swapped_are_a_difference_said_of_each(issue, tmp_path):  # noqa: F811
    leader = Leader(build(issue, tmp_path / "built"))
    leader.move_before(["东岭区开展春风行动"], "测试区完成老旧小区改造")
    document = leader.save(tmp_path / "签发稿.docx")
    with pytest.raises(services.DocumentDiffers) as refused:
        services.publish(issue, tmp_path / "archive", pdf=False, document=document)
    said = refused.value.message
    assert "第 1 篇改为第 2 篇" in said and "02-jiuye.md《东岭区开展春风行动》：" in said
    assert not (tmp_path / "archive").exists() or not list((tmp_path / "archive").rglob(MANIFEST))
    published = services.publish(issue, tmp_path / "archive", pdf=False, document=document, as_sent=True)
    items = json.loads((published.folder / "items.json").read_text("utf-8"))
    assert [i["file"] for i in items] == ["03-dibao.md", "02-jiuye.md", "01-gaizao.md", "04-yimiao.md"]  # as sent


@pytest.mark.parametrize("tracked", [False, True], ids=["typed", "track-changes"])
def test_the_shipped_example_signed_with_every_kind_of_edit(tmp_path, tracked):
    """The example's October issue (indicator tables, annexes, a 版记) signed with edits of every kind: refused;
    archived as sent, its items' words found, the tables as rebuilt and said so; verify passes."""
    import shutil

    from tests.conftest import EXAMPLE
    from tests.test_editback import reported_edits

    shutil.copytree(EXAMPLE, tmp_path / "content")
    example = tmp_path / "content" / "2025-10"
    leader = Leader(build(example, tmp_path / "built"), tracked)
    reported_edits(leader)
    document = leader.save(tmp_path / "签发稿.docx")
    archive = tmp_path / "archive"
    with pytest.raises(services.DocumentDiffers) as refused:
        services.publish(example, archive, pdf=False, document=document)
    said = refused.value.message
    assert "“80”改为“100”" in said and "“5520”改为“5530”" in said and "社会救助科" in said
    assert "手工设了" not in said  # a font set by hand is layout, not a difference of the text
    published = services.publish(example, archive, pdf=False, document=document, as_sent=True)
    assert services.search("一梯一档", archive).hits  # typed in an item
    assert [h.source for h in services.search("医保基金审计", archive).hits] == ["市民政局社会救助科"]  # after it, its credit
    assert any("没有编入检索" in str(w) for w in published.warnings)
    assert not services.verify(archive).problems


def test_a_document_changed_only_in_layout_matches(issue, tmp_path):  # noqa: F811
    leader = Leader(build(issue, tmp_path / "built"))
    leader.font("测试区完成老旧小区改造")  # a font set by hand
    leader.line_break("3月10日，测试区", "3月10日，")  # Shift+Enter
    document = leader.save(tmp_path / "签发稿.docx")
    published = services.publish(issue, tmp_path / "archive", pdf=False, document=document)
    issued = json.loads((published.folder / MANIFEST).read_text("utf-8"))["issued"]
    assert issued["matches"] is True and issued["text"] == "rebuilt" and not published.warnings


def test_an_item_added_after_signing_keeps_its_rebuilt_text_as_said(issue, tmp_path):  # noqa: F811
    leader = Leader(build(issue, tmp_path / "built"), tracked=True)
    leader.replace("改造12个", "改造15个")
    document = leader.save(tmp_path / "签发稿.docx")
    (issue / "items/05-xinjia.md").write_text("---\nsection: 部门动态\ntitle: 市交通局开通夜间公交\nsource: 市交通局\n---\n"
                                              "市交通局开通夜间公交线路3条。\n", "utf-8")  # fmt: skip
    with pytest.raises(services.DocumentDiffers, match="送审之后才加的"):
        services.publish(issue, tmp_path / "archive", pdf=False, document=document)
    published = services.publish(issue, tmp_path / "archive", pdf=False, document=document, as_sent=True)
    assert any("05-xinjia.md" in str(w) and "用重新生成的文字" in str(w) for w in published.warnings)
    assert [h.file for h in services.search("夜间公交", tmp_path / "archive").hits] == ["05-xinjia.md"]
    assert [h.file for h in services.search("改造15个", tmp_path / "archive").hits] == ["01-gaizao.md"]
