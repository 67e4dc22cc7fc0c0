"""The command line: parse the arguments, call one use case (``services.py``), present its result.

This package is the only place that imports Typer. Each command body builds
the use case's arguments and hands a call and a presentation to
:func:`_execute`; user errors are printed in Chinese and end with the exit
code ``present.EXIT_CODES`` gives (2, or 75 when another run holds the lock),
without a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import __version__, services
from ..diagnostics import BusyError, ContentError, UserError
from . import present, zh

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


def _show(shown: present.Shown) -> None:
    streams = [(shown.err, True), (shown.out, False)] if shown.err_first else [(shown.out, False), (shown.err, True)]
    for lines, err in streams:
        for line in lines:
            typer.echo(line, err=err)
    if shown.code:
        raise typer.Exit(shown.code)


def _execute(call: Callable[[], Any], show: Callable[[Any], present.Shown], as_json: bool = False) -> None:
    """Run a use case and present its result; a user error or Ctrl+C is presented instead."""
    try:
        try:
            result = call()
        except OSError as exc:
            raise _path_error(exc) or exc from None
    except (UserError, KeyboardInterrupt) as exc:
        if _state["debug"] and isinstance(exc, UserError) and not isinstance(exc, BusyError):
            raise  # a busy folder is no fault to trace: it still ends with 75 for the scheduler
        _show(present.failure(exc, as_json))
        return
    _show(show(result))


def _path_error(exc: OSError) -> UserError | None:
    """A path the user typed that no file can have (too long, a loop of links): their error, not ours."""
    import errno

    from ..diagnostics import ContentError, os_reason

    if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP) and exc.filename:
        return ContentError(f"无法打开这个路径：{os_reason(exc)}", Path(exc.filename))
    return None


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


Output = Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹。")]
Templates = Annotated[Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹。")]
ArchiveOption = Annotated[
    Path | None, typer.Option("--archive", "-a", metavar="文件夹", help="归档文件夹（默认为当前文件夹下的 archive/）。")
]
PublishArchive = Annotated[
    Path | None,
    typer.Option("--archive", "-a", metavar="文件夹",
                 help="归档文件夹（默认为 series.yaml 中 archive 所写的文件夹，未写时为刊物文件夹旁的 archive/）。"),
]  # fmt: skip
SeriesName = Annotated[str | None, typer.Option("--series", metavar="刊名", help="只查某个刊物。")]


@app.command()
def build(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹（含 issue.yaml），或整个刊物的文件夹（含 series.yaml，逐期生成）。")],
    output: Output = Path("output"),
    templates: Annotated[
        Path | None, typer.Option("--templates", "-t", metavar="文件夹", help="模板文件夹（覆盖 series.yaml 中的 templates）。")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF（放在 .docx 旁边）。")] = False,
    changed: Annotated[bool, typer.Option("--changed", help="只重新生成内容、模板或版本有变化的期。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果摘要（供定时任务使用）。")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", metavar="N", min=1, help="最多用几个进程并行生成；默认按 CPU 核数，只在确实更快时才并行。")] = None,
    wait: Annotated[float, typer.Option("--wait", metavar="秒", min=0, help="输出文件夹被另一个任务占用时最多等待的秒数。")] = 0,
) -> None:
    """生成 Word 文档：每期一个 .docx，如 工作专报2023年第8期.docx。

    退出码：0 成功；2 输入有误（什么也没写）；75 另一个生成任务正在写同一输出文件夹；1 程序内部错误。
    """
    request = services.BuildRequest(path, output, templates, changed, jobs, wait, pdf)
    progress = None if json_out else _progress
    _execute(lambda: services.build(request, progress), lambda r: present.build(r, json_out), json_out)


@app.command()
def preview(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹。")],
    output: Output = Path("output"),
    templates: Templates = None,
    dpi: Annotated[int, typer.Option("--dpi", min=30, max=600, help="预览图分辨率（30—600）。")] = 60,
) -> None:
    """生成本期的 Word、PDF 和每页的 PNG 预览图，并列出图片位置。"""
    _execute(lambda: services.preview(path, output, templates, dpi), present.preview)


@app.command(short_help="新建下一期（期号接上一期），生成 issue.yaml 和示例稿件。")
def new(
    series: Annotated[Path, typer.Argument(metavar="刊物文件夹", help="含 series.yaml 的文件夹。")],
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="印发日期，默认今天。")
    ] = None,
) -> None:
    """新建下一期：期号接上一期（新的一年从第1期起），生成 issue.yaml 和各栏目的示例稿件。"""
    _execute(lambda: services.new_issue(series, date), present.new_issue)


@app.command(short_help="新建一个刊物：series.yaml、第一期和各栏目的示例稿件。")
def init(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="新刊物的文件夹（不存在或为空）。")],
    title: Annotated[str | None, typer.Option("--title", metavar="刊名", help="刊名，如 统计简报。")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", metavar="单位", help="编发单位，如 青山县统计局。")] = None,
    sections: Annotated[
        str | None, typer.Option("--sections", metavar="栏目", help="栏目，按顺序用逗号分开，如 统计分析,经济运行。")
    ] = None,
    program: Annotated[str | None, typer.Option("--program", metavar="名称", help="与刊名同列的工作名称（可选）。")] = None,
    number: Annotated[int | None, typer.Option("--number", metavar="N", min=1, max=999, help="第一期的本年期号，默认 1。")] = None,
    total: Annotated[int | None, typer.Option("--total", metavar="N", min=1, help="第一期的总期号（可选）。")] = None,
    date: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="第一期的印发日期，默认今天。")] = None,
    example: Annotated[bool, typer.Option("--example", help="改为复制自带的示例刊物（可先看看它是什么样子）。")] = False,
) -> None:
    """新建刊物：写出带中文说明的 series.yaml、第一期的 issue.yaml 和各栏目的示例稿件。

    在命令窗口中运行而没有给出选项时，会逐项询问（直接回车用括号中的默认值）。"""
    if example:
        _execute(lambda: services.copy_example(folder), present.new_series)
        return
    answers = _questions(folder, title, issuer, sections, program, number, total, date)
    _execute(lambda: services.init_series(folder, *answers), present.new_series)


def _questions(folder, title, issuer, sections, program, number, total, date) -> tuple:
    """What init was not told, asked at a terminal (never when input is not one)."""
    asking = sys.stdin.isatty()
    title = title or _ask(asking, "刊名", folder.name, "--title")
    issuer = issuer or _ask(asking, "编发单位（如 青山县统计局）", None, "--issuer")
    sections = sections or _ask(asking, "栏目（按顺序，用逗号分开）", "工作动态,经验交流,基层信息", "--sections")
    if program is None and asking:
        program = _ask(asking, "与刊名同列的工作名称（没有可直接回车）", "", "--program") or None
    if number is None:
        number = int(_ask(asking, "第一期的本年期号（1—999）", "1", "--number", low=1, high=999) or 1)
    if total is None and asking:
        typed = _ask(asking, "第一期的总期号（没有可直接回车）", "", "--total", low=number)
        total = int(typed) if typed else None
    if date is None and asking:
        date = _ask(asking, "第一期的印发日期", dt.date.today().isoformat(), "--date") or None
    split = [name for name in re.split(r"[,，、;；\s]+", sections) if name]
    return title, issuer, split, program, number, total, date


def _ask(asking: bool, question: str, default: str | None, option: str, low: int | None = None,
         high: int | None = None) -> str:  # fmt: skip
    """One answer typed at the terminal, asked again until it will do (never asked
    when input is not a terminal: a script gets an error naming the option)."""
    if not asking:
        if default is None:
            _show(present.failure(ContentError(f"缺少 {option}", hint="在命令窗口中直接运行 zhuanbao init 文件夹 可逐项填写。")))
        return default or ""
    while True:
        answer = typer.prompt(question, default=default, show_default=bool(default)).strip()
        if not answer and default is not None:
            return default
        if low is None:
            if answer:
                return answer
            typer.echo("这一项不能为空。", err=True)
        elif answer.isascii() and answer.isdecimal() and low <= int(answer) <= (high or int(answer)):
            return answer
        else:
            typer.echo(f"请输入 {low} 到 {high} 之间的整数。" if high else f"请输入不小于 {low} 的整数。", err=True)


@app.command(short_help="把默认模板复制出来，供本刊修改。")
def templates(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="复制到哪里（不存在或为空），如 刊物文件夹/模板。")],
) -> None:
    """把默认模板复制到一个文件夹，供本刊修改。

    只需保留要改动的文件，其余的会用默认模板；在 series.yaml 中写 templates: 模板（相对 series.yaml）即可使用。"""
    _execute(lambda: services.copy_templates(folder), present.copied_templates)


@app.command(short_help="检查稿件的格式和规范；有错误时退出码为 1。")
def check(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹，或整个刊物的文件夹。")],
    fix: Annotated[bool, typer.Option("--fix", help="自动修正标点全半角、日期补零、全角数字（修改前先备份）。")] = False,
) -> None:
    """检查稿件：生成时会出错的问题，以及标点、日期、期号等规范。有错误时退出码为 1。"""
    _execute(lambda: services.check(path, fix), present.check)


@app.command("import", short_help="把报送的 Word、WPS、文本稿件转成本期的一篇稿件。")
def import_(
    file: Annotated[Path, typer.Argument(metavar="稿件文件", help=".docx、.doc、.wps、.rtf、.odt（后四种要用 LibreOffice 转换）、"
                                                              ".txt 或 .md（UTF-8 或 GBK）。")],
    issue: Annotated[Path, typer.Argument(metavar="期文件夹", help="导入到哪一期（含 issue.yaml 的文件夹）。")],
    section: Annotated[str, typer.Option("--section", "-s", metavar="栏目", help="放入哪个栏目。")],
    source: Annotated[str | None, typer.Option("--source", metavar="单位", help="供稿单位。")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="标题", help="标题；不写则用首段。")] = None,
) -> None:
    """把报送的稿件（Word、WPS、文本）转成本期的一篇稿件 items/NN-标题.md，不覆盖已有文件；其中的表格写成 Markdown 表格。"""
    _execute(lambda: services.import_submission(file, issue, section, source, title), present.imported)


@app.command(short_help="把领导在 Word 中的修改（含修订）写回本期稿件。")
def apply(
    document: Annotated[Path, typer.Argument(metavar="修改稿", help="改过的专报 Word 文档（.docx，可带修订）。")],
    issue: Annotated[Path, typer.Argument(metavar="期文件夹", help="这份文档是哪一期（含 issue.yaml 的文件夹）。")],
    write: Annotated[bool, typer.Option("--write", help="把改动写入稿件（不加时只列出改动）。")] = False,
    templates: Templates = None,
) -> None:
    """比对改过的专报与本期稿件，逐篇列出改动（修订按“接受所有修订”后的样子读）；加 --write 写入稿件的 Markdown，
    整篇删除的稿件移入回收站。报头、版记、表格的改动和手工格式只列出，并说明到哪里修改。"""
    _execute(lambda: services.apply_edits(document, issue, write, templates), present.applied)


@app.command(short_help="边改边看：每次保存稿件都重新生成。")
def watch(
    path: Annotated[Path, typer.Argument(metavar="路径", help="某一期的文件夹。")],
    output: Output = Path("output"),
    templates: Templates = None,
) -> None:
    """边改边看：每次保存稿件都自动重新生成（按 Ctrl+C 停止）。出错时显示原因，上一次的文档保留。"""

    def report(rebuilt) -> None:  # each rebuild as it happens; watching goes on after an error
        shown = present.rebuilt(rebuilt)
        _show(present.Shown(shown.out, shown.err))

    _execute(lambda: services.watch(path, output, templates, report), lambda _: present.Shown())


@app.command(short_help="发布一期：文档、源文件和校验值存入归档。")
def publish(
    path: Annotated[Path, typer.Argument(metavar="路径", help="要发布的那一期的文件夹。")],
    archive: PublishArchive = None,
    revise: Annotated[bool, typer.Option("--revise", help="已发布的期再发布一个新版本（旧版本保留）。")] = False,
    templates: Templates = None,
    pdf: Annotated[bool | None, typer.Option("--pdf/--no-pdf", help="一定同时存入 PDF（没有 LibreOffice 时报错）/ 不存 PDF；"
                                             "默认装有 LibreOffice 时存入。归档网站链接存入的 PDF。")] = None,
    document: Annotated[Path | None, typer.Option("--document", metavar="印发稿", help="签发后印发的 Word 文档："
                                                  "与稿件一致才发布，两份都存档。")] = None,
    as_sent: Annotated[bool, typer.Option("--as-sent", help="与 --document 同用：文字不一致也按印发稿归档、检索。")] = False,
) -> None:
    """发布一期：生成 Word（和 PDF）并连同源文件、校验值一起存入归档；已发布的期不会被覆盖。
    加 --document 时核对印发的文档与稿件一致，不一致则列出不同之处、不发布（加 --as-sent 仍按印发稿归档）。"""
    _execute(lambda: services.publish(path, archive, revise, templates, pdf=pdf, document=document, as_sent=as_sent),
             present.published)


@app.command(short_help="记录已发布的稿件被上级刊物采用、得到领导批示。")
def record(
    path: Annotated[Path, typer.Argument(metavar="路径", help="稿件所在那一期的文件夹（已发布）。")],
    item: Annotated[str, typer.Argument(metavar="稿件", help="稿件的文件名、序号（第几篇）或标题中的词。")],
    level: Annotated[str, typer.Option("--level", "-l", metavar="级别", help="被上级刊物采用 或 领导批示（可简写为 批示）。")],
    by: Annotated[str, typer.Option("--by", metavar="刊物或领导", help="采用的刊物及期号，或作批示的领导。")],
    date: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="采用或批示的日期，默认今天。")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="备注", help="备注（可选），如批示的要点。")] = None,
    archive: PublishArchive = None,
) -> None:
    """记录已发布的稿件被上级刊物采用或得到领导批示：写入归档中这一期的 采用记录.yaml，已发布的版本不变。"""
    _execute(lambda: services.record(path, item, level, by, date, note, archive), present.recorded)


@app.command(short_help="核对归档的校验值；有问题时退出码为 1。")
def verify(archive: ArchiveOption = None) -> None:
    """核对归档中每个文件的校验值，列出被改动、缺失或多出的文件。有问题时退出码为 1。"""
    _execute(lambda: services.verify(archive), present.verified)


@app.command()
def search(
    query: Annotated[str, typer.Argument(metavar="词语", help="要找的词；多个词用空格分开，须同时出现。")],
    archive: ArchiveOption = None,
    series: SeriesName = None,
    year: Annotated[int | None, typer.Option("--year", metavar="年", min=1900, max=2100, help="只查某一年。")] = None,
    source: Annotated[str | None, typer.Option("--source", metavar="单位", help="只查某个供稿单位。")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="条数", min=0, help="最多列出几条（0 为全部）。")] = 50,
) -> None:
    """在归档的各期中检索稿件，列出期号、栏目、标题和相关段落。"""
    _execute(lambda: services.search(query, archive, series, year, source), lambda hits: present.found(hits, limit))


@app.command()
def reindex(archive: ArchiveOption = None) -> None:
    """根据归档中的文件重建检索目录（catalogue.sqlite）。"""
    _execute(lambda: services.reindex(archive), present.reindexed)


@app.command(short_help="供稿统计：各单位的稿件数，采用、批示按级别计分。")
def stats(
    archive: ArchiveOption = None,
    year: Annotated[int | None, typer.Option("--year", metavar="年", min=1900, max=2100, help="只统计某一年。")] = None,
    series: Annotated[str | None, typer.Option("--series", metavar="刊名", help="只统计某个刊物。")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", metavar="文件", help="另存为 CSV（Excel 可直接打开）。")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="文件", help="另存为 Excel 文件（每年一个计分表）。")] = None,
    weights: Annotated[Path | None, typer.Option("--weights", metavar="series.yaml", help="按这个 series.yaml 的 contribution_weights 计分（不写则按各年存档的 series.yaml）。")] = None,
) -> None:
    """供稿统计：各单位、各栏目、各月份的稿件数（按现行版本），以及每年各单位被采用、被上级刊物采用、领导批示的条数和得分（分数见 series.yaml 的 contribution_weights）。--xlsx 每年一个工作表，可直接打印上报。"""  # noqa: E501
    _execute(lambda: services.stats(archive, year, series, csv, xlsx, weights=weights), present.stats)


@app.command(short_help="生成可离线浏览和检索的归档网站。")
def site(
    archive: ArchiveOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件夹", help="网站文件夹（默认 归档/site）。")] = None,
) -> None:
    """生成归档网站（静态 HTML，可直接用浏览器打开）：按刊物和年份的目录、每期全文、离线检索。"""
    _execute(lambda: services.site(archive, output), present.site)


@app.command(short_help="在浏览器中编辑本刊：本机网页（按 Ctrl+C 停止）。")
def studio(
    series: Annotated[Path, typer.Argument(metavar="刊物文件夹", help="含 series.yaml 的文件夹，默认当前文件夹；没有刊物的文件夹打开后可选择或新建刊物。")] = Path("."),
    port: Annotated[int | None, typer.Option("--port", metavar="端口", min=1, max=65535, help="端口号。默认每个刊物固定用同一个端口（浏览器中的草稿按地址保存），被占用时另选空闲的。")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="不自动打开浏览器。")] = False,
    host: Annotated[str, typer.Option("--host", metavar="地址", help="监听地址，默认 127.0.0.1（只有本机能访问）。")] = "127.0.0.1",
) -> None:
    """在浏览器中编辑：启动本机的编辑器网页并打开浏览器，一个月的工作（新建、导入、排序、检查、看版面、发布、检索）都在网页上做。按 Ctrl+C 停止。"""
    from ..studio.server import open_studio  # starlette and uvicorn load only for this command: build and check stay fast

    def serve(opened) -> present.Shown:
        _show(present.Shown(out=[f"专报编辑器已启动：{opened.address}", "（在浏览器中打开上面的完整地址；按 Ctrl+C 停止。）"],
                            err=opened.notes, err_first=True))  # fmt: skip
        opened.run(open_browser=not no_browser)  # the pages call the use cases (services.py)
        return present.Shown(out=["编辑器已停止。"])

    _execute(lambda: open_studio(series, host, port), serve)


def output_streams(machine: bool = False) -> None:
    """Output that never crashes on a character, and UTF-8 where a program reads it.

    ``--json`` is read by a scheduler or a script: UTF-8 always, whatever the
    system's code page. What people read keeps the system's encoding, because
    PowerShell 5.1 (Windows 10/11's own) decodes a redirected program's output
    in it: ``search 就业 > 结果.txt`` in UTF-8 would be mojibake there. Either
    way a character the encoding lacks (an emoji in an item, on cp936) is
    shown as "?" instead of ending the run with UnicodeEncodeError.
    """
    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        try:
            if machine and stream is sys.stdout and not stream.isatty():
                stream.reconfigure(encoding="utf-8", errors="strict")
            else:
                stream.reconfigure(errors="replace")
        except (OSError, ValueError):
            pass  # a closed or detached stream: nothing is written to it anyway


def main() -> None:
    """Console entry point: usage errors in Chinese, exit code 2."""
    # pydantic scans every installed package's entry points for plugins on the
    # first model; zhuanbao uses none, and the scan costs ~20 ms of start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    output_streams(machine="--json" in args)
    if not args or any(a in ("-h", "--help") for a in args):
        zh.install_help_panels()
    command = typer.main.get_command(app)
    usage_error = typer.BadParameter.__mro__[1]
    try:
        code = command.main(prog_name="zhuanbao", standalone_mode=False)
    except usage_error as exc:
        if not args and not exc.format_message():  # bare "zhuanbao": the help was what was asked for
            sys.exit(0)
        hint = f"运行 '{exc.ctx.command_path} -h' 查看帮助。" if exc.ctx else ""
        typer.echo(f"错误：{zh.translate_error(exc.format_message())}\n{hint}".rstrip(), err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("已中止。", err=True)
        sys.exit(1)
    sys.exit(code or 0)
