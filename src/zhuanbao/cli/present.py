"""Results as the command line shows them: lines for people, JSON for the scheduled build, exit codes.

Each function takes a use case's result (``services.py``) and returns a
:class:`Shown`: what goes to standard output, what to standard error, and the
exit code. Typer is not needed here, so presentations are tested as plain values.
"""

from __future__ import annotations

from ..diagnostics import BusyError, Diagnostic, UserError

#: How the command line ends, by what happened. 75 is EX_TEMPFAIL: another run
#: holds the lock, a scheduler may retry; 130 is the shell's code for Ctrl+C.
EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 75, 130
EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (BusyError, EXIT_BUSY),
    (UserError, EXIT_USER),
    (KeyboardInterrupt, EXIT_INTERRUPTED),
]


def exit_code(exc: BaseException) -> int:
    """The exit code for an exception a command ended with (1 for a bug)."""
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), EXIT_INTERNAL)


class Shown:
    """What a command prints, and how it exits (a plain class: defined at every start-up)."""

    __slots__ = ("out", "err", "code", "err_first")

    def __init__(self, out: list[str] | None = None, err: list[str] | None = None, code: int = EXIT_OK,
                 err_first: bool = False) -> None:  # fmt: skip
        self.out = out if out is not None else []
        self.err = err if err is not None else []
        self.code = code
        self.err_first = err_first  # notes that belong before the result (what an import left out)


def failure(exc: BaseException, as_json: bool = False) -> Shown:
    """A command that ended with a user error (or Ctrl+C)."""
    if isinstance(exc, KeyboardInterrupt):
        return Shown(err=["已中断，未完成的文件没有写入。"], code=EXIT_INTERRUPTED)
    assert isinstance(exc, UserError)
    shown = Shown(err=[str(exc)], code=exit_code(exc))
    if as_json:  # the same shape as a successful run's, so a scheduler reads one format
        from ..build import BuildResult

        shown.out.append(_json(BuildResult(failed=list(exc.diagnostics)).as_json()))
    return shown


def _json(data: dict) -> str:
    import json  # only for --json: not at every command's start

    return json.dumps(data, ensure_ascii=False, indent=1)


def build(result, as_json: bool = False) -> Shown:
    if as_json:
        shown = Shown(out=[_json(result.as_json())])
    else:
        shown = Shown(out=[f"已生成：{b.path}" for b in result.built] + [f"已生成：{p}" for p in result.pdfs])
        if result.skipped:
            shown.out.append(f"未变化，跳过 {len(result.skipped)} 期。")
        if result.unstarted:
            shown.out.append(f"尚无稿件，未生成：{'、'.join(folder.name for folder in result.unstarted)}。")
        if not result.built and not result.skipped:
            shown.out.append("没有需要生成的期。")
    shown.err = [str(d) for d in result.failed]  # the .docx files are written; a PDF is missing
    shown.code = EXIT_USER if result.failed else EXIT_OK
    return shown


def preview(result) -> Shown:
    return Shown(out=[str(page) for page in result.pages])


def new_issue(result) -> Shown:
    folder = result.folder
    return Shown(out=[f"已新建：{folder}", f"示例稿件在 {folder / 'items'}（以“_”开头的文件不会排入专报）。"])


def new_series(result) -> Shown:
    if result.issue is None:
        return Shown(out=[f"已复制示例刊物：{result.folder}", f"生成看看：zhuanbao build {result.folder}"])
    return Shown(out=[
        f"已新建刊物：{result.folder}",
        f"第一期：{result.issue}（示例稿件以“_”开头，不会排入专报）",
        f"接下来：修改 {result.folder / 'series.yaml'} 中的发送范围等设置，在 {result.issue / 'items'} 中写稿件，",
        f"然后运行 zhuanbao check {result.folder} 和 zhuanbao build {result.folder}。",
    ])  # fmt: skip


def copied_templates(result) -> Shown:
    return Shown(out=[f"已复制默认模板：{result.folder}",
                      "只需保留要改动的文件；在 series.yaml 中写 templates: 加上这个文件夹（相对 series.yaml）即可使用。"])  # fmt: skip


def check(report) -> Shown:
    shown = Shown(out=[str(finding) for finding in report.findings])
    fixed = sum(1 for f in report.findings if f.fixed)
    summary = f"共 {report.errors} 个错误，{report.warnings} 个警告"
    if fixed:
        summary += f"，已修正 {fixed} 处（原文件备份在 .zhuanbao-backup/）"
    shown.out.append(summary + "。" if report.findings else "检查通过，没有发现问题。")
    shown.code = 1 if report.errors else EXIT_OK  # findings, not a failed run: 1, as linters do
    return shown


def imported(result) -> Shown:
    shown = Shown(err=[f"注意：{message}" for message in result.left_out], out=[f"已导入：{result.target}"], err_first=True)
    if result.pictures:
        shown.out.append(f"稿件中的 {len(result.pictures)} 张图片存在：{result.pictures[0].parent}")
    shown.out += [str(finding) for finding in result.findings]
    if result.findings:
        tip = "（可用 zhuanbao check --fix 修正标点和日期）" if result.fixable else ""
        shown.out.append(f"新稿件有 {len(result.findings)} 处需要留意{tip}。")
    return shown


def applied(result) -> Shown:
    """``apply``: per item what the edited document changed, then what the editor must do by hand."""
    review, written = result.review, result.written
    out = [f"比对：{review.document.name} 与 {review.name}（{review.issue_dir}）"]
    if review.unchanged:
        out.append("文档与本期的源文件一致，没有改动。")
        return Shown(out=out)
    for item in review.items:
        name = f"{item.path.name}《{item.title}》" if item.title else item.path.name
        counted = f"改动 {len(item.changes)} 处" if item.changes and not item.deleted else ""
        other = "整篇删除" if item.deleted else "有改动没有写入" if item.problems and not item.keys else "顺序号随栏目重排"
        out.append(f"{name}：{counted or other}")
        out += [f"  · {line}" for line in item.changes if not item.deleted]
        if item.deleted:
            out.append("  · 已在文档中整篇删除，写入时移入本期的回收站（.回收站/）")
        out += [f"  ！ {line}" for line in item.problems]
    for title, lines in (("文档中新加、要由编辑放进稿件的段落", review.to_place),
                         ("稿件之外的改动（报头、版记、栏目、表格：请在所说的文件中修改）", review.elsewhere),
                         ("源文件不能保存的改动（手工格式、手动换行：重新生成后不保留）", review.unheld),
                         ("文档中的批注（请编辑处理）", review.comments)):  # fmt: skip
        if lines:
            out.append(f"{title}，共 {len(lines)} 处：")
            out += [f"  · {line}" for line in lines]
    writable = [item for item in review.items if item.changes or item.keys or item.fields or item.body is not None]
    if written is None:
        if writable:
            out.append(f"以上 {len(writable)} 篇稿件的改动尚未写入；确认后加 --write 写入稿件。")
    else:
        out.append(f"已写入 {len(written.rewritten)} 篇稿件" + (f"，{len(written.binned)} 篇移入回收站" if written.binned else "")
                   + "；请重新生成并核对：zhuanbao build " + str(review.issue_dir))  # fmt: skip
    return Shown(out=out)


def rebuilt(result) -> Shown:
    """One rebuild of ``watch``."""
    if result.error is not None:
        if result.waiting_for_close:
            return Shown(err=[str(result.error), "（在 Word/WPS 中关闭它后会自动重新生成，继续监视……）"])
        kept = "上一次生成的文档保留不变，" if result.kept else "改好后会自动生成，"
        return Shown(err=[str(result.error), f"（{kept}继续监视……）"])
    return Shown(out=[f"已生成：{b.path}（{result.seconds * 1000:.0f} 毫秒）" for b in result.built])


def published(result) -> Shown:
    return Shown(out=[f"已发布第{result.version}版：{result.folder}"] + [f"  {d.name}" for d in result.documents],
                 err=[str(w) for w in result.warnings])  # fmt: skip


def recorded(result) -> Shown:
    from ..cn import cn_date

    record, item = result.record, result.item
    title = f"《{item['title']}》" if item["title"] else "（无标题）"
    unit = item["source"] or "未署名"
    return Shown(out=[f"已记录：{result.issue} {record.item}{title}（{unit}）{record.level}，{record.by}，{cn_date(record.date)}",
                      f"  这篇稿件共有 {result.count} 条采用、批示记录：{result.path}"])  # fmt: skip


def verified(report) -> Shown:
    if report.problems:
        lines = [_problem(p) for p in report.problems]
        return Shown(out=lines + [f"核对 {report.checked} 个文件，发现 {len(report.problems)} 处问题。"], code=1)
    return Shown(out=[f"核对 {report.checked} 个文件，全部一致。"])


def _problem(problem: Diagnostic) -> str:
    return f"{problem.location}: {problem.message}"  # file:line where a line is known (采用记录.yaml)


def found(result, limit: int) -> Shown:
    hits = result.hits
    shown_hits = hits[:limit] if limit > 0 else hits
    shown = Shown()
    for hit in shown_hits:
        shown.out += [hit.line(), f"    {hit.snippet}"]
    if len(shown_hits) < len(hits):
        shown.out.append(f"共 {len(hits)} 条，以上是最相关的 {len(shown_hits)} 条（--limit 0 列出全部）。")
    else:
        shown.out.append(f"共 {len(hits)} 条。")
    shown.err = _warnings(result)
    return shown


def _warnings(result) -> list[str]:
    """What a reader of the archive left out (a damaged version): said, and the run goes on."""
    return [str(w) for w in result.warnings]


def reindexed(result) -> Shown:
    return Shown(out=[f"已重建目录：{result.versions} 个版本。"], err=_warnings(result))


def stats(result) -> Shown:
    from ..cjk import em_width

    tables = result.tables
    shown = Shown()
    counted = any(rows for rows in tables.values())
    scored = [year for year in result.scores if year.rows]  # a year may score only records (of last year's items)
    if not counted and not scored:
        shown.out.append("没有符合条件的已发布稿件（检查 --year、--series 是否写对）。")
    if counted:
        for name, rows in tables.items():
            shown.out.append(f"【按{name}】")
            width = max([em_width(name)] + [em_width(str(label)) for label, _ in rows]) + 2
            for label, count in rows:
                label = str(label)
                shown.out.append(f"  {label}{' ' * int((width - em_width(label)) * 2)}{count:>4}")
            shown.out.append(f"  合计{' ' * int((width - 2) * 2)}{sum(c for _, c in rows):>4}")
    for year in scored:
        shown.out += _scores(year)
    shown.out += [f"已保存：{path}" for path in result.saved]
    shown.err = _warnings(result) + [str(failure) for failure in result.failed]
    shown.code = EXIT_USER if result.failed else EXIT_OK
    return shown


def _scores(year) -> list[str]:
    """One year's scores as a terminal table: each level's count, then the points (the .xlsx has both per level)."""
    from ..archive.stats import rules_text, score_text
    from ..cjk import em_width

    heads = ["被采用", "上级采用", "批示", "得分"]
    rows = [(row.unit, *row.counts, score_text(row.total)) for row in year.rows]
    rows.append(("合计", *year.counts, score_text(year.total)))
    width = max([2] + [em_width(str(r[0])) for r in rows]) + 1
    lines = [f"【{year.year}年度计分】{rules_text(year)}", "  单位" + " " * int((width - 2) * 2) + "".join(" " * (10 - 2 * len(h)) + h for h in heads)]
    for unit, *cells in rows:
        lines.append(f"  {unit}{' ' * int((width - em_width(unit)) * 2)}" + "".join(f"{c:>10}" for c in cells))
    return lines


def site(result) -> Shown:
    return Shown(out=[f"已生成：{result.index}"], err=_warnings(result))
