"""issue.yaml as the studio's forms see it, and the file a saved form becomes.

Two forms change issue.yaml: the issue's settings (number, total, date,
marks, copies, extra recipients) and one entry of ``tables:``. Each save
rewrites only the lines of the values the editor changed (``yamledit.patch``):
a field left as it was keeps its line, quoting and comment even where the
form shows it differently (``number: 034``). What would be written is read
back with the loader and validated with the model first; a result the build
would refuse is not written, and each error is returned at its key path for
the form to put beside its field. The form carries the sha256 of the bytes
it was made from, and the file is replaced only over those bytes
(:class:`Stale` otherwise), in its own encoding and line ends.

A form also carries the text each field had when it was loaded (its base):
a save writes only the fields whose text differs from their base. So after
a conflict, "keep mine" applies the editor's own changes over the file on
disk, and a colleague's change to another field stays (a three-way merge,
field by field; where both changed one field, the editor's wins).

A file whose text cannot be read as a mapping has no fields to show: the
studio shows it whole and :func:`save_text` writes it back as typed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import ContentError, Diagnostic, Location, UserError
from .fsio import FileChanged, replace_if_unchanged
from .itemfile import Stale as ItemStale
from .itemfile import digest, whole_text, write_like
from .load.content import ISSUE_FILE, issue_problems, load_series
from .load.text import clean, decode, encode_like
from .load.validate import validate
from .load.yamlfile import parse_yaml
from .model import ANNEX, Issue, TableSpec
from .yamledit import patch, same

ORDERS = {(): list(Issue.model_fields), ("tables", None): list(TableSpec.model_fields)}
SETTINGS = ("number", "total", "date", "marks", "copies", "extra_distribution")
TABLE_FIELDS = ("id", "file", "sheet", "title", "section", "target", "actual", "rank", "as_of", "chart", "decimals",
                "note", "total", "header_row", "skip_rows", "columns", "rate")  # fmt: skip
#: each field of a form and the boxes it is typed in (报头标注 is its lines and the 本期不印 checkbox)
SETTINGS_BOXES = {"number": ("number",), "total": ("total",), "date": ("date",), "marks": ("marks", "no_marks"),
                  "copies": ("copies",), "extra_distribution": ("extra_distribution",)}  # fmt: skip
TABLE_BOXES = {key: (key,) for key in TABLE_FIELDS}
#: boxes holding numbers or dates: typed with a Chinese input method they may hold full-width digits
NUMERIC = frozenset({"number", "total", "date", "copies", "as_of", "decimals", "header_row", "skip_rows"})
#: said beside number or date when the change would contradict the folder's name (why: docs/studio.md)
FOLDER_HINT = ("表单不会给文件夹改名（文件夹名是这一期在归档、命令行和各位编辑打开的页面中的名字）。"
               "若确实要改期号或年份：先在资源管理器中把文件夹改为“年-期号”（如 2025-10），再回到这里修改。")
_LABEL = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(.*?)\s*$")


class Stale(ContentError):
    """issue.yaml is not the file the form was loaded from: someone saved it meanwhile."""

    def __init__(self, path: Path, disk_text: str, disk_sha: str) -> None:
        super().__init__("issue.yaml 在你打开表单之后被改过（另一位编辑、命令行或文本编辑器），这次没有保存", path)
        self.disk_text = disk_text
        self.disk_sha = disk_sha


class NoSuchTable(ContentError):
    """issue.yaml has no table of that id (removed or renamed meanwhile)."""


class IssueFile(NamedTuple):
    """issue.yaml as read for a form: its data as typed, the model's reading, and what is wrong with it."""

    path: Path
    sha256: str
    data: dict  # as the loader reads it ({} when unreadable)
    issue: Issue | None  # None when the model refuses it
    problems: tuple[Diagnostic, ...]  # the loader's and the model's, and the build's checks of the whole file
    text: str | None  # LF line ends; None when the bytes are no text the loader decodes
    readable: bool = True  # False: no mapping could be read (problems say why, at their line): no fields to show


def read(issue_dir: Path) -> IssueFile:
    """issue.yaml for a form; its problems are returned, not raised, so the form can show them beside its fields."""
    path = issue_dir / ISSUE_FILE
    raw = path.read_bytes()
    try:
        text = clean(decode(raw, path))
    except UserError as exc:
        return IssueFile(path, digest(raw), {}, None, exc.diagnostics, None, readable=False)
    try:
        doc = parse_yaml(text, path)
        if doc.data is not None and not isinstance(doc.data, dict):  # a list or one word: no field could show it
            validate(Issue, doc, ISSUE_FILE)  # which says what it is instead
    except UserError as exc:
        return IssueFile(path, digest(raw), {}, None, exc.diagnostics, text, readable=False)
    data = doc.data if isinstance(doc.data, dict) else {}
    try:
        issue = validate(Issue, doc, ISSUE_FILE)
    except UserError as exc:
        return IssueFile(path, digest(raw), data, None, exc.diagnostics, text)
    return IssueFile(path, digest(raw), data, issue, tuple(_checked(issue_dir, doc, issue)), text)


def _checked(issue_dir: Path, doc, issue: Issue) -> list[Diagnostic]:
    try:
        series = load_series(issue_dir.parent)
    except UserError:
        return []  # series.yaml's own problems are the series page's to show
    return [d for problem in issue_problems(issue_dir, doc, issue, series) for d in problem.diagnostics]


# --- the settings form ------------------------------------------------------------------------------------


def settings_form(file: IssueFile) -> dict[str, str]:
    """The settings as the form's text boxes show them (as typed in issue.yaml when the model refuses them)."""
    data, issue = file.data, file.issue
    value = lambda key: getattr(issue, key) if issue is not None else data.get(key)  # noqa: E731
    marks = value("marks")
    extra = value("extra_distribution") or {}
    date = value("date")
    return {
        "number": _text(value("number")),
        "total": _text(value("total")),
        "date": date.isoformat() if isinstance(date, dt.date) else _text(date),
        "marks": "\n".join(map(str, marks)) if isinstance(marks, list) else _text(marks),
        "no_marks": "1" if marks == [] else "",
        "copies": _text(value("copies")),
        "extra_distribution": "\n".join(f"{label}：{unit}" for label, units in extra.items() for unit in units)
        if isinstance(extra, dict) and all(isinstance(u, list) for u in extra.values()) else _text(extra),
    }  # fmt: skip


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def typed_number(text: str) -> str:
    """A number or date as typed, with full-width digits and signs (a Chinese input method's １５０) as ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _count(text: str, key: str, what: str, errors: list, path: Path, required: bool = False) -> int | None:
    text = typed_number(text)
    if not text:
        if required:
            errors.append(_error(f"{what}不能为空", path, (key,)))
        return None
    if not text.isascii() or not text.isdigit():
        errors.append(_error(f"{what}应为整数，现在是“{text}”", path, (key,)))
        return None
    return int(text)


def _date(text: str, key: tuple, what: str, errors: list, path: Path, required: bool = False) -> dt.date | None:
    from .cn import parse_iso_date

    text = typed_number(text)
    if not text:
        if required:
            errors.append(_error(f"{what}不能为空", path, key))
        return None
    try:
        return parse_iso_date(text)
    except ValueError as exc:
        errors.append(_error(f"{what}：{exc}", path, key))
        return None


def _error(message: str, path: Path, key: tuple) -> Diagnostic:
    return Diagnostic(message, Location(path, None, None, key))


def parse_settings(form: dict[str, str], path: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The form's text as values (None: the key is left out, the series' value applies), and what cannot be read."""
    errors: list[Diagnostic] = []
    values: dict[str, Any] = {
        "number": _count(form.get("number", ""), "number", "期号", errors, path, required=True),
        "total": _count(form.get("total", ""), "total", "总期号", errors, path),
        "date": _date(form.get("date", ""), ("date",), "印发日期", errors, path, required=True),
        "copies": _count(form.get("copies", ""), "copies", "印数", errors, path),
    }
    marks = [line.strip() for line in form.get("marks", "").splitlines() if line.strip()]
    values["marks"] = marks or ([] if form.get("no_marks") else None)
    extra: dict[str, list[str]] = {}
    for number, line in enumerate(form.get("extra_distribution", "").splitlines(), start=1):
        if not line.strip():
            continue
        found = _LABEL.match(line)
        if not found or not found.group(2):
            errors.append(_error(f"第{number}行“{line.strip()}”应写成“标签：单位”，如 送：市纪委监委", path,
                                 ("extra_distribution",)))  # fmt: skip
            continue
        units = extra.setdefault(found.group(1), [])
        if found.group(2) not in units:
            units.append(found.group(2))
    values["extra_distribution"] = extra or None
    return values, errors


def edited(form: Mapping[str, Any], base: Mapping[str, Any] | None, boxes: dict[str, tuple[str, ...]]) -> set[str]:
    """The fields whose text differs from the text the form was loaded with (``base``), line ends, blank
    lines, runs of spaces and full-width digits aside; every field when there is no base (a new entry)."""
    if base is None:
        return set(boxes)
    return {field for field, names in boxes.items()
            if any(name not in base or _compared(name, form.get(name)) != _compared(name, base[name])
                   for name in names)}  # fmt: skip


def _compared(name: str, value: Any) -> str:
    text = typed_number(str(value or "")) if name in NUMERIC else str(value or "")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def save_settings(issue_dir: Path, expected_sha: str, form: dict[str, str], base: dict[str, str] | None = None) -> None:
    """Write the settings form over issue.yaml (see the module's docstring): only the fields changed from
    ``base`` (the form's text as loaded; None: every field); errors at their keys."""
    path = issue_dir / ISSUE_FILE
    changed = edited(form, base, SETTINGS_BOXES)
    values, errors = parse_settings(form, path)
    errors = [e for e in errors if e.location.key[0] in changed]  # a field left as it was stays as it is
    if errors:
        raise ContentError.of(errors)

    def change(data: dict, issue: Issue | None) -> dict:
        for key in SETTINGS:
            if key in changed:
                _set(data, key, values[key], getattr(issue, key) if issue is not None else data.get(key))
        return data

    _save(issue_dir, expected_sha, change)


def save_text(issue_dir: Path, expected_sha: str, text: str) -> None:
    """Write ``text`` as the whole of issue.yaml, only over the bytes the page was made from, in the file's
    encoding and line ends: the page of a file the form cannot read shows it whole, and the editor mends
    it there. What they typed is saved even if it still does not read (the file did not either)."""
    path = issue_dir / ISSUE_FILE
    raw = path.read_bytes()
    if digest(raw) != expected_sha:
        raise Stale(path, clean(decode(raw, path)), digest(raw))
    try:
        write_like(path, raw, whole_text(text))
    except ItemStale as stale:
        raise Stale(path, stale.disk_text, stale.disk_sha) from None


def _set(data: dict, key: str, value: Any, shown: Any) -> None:
    """Set ``key`` unless the form left it as the model read it (``shown``); None or an empty mapping removes it."""
    if shown == {} and value is None or same(value, shown):
        return  # unchanged: its line, quoting and comment stay as they are
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


# --- saving ------------------------------------------------------------------------------------------------


def _save(issue_dir: Path, expected_sha: str, change: Callable[[dict, Issue | None], dict]) -> None:
    """Change issue.yaml's data with ``change`` and write only the lines that differ, after reading the result
    back. What the build would refuse is refused, except a problem the file already had (a number that
    already contradicted the folder's name must not stop a change of the copies)."""
    path = issue_dir / ISSUE_FILE
    raw = path.read_bytes()
    if digest(raw) != expected_sha:
        raise Stale(path, clean(decode(raw, path)), digest(raw))
    original = decode(raw, path)
    doc = parse_yaml(clean(original), path)  # unreadable: its own error, at its line
    old = doc.data if isinstance(doc.data, dict) else {}
    try:
        issue = validate(Issue, doc, ISSUE_FILE)
        before = {(d.message, d.location.key) for d in _checked(issue_dir, doc, issue)}
    except UserError:
        issue, before = None, set()
    new = change(copy.deepcopy(old), issue)
    if same(new, old):
        return
    text = patch(original, old, new, ORDERS, path)
    try:
        written = parse_yaml(clean(text), path)
        result = validate(Issue, written, ISSUE_FILE)
    except UserError as exc:
        raise ContentError.of(_unplaced(d) for d in exc.diagnostics) from None
    if not same(written.data, new):  # pragma: no cover - the patcher's own mistake: never write it
        raise ContentError("保存后的 issue.yaml 读出的内容与表单不同，没有保存", path,
                           hint="请在文本编辑器中修改 issue.yaml，并把这个问题告诉维护 zhuanbao 的同事。")  # fmt: skip
    problems = [d for d in _checked(issue_dir, written, result) if (d.message, d.location.key) not in before]
    if problems:
        raise ContentError.of(_unplaced(d.at(hint=FOLDER_HINT) if d.location.key in (("number",), ("date",)) else d)
                              for d in problems)  # fmt: skip
    try:
        data = encode_like(text, raw, path)
    except UnicodeEncodeError:  # pragma: no cover - GB18030 encodes every character
        raise ContentError("有文字无法用这个文件原来的编码保存，没有保存", path) from None
    try:
        replace_if_unchanged(path, data, raw)
    except FileChanged:
        now = path.read_bytes()
        raise Stale(path, clean(decode(now, path)), digest(now)) from None


def _unplaced(diagnostic: Diagnostic) -> Diagnostic:
    """A problem of the text that was not written: its line is in no file anyone can open; its key says where."""
    return diagnostic._replace(location=diagnostic.location._replace(line=None, column=None))


# --- one table's entry ---------------------------------------------------------------------------------------


def table_index(file: IssueFile, table_id: str) -> int:
    """The position of the table ``table_id`` in issue.yaml's ``tables:`` (as typed)."""
    for index, entry in enumerate(file.data.get("tables") or []):
        if isinstance(entry, dict) and entry.get("id") == table_id:
            return index
    raise NoSuchTable(f"issue.yaml 中没有代号为“{table_id}”的表（可能已被删除或改了代号）", file.path)


def table_form(entry: dict) -> dict[str, str]:
    """One ``tables:`` entry as the form's fields show it."""
    shown = {key: _text(entry.get(key)) for key in TABLE_FIELDS}
    shown["rank"] = "1" if entry.get("rank") is True else ""
    shown["chart"] = "bar" if entry.get("chart") == "bar" else ""
    shown["total"] = "" if entry.get("total") is False else "1"
    shown["decimals"] = _text(entry.get("decimals", 1))
    as_of = entry.get("as_of")
    shown["as_of"] = as_of.isoformat() if isinstance(as_of, dt.date) else _text(as_of)
    for key in ("header_row", "skip_rows"):
        value = entry.get(key)
        shown[key] = ", ".join(map(str, value)) if isinstance(value, list) else _text(value)
    columns = entry.get("columns")
    if isinstance(columns, list):
        lines = []
        for column in columns:
            lines += [f"{k} {RENAME} {v}" for k, v in column.items()] if isinstance(column, dict) else [str(column)]
        shown["columns"] = "\n".join(lines)
    return shown


#: how the form writes a renamed column, one a line: 1—9月完成·投资额 → 完成（万元）
RENAME = "→"
_RENAMED = re.compile(r"\s*(?:→|->|＝|=)\s*")
_ROWS = re.compile(r"[\s,，、;；]+")


def row_numbers(text: str, key: tuple, what: str, errors: list, path: Path) -> int | list[int] | None:
    """Row numbers as typed: 3, or 3, 4 (also 3-4 for a header's two levels); None when empty."""
    text = typed_number(text)
    if not text:
        return None
    span = re.fullmatch(r"(\d+)\s*[-—~至]\s*(\d+)", text)
    numbers = [str(n) for n in range(int(span.group(1)), int(span.group(2)) + 1)] if span and int(span.group(2)) - int(
        span.group(1)) < 10 else _ROWS.split(text)  # fmt: skip
    if not all(n.isascii() and n.isdigit() for n in numbers if n):
        errors.append(_error(f"{what}应写行号（表格左边显示的数字），多个用逗号隔开，现在是“{text}”", path, key))
        return None
    rows = [int(n) for n in numbers if n]
    return rows[0] if len(rows) == 1 else rows


def _columns_of(text: str) -> list | None:
    """The columns box: one column a line, "原列名 → 新列名" to print it under another heading."""
    entries: list = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in _RENAMED.split(line.strip(), maxsplit=1)]
        entries.append({parts[0]: parts[1]} if len(parts) == 2 and parts[1] and parts[1] != parts[0] else parts[0])
    return entries or None


def parse_table(form: dict[str, str], index: int, path: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The table form's text as an entry's values (None: left out, the default applies)."""
    errors: list[Diagnostic] = []
    text = lambda key: " ".join(str(form.get(key, "")).split()) or None  # noqa: E731
    values: dict[str, Any] = {key: text(key) for key in ("id", "file", "sheet", "title", "section", "target",
                                                         "actual", "note", "rate")}  # fmt: skip
    values["header_row"] = row_numbers(str(form.get("header_row", "")), ("tables", index, "header_row"), "表头所在行", errors, path)
    values["skip_rows"] = row_numbers(str(form.get("skip_rows", "")), ("tables", index, "skip_rows"), "不读的行", errors, path)
    values["columns"] = _columns_of(str(form.get("columns", "")))
    values["rank"] = True if form.get("rank") else None
    values["chart"] = "bar" if form.get("chart") else None
    values["total"] = None if form.get("total") else False
    values["as_of"] = _date(form.get("as_of", ""), ("tables", index, "as_of"), "统计截止日期", errors, path)
    decimals = typed_number(str(form.get("decimals", "")))
    values["decimals"] = None
    if decimals and decimals != "1":
        if decimals.isascii() and decimals.isdigit():
            values["decimals"] = int(decimals)
        else:
            errors.append(_error(f"小数位数应为 0 到 4 的整数，现在是“{decimals}”", path, ("tables", index, "decimals")))
    for key, what in (("id", "代号"), ("file", "数据文件"), ("title", "表题"), ("section", "栏目")):
        if values[key] is None:
            errors.append(_error(f"{what}不能为空", path, ("tables", index, key)))
    return values, errors


def save_table(issue_dir: Path, expected_sha: str, form: dict[str, str], table_id: str | None = None,
               base: dict[str, str] | None = None) -> str:  # fmt: skip
    """Add a table entry (``table_id`` None) or change the entry ``table_id``, only in the fields changed
    from ``base`` (the form's text as loaded; None: every field); returns the entry's id.

    The data file must exist inside the issue folder; sections and ids are checked as the build does."""
    from .load.tables import resolve_inside

    path = issue_dir / ISSUE_FILE
    file = read(issue_dir)
    index = table_index(file, table_id) if table_id is not None else len(file.data.get("tables") or [])
    changed = edited(form, base, TABLE_BOXES)
    values, errors = parse_table(form, index, path)
    errors = [e for e in errors if e.location.key[2] in changed]  # a field left as it was stays as it is
    if {"target", "actual"} & changed and values["target"] is not None and values["target"] == values["actual"]:
        errors.append(_error(f"完成数列与目标数列是同一列（“{values['actual']}”）：完成率会都是 100%，"
                             "请分别选择完成数和目标数所在的列", path, ("tables", index, "actual")))  # fmt: skip
    others = [e.get("id") for i, e in enumerate(file.data.get("tables") or []) if i != index and isinstance(e, dict)]
    if values["id"] is not None and values["id"] in others:
        errors.append(_error(f"代号“{values['id']}”已被本期另一张表使用", path, ("tables", index, "id")))
    if values["file"] is not None and "file" in changed:
        try:
            resolve_inside(issue_dir, values["file"], "表格文件")
        except UserError as exc:
            errors.append(_error(exc.message, path, ("tables", index, "file")))
    if values["section"] is not None and values["file"] is not None and "section" in changed:
        try:
            sections = load_series(issue_dir.parent).sections
            if values["section"] not in [*sections, ANNEX]:
                errors.append(_error(f"“{values['section']}”既不是本刊的栏目，也不是“{ANNEX}”", path,
                                     ("tables", index, "section")))  # fmt: skip
        except UserError:
            pass  # series.yaml's own problems: the series page shows them
    if errors:
        raise ContentError.of(errors)

    def change(data: dict, issue: Issue | None) -> dict:
        tables = data.setdefault("tables", [])
        if not isinstance(tables, list):
            raise ContentError("issue.yaml 中的 tables 不是列表，无法添加表格", path, key=("tables",))
        entry = tables[index] if index < len(tables) else {}
        spec = issue.tables[index] if issue is not None and index < len(issue.tables) else None
        new = dict(entry) if isinstance(entry, dict) else {}
        for key in TABLE_FIELDS:
            if key not in changed:
                continue  # as on disk (the sheet the form preselected, the first or the one an index names, too)
            shown = getattr(spec, key) if spec is not None else entry.get(key) if isinstance(entry, dict) else None
            default = TableSpec.model_fields[key].default
            if key in ("rank", "total", "decimals") and values[key] is None and shown == default:
                continue
            _set(new, key, values[key], shown if not (key in ("rank", "decimals") and shown == default) else None)
        if index < len(tables):
            tables[index] = new
        else:
            tables.append(new)
        return data

    _save(issue_dir, expected_sha, change)
    return values["id"]


def remove_table(issue_dir: Path, expected_sha: str, table_id: str) -> None:
    """Remove one entry of ``tables:`` (the data file stays in the issue folder); the last one takes the key."""
    index = table_index(read(issue_dir), table_id)

    def change(data: dict, issue: Issue | None) -> dict:
        del data["tables"][index]
        if not data["tables"]:
            del data["tables"]
        return data

    _save(issue_dir, expected_sha, change)
