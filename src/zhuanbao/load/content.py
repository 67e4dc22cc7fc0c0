"""Reading a series folder into the content model (the pipeline's first stage).

Files in, validated values out: :func:`locate` finds the folders a path
designates, :func:`load_series` and :func:`load_edition` read and validate
them (every problem of an issue at once) and read its tables as typed.
Computing the tables is the next stage's work (``indicators.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..diagnostics import ContentError, UserError, raise_all, suggest
from ..located import YamlDoc
from ..model import ANNEX, Edition, Issue, Item, ItemMeta, Series, resolve_distribution
from .frontmatter import split_front_matter
from .pictures import read_pictures
from .text import read_text
from .validate import validate
from .yamlfile import load_yaml

SERIES_FILE = "series.yaml"
ISSUE_FILE = "issue.yaml"
ITEMS_DIR = "items"
# One rule for issue folders, everywhere (build, check, new, archive): a year,
# a hyphen and the number in two or three ASCII digits. ``new`` writes the
# two-digit form from 1 to 99 and three digits from 100 to 999; full-width
# digits, which \d would take, are not a folder name.
ISSUE_DIR_NAME = re.compile(r"^([0-9]{4})-([0-9]{2,3})$")
MAX_ISSUE_NUMBER = 999


def issue_folder_name(year: int, number: int) -> str:
    return f"{year}-{number:02d}"


def locate(path: Path) -> tuple[Path, list[Path]]:
    """The series folder and the issue folders that ``path`` designates.

    ``path`` is an issue folder (built alone) or a series folder (every issue).
    """
    path = path.resolve() if path.exists() else path
    if not path.exists():
        raise ContentError("路径不存在", path)
    if not path.is_dir():
        raise ContentError("应为期刊文件夹（含 series.yaml）或某一期的文件夹（含 issue.yaml）", path)
    if (path / ISSUE_FILE).is_file():
        series_dir = path.parent
        if not (series_dir / SERIES_FILE).is_file():
            raise ContentError(f"上一级文件夹中找不到 {SERIES_FILE}", series_dir / SERIES_FILE, hint="新的刊物可用 zhuanbao init 文件夹名 建立（会逐项询问刊名、编发单位和栏目）；zhuanbao init --example 示例 可复制一个示例刊物。")
        return series_dir, [path]
    if (path / SERIES_FILE).is_file():
        issues = sorted((p for p in path.iterdir() if p.is_dir() and (p / ISSUE_FILE).is_file()), key=issue_order)
        if not issues:
            raise ContentError(
                f"文件夹中没有任何一期（子文件夹应命名为 年-期号，如 2023-08，内含 {ISSUE_FILE}）", path
            )
        return path, issues
    raise ContentError(f"这里既没有 {SERIES_FILE}，也没有 {ISSUE_FILE}", path, hint="新的刊物可用 zhuanbao init 文件夹名 建立（会逐项询问刊名、编发单位和栏目）；zhuanbao init --example 示例 可复制一个示例刊物。")


def issue_order(issue_dir: Path) -> tuple[int, int, str]:
    """Issues in publication order: 2025-100 after 2025-99, which names alone would not give."""
    match = ISSUE_DIR_NAME.match(issue_dir.name)
    if match is None:
        return (10**9, 0, issue_dir.name)
    return (int(match.group(1)), int(match.group(2)), issue_dir.name)


def is_draft(path: Path) -> bool:
    """Names starting with _ or . are drafts and examples (``new`` makes _示例01-….md), never printed."""
    return path.name.startswith(("_", "."))


def is_item_file(path: Path) -> bool:
    """An item file of an issue: .md in any case (Windows saves 01.MD too), not a draft."""
    return path.suffix.lower() == ".md" and not is_draft(path) and path.is_file()


def item_files(items_dir: Path) -> list[Path]:
    """The item files of an issue, in file-name order."""
    if not items_dir.is_dir():
        return []
    return sorted(p for p in items_dir.iterdir() if is_item_file(p))


def only_drafts(issue_dir: Path) -> bool:
    """An issue ``new`` made whose month has not begun: its items/ holds drafts
    only (a .docx dropped in is a submission waiting, not an empty month)."""
    items = issue_dir / ITEMS_DIR
    return items.is_dir() and all(is_draft(p) for p in items.iterdir())


def stray_files(items_dir: Path) -> list[Path]:
    """Files in items/ that will not be printed although they look like items
    (Notepad's "01.md.txt", a "02.txt"): worth a warning, never silently dropped."""
    if not items_dir.is_dir():
        return []
    return sorted(
        p for p in items_dir.iterdir()
        if p.is_file() and not is_draft(p) and p.suffix.lower() in (".txt", ".markdown", ".docx", ".doc")
    )  # fmt: skip


def load_series(series_dir: Path) -> Series:
    """Read and validate series.yaml."""
    doc = load_yaml(series_dir / SERIES_FILE)
    return validate(Series, doc, SERIES_FILE)


def _check_folder_name(issue_dir: Path, issue: Issue, doc) -> list[UserError]:
    match = ISSUE_DIR_NAME.match(issue_dir.name)
    if not match:
        return [
            ContentError(
                f"期的文件夹应命名为“年-期号”，如 {issue_folder_name(issue.date.year, issue.number)}",
                issue_dir,
            )
        ]
    year, number = int(match.group(1)), int(match.group(2))
    errors: list[UserError] = []
    if number != issue.number:
        errors.append(doc.error(f"期号 {issue.number} 与文件夹名“{issue_dir.name}”（第{number}期）不一致", ("number",)))
    if year != issue.date.year:
        errors.append(doc.error(f"日期 {issue.date} 与文件夹名“{issue_dir.name}”（{year}年）不一致", ("date",)))
    return errors


def check_section(item_doc: YamlDoc, meta: ItemMeta, series: Series) -> ContentError | None:
    """An error if the item names a section the series does not have."""
    if meta.section in series.sections:
        return None
    return item_doc.error(
        f"栏目“{meta.section}”不在 series.yaml 的 sections 中（{'、'.join(series.sections)}）",
        ("section",),
        suggest(meta.section, series.sections),
    )


LINK_HINT = "请把文件本身复制到这里，而不是放一个快捷方式或链接。"


def leads_out(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed (its own, or a folder's on the way from ``root``), ends up outside
    ``root`` (or nowhere: a loop of links)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # outside, or a loop of links
        return True
    return False


def refuse_link_out(path: Path, root: Path, what: str, doing: str = "不会读取") -> None:
    """A file reached through a link to somewhere outside ``root`` is refused — the file itself a link, or
    a folder on its way (items/ linked to a colleague's folder): what an issue prints (and what
    ``publish`` archives) comes from the series folder only, never from a confidential file a link
    points at, and nothing is written through such a link either (``doing`` says which)."""
    if not leads_out(path, root):
        return
    which = f"{what}是一个链接" if path.is_symlink() else f"{what}所在的文件夹是一个链接"
    raise ContentError(f"{which}，指向{root.name}文件夹之外，{doing}", path, hint=LINK_HINT)


def load_item(path: Path, series: Series, series_dir: Path | None = None, text: str | None = None) -> Item:
    """Read one item file: front matter validated, body kept as text. ``text``: the file's text held
    in memory instead (an edit form not yet saved), checked as if the file held it."""
    if series_dir is not None:
        refuse_link_out(path, series_dir, "稿件")
    source = split_front_matter(read_text(path) if text is None else text, path)
    meta = validate(ItemMeta, source.meta, "头信息")
    error = check_section(source.meta, meta, series)
    if error:
        raise error
    if not source.body.strip():
        raise ContentError("稿件正文是空的", path, source.body_line)
    pictures = read_pictures(path, source.body, source.body_line, path.parent.parent) if "![" in source.body else ()
    return Item(path, meta, source.body, source.body_line, source.meta, pictures)


def load_edition(series_dir: Path, issue_dir: Path, series: Series, partial: bool = False,
                 supplied: Mapping[str, Any] | None = None) -> Edition:  # fmt: skip
    """Read one issue folder; all its problems are collected and raised together. ``partial``: items
    that cannot be read are left out instead (checking one item needs the issue, not every other item).
    ``supplied``: tables' data handed over by a script (table id → DataFrame or rows), read instead of
    the file or query their entries name."""
    errors: list[UserError] = []
    refuse_link_out(issue_dir / ISSUE_FILE, series_dir, ISSUE_FILE)
    doc = load_yaml(issue_dir / ISSUE_FILE)
    issue = validate(Issue, doc, ISSUE_FILE)
    errors.extend(_check_folder_name(issue_dir, issue, doc))
    items_dir = issue_dir / ITEMS_DIR
    if not items_dir.is_dir():
        errors.append(ContentError(f"缺少稿件文件夹 {ITEMS_DIR}/", items_dir))
        raise_all(errors)
    items: list[Item] = []
    for path in item_files(items_dir):
        try:
            items.append(load_item(path, series, series_dir))
        except UserError as exc:
            if not partial:
                errors.append(exc)
    if not items and not errors and not partial:
        errors.append(ContentError("这一期还没有任何稿件（items/*.md）", items_dir))
    tables = []
    supplied = dict(supplied or {})
    for index, spec in enumerate(issue.tables):
        try:
            tables.append((spec, load_table(issue_dir, doc, index, spec, series, issue, supplied.pop(spec.id, None))))
        except UserError as exc:
            errors.append(exc)
    for table_id in supplied:
        errors.append(doc.error(f"程序提供了表“{table_id}”的数据，但 issue.yaml 的 tables 中没有代号为“{table_id}”的表",
                                ("tables",), suggest(table_id, [spec.id for spec in issue.tables])))  # fmt: skip
    raise_all(errors)
    items.sort(key=lambda item: item.sort_key)
    return Edition(
        series_dir=series_dir,
        issue_dir=issue_dir,
        series=series,
        issue=issue,
        items=items,
        distribution=resolve_distribution(series, issue),
        tables=tables,
    )


def load_table(issue_dir: Path, doc: YamlDoc, index: int, spec, series: Series, issue: Issue, supplied: Any = None):
    """Check one table entry of issue.yaml against the series and the issue, and read its data as typed:
    ``supplied`` (a script's DataFrame or rows) if given, else its query's result or its file; then the
    records it selects or groups (load/records.py), if it says so."""
    from .records import MAX_RECORD_CELLS, select, selects
    from .tables import MAX_TABLE_CELLS, read_table

    problem = table_problem(doc, index, spec, series, issue)
    if problem is not None:
        raise problem
    cells = MAX_RECORD_CELLS if selects(spec) else MAX_TABLE_CELLS
    if supplied is not None:
        from .frames import supplied_table

        raw = supplied_table(supplied, doc.path, doc.where(("tables", index, "id"))[0], cells)
    elif spec.query is not None:
        from .database import read_query

        raw = read_query(spec, issue_dir.parent, issue, doc, index, series.database_passwords, cells)
    elif spec.file is not None:
        raw = read_table(spec, issue_dir, cells)
    else:
        raise doc.error(f"表“{spec.id}”没有写数据从哪里来：file（本期文件夹中的表格文件），或 query 和 database（数据库查询）",
                        ("tables", index))  # fmt: skip
    return select(raw, spec, doc, index) if selects(spec) else raw


def table_problem(doc: YamlDoc, index: int, spec, series: Series, issue: Issue) -> ContentError | None:
    """What is wrong with one table entry of issue.yaml beyond its own fields (its section, its as_of)."""
    if spec.as_of is not None and spec.as_of > issue.date:
        return doc.error(
            f"表“{spec.id}”的统计截止日期 {spec.as_of} 晚于本期日期 {issue.date}",
            ("tables", index, "as_of"),
            "时间进度按 as_of 计算：写错年份时进度会差很多。",
        )
    if spec.section != ANNEX and spec.section not in series.sections:
        return doc.error(
            f"表“{spec.id}”的 section“{spec.section}”既不是栏目，也不是“{ANNEX}”",
            ("tables", index, "section"),
            suggest(spec.section, series.sections + [ANNEX]),
        )
    return None


def issue_problems(issue_dir: Path, doc: YamlDoc, issue: Issue, series: Series) -> list[UserError]:
    """What the build refuses in a valid issue.yaml without reading any other file: a number or year
    its folder's name contradicts, a table in no section or counted after the issue's date."""
    problems = _check_folder_name(issue_dir, issue, doc)
    for index, spec in enumerate(issue.tables):
        problem = table_problem(doc, index, spec, series, issue)
        if problem is not None:
            problems.append(problem)
    return problems


def issue_facts(issue_dir: Path) -> tuple[int, int | None, dt.date | None, object] | None:
    """(number, total, date, doc) from issue.yaml, for sequence checks; None if unreadable."""
    try:
        doc = load_yaml(issue_dir / ISSUE_FILE)
    except UserError:
        return None
    data = doc.data if isinstance(doc.data, dict) else {}
    number, total, date = data.get("number"), data.get("total"), data.get("date")
    if not isinstance(number, int) or not isinstance(date, dt.date):
        return None
    return number, total if isinstance(total, int) else None, date, doc
