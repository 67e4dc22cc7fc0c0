"""The command line: parses arguments and calls one pipeline function per command.

This package is the only place that imports Typer. User errors (``UserError``)
are printed in Chinese and exit with code 2, without a traceback unless
``--debug`` is given.
"""

from __future__ import annotations

import os
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


EXIT_BUSY = 75  # EX_TEMPFAIL: another build holds the lock; a scheduler may retry


@app.command()
def build(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹（含 issue.yaml），或整个刊物的文件夹（含 series.yaml，逐期生成）。")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹。")] = Path("output"),
    templates: Annotated[
        Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹（覆盖 series.yaml 中的 templates）。")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF（放在 .docx 旁边）。")] = False,
    changed: Annotated[bool, typer.Option("--changed", help="只重新生成内容、模板或版本有变化的期。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果摘要（供定时任务使用）。")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", metavar="N", min=1, help="并行进程数，默认用全部 CPU。")] = None,
    wait: Annotated[float, typer.Option("--wait", metavar="秒", min=0, help="输出文件夹被另一个任务占用时最多等待的秒数。")] = 0,
) -> None:
    """生成 Word 文档：每期一个 .docx，如 工作专报2023年第8期.docx。

    退出码：0 成功；2 输入有误（什么也没写）；75 另一个生成任务正在写同一输出文件夹；1 程序内部错误。
    """
    import json

    from ..build import BusyError
    from ..build import run as run_build

    try:
        summary = run_build(path, output, templates, None if json_out else _progress, changed, jobs, wait, pdf)
    except BusyError as exc:
        _report_failure(exc, json_out)
        raise typer.Exit(EXIT_BUSY) from None
    except UserError as exc:
        if _state["debug"]:
            raise
        _report_failure(exc, json_out)
        raise typer.Exit(2) from None
    if json_out:
        typer.echo(json.dumps(summary.as_json(), ensure_ascii=False, indent=1))
    else:
        for item in summary.built:
            typer.echo(f"已生成：{item.path}")
        for made in summary.pdfs:
            typer.echo(f"已生成：{made}")
        if summary.skipped:
            typer.echo(f"未变化，跳过 {len(summary.skipped)} 期。")
        if summary.unstarted:
            typer.echo(f"尚无稿件，未生成：{'、'.join(folder.name for folder in summary.unstarted)}。")
        if not summary.built and not summary.skipped:
            typer.echo("没有需要生成的期。")
    for failure in summary.failed:  # the .docx files are written; a PDF is missing
        typer.echo(str(failure), err=True)
    if summary.failed:
        raise typer.Exit(2)


def _report_failure(exc: UserError, json_out: bool) -> None:
    import json

    if not json_out:
        typer.echo(str(exc), err=True)
        return
    from ..build import Summary

    summary = Summary(failed=list(getattr(exc, "errors", [exc])))  # the same shape as a successful run's
    typer.echo(json.dumps(summary.as_json(), ensure_ascii=False, indent=1))
    typer.echo(str(exc), err=True)


@app.command()
def preview(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹。")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹。")] = Path("output"),
    templates: Annotated[Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹。")] = None,
    dpi: Annotated[int, typer.Option("--dpi", min=30, max=600, help="预览图分辨率（30—600）。")] = 60,
) -> None:
    """生成本期的 Word、PDF 和每页的 PNG 预览图，并列出图片位置。"""
    from ..build import build as run_build
    from ..export import to_pdf, to_png

    def run() -> list[Path]:
        pages = []
        for item in run_build(path, output, templates):
            pdf_path = to_pdf(item.path)
            pages.extend(to_png(pdf_path, output / "preview", dpi))
        return pages

    for page in _run(run):
        typer.echo(str(page))


@app.command(short_help="新建下一期（期号接上一期），生成 issue.yaml 和示例稿件。")
def new(
    series: Annotated[Path, typer.Argument(metavar="刊物文件夹", help="含 series.yaml 的文件夹。")],
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="印发日期，默认今天。")
    ] = None,
) -> None:
    """新建下一期：期号接上一期（新的一年从第1期起），生成 issue.yaml 和各栏目的示例稿件。"""
    import datetime as dt
    import re

    from ..errors import ContentError
    from ..scaffold import new_issue

    def run() -> Path:
        when = None
        if date is not None:
            try:
                when = dt.date.fromisoformat(date)
            except ValueError:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                    raise ContentError(f"日期“{date}”不存在（月应为 1—12，日不超过当月天数）") from None
                raise ContentError(f"日期“{date}”应写作 2025-08-26 的形式") from None
        return new_issue(series, when)

    folder = _run(run)
    typer.echo(f"已新建：{folder}")
    typer.echo(f"示例稿件在 {folder / 'items'}（以“_”开头的文件不会排入专报）。")


@app.command(short_help="检查稿件的格式和规范；有错误时退出码为 1。")
def check(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹，或整个刊物的文件夹。")],
    fix: Annotated[bool, typer.Option("--fix", help="自动修正标点全半角、日期补零、全角数字（修改前先备份）。")] = False,
) -> None:
    """检查稿件：生成时会出错的问题，以及标点、日期、期号等规范。有错误时退出码为 1。"""
    from ..lint import check as run_check

    report = _run(lambda: run_check(path, fix=fix))
    for finding in report.findings:
        typer.echo(str(finding))
    fixed = sum(1 for f in report.findings if f.fixed)
    summary = f"共 {report.errors} 个错误，{report.warnings} 个警告"
    if fixed:
        summary += f"，已修正 {fixed} 处（原文件备份在 .zhuanbao-backup/）"
    typer.echo(summary + "。" if report.findings else "检查通过，没有发现问题。")
    if report.errors:
        raise typer.Exit(1)


@app.command("import", short_help="把报送的 Word、文本稿件转成本期的一篇稿件。")
def import_(
    file: Annotated[Path, typer.Argument(metavar="稿件文件", help=".docx、.txt 或 .md（UTF-8 或 GBK）。")],
    issue: Annotated[Path, typer.Argument(metavar="期文件夹", help="导入到哪一期（含 issue.yaml 的文件夹）。")],
    section: Annotated[str, typer.Option("--section", "-s", metavar="栏目", help="放入哪个栏目。")],
    source: Annotated[str | None, typer.Option("--source", metavar="单位", help="供稿单位。")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="标题", help="标题；不写则用首段。")] = None,
) -> None:
    """把报送的稿件（Word、文本）转成本期的一篇稿件 items/NN-标题.md，不覆盖已有文件。"""
    from ..importer import import_submission

    def warn(message: str) -> None:
        typer.echo(f"注意：{message}", err=True)

    target = _run(lambda: import_submission(file, issue, section, source, title, warn))
    typer.echo(f"已导入：{target}")
    from ..lint import check as run_check

    try:
        # this item's findings, and a title it repeats that check pins on the other item
        findings = [f for f in run_check(issue).findings
                    if f.path.resolve() == target.resolve() or (f.rule == "duplicate-title" and target.name in f.message)]  # fmt: skip
    except UserError:
        findings = []
    for finding in findings:
        typer.echo(str(finding))
    if findings:
        from ..lint import RULES

        fixable = any(RULES[f.rule].fixable for f in findings)
        tip = "（可用 zhuanbao check --fix 修正标点和日期）" if fixable else ""
        typer.echo(f"新稿件有 {len(findings)} 处需要留意{tip}。")


@app.command(short_help="边改边看：每次保存稿件都重新生成。")
def watch(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹。")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹。")] = Path("output"),
    templates: Annotated[Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹。")] = None,
) -> None:
    """边改边看：每次保存稿件都自动重新生成（按 Ctrl+C 停止）。出错时显示原因，上一次的文档保留。"""
    from ..watch import watch as run_watch

    made: list[Path] = []

    def report(built, error, seconds):
        if error is not None:
            typer.echo(str(error), err=True)
            kept = "上一次生成的文档保留不变，" if made or any(output.glob("*.docx")) else "改好后会自动生成，"
            typer.echo(f"（{kept}继续监视……）", err=True)
        else:
            for item in built:
                made.append(item.path)
                typer.echo(f"已生成：{item.path}（{seconds * 1000:.0f} 毫秒）")

    _run(lambda: run_watch(path, output, templates, report))


ArchiveOption = Annotated[
    Path | None, typer.Option("--archive", "-a", metavar="文件夹", help="归档文件夹（默认为当前文件夹下的 archive/）。")
]


def _archive_dir(archive: Path | None) -> Path:
    from ..errors import ContentError

    if archive is not None:
        return archive
    if Path("archive").is_dir():
        return Path("archive")
    raise ContentError("请用 --archive 指出归档文件夹（当前文件夹下没有 archive/）")


def _with_catalogue(archive: Path | None, use):
    """Open the archive's search catalogue, run ``use`` on it, close it; user errors reported."""
    from ..catalogue import Catalogue

    def run():
        with Catalogue(_archive_dir(archive)) as catalogue:
            return use(catalogue)

    return _run(run)


@app.command(short_help="发布一期：文档、源文件和校验值存入归档。")
def publish(
    path: Annotated[Path, typer.Argument(metavar="路径", help="要发布的那一期的文件夹。")],
    archive: ArchiveOption = None,
    revise: Annotated[bool, typer.Option("--revise", help="已发布的期再发布一个新版本（旧版本保留）。")] = False,
    templates: Annotated[Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹。")] = None,
) -> None:
    """发布一期：生成 Word（和 PDF）并连同源文件、校验值一起存入归档；已发布的期不会被覆盖。"""
    from ..archive import publish as run_publish

    result = _run(lambda: run_publish(path, archive, revise, templates))
    typer.echo(f"已发布第{result.version}版：{result.folder}")
    for document in result.documents:
        typer.echo(f"  {document.name}")


@app.command(short_help="核对归档的校验值；有问题时退出码为 1。")
def verify(archive: ArchiveOption = None) -> None:
    """核对归档中每个文件的校验值，列出被改动、缺失或多出的文件。有问题时退出码为 1。"""
    from ..archive import verify as run_verify

    checked, problems = _run(lambda: run_verify(_archive_dir(archive)))
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"核对 {checked} 个文件，发现 {len(problems)} 处问题。")
        raise typer.Exit(1)
    typer.echo(f"核对 {checked} 个文件，全部一致。")


@app.command()
def search(
    query: Annotated[str, typer.Argument(metavar="词语", help="要找的词；多个词用空格分开，须同时出现。")],
    archive: ArchiveOption = None,
    series: Annotated[str | None, typer.Option("--series", metavar="刊名", help="只查某个刊物。")] = None,
    year: Annotated[int | None, typer.Option("--year", metavar="年", help="只查某一年。")] = None,
    source: Annotated[str | None, typer.Option("--source", metavar="单位", help="只查某个供稿单位。")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="条数", min=0, help="最多列出几条（0 为全部）。")] = 50,
) -> None:
    """在归档的各期中检索稿件，列出期号、栏目、标题和相关段落。"""
    hits = _with_catalogue(archive, lambda catalogue: catalogue.search(query, series, year, source))
    shown = hits[:limit] if limit > 0 else hits
    for hit in shown:
        typer.echo(hit.line())
        typer.echo(f"    {hit.snippet}")
    if len(shown) < len(hits):
        typer.echo(f"共 {len(hits)} 条，以上是最相关的 {len(shown)} 条（--limit 0 列出全部）。")
    else:
        typer.echo(f"共 {len(hits)} 条。")


@app.command()
def reindex(archive: ArchiveOption = None) -> None:
    """根据归档中的文件重建检索目录（catalogue.sqlite）。"""
    versions = _with_catalogue(archive, lambda catalogue: catalogue.rebuild())
    typer.echo(f"已重建目录：{versions} 个版本。")


@app.command()
def stats(
    archive: ArchiveOption = None,
    year: Annotated[int | None, typer.Option("--year", metavar="年", help="只统计某一年。")] = None,
    series: Annotated[str | None, typer.Option("--series", metavar="刊名", help="只统计某个刊物。")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", metavar="文件", help="另存为 CSV（Excel 可直接打开）。")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="文件", help="另存为 Excel 文件。")] = None,
) -> None:
    """供稿统计：各单位、各栏目、各月份的稿件数（按现行版本）。"""
    from ..stats import check_name, print_tables, write_csv, write_xlsx

    for target, suffix in ((csv, ".csv"), (xlsx, ".xlsx")):
        if target is not None:
            _run(lambda: check_name(target, suffix))  # before the report, not after it
    tables = _with_catalogue(archive, lambda catalogue: catalogue.stats(year, series))
    print_tables(tables, typer.echo)
    if csv:
        _run(lambda: write_csv(tables, csv))
        typer.echo(f"已保存：{csv}")
    if xlsx:
        _run(lambda: write_xlsx(tables, xlsx))
        typer.echo(f"已保存：{xlsx}")


@app.command(short_help="生成可离线浏览和检索的归档网站。")
def site(
    archive: ArchiveOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件夹", help="网站文件夹（默认 归档/site）。")] = None,
) -> None:
    """生成归档网站（静态 HTML，可直接用浏览器打开）：按刊物和年份的目录、每期全文、离线检索。"""
    from ..site import build_site

    index = _run(lambda: build_site(_archive_dir(archive), output))
    typer.echo(f"已生成：{index}")


def main() -> None:
    """Console entry point: usage errors in Chinese, exit code 2."""
    # pydantic scans every installed package's entry points for plugins on the
    # first model; zhuanbao uses none, and the scan costs ~20 ms of start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
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
