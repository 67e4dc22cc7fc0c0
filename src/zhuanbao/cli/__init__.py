"""The command line: parses arguments and calls one pipeline function per command.

This package is the only place that imports Typer. User errors (``UserError``)
are printed in Chinese and exit with code 2, without a traceback unless
``--debug`` is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from .. import __version__
from ..errors import UserError
from . import zh

zh.install()

app = typer.Typer(
    name="zhuanbao",
    help="专报：把每期稿件（Markdown）、刊物设置（YAML）排成可直接印发的工作专报 Word 文档。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}
T = TypeVar("T")


def _run(action: Callable[[], T]) -> T:
    """Run a command body; user errors become a message and exit code 2."""
    try:
        return action()
    except UserError as exc:
        if _state["debug"]:
            raise
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("已中断，未完成的文件没有写入。", err=True)
        raise typer.Exit(130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zhuanbao {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的调用栈（供开发者排查）。")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出。")
    ] = False,
) -> None:
    """专报：把每期稿件排成可直接印发的工作专报 Word 文档。"""
    _state["debug"] = debug


def _progress(items, total):
    """A rich progress bar on a terminal, plain iteration otherwise (cron, CI)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("排版中", total=total)
        for item in items:
            yield item
            bar.advance(task)


@app.command()
def build(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹（含 issue.yaml），或整个刊物的文件夹（含 series.yaml，逐期生成）。")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹。")] = Path("output"),
    templates: Annotated[
        Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹（覆盖 series.yaml 中的 templates）。")
    ] = None,
) -> None:
    """生成 Word 文档：每期一个 .docx，如 工作专报2023年第8期.docx。"""
    from ..build import build as run_build

    built = _run(lambda: run_build(path, output, templates, progress=_progress))
    for item in built:
        typer.echo(f"已生成：{item.path}")


def main() -> None:
    """Console entry point: usage errors in Chinese, exit code 2."""
    args = sys.argv[1:]
    if not args or any(a in ("-h", "--help") for a in args):
        zh.install_help_panels()
    command = typer.main.get_command(app)
    usage_error = typer.BadParameter.__mro__[1]
    try:
        code = command.main(prog_name="zhuanbao", standalone_mode=False)
    except usage_error as exc:
        hint = f"运行 '{exc.ctx.command_path} -h' 查看帮助。" if exc.ctx else ""
        typer.echo(f"错误：{zh.translate_error(exc.format_message())}\n{hint}".rstrip(), err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("已中止。", err=True)
        sys.exit(1)
    sys.exit(code or 0)
