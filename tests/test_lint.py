"""zhuanbao check: each rule with the exact file:line:col, severities, and --fix."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app
from zhuanbao.lint import RULES, check

runner = CliRunner()

HEAD = "---\nsection: 工作简讯\ntitle: 测试标题\nsource: 测试单位\n---\n"


def findings(series, body: str, files: dict | None = None, rule: str | None = None):
    root = series({"2024-03/items/01-gaizao.md": HEAD + body, **(files or {})})
    report = check(root)
    found = [(f.path.name, f.line, f.column, f.rule, f.severity) for f in report.findings]
    return [f for f in found if rule is None or f[3] == rule], report


@pytest.mark.parametrize(
    ("body", "rule", "line", "column"),
    [
        ("东岭区完成改造,惠及居民。\n", "halfwidth-punct", 6, 8),
        ("完成改造(一期)。\n", "halfwidth-punct", 6, 5),
        ("是否完成?\n", "halfwidth-punct", 6, 5),
        ("第一段。\n\n他说“很好。\n", "unmatched-pair", 8, 3),
        ("见《通知。\n", "unmatched-pair", 6, 2),
        ("好】。\n", "unmatched-pair", 6, 2),
        ("2023年05月24日召开。\n", "date-padding", 6, 6),
        ("5月06日召开。\n", "date-padding", 6, 3),
        ("于2023-05-24召开。\n", "date-format", 6, 2),
        ("1-7月累计完成。\n", "range-dash", 6, 2),
        ("35~64岁人群。\n", "range-dash", 6, 3),
        ("10月1日-7日放假。\n", "range-dash", 6, 6),
        ("1月-9月累计。\n", "range-dash", 6, 3),
        ("第1-3季度。\n", "range-dash", 6, 3),
        ("增长15%-20%。\n", "range-dash", 6, 6),
        ("投资3万-5万元。\n", "range-dash", 6, 5),
        ("完成１２３户。\n", "fullwidth-alnum", 6, 3),
        ("完成了。。\n", "repeated-punct", 6, 4),
        ("等等...\n", "ellipsis", 6, 3),
        ("中文 中文。\n", "space-in-cjk", 6, 3),
        ("共 12 户。\n", "space-in-cjk", 6, 2),
        ("第一段写完了。\n第二段没有空行。\n", "line-join", 7, 1),
        ("他说：“好。”\n接着写。\n", "line-join", 7, 1),
        ('他称之为"暖心工程"。\n', "straight-quotes", 6, 5),
        ("并说'很好'。\n", "straight-quotes", 6, 3),
        ("现场照片：![现场](photo.jpg)\n", "image-in-item", 6, 6),
    ],
)
def test_rule_points_at_the_spot(series, body, rule, line, column):
    found, _ = findings(series, body, rule=rule)
    assert found and found[0][:3] == ("01-gaizao.md", line, column), found


@pytest.mark.parametrize(
    "body",
    [
        "10:30召开，时间到了。\n",  # a time is not punctuation next to Chinese
        "网址www.example.cn可查。\n",
        "西安（Xi'an）的{{ \"{{\" }}写法。\n",  # an apostrophe between letters, a quoted Jinja string
        "咨询电话0745-2288123，1—7月累计完成，COVID-19，A-3地块。\n",  # a phone number, codes: not ranges
        "2023年5月24日召开，1—7月累计。\n",
        "引号“成对”，书名号《成对》，括号（成对）。\n",
        "省略号……写法正确。\n",
        "增长1.5个百分点，达到12.5%。\n",
        "{{ tables.x | pct }}：数据句子不检查模板语法。\n",
        "一句话写到一半，\n换行接着写。\n",  # a wrapped sentence: joined as meant
        "　　第一段。\n　　第二段另起一段。\n",  # 　　-indented lines are paragraphs of their own
        "第一行。  \n硬换行的第二行。\n",  # a hard break is a line break, not a join
        "第一行。\\\n硬换行的第二行。\n",
        "有以下几项：\n- 第一项。\n- 第二项。\n1. 第三项。\n",
    ],
)
def test_clean_text_has_no_text_findings(series, body):
    found, _ = findings(series, body)
    assert [f for f in found if f[3] not in ("build",)] == []


def test_title_line_and_column_in_the_front_matter(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\ntitle: 东岭区,完成改造。\n---\n正文。\n"})
    found = [(f.line, f.column, f.rule) for f in check(root).findings]
    assert (3, 11, "halfwidth-punct") in found
    assert (3, 16, "title-punct") in found


def test_build_errors_are_findings(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简迅\n---\n正文。\n"})
    found = [(f.path.name, f.line, f.rule) for f in check(root).findings]
    assert ("01-gaizao.md", 2, "build") in found


def test_duplicate_titles(series):
    files = {"2024-03/items/02.md": HEAD + "另一篇。\n"}
    found, _ = findings(series, "正文。\n", files, rule="duplicate-title")
    assert found == [("02.md", 3, 1, "duplicate-title", "error")]


def test_missing_source_and_required_section(series):
    root = series(
        {
            "series.yaml": (series().joinpath("series.yaml").read_text("utf-8")
                            + "lint:\n  require_source: [工作简讯]\n  required_sections: [区县动态]\n"),
            "2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n无来源。\n",
        }
    )
    found = {(f.path.name, f.rule) for f in check(root).findings}
    assert ("01-gaizao.md", "missing-source") in found and ("issue.yaml", "required-section") in found


def test_severity_can_be_changed_or_turned_off(series):
    base = series().joinpath("series.yaml").read_text("utf-8")
    root = series(
        {
            "series.yaml": base + "lint:\n  rules: {halfwidth-punct: warning, repeated-punct: 'off'}\n",
            "2024-03/items/01-gaizao.md": HEAD + "完成,好。。\n",
        }
    )
    report = check(root)
    assert [(f.rule, f.severity) for f in report.findings] == [("halfwidth-punct", "warning")]
    assert report.errors == 0 and report.warnings == 1


def test_an_unquoted_off_turns_a_rule_off(series):
    base = series().joinpath("series.yaml").read_text("utf-8")
    root = series({"series.yaml": base + "lint:\n  rules:\n    repeated-punct: off\n",
                   "2024-03/items/01-gaizao.md": HEAD + "好。。\n"})  # fmt: skip
    assert check(root).findings == []


def test_lint_settings_naming_no_rule_or_section_are_reported(series):
    base = series().joinpath("series.yaml").read_text("utf-8")
    root = series({"series.yaml": base + "lint:\n  rules: {elipsis: warning, quotes: off}\n  required_sections: [工作剪讯]\n"})
    found = [(f.path.name, f.line, f.message) for f in check(root).findings if f.rule == "lint-settings"]
    assert [(name, line) for name, line, _ in found] == [("series.yaml", 14), ("series.yaml", 14), ("series.yaml", 15)]
    assert "是否想写“ellipsis”" in found[0][2] and "是否想写“straight-quotes”" in found[1][2]
    assert "是否想写“工作简讯”" in found[2][2]


def test_range_rule_follows_the_series(series):
    base = series().joinpath("series.yaml").read_text("utf-8")
    root = series({"series.yaml": base + "lint: {range_dash: '-'}\n", "2024-03/items/01-gaizao.md": HEAD + "1-7月。\n"})
    assert check(root).findings == []


def issue(number: int, date: str, total: int | None = None) -> str:
    return f"number: {number}\ndate: {date}\n" + (f"total: {total}\n" if total else "")


ITEM = "---\nsection: 工作简讯\n---\n正文。\n"


@pytest.mark.parametrize(
    ("second", "messages"),
    [
        (("2024-04", issue(4, "2024-04-15", 21)), []),
        (("2024-05", issue(5, "2024-05-15", 22)), ["期号应为 4", "总期号应为 21"]),
        (("2024-04", issue(4, "2024-03-01", 21)), ["早于上一期"]),
        (("2025-01", issue(1, "2025-01-10", 21)), []),
        (("2025-02", issue(2, "2025-01-10", 21)), ["期号应为 1"]),
    ],
)
def test_issue_sequence(series, second, messages):
    folder, text = second
    root = series({f"{folder}/issue.yaml": text, f"{folder}/items/01.md": ITEM})
    found = [f.message for f in check(root / folder).findings if f.rule in ("issue-number", "issue-date")]
    for message in messages:
        assert any(message in m for m in found), found
    if not messages:
        assert found == []


def test_three_digit_issue_numbers_follow_in_number_order(series):
    """2024-100 comes after 2024-99, although "2024-100" < "2024-99" as text."""
    files = {}
    for number in (98, 99, 100):
        files[f"2024-{number}/issue.yaml"] = issue(number, f"2024-12-{number - 80}", 100 + number)
        files[f"2024-{number}/items/01.md"] = ITEM
    root = series(files, drop=("2024-03/issue.yaml", "2024-03/items/01-gaizao.md"))
    found = [str(f) for f in check(root).findings if f.rule in ("issue-number", "issue-date")]
    assert found == []


def test_files_in_items_that_will_not_be_printed_are_named(series):
    root = series({"2024-03/items/02-新闻.md.txt": ITEM, "2024-03/items/03.docx": b"PK", "2024-03/items/_草稿.txt": "x"})
    found = sorted((f.path.name, f.rule, f.severity) for f in check(root).findings if f.rule == "not-an-item")
    assert found == [("02-新闻.md.txt", "not-an-item", "warning"), ("03.docx", "not-an-item", "warning")]


def test_fix_applies_safe_fixes_keeps_a_backup_and_reports(series):
    body = "2023年05月06日,完成改造(一期)１２３户。。\n"
    root = series({"2024-03/items/01-gaizao.md": HEAD + body})
    path = root / "2024-03/items/01-gaizao.md"
    report = check(root, fix=True, now=dt.datetime(2024, 3, 20, 9, 30, 0))
    assert path.read_text("utf-8") == HEAD + "2023年5月6日，完成改造（一期）123户。。\n"
    backup = root / ".zhuanbao-backup/20240320-093000/2024-03/items/01-gaizao.md"
    assert backup.read_text("utf-8") == HEAD + body
    fixed = [f.rule for f in report.findings if f.fixed]
    assert sorted(fixed) == ["date-padding", "date-padding", "fullwidth-alnum", "halfwidth-punct",
                             "halfwidth-punct", "halfwidth-punct"]  # fmt: skip
    assert report.errors == 1  # the repeated 。 is not a safe fix: still reported
    assert [f.rule for f in check(root).findings] == ["repeated-punct"]


def test_fix_keeps_crlf_line_ends(series):
    root = series({"2024-03/items/01-gaizao.md": (HEAD + "完成,好。\n").replace("\n", "\r\n").encode("utf-8")})
    check(root, fix=True)
    assert (root / "2024-03/items/01-gaizao.md").read_bytes().endswith("完成，好。\r\n".encode())


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_fix_keeps_every_line_s_own_ending(series, encoding):
    # Notepad saves CRLF; a paste from another program can leave LF or a lone CR
    # on some lines. Only the fixed characters change, nothing else in the file.
    text = HEAD.replace("\n", "\r\n") + "完成,好。\r\n第二段。\n\n第三段,好。\r第四段。\r\n"
    root = series({"2024-03/items/01-gaizao.md": text.encode(encoding)})
    check(root, fix=True)
    data = (root / "2024-03/items/01-gaizao.md").read_bytes()
    assert data.decode(encoding) == text.replace("完成,好", "完成，好").replace("第三段,好", "第三段，好")


def test_fix_leaves_unfixed_lines_byte_for_byte(series):
    body = "完成,好。\n见“附件\u2028一”，\t网址 http://a.cn/x?y=1 。\n"  # invisible junk on an unfixed line stays
    root = series({"2024-03/items/01-gaizao.md": HEAD + body})
    check(root, fix=True)
    assert (root / "2024-03/items/01-gaizao.md").read_text("utf-8").endswith("完成，好。\n" + body.split("\n")[1] + "\n")


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        ("召开会议(AI)。\n", "召开会议（AI）。\n"),  # ( next to Chinese, ) not: the pair changes together
        ("(AI)应用。\n", "（AI）应用。\n"),
        ("文件(2025年版)印发。\n", "文件（2025年版）印发。\n"),
        ("函数f(x)很好。\n", "函数f(x)很好。\n"),  # neither bracket next to Chinese
        ("见[通知](http://a.cn/b)发布。\n", "见[通知](http://a.cn/b)发布。\n"),  # a link's address is not prose
    ],
)
def test_fix_changes_round_brackets_as_a_pair(series, body, fixed):
    root = series({"2024-03/items/01-gaizao.md": HEAD + body})
    check(root, fix=True)
    assert (root / "2024-03/items/01-gaizao.md").read_text("utf-8") == HEAD + fixed
    assert not [f for f in check(root).findings if f.rule == "unmatched-pair"]


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        ("完成改造.\n", "完成改造。\n"),
        ("完成改造. 接着写。\n", "完成改造。 接着写。\n"),
        ("完成改造.下一句。\n", "完成改造。下一句。\n"),
        ("完成“改造”.\n", "完成“改造”。\n"),
        ("增长1.5个百分点。\n", "增长1.5个百分点。\n"),  # a decimal point
        ("网址www.example.cn可查。\n", "网址www.example.cn可查。\n"),
        ("见附件1.2节。\n", "见附件1.2节。\n"),
        ("一.总体情况\n", "一、总体情况\n"),  # a heading number takes 、, not 。
        ("## 二.工作进展\n", "## 二、工作进展\n"),
    ],
)
def test_a_halfwidth_full_stop_after_chinese_becomes_a_chinese_one(series, body, fixed):
    root = series({"2024-03/items/01-gaizao.md": HEAD + body})
    report = check(root, fix=True)
    assert (root / "2024-03/items/01-gaizao.md").read_text("utf-8") == HEAD + fixed
    assert any(f.rule == "halfwidth-punct" for f in report.findings) == (body != fixed)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig", "utf-16-be"])
def test_fix_keeps_the_file_s_encoding(series, encoding):
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""  # a big-endian file stays big-endian
    root = series({"2024-03/items/01-gaizao.md": bom + (HEAD + "完成,好。\n").encode(encoding)})
    check(root, fix=True)
    data = (root / "2024-03/items/01-gaizao.md").read_bytes()
    assert data.startswith(bom) and data[len(bom):].decode(encoding).endswith("完成，好。\n")
    if encoding == "gb18030":
        assert data.decode("gb18030").encode("gb18030") == data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_every_rule_is_documented():
    from pathlib import Path

    doc = (Path(__file__).parents[1] / "docs" / "lint-rules.md").read_text("utf-8")
    for rule in RULES:
        assert f"`{rule}`" in doc, rule


def test_fix_without_a_writable_backup_folder_changes_nothing_and_says_why(series):
    from zhuanbao.diagnostics import OutputError

    root = series({"2024-03/items/01-gaizao.md": HEAD + "完成,好。\n"})
    (root / ".zhuanbao-backup").write_text("不是文件夹", "utf-8")
    with pytest.raises(OutputError, match="无法写入备份文件夹，这个文件没有修改"):
        check(root, fix=True)
    assert (root / "2024-03/items/01-gaizao.md").read_text("utf-8") == HEAD + "完成,好。\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [("2024年09月15日召开。\n", "应写 2024年9月15日"), ("9月05日召开。\n", "应写 9月5日"), ("4月30日至05月3日。\n", "应写 5月3日")],
)
def test_date_padding_names_the_date_as_it_should_read(series, body, message):
    root = series({"2024-03/items/01-gaizao.md": HEAD + body})
    assert all(message in f.message for f in check(root).findings if f.rule == "date-padding")
    assert any(f.rule == "date-padding" for f in check(root).findings)


def test_source_written_with_gonggao_is_reported_at_its_line(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\nsource: 东岭区住建局供稿\n---\n正文。\n"})
    found = [(f.line, f.column, f.rule) for f in check(root).findings if f.rule == "source-suffix"]
    assert found == [(3, 1, "source-suffix")]


def test_markdown_marks_in_a_title_are_reported(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\ntitle: 东岭区**完成**改造\n---\n正文。\n"})
    assert [(f.line, f.column, f.rule) for f in check(root).findings] == [(3, 11, "title-markup")]


@pytest.mark.parametrize("title", ["title: >-\n  东岭区,完成改造。", "title: 东岭区,\n  完成改造。"])
def test_a_title_over_several_lines_is_linted_and_fixed(series, title):
    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\n{title}\n---\n正文。\n"})
    report = check(root, fix=True)
    assert sorted(f.rule for f in report.findings) == ["halfwidth-punct", "title-punct"]
    assert "东岭区，" in (root / "2024-03/items/01-gaizao.md").read_text("utf-8")


@pytest.mark.parametrize("title", ['title: "东岭区完成改造"', "title: '东岭区完成改造'"])
def test_a_yaml_quoted_title_s_quotes_are_not_the_title_s(series, title):
    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\n{title}\n---\n正文。\n"})
    assert check(root).findings == []


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


@pytest.mark.parametrize("when", ["before the backup", "during the write"])
def test_fix_never_overwrites_what_the_editor_saved_while_check_ran(series, monkeypatch, when):
    # The editor keeps the file open in an editor and saves while check --fix runs:
    # their new text wins; the fixes are reported as not made.
    import zhuanbao.fsio as fsio
    from zhuanbao.lint import Checker

    root = series({"2024-03/items/01-gaizao.md": HEAD + "完成,好。\n"})
    path = root / "2024-03/items/01-gaizao.md"
    saved = HEAD + "编辑刚保存的新内容,不能丢。\n"
    if when == "before the backup":
        pairs = Checker.pairs

        def save_then_pairs(self, *args):
            path.write_text(saved, "utf-8")
            return pairs(self, *args)

        monkeypatch.setattr(Checker, "pairs", save_then_pairs)
    else:
        write = fsio._write_temporary

        def save_meanwhile(target, data):
            tmp = write(target, data)
            path.write_text(saved, "utf-8")
            return tmp

        monkeypatch.setattr(fsio, "_write_temporary", save_meanwhile)
    report = check(root, fix=True)
    assert path.read_text("utf-8") == saved
    assert not [f for f in report.findings if f.fixed]
    assert any("又被保存过" in f.message and f.path == path for f in report.findings)
    assert [p.name for p in path.parent.iterdir()] == ["01-gaizao.md"]  # no temporary file left


def test_a_table_new_carried_over_is_flagged_until_this_month_s_data_is_in(tmp_path):
    import shutil

    from zhuanbao.scaffold import new_issue

    from .conftest import EXAMPLE

    # the series as it stood at 2025-09 (2025-10, which reads a database, came later)
    shutil.copytree(EXAMPLE, tmp_path / "content", ignore=lambda where, names: ["2025-10"] if where == str(EXAMPLE) else [])
    root = tmp_path / "content"
    folder = new_issue(root, dt.date(2025, 10, 20))
    (folder / "items/_示例04-工作简讯.md").rename(folder / "items/01.md")
    stale = [(f.line, f.message) for f in check(root).findings if f.rule == "stale-table" and f.path.parent == folder]
    assert len(stale) == 4  # two files as last month's, two as_of not later
    assert any("与上一期（2025-09）的一样" in m for _, m in stale) and any("不晚于上一期" in m for _, m in stale)
    csv = folder / "tables/民生实事目标.csv"
    csv.write_bytes(csv.read_bytes().replace(b"\n", b"\r\n"))  # this month's figures (changed bytes)
    text = (folder / "issue.yaml").read_text("utf-8").replace("as_of: 2025-08-31", "as_of: 2025-09-30")
    (folder / "issue.yaml").write_text(text, "utf-8")
    left = [f.message for f in check(root).findings if f.rule == "stale-table" and f.path.parent == folder]
    assert left == ["表格文件“tables/区县进度.xlsx”与上一期（2025-09）的一样：还没有换成本期的数据？"]
