"""The command line: Chinese help, exit codes, messages without tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app

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
    result = subprocess.run([sys.executable, "-m", "zhuanbao", "--help"], capture_output=True, text=True,
                            env={"COLUMNS": "80", "PATH": ""})  # fmt: skip
    commands = result.stdout.split("命令")[1]
    assert "…" not in commands  # no summary cut off
    rows = [line for line in commands.splitlines() if line.startswith("│")]
    assert len(rows) == 12 and all(line[2] != " " for line in rows), commands  # one line per command


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
