"""zhuanbao new (scaffold.py): the next issue folder, its number, its examples, and what it never overwrites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app
from zhuanbao.diagnostics import ContentError, OutputError
from zhuanbao.load.content import load_edition, load_series
from zhuanbao.scaffold import new_issue

runner = CliRunner()


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


def test_new_after_issue_99_and_999_follows_the_one_folder_rule(series):
    root = series({"2024-99/issue.yaml": "number: 99\ndate: 2024-12-01\ntotal: 120\n", "2024-99/items/01.md": "---\nsection: 工作简讯\n---\n正文。\n"})
    folder = new_issue(root, dt.date(2024, 12, 2))
    assert folder.name == "2024-100"
    (folder / "items/01.md").write_text("---\nsection: 工作简讯\n---\n正文。\n", "utf-8")
    assert load_edition(root, folder, load_series(root)).issue.number == 100  # build accepts what new made

    (root / "2024-999").mkdir()
    (root / "2024-999/issue.yaml").write_text("number: 999\ndate: 2024-12-20\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        new_issue(root, dt.date(2024, 12, 21))
    assert "期号最多为 999" in caught.value.message and caught.value.path == root / "2024-999/issue.yaml"
    assert not (root / "2024-1000").exists()


def test_issue_number_above_999_is_refused_at_its_line(series):
    root = series({"2024-03/issue.yaml": "date: 2024-03-15\nnumber: 1000\n"})
    result = runner.invoke(app, ["build", str(root), "-o", str(root / "out")])
    assert result.exit_code == 2 and "issue.yaml:2" in result.output and "999" in result.output


def test_full_width_digits_are_not_an_issue_folder(series):
    from zhuanbao.load.content import ISSUE_DIR_NAME

    assert ISSUE_DIR_NAME.match("2024-100") and ISSUE_DIR_NAME.match("2024-03")
    assert not ISSUE_DIR_NAME.match("２０２４-０３") and not ISSUE_DIR_NAME.match("2024-1000")


def test_init_makes_a_series_that_starts_mid_year_and_builds(tmp_path):
    from zhuanbao.build import run
    from zhuanbao.lint import check

    result = runner.invoke(app, ["init", str(tmp_path / "统计简报"), "--title", "统计简报", "--issuer", "青山县统计局",
                                 "--sections", "统计分析，经济运行、统计工作", "--number", "10", "--total", "86",
                                 "--date", "2025-10-15"])  # fmt: skip
    assert result.exit_code == 0, result.output
    series_dir = tmp_path / "统计简报"
    series = load_series(series_dir)
    assert (series.title, series.issuer, series.sections) == ("统计简报", "青山县统计局", ["统计分析", "经济运行", "统计工作"])
    text = (series_dir / "series.yaml").read_text("utf-8")
    assert all(f"# {key}:" in text or f"{key}:" in text for key in ("program", "distribution", "contact", "copies",
                                                                    "marks", "signoff", "templates", "archive", "lint"))
    issue = series_dir / "2025-10"
    assert sorted(p.name for p in (issue / "items").iterdir()) == ["_示例01-统计分析.md", "_示例02-经济运行.md", "_示例03-统计工作.md"]
    assert not check(series_dir).findings  # the new series checks clean, as build passes the unstarted issue by
    (issue / "items/_示例02-经济运行.md").rename(issue / "items/01-jingji.md")
    assert not [f for f in check(series_dir).findings if f.severity == "error"]
    [built] = run(series_dir, tmp_path / "out").built
    assert built.path.name == "统计简报2025年第10期.docx"
    assert "2025年第10期（总第86期）" in [p.text for p in __import__("docx").Document(str(built.path)).paragraphs]
    assert new_issue(series_dir, dt.date(2025, 11, 14)).name == "2025-11"  # and new goes on from there


def test_init_keeps_what_was_typed_even_with_yaml_syntax_in_it(tmp_path):
    from zhuanbao.scaffold import init_series

    init_series(tmp_path / "s", 'A: "专报" #1', "某局: 办公室", ["工作动态"], program="- 专项", date=dt.date(2025, 1, 6))
    series = load_series(tmp_path / "s")
    assert (series.title, series.issuer, series.program) == ('A: "专报" #1', "某局: 办公室", "- 专项")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "专报", "--sections", "甲"], "缺少 --issuer"),  # not a terminal: an error, never a question
        (["--title", "专报", "--issuer", "某局", "--sections", "甲,甲"], "栏目“甲”重复"),
        (["--title", "专报", "--issuer", "某局", "--sections", "甲", "--number", "5", "--total", "3"], "不能小于"),
        (["--title", "专报", "--issuer", "某局", "--sections", "甲", "--date", "2025-02-30"], "不存在"),
    ],
)
def test_init_refuses_what_would_not_make_a_series_and_writes_nothing(tmp_path, args, message):
    result = runner.invoke(app, ["init", str(tmp_path / "新刊"), *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "新刊").exists() and [p.name for p in tmp_path.iterdir()] == []


def test_init_never_writes_into_a_folder_with_files(tmp_path):
    (tmp_path / "已有").mkdir()
    (tmp_path / "已有/笔记.txt").write_text("编辑的笔记", "utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "已有"), "--title", "专报", "--issuer", "某局", "--sections", "甲"])
    assert result.exit_code == 2 and "不是空的" in result.output
    assert [p.name for p in (tmp_path / "已有").iterdir()] == ["笔记.txt"]
    (tmp_path / "空的").mkdir()  # an empty folder the editor made for it is fine
    result = runner.invoke(app, ["init", str(tmp_path / "空的"), "--title", "专报", "--issuer", "某局", "--sections", "甲"])
    assert result.exit_code == 0 and (tmp_path / "空的/series.yaml").is_file()


def test_init_asks_at_a_terminal(tmp_path):
    # typed answers at a real terminal (a pty), defaults taken with Enter
    import os
    import pty
    import subprocess
    import sys

    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "zhuanbao", "init", str(tmp_path / "县统计简报"), "--date", "2025-10-15"],
                               stdin=secondary, stdout=secondary, stderr=secondary)  # fmt: skip
    os.close(secondary)
    output = b""
    answers = iter(["统计简报\r", "青山县统计局\r", "统计分析,经济运行\r", "\r", "0\r", "²\r", "10\r", "86\r"])
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if chunk.rstrip().endswith((b":", "：".encode())):
            os.write(main, next(answers, "\r").encode())
    assert process.wait(30) == 0, output.decode("utf-8", "replace")
    series = load_series(tmp_path / "县统计简报")
    assert (series.title, series.issuer, series.sections) == ("统计简报", "青山县统计局", ["统计分析", "经济运行"])
    assert "total: 86" in (tmp_path / "县统计简报/2025-10/issue.yaml").read_text("utf-8")
    assert "编发单位".encode() in output
    assert output.count("请输入 1 到 999 之间的整数".encode()) == 2  # 0 and ² asked again, nothing lost


def test_init_example_copies_the_series_that_ships_with_zhuanbao(tmp_path):
    from zhuanbao.build import run

    result = runner.invoke(app, ["init", "--example", str(tmp_path / "示例")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "示例/series.yaml").is_file() and len(run(tmp_path / "示例", tmp_path / "out").built) >= 2


def test_templates_are_copied_out_and_a_series_may_keep_only_what_it_changes(series, tmp_path):
    from zhuanbao.build import run
    from zhuanbao.load.templates import default_template_dir

    result = runner.invoke(app, ["templates", str(tmp_path / "模板")])
    assert result.exit_code == 0, result.output
    shipped = sorted(p.name for p in default_template_dir().iterdir() if not p.name.startswith((".", "__")))
    assert sorted(p.name for p in (tmp_path / "模板").iterdir()) == shipped
    root = series()
    [default] = run(root, tmp_path / "a").built
    [copied] = run(root, tmp_path / "b", tmp_path / "模板").built
    assert copied.path.read_bytes() == default.path.read_bytes()
    for name in shipped:
        if name != "style.yaml":
            (tmp_path / "模板" / name).unlink()
    style = tmp_path / "模板/style.yaml"
    style.write_text(style.read_text("utf-8").replace("color: FF0000", "color: C00000"), "utf-8")
    [changed] = run(root, tmp_path / "c", tmp_path / "模板").built  # only style.yaml: the rest from the defaults
    assert changed.path.read_bytes() != default.path.read_bytes()


def test_new_carries_over_the_tables_and_standing_keys_but_not_the_one_offs(tmp_path):
    import shutil

    from zhuanbao.load.content import load_edition

    from .conftest import EXAMPLE

    # the series as it stood at 2025-09 (2025-10 reads a database, its own test is in test_load_database.py)
    shutil.copytree(EXAMPLE, tmp_path / "content", ignore=lambda where, names: ["2025-10"] if Path(where) == EXAMPLE else [])
    root = tmp_path / "content"
    folder = new_issue(root, dt.date(2025, 10, 20))
    text = (folder / "issue.yaml").read_text("utf-8")
    assert "以下沿用上一期（2025-09）的设置" in text and "请换成本期的数据" in text
    assert "# 指标表：数据来自各牵头单位报送的表格" in text  # the editor's own comments come along
    assert "\ncopies: 100" not in text and "市纪委监委" not in text  # 本期多印、本期加送 were last month's only
    for name in ("tables/民生实事目标.csv", "tables/区县进度.xlsx"):
        assert (folder / name).read_bytes() == (root / "2025-09" / name).read_bytes()
    (folder / "items/_示例04-工作简讯.md").rename(folder / "items/01.md")
    edition = load_edition(root, folder, load_series(root))
    assert [t.id for t in edition.issue.tables] == ["targets", "workshops"] and edition.issue.number == 10
    again = new_issue(root, dt.date(2025, 11, 20))  # and on from there, without copying the one-offs back in
    assert (again / "issue.yaml").read_text("utf-8").count("以下沿用上一期") == 1


# --- the example's database, made from its SQL ------------------------------------------------------------------


def test_the_example_database_is_made_from_its_sql_and_remade_only_when_the_sql_is_newer(tmp_path):
    import os
    import sqlite3

    from zhuanbao.scaffold import make_example_database

    script = tmp_path / "数据" / "统计.sql"
    script.parent.mkdir()
    script.write_text("CREATE TABLE 区县 (名称 TEXT);\nINSERT INTO 区县 VALUES ('东岭区');\n", "utf-8")
    [made] = make_example_database(tmp_path)
    assert made == script.with_suffix(".sqlite")
    assert sqlite3.connect(made).execute("SELECT 名称 FROM 区县").fetchall() == [("东岭区",)]
    assert make_example_database(tmp_path) == []  # up to date
    assert sorted(p.name for p in script.parent.iterdir()) == ["统计.sql", "统计.sqlite"]  # no temporary file
    os.utime(script, (made.stat().st_mtime + 10, made.stat().st_mtime + 10))
    assert make_example_database(tmp_path) == [made]


def test_an_example_database_open_in_another_program_is_said_and_kept(tmp_path, word_holds):
    import os

    from zhuanbao.diagnostics import HeldOpenError
    from zhuanbao.scaffold import make_example_database

    script = tmp_path / "数据" / "统计.sql"
    script.parent.mkdir()
    script.write_text("CREATE TABLE t (a);\n", "utf-8")
    target = script.with_suffix(".sqlite")
    target.write_bytes(b"the database a viewer holds")
    older = script.stat().st_mtime - 10
    os.utime(target, (older, older))  # older than its SQL: to be remade
    word_holds.add(target)
    with pytest.raises(HeldOpenError):
        make_example_database(tmp_path)
    assert target.read_bytes() == b"the database a viewer holds"
    assert sorted(p.name for p in script.parent.iterdir()) == ["统计.sql", "统计.sqlite"]  # nothing left behind
