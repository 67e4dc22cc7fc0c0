"""The command line: Chinese help, exit codes, messages without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app
from .conftest import bounded, refused

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the real console entry point, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "zhuanbao", *args], capture_output=True, text=True, env={"COLUMNS": "120", "PATH": ""}
    )


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_is_chinese(args):
    result = run(*args)
    assert result.returncode == 0
    assert "用法：" in result.stdout and "显示本帮助并退出" in result.stdout
    for english in ("Usage:", "Show this message", "Options", "Arguments", "<bool>", "<path>", "<int>", "<str>"):
        assert english not in result.stdout


def test_the_command_list_fits_an_80_column_terminal():
    source = str(Path(__file__).resolve().parents[1] / "src")  # this tree's commands, whatever is installed
    result = subprocess.run([sys.executable, "-m", "zhuanbao", "--help"], capture_output=True, text=True,
                            env={"COLUMNS": "80", "PATH": "", "PYTHONPATH": source})  # fmt: skip
    commands = result.stdout.split("─ 命令 ─")[1]
    assert "…" not in commands  # no summary cut off
    rows = [line for line in commands.splitlines() if line.startswith("│")]
    assert len(rows) == 17 and all(line[2] != " " for line in rows), commands  # one line per command


def test_build_help_explains_the_arguments():
    result = run("build", "--help")
    assert "某一期的文件夹" in result.stdout and "输出文件夹" in result.stdout


def test_build_prints_where_it_wrote(series, tmp_path):
    result = runner.invoke(app, ["build", str(series()), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "已生成：" in result.output and "工作专报2024年第3期.docx" in result.output


def test_bad_input_exits_2_with_file_and_line_and_no_traceback(series, tmp_path):
    root = series({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntotall: 20\n"})
    result = run("build", str(root), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{root / '2024-03' / 'issue.yaml'}:3:1: 错误: 未知的键“totall”" in result.stderr
    assert "是否想写“total”" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_argument_is_a_chinese_usage_error():
    result = run("build")
    assert result.returncode == 2
    assert "缺少参数" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--nope"], "错误：没有选项 --nope。\n"),
        (["build", "x", "--jobs", "abc"], "错误：--jobs / -j 应为整数\n"),
        (["build", "x", "--wait", "abc"], "错误：--wait 应为数字\n"),
        (["build", "a", "b"], "错误：多余的参数：b\n"),
        (["new", "x", "--date"], "错误：选项 --date 后面要写一个值。\n"),
        (["search", "-就业"], "错误：没有选项 -就。以“-”开头的词语请写在 -- 之后，如 zhuanbao search -- -就业\n"),
        (["build", "x", "--jobs", "0"], "错误：--jobs / -j 应不小于 1\n"),
        (["build", "x", "--wait", "-5"], "错误：--wait 应不小于 0\n"),
        (["preview", "x", "--dpi", "3000"], "错误：--dpi 应不大于 600\n"),
    ],
)
def test_usage_errors_are_chinese(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)  # the whole message: no English left over


def test_debug_shows_the_traceback(series, tmp_path):
    root = series({"2024-03/issue.yaml": "number: 3\n"})
    result = run("--debug", "build", str(root), "-o", str(tmp_path / "out"))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_version():
    from zhuanbao import __version__

    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


# --- each command with its use case replaced: the arguments it passes, what it prints, how it exits ----------

from pathlib import Path  # noqa: E402

from zhuanbao import services  # noqa: E402
from zhuanbao.diagnostics import BusyError, ContentError, Diagnostic, Location, OutputError  # noqa: E402


class Fake:
    """Stands in for a use case: records its arguments, then returns ``result`` or raises it."""

    def __init__(self, result=None):
        self.result = result
        self.calls: list[tuple] = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def replace(monkeypatch, name: str, result=None) -> Fake:
    fake = Fake(result)
    monkeypatch.setattr(services, name, fake)
    return fake


def invoke(*args: str):
    return runner.invoke(app, list(args))


def built(*paths: str, **fields):
    from zhuanbao.build import BuildResult, Built

    class Edition:  # what the presentation reads of an edition
        def __init__(self, folder: str) -> None:
            self.issue_dir, self.name = Path(folder), f"专报{folder}"

    return BuildResult(built=[Built(Edition(p), Path("out") / f"{p}.docx") for p in paths], **fields)


def test_build_passes_every_option_and_lists_what_it_wrote(monkeypatch):
    fake = replace(monkeypatch, "build", built("2025-08"))
    result = invoke("build", "刊物", "-o", "发文", "-t", "模板", "--pdf", "--changed", "-j", "3", "--wait", "5")
    assert result.exit_code == 0 and result.stdout == f"已生成：{Path('out') / '2025-08.docx'}\n"
    (request, progress), _ = fake.calls[0]
    assert request == services.BuildRequest(Path("刊物"), Path("发文"), Path("模板"), True, 3, 5.0, True)
    assert progress is not None  # a progress bar for people (shown only on a terminal)


def test_build_defaults(monkeypatch):
    fake = replace(monkeypatch, "build", built())
    result = invoke("build", "刊物")
    assert fake.calls[0][0][0] == services.BuildRequest(Path("刊物"))
    assert result.exit_code == 0 and result.stdout == "没有需要生成的期。\n"


def test_build_json_is_machine_readable_and_has_no_progress_bar(monkeypatch):
    import json

    fake = replace(monkeypatch, "build", built("2025-08", unstarted=[Path("2025-09")]))
    result = invoke("build", "刊物", "--json")
    assert fake.calls[0][0][1] is None
    data = json.loads(result.stdout)
    assert data["built"][0]["issue"] == "2025-08" and data["unstarted"] == ["2025-09"] and data["failed"] == []


def test_build_says_what_it_skipped_and_what_has_not_started(monkeypatch):
    result_value = built(unstarted=[Path("2025-10"), Path("2025-11")])
    result_value.skipped = [object(), object()]
    replace(monkeypatch, "build", result_value)
    assert invoke("build", "刊物").stdout == "未变化，跳过 2 期。\n尚无稿件，未生成：2025-10、2025-11。\n"


def test_a_pdf_that_failed_exits_2_after_listing_the_documents(monkeypatch):
    failure = Diagnostic("LibreOffice 未能转换为 PDF", Location(Path("out/2025-08.docx")), kind="输出错误")
    replace(monkeypatch, "build", built("2025-08", failed=[failure]))
    result = invoke("build", "刊物", "--pdf")
    assert result.exit_code == 2 and "已生成：" in result.stdout
    assert result.stderr == f"{Path('out/2025-08.docx')}: 输出错误: LibreOffice 未能转换为 PDF\n"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ContentError("期号 3 与文件夹名不一致", Path("2024-03/issue.yaml"), 1, 9), 2),
        (BusyError("另一个生成任务正在写这个输出文件夹，本次没有写入任何文件", Path("out")), 75),
        (KeyboardInterrupt(), 130),
    ],
)
def test_build_exit_codes(monkeypatch, error, code):
    replace(monkeypatch, "build", error)
    result = invoke("build", "刊物")
    assert result.exit_code == code and result.stdout == "" and "Traceback" not in result.output
    expected = "已中断，未完成的文件没有写入。\n" if code == 130 else str(error) + "\n"
    assert result.stderr == expected


def test_build_json_failure_has_the_summary_shape_with_the_errors(monkeypatch):
    import json

    errors = ContentError.of([Diagnostic("a", Location(Path("x.md"), 2, 1)), Diagnostic("b", Location(Path("y.md"), 5))])
    replace(monkeypatch, "build", errors)
    result = invoke("build", "刊物", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["built"] == [] and [(f["file"], f["line"], f["message"]) for f in data["failed"]] == [
        ("x.md", 2, "a"), ("y.md", 5, "b")]  # fmt: skip
    assert result.stderr.endswith("共 2 处错误，未生成任何文件。\n")


def test_preview_lists_the_page_images(monkeypatch):
    fake = replace(monkeypatch, "preview", services.Preview([Path("p/a-1.png"), Path("p/a-2.png")]))
    result = invoke("preview", "2025-08", "-o", "o", "--dpi", "90")
    assert fake.calls == [((Path("2025-08"), Path("o"), None, 90), {})]
    assert result.stdout.splitlines() == [str(Path("p/a-1.png")), str(Path("p/a-2.png"))]


def test_new_passes_the_date_as_typed(monkeypatch):
    fake = replace(monkeypatch, "new_issue", services.NewIssue(Path("刊物/2025-10")))
    result = invoke("new", "刊物", "--date", "2025-10-24")
    assert fake.calls == [((Path("刊物"), "2025-10-24"), {})]
    assert result.stdout.splitlines()[0] == f"已新建：{Path('刊物/2025-10')}"


def test_new_with_a_bad_date_exits_2(monkeypatch):
    replace(monkeypatch, "new_issue", ContentError("日期“2025-13-01”不存在（月应为 1—12，日不超过当月天数）"))
    result = invoke("new", "刊物", "--date", "2025-13-01")
    assert result.exit_code == 2 and result.stderr == "错误: 日期“2025-13-01”不存在（月应为 1—12，日不超过当月天数）\n"


def report(*findings):
    from zhuanbao.lint import CheckReport

    return CheckReport(list(findings))


def finding(severity="error", fixed=False):
    return Diagnostic("中文旁边的半角“,”应为全角“，”", Location(Path("a.md"), 6, 3), severity, "halfwidth-punct",
                      fixed=fixed)  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "code", "last"),
    [
        ((), 0, "检查通过，没有发现问题。"),
        ((finding(),), 1, "共 1 个错误，0 个警告。"),
        ((finding("warning"),), 0, "共 0 个错误，1 个警告。"),
        ((finding(fixed=True),), 0, "共 0 个错误，0 个警告，已修正 1 处（原文件备份在 .zhuanbao-backup/）。"),
    ],
)
def test_check_lists_findings_and_exits_1_only_for_errors(monkeypatch, findings, code, last):
    fake = replace(monkeypatch, "check", report(*findings))
    result = invoke("check", "2025-08", "--fix")
    assert fake.calls == [((Path("2025-08"), True), {})]
    assert result.exit_code == code and result.stdout.splitlines()[-1] == last
    for item in findings:
        assert str(item) in result.stdout


def test_import_tells_what_was_left_out_and_what_check_finds(monkeypatch):
    imported = services.ImportResult(Path("items/03-x.md"), ["稿件中有 1 个表格没有导入"], [finding()])
    fake = replace(monkeypatch, "import_submission", imported)
    result = invoke("import", "报送.docx", "2025-08", "-s", "区县动态", "--source", "东岭区", "--title", "标题")
    assert fake.calls == [((Path("报送.docx"), Path("2025-08"), "区县动态", "东岭区", "标题"), {})]
    assert result.stderr == "注意：稿件中有 1 个表格没有导入\n"
    assert result.stdout.splitlines() == [f"已导入：{Path('items/03-x.md')}", str(finding()),
                                          "新稿件有 1 处需要留意（可用 zhuanbao check --fix 修正标点和日期）。"]  # fmt: skip


def test_publish(monkeypatch):
    from zhuanbao.archive.publish import Published

    fake = replace(monkeypatch, "publish", Published(Path("a/c/2025-08/v2"), 2, [Path("a/c/2025-08/v2/专报.docx")]))
    result = invoke("publish", "2025-08", "-a", "归档", "--revise")
    assert fake.calls == [((Path("2025-08"), Path("归档"), True, None), {"pdf": None, "document": None, "as_sent": False})]
    assert result.stdout.splitlines() == [f"已发布第2版：{Path('a/c/2025-08/v2')}", "  专报.docx"]


@pytest.mark.parametrize(("option", "pdf"), [("--pdf", True), ("--no-pdf", False)])
def test_publish_with_or_without_a_pdf(monkeypatch, option, pdf):
    from zhuanbao.archive.publish import Published

    fake = replace(monkeypatch, "publish", Published(Path("a/c/2025-08/v1"), 1, [Path("a/c/2025-08/v1/专报.docx")]))
    assert invoke("publish", "2025-08", option).exit_code == 0
    assert fake.calls == [((Path("2025-08"), None, False, None), {"pdf": pdf, "document": None, "as_sent": False})]


def test_publish_the_document_as_issued(monkeypatch):
    from zhuanbao.archive.publish import Published

    fake = replace(monkeypatch, "publish", Published(Path("a/c/2025-08/v1"), 1, [Path("a/c/2025-08/v1/专报.docx")]))
    assert invoke("publish", "2025-08", "--document", "签发稿.docx", "--as-sent").exit_code == 0
    assert fake.calls == [((Path("2025-08"), None, False, None),
                           {"pdf": None, "document": Path("签发稿.docx"), "as_sent": True})]


def test_publish_says_when_the_catalogue_was_not_updated(monkeypatch):
    from zhuanbao.archive.publish import Published

    warning = Diagnostic("已发布，但检索目录没有更新（磁盘空间不足）", Location(Path("归档/catalogue.sqlite")), "warning")
    replace(monkeypatch, "publish", Published(Path("a/c/2025-08/v1"), 1, [Path("a/c/2025-08/v1/专报.docx")], warnings=(warning,)))
    result = invoke("publish", "2025-08")
    assert result.exit_code == 0 and "检索目录没有更新" in result.stderr and "已发布第1版" in result.stdout


def test_publish_refused_exits_2(monkeypatch):
    replace(monkeypatch, "publish", OutputError("工作专报2025年第8期已经发布（第1版），已发布的期不会被覆盖", Path("a")))
    result = invoke("publish", "2025-08")
    assert result.exit_code == 2 and "已经发布" in result.stderr


def test_verify_lists_problems_and_exits_1(monkeypatch):
    from zhuanbao.archive.verify import VerifyReport

    problem = Diagnostic("内容已被改动（校验值不符）", Location(Path("a/x.docx")), rule="verify")
    fake = replace(monkeypatch, "verify", VerifyReport(7, [problem]))
    result = invoke("verify", "-a", "归档")
    assert fake.calls == [((Path("归档"),), {})]
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{Path('a/x.docx')}: 内容已被改动（校验值不符）", "核对 7 个文件，发现 1 处问题。"]
    replace(monkeypatch, "verify", VerifyReport(7, []))
    assert invoke("verify").stdout == "核对 7 个文件，全部一致。\n"


class Hit:
    def __init__(self, n: int) -> None:
        self.snippet = f"……第{n}条【低保】……"
        self.n = n

    def line(self) -> str:
        return f"专报 · 工作简讯 · 标题{self.n}"


@pytest.mark.parametrize(("limit", "shown", "last"), [
    ("2", 2, "共 3 条，以上是最相关的 2 条（--limit 0 列出全部）。"), ("0", 3, "共 3 条。"), ("50", 3, "共 3 条。")])  # fmt: skip
def test_search_lists_at_most_limit_hits_and_counts_all(monkeypatch, limit, shown, last):
    fake = replace(monkeypatch, "search", services.SearchHits([Hit(1), Hit(2), Hit(3)]))
    result = invoke("search", "低保", "-a", "归档", "--series", "专报", "--year", "2025", "--source", "民政局", "-n", limit)
    assert fake.calls == [(("低保", Path("归档"), "专报", 2025, "民政局"), {})]
    lines = result.stdout.splitlines()
    assert lines[-1] == last and len(lines) == 2 * shown + 1 and lines[1] == "    ……第1条【低保】……"


def test_reindex(monkeypatch):
    replace(monkeypatch, "reindex", services.Reindexed(4))
    assert invoke("reindex").stdout == "已重建目录：4 个版本。\n"


def test_stats_prints_the_tables_and_what_it_saved(monkeypatch):
    tables = {"供稿单位": [("东岭区", 3), ("（未署名）", 1)], "栏目": [("工作简讯", 4)], "月份": [("2025年8月", 4)]}
    fake = replace(monkeypatch, "stats", services.StatsTables(tables, [Path("统计.csv")]))
    result = invoke("stats", "--year", "2025", "--series", "专报", "--csv", "统计.csv")
    assert fake.calls == [((None, 2025, "专报", Path("统计.csv"), None), {"weights": None})]
    lines = result.stdout.splitlines()
    assert lines[0] == "【按供稿单位】" and lines[1].startswith("  东岭区") and lines[1].endswith("   3")
    assert lines[3].startswith("  合计") and lines[3].endswith("   4") and lines[-1] == "已保存：统计.csv"


def test_stats_prints_each_year_s_scores(monkeypatch):
    import datetime as dt
    from decimal import Decimal

    from zhuanbao.archive.stats import UnitScore, YearScores

    points = (Decimal(1), Decimal("2.5"), Decimal(4))
    year = YearScores(2025, (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), ("专班",), ("工作专报",), (("工作专报", points),),
                      (UnitScore("东岭区", (3, 1, 1), (Decimal(3), Decimal("2.5"), Decimal(4))),))  # fmt: skip
    tables = {"供稿单位": [("东岭区", 3)], "栏目": [("工作简讯", 3)], "月份": [("2025年8月", 3)]}
    replace(monkeypatch, "stats", services.StatsTables(tables, scores=[year]))
    lines = invoke("stats").stdout.splitlines()
    at = lines.index("【2025年度计分】计分标准：被采用每条1分，被上级刊物采用每条2.5分，领导批示每条4分。")
    assert lines[at + 1].split() == ["单位", "被采用", "上级采用", "批示", "得分"]
    assert lines[at + 2].split() == ["东岭区", "3", "1", "1", "9.5"] and lines[at + 3].split() == ["合计", "3", "1", "1", "9.5"]


def test_record_passes_what_was_typed_and_says_what_it_recorded(monkeypatch):
    import datetime as dt

    from zhuanbao.archive.uptake import Recorded
    from zhuanbao.model import Uptake

    done = Recorded(Path("归档/content/2025-08/采用记录.yaml"),
                    Uptake(item="02-yanglao.md", level="领导批示", by="市长", date=dt.date(2025, 9, 3)), "工作专报2025年第8期",
                    {"file": "02-yanglao.md", "title": "我市启动敬老院改造", "source": "市民政局"}, 2)  # fmt: skip
    fake = replace(monkeypatch, "record", done)
    result = invoke("record", "2025-08", "敬老院", "-l", "批示", "--by", "市长", "--date", "2025-09-03", "-a", "归档")
    assert fake.calls == [((Path("2025-08"), "敬老院", "批示", "市长", "2025-09-03", None, Path("归档")), {})]
    assert result.stdout.splitlines() == [
        "已记录：工作专报2025年第8期 02-yanglao.md《我市启动敬老院改造》（市民政局）领导批示，市长，2025年9月3日",
        f"  这篇稿件共有 2 条采用、批示记录：{Path('归档/content/2025-08/采用记录.yaml')}"]  # fmt: skip


def test_stats_with_nothing_published_says_what_to_check(monkeypatch):
    replace(monkeypatch, "stats", services.StatsTables({"供稿单位": [], "栏目": [], "月份": []}))
    assert invoke("stats").stdout == "没有符合条件的已发布稿件（检查 --year、--series 是否写对）。\n"


def test_site(monkeypatch):
    fake = replace(monkeypatch, "site", services.Site(Path("归档/site/index.html")))
    result = invoke("site", "-a", "归档", "-o", "网站")
    assert fake.calls == [((Path("归档"), Path("网站")), {})]
    assert result.stdout == f"已生成：{Path('归档/site/index.html')}\n"


def test_watch_reports_each_rebuild_and_keeps_watching_after_an_error(monkeypatch):
    from zhuanbao.watch import Rebuilt

    def fake_watch(path, output, templates, report, stop_event=None):
        report(Rebuilt([], ContentError("栏目“不存在”不在 series.yaml 的 sections 中", Path("a.md"), 2), 0.01, True))
        report(Rebuilt(built("2025-08").built, None, 0.012))

    monkeypatch.setattr(services, "watch", fake_watch)
    result = invoke("watch", "2025-08")
    assert result.exit_code == 0
    assert result.stderr == f"{Path('a.md')}:2: 错误: 栏目“不存在”不在 series.yaml 的 sections 中\n（上一次生成的文档保留不变，继续监视……）\n"
    assert result.stdout == f"已生成：{Path('out/2025-08.docx')}（12 毫秒）\n"


def test_debug_still_ends_a_busy_build_with_75(monkeypatch):
    replace(monkeypatch, "build", BusyError("另一个生成任务正在写这个输出文件夹，本次没有写入任何文件", Path("out")))
    result = invoke("--debug", "build", "刊物")
    assert result.exit_code == 75 and "Traceback" not in result.output


def test_stats_shows_the_counts_even_when_a_file_cannot_be_saved(monkeypatch):
    failure = Diagnostic("无法写入：同名的文件夹或特殊文件已存在", Location(Path("s.xlsx")), kind="输出错误")
    tables = {"供稿单位": [("东岭区", 1)], "栏目": [("工作简讯", 1)], "月份": [("2025年8月", 1)]}
    replace(monkeypatch, "stats", services.StatsTables(tables, [Path("s.csv")], [failure]))
    result = invoke("stats", "--csv", "s.csv", "--xlsx", "s.xlsx")
    assert result.exit_code == 2 and result.stdout.startswith("【按供稿单位】") and "已保存：s.csv" in result.stdout
    assert result.stderr == f"{Path('s.xlsx')}: 输出错误: 无法写入：同名的文件夹或特殊文件已存在\n"


@pytest.mark.parametrize("command", ["build", "check", "new", "preview"])
def test_a_path_too_long_for_any_file_is_a_chinese_error(tmp_path, command):
    long = str(tmp_path / ("长" * 200))
    result = bounded(command, long, memory_mb=512, seconds=60)
    refused(result, "文件名太长")


@pytest.mark.parametrize(("command", "year"), [("search", "100000000000000000000"), ("stats", "2101"), ("search", "-5")])
def test_year_out_of_any_archive_is_refused(tmp_path, command, year):
    args = [command, "x"] if command == "search" else [command]
    result = bounded(*args, "--year", year, "--archive", str(tmp_path), memory_mb=512, seconds=60)
    refused(result, "--year")


CP936_STDOUT = (
    "import io, sys\n"  # what Chinese Windows gives a redirected stdout
    "sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='cp936')\n"
    "sys.stderr = io.TextIOWrapper(sys.stderr.buffer, encoding='cp936')\n"
    "from zhuanbao.cli import main\nsys.argv = ['zhuanbao', *sys.argv[1:]]\nmain()\n"
)


def test_json_is_utf8_and_human_output_never_crashes_where_the_system_says_cp936(series, tmp_path):
    root = series({"2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 表情😀与生僻字𠀀\n---\n正文😀。\n"})
    archive = tmp_path / "archive"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    built = subprocess.run([sys.executable, "-c", CP936_STDOUT, "build", str(root), "-o", str(tmp_path / "out"), "--json"],
                           capture_output=True, env=env)  # fmt: skip
    assert built.returncode == 0, built.stderr.decode("utf-8", "replace")
    assert json.loads(built.stdout.decode("utf-8"))["built"][0]["name"] == "工作专报2024年第3期"  # a scheduler reads UTF-8
    published = subprocess.run([sys.executable, "-m", "zhuanbao", "publish", str(root / "2024-03"), "--archive", str(archive)],
                               capture_output=True)  # fmt: skip
    assert published.returncode == 0, published.stderr.decode()
    found = subprocess.run([sys.executable, "-c", CP936_STDOUT, "search", "表情", "--archive", str(archive)],
                           capture_output=True, env=env)  # fmt: skip
    assert found.returncode == 0, found.stderr.decode("utf-8", "replace")
    # what PowerShell 5.1 reads on Chinese Windows: the console's code page; the emoji it lacks shows as ?
    assert "表情?与生僻字𠀀" in found.stdout.decode("gb18030") or "表情?与生僻字?" in found.stdout.decode("cp936")


def test_a_console_that_cannot_show_a_character_shows_a_question_mark(monkeypatch):
    import io

    from zhuanbao.cli import output_streams

    class Console(io.BytesIO):
        def isatty(self):
            return True

    console = io.TextIOWrapper(Console(), encoding="cp936")
    monkeypatch.setattr(sys, "stdout", console)
    output_streams()
    print("表情😀", file=console)
    console.flush()
    assert console.buffer.getvalue().decode("cp936") == "表情?\n"


def test_bare_zhuanbao_shows_the_help_in_chinese_and_nothing_else():
    result = subprocess.run([sys.executable, "-m", "zhuanbao"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "用法：zhuanbao [选项] 命令 [参数]..." in result.stdout and result.stderr == ""


def test_help_and_usage_errors_have_no_english_left():
    typo = subprocess.run([sys.executable, "-m", "zhuanbao", "buidl"], capture_output=True, text=True)
    assert typo.returncode == 2 and "没有命令 buidl。是否想写 build？" in typo.stderr and "Did you mean" not in typo.stderr
    shown = subprocess.run([sys.executable, "-m", "zhuanbao", "build", "-h"], capture_output=True, text=True).stdout
    assert "用法：zhuanbao build [选项]" in shown and "[≥1]" in shown
    for english in ("[OPTIONS]", "x>=", "COMMAND", "[ARGS]"):
        assert english not in shown
    publish = subprocess.run([sys.executable, "-m", "zhuanbao", "publish", "-h"], capture_output=True, text=True).stdout
    assert "series.yaml" in publish and "当前文件夹" not in publish  # publish's own default, not the readers'


def test_a_misspelt_option_gets_a_did_you_mean_in_chinese():
    result = subprocess.run([sys.executable, "-m", "zhuanbao", "build", "content", "--ouput", "x"], capture_output=True, text=True)
    assert result.returncode == 2 and "没有选项 --ouput。是否想写 --output？" in result.stderr
