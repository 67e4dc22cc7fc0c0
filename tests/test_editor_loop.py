"""The editor's loop: new issue, import submissions, watch, preview, and their CLI exit codes."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app
from zhuanbao.diagnostics import ContentError, OutputError
from zhuanbao.importer import import_submission
from zhuanbao.load.content import load_edition, load_series
from zhuanbao.scaffold import new_issue

runner = CliRunner()


# --- new -----------------------------------------------------------------------


def test_new_numbers_from_the_last_issue(series):
    root = series()
    folder = new_issue(root, dt.date(2024, 4, 16))
    assert folder.name == "2024-04"
    text = (folder / "issue.yaml").read_text("utf-8")
    assert "number: 4\n" in text and "date: 2024-04-16\n" in text and "total: 21" in text
    examples = sorted(p.name for p in (folder / "items").iterdir())
    assert examples == ["_示例01-重要新闻.md", "_示例02-部门动态.md", "_示例03-区县动态.md", "_示例04-工作简讯.md"]


def test_new_restarts_at_one_in_a_new_year_while_the_total_goes_on(series):
    folder = new_issue(series(), dt.date(2025, 1, 8))
    assert folder.name == "2025-01"
    text = (folder / "issue.yaml").read_text("utf-8")
    assert "number: 1\n" in text and "total: 21" in text


def test_new_issue_examples_are_not_built_but_the_issue_loads_once_written(series):
    root = series()
    folder = new_issue(root, dt.date(2024, 4, 16))
    with pytest.raises(ContentError, match="还没有任何稿件"):
        load_edition(root, folder, load_series(root))
    example = next((folder / "items").glob("_示例04*"))
    (folder / "items" / "01-jianxun.md").write_text(example.read_text("utf-8"), "utf-8")
    edition = load_edition(root, folder, load_series(root))
    assert [i.path.name for i in edition.items] == ["01-jianxun.md"]


def test_new_never_overwrites(series):
    root = series()
    new_issue(root, dt.date(2024, 4, 16))
    (root / "2024-04" / "issue.yaml").write_text("number: 4\ndate: 2024-04-16\n", "utf-8")
    with pytest.raises(ContentError, match="早于上一期"):
        new_issue(root, dt.date(2024, 4, 1))
    (root / "2024-05").mkdir()
    with pytest.raises(OutputError, match="已经存在"):
        new_issue(root, dt.date(2024, 5, 2))
    assert (root / "2024-04" / "issue.yaml").read_text("utf-8") == "number: 4\ndate: 2024-04-16\n"


def test_new_with_a_section_name_unfit_for_a_file_name(series):
    from .conftest import SERIES_YAML

    root = series({"series.yaml": SERIES_YAML.replace("工作简讯]", "工作简讯/专题]")})
    folder = new_issue(root, dt.date(2024, 4, 16))
    assert "_示例04-工作简讯／专题.md" in [p.name for p in (folder / "items").iterdir()]
    assert "section: 工作简讯/专题" in (folder / "items" / "_示例04-工作简讯／专题.md").read_text("utf-8")


def test_a_failed_new_leaves_nothing_behind(series, monkeypatch):
    root = series()
    real = type(root).write_text
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:  # issue.yaml and one example written, then the disk fills
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(root), "write_text", failing)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        new_issue(root, dt.date(2024, 4, 16))
    monkeypatch.undo()
    assert sorted(p.name for p in root.iterdir()) == ["2024-03", "series.yaml"]


def test_new_stops_at_an_unreadable_last_issue_instead_of_guessing(series):
    root = series({"2024-03/issue.yaml": "number: 3\ndate: 2024-02-30\ntotal: 20\n"})
    with pytest.raises(ContentError) as caught:
        new_issue(root, dt.date(2025, 1, 5))
    assert "日期“2024-02-30”不存在" in caught.value.message and caught.value.line == 2
    assert sorted(p.name for p in root.iterdir()) == ["2024-03", "series.yaml"]


def test_new_cli(series):
    result = runner.invoke(app, ["new", str(series()), "--date", "2024-04-16"])
    assert result.exit_code == 0 and "已新建" in result.output
    bad = runner.invoke(app, ["new", str(series()), "--date", "2024/4/16"])
    assert bad.exit_code == 2 and "应写作 2025-08-26 的形式" in bad.output


def test_new_names_a_date_that_does_not_exist(series):
    bad = runner.invoke(app, ["new", str(series()), "--date", "2025-02-30"])
    assert bad.exit_code == 2 and "日期“2025-02-30”不存在" in bad.output and "应写作" not in bad.output


def test_new_with_a_date_before_the_last_issue_names_that_issue(series):
    root = series()
    with pytest.raises(ContentError) as caught:
        new_issue(root, dt.date(2024, 3, 1))
    assert caught.value.path == root / "2024-03" / "issue.yaml"
    assert "--date 2024-03-01 早于上一期（2024-03）的日期 2024-03-15" in caught.value.message


def test_new_issue_folder_is_as_open_as_any_folder_the_editor_makes(series):
    # assembled in a private temporary folder, but renamed into place with the
    # permissions the user's umask gives, so colleagues sharing the series can write in it
    import os

    root = series()
    old = os.umask(0o022)
    try:
        folder = new_issue(root, dt.date(2024, 4, 16))
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / "items").stat().st_mode & 0o777 == 0o755


# --- import --------------------------------------------------------------------


def make_docx(path):
    import docx

    document = docx.Document()
    document.add_paragraph("东岭区：新建就业帮扶车间5个")
    first = document.add_paragraph()
    first.add_run("\u3000\u3000")
    first.add_run("东岭区：").bold = True
    first.add_run("8月以来，全区新建车间")
    first.add_run().add_break()  # a manual line break pasted from another document
    first.add_run("5个，吸纳就业120人。")
    document.add_paragraph("")
    document.add_paragraph("  下一步将继续推进。 ")
    document.save(path)
    return path


def test_import_docx_keeps_paragraphs_and_bold_and_strips_paste_debris(series, tmp_path):
    root = series()
    target = import_submission(make_docx(tmp_path / "稿件.docx"), root / "2024-03", "区县动态", "东岭区人社局").target
    assert target.name == "02-东岭区-新建就业帮扶车间5个.md"
    assert target.read_text("utf-8") == (
        "---\nsection: 区县动态\ntitle: 东岭区：新建就业帮扶车间5个\nsource: 东岭区人社局\n---\n"
        "**东岭区：**8月以来，全区新建车间5个，吸纳就业120人。\n\n下一步将继续推进。\n"
    )
    edition = load_edition(root, root / "2024-03", load_series(root))
    assert any(i.meta.title == "东岭区：新建就业帮扶车间5个" for i in edition.items)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_import_text_from_a_chat(series, tmp_path, encoding):
    source = tmp_path / "稿件.txt"
    source.write_bytes("溪口区：社区食堂开业\r\n\u3000\u3000首批3个社区食堂开业。\r\n\r\n日均就餐600人次。\r\n".encode(encoding))
    target = import_submission(source, series() / "2024-03", "工作简讯", title="溪口区社区食堂开业").target
    text = target.read_text("utf-8")
    assert "title: 溪口区社区食堂开业\n" in text
    assert text.endswith("---\n溪口区：社区食堂开业\n\n首批3个社区食堂开业。\n\n日均就餐600人次。\n")


def test_import_never_overwrites(series, tmp_path):
    root = series()
    source = tmp_path / "a.md"
    source.write_text("标题\n\n正文。\n", "utf-8")
    first = import_submission(source, root / "2024-03", "工作简讯").target
    second = import_submission(source, root / "2024-03", "工作简讯").target
    assert first != second and first.exists() and second.exists()
    assert (root / "2024-03/items/01-gaizao.md").read_text("utf-8").startswith("---\nsection: 工作简讯")


@pytest.mark.parametrize(
    ("name", "content", "section", "message"),
    [
        ("a.doc", b"x", "工作简讯", "不支持的稿件类型"),
        ("a.docx", b"not a zip", "工作简讯", "无法打开 Word 文件"),
        ("a.txt", "只有一段".encode(), "工作简讯", "只有一段"),
        ("a.txt", "标题\n正文".encode(), "不存在", "不在 series.yaml 的 sections 中"),
    ],
)
def test_import_errors(series, tmp_path, name, content, section, message):
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(ContentError, match=message):
        import_submission(source, series() / "2024-03", section)


def printed_text(root):
    """The body paragraphs of the built issue, as a reader sees them."""
    from zhuanbao.build import build

    [built] = build(root / "2024-03", root.parent / "out")
    import docx

    return [p.text for p in docx.Document(str(built.path)).paragraphs]


def test_import_prints_what_the_author_typed(series, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("测试标题")
    typed_paragraphs = ["比例为3*4*5，a_b_c。", "# 话题不是标题", "计划{{ 新建 }}车间，{% 不是模板 %}。", "1. 按原样编号", "[附件]见后",
                        "R&amp;D投入&#35;1", "---", "~~~", "2.", "<b>不是标签</b>", "见<https://rsj.example.cn>通知"]  # fmt: skip
    for text in typed_paragraphs:
        document.add_paragraph(text)
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    document.add_paragraph("要点", style="List Bullet")
    document.add_table(rows=1, cols=2)
    document.save(tmp_path / "a.docx")
    root = series()
    warnings = import_submission(tmp_path / "a.docx", root / "2024-03", "工作简讯").left_out
    assert warnings == ["稿件中有 1 个表格没有导入：表格请另存为 CSV 或 Excel，在 issue.yaml 的 tables 中登记"]
    paragraphs = [p.replace("\t", "") for p in printed_text(root)]
    for typed in typed_paragraphs + ["1.第一项", "2.第二项", "●要点"]:
        assert any(typed in p for p in paragraphs), typed


def test_import_refuses_an_empty_title_and_an_empty_file(series, tmp_path):
    import docx

    (tmp_path / "a.txt").write_text("标题\n正文。\n", "utf-8")
    with pytest.raises(ContentError, match="标题不能为空"):
        import_submission(tmp_path / "a.txt", series() / "2024-03", "工作简讯", title="  ")
    docx.Document().save(tmp_path / "empty.docx")
    with pytest.raises(ContentError, match="稿件是空的"):
        import_submission(tmp_path / "empty.docx", series() / "2024-03", "工作简讯")


def test_import_cli(series, tmp_path):
    result = runner.invoke(app, ["import", str(make_docx(tmp_path / "a.docx")), str(series() / "2024-03"), "-s", "区县动态"])
    assert result.exit_code == 0 and "已导入" in result.output


# --- check via the CLI ---------------------------------------------------------------


def test_check_exit_codes(series, tmp_path):
    root = series()
    clean = runner.invoke(app, ["check", str(root)])
    assert clean.exit_code == 0 and "检查通过" in clean.output
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\n---\n完成,好。\n", "utf-8")
    dirty = runner.invoke(app, ["check", str(root)])
    assert dirty.exit_code == 1
    assert f"{root / '2024-03/items/01-gaizao.md'}:4:3: 错误:" in dirty.output
    assert runner.invoke(app, ["check", str(tmp_path / "nowhere")]).exit_code == 2


# --- watch ---------------------------------------------------------------------------


def test_watch_rebuilds_on_save_and_keeps_the_last_good_document(series, tmp_path):
    from zhuanbao.watch import watch

    root = series()
    out = tmp_path / "out"
    results = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(root / "2024-03", out, None, lambda rebuilt: results.append((rebuilt.built, rebuilt.error))), kwargs={"stop_event": stop}
    )
    thread.start()
    try:
        deadline = time.time() + 10
        while not results and time.time() < deadline:
            time.sleep(0.05)
        assert results and results[0][1] is None
        document = out / "工作专报2024年第3期.docx"
        good = document.read_bytes()
        item = root / "2024-03/items/01-gaizao.md"
        time.sleep(0.3)
        item.write_text("---\nsection: 不存在\n---\n正文。\n", "utf-8")
        while len(results) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert results[-1][1] is not None and "不存在" in results[-1][1].message
        assert document.read_bytes() == good
        item.write_text("---\nsection: 工作简讯\n---\n改好了。\n", "utf-8")
        while (len(results) < 3 or results[-1][1] is not None) and time.time() < deadline:
            time.sleep(0.05)
        assert results[-1][1] is None and document.read_bytes() != good
    finally:
        stop.set()
        thread.join(timeout=5)


# --- preview and --pdf (LibreOffice) -------------------------------------------------


def test_build_pdf_and_preview(series, tmp_path, libreoffice):
    root = series()
    result = runner.invoke(app, ["build", str(root / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "工作专报2024年第3期.pdf").read_bytes()[:4] == b"%PDF"
    result = runner.invoke(app, ["preview", str(root / "2024-03"), "-o", str(tmp_path / "pv")])
    assert result.exit_code == 0, result.output
    pages = [line for line in result.output.splitlines() if line.endswith(".png")]
    assert pages and all((tmp_path / "pv" / "preview").joinpath(p.split("/")[-1]).is_file() for p in pages)


def test_missing_libreoffice_is_explained(series, tmp_path, monkeypatch):
    import zhuanbao.export as export

    monkeypatch.setattr(export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series() / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2
    assert "未找到 LibreOffice" in result.output and "apt-get install libreoffice-writer" in result.output


@pytest.mark.parametrize("relative", [False, True])
def test_import_reports_what_check_would_say_about_the_new_item(series, tmp_path, monkeypatch, relative):
    source = tmp_path / "稿件.txt"
    source.write_text("标题\n完成改造,惠及居民2023年05月。\n", "utf-8")
    issue = series() / "2024-03"
    if relative:  # as typed at a prompt: zhuanbao import 稿件.txt content/2024-03
        monkeypatch.chdir(issue.parent.parent)
        source, issue = source.relative_to(tmp_path), issue.relative_to(issue.parent.parent)
    result = runner.invoke(app, ["import", str(source), str(issue), "-s", "工作简讯"])
    assert result.exit_code == 0
    assert "[halfwidth-punct]" in result.output and "[date-padding]" in result.output


def test_importing_the_same_submission_twice_is_pointed_out(series, tmp_path):
    source = tmp_path / "稿件.txt"
    source.write_text("东岭区完成老旧小区改造\n共改造小区12个。\n", "utf-8")
    issue = series() / "2024-03"
    runner.invoke(app, ["import", str(source), str(issue), "-s", "工作简讯"])
    again = runner.invoke(app, ["import", str(source), str(issue), "-s", "重要新闻"])
    assert again.exit_code == 0 and "[duplicate-title]" in again.output, again.output


# --- build --pdf ---------------------------------------------------------------------


def test_build_pdf_when_libreoffice_fails_keeps_the_documents_and_says_so(series, tmp_path, libreoffice):
    import json
    import os

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n", "utf-8")
    (fake / "soffice").chmod(0o755)
    root, out = series(), tmp_path / "out"
    broken = runner.invoke(app, ["build", str(root), "-o", str(out), "--pdf", "--json"],
                           env={"PATH": f"{fake}:{os.environ['PATH']}"})  # fmt: skip
    summary = json.loads(broken.stdout)
    assert broken.exit_code == 2 and [b["issue"] for b in summary["built"]] == ["2024-03"]
    assert summary["pdf"] == [] and "LibreOffice 未能转换为 PDF（退出码 1）：Error: source file could not be loaded" in (
        summary["failed"][0]["message"]
    )
    assert (out / "工作专报2024年第3期.docx").is_file()
    # the next unattended run makes the missing PDF although the issue did not change
    again = runner.invoke(app, ["build", str(root), "-o", str(out), "--changed", "--pdf", "--json"])
    summary = json.loads(again.stdout)
    assert again.exit_code == 0 and summary["built"] == [] and summary["pdf"] == [str(out / "工作专报2024年第3期.pdf")]
    assert (out / "工作专报2024年第3期.pdf").read_bytes().startswith(b"%PDF")


def test_build_pdf_without_libreoffice_writes_nothing(series, tmp_path, monkeypatch):
    import zhuanbao.export

    monkeypatch.setattr(zhuanbao.export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series()), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2 and "未找到 LibreOffice" in result.output and not (tmp_path / "out").exists()


def test_import_with_a_misspelt_section_suggests_the_right_one(series, tmp_path):
    (tmp_path / "a.txt").write_text("标题\n正文。\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        import_submission(tmp_path / "a.txt", series() / "2024-03", "区县动")
    assert "--section 写的栏目“区县动”" in caught.value.message and caught.value.hint == "是否想写“区县动态”？"
