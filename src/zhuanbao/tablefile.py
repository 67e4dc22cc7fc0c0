"""An issue's table files: an upload put into tables/, what the table form offers, a table computed as it prints.

An upload is judged by its content, not its name (a .xlsx is a zip holding
xl/workbook.xml; a CSV must decode as the loader decodes text) and never
replaces a file: a different file of the same name is kept beside it as
``进度 (2).csv``, as Windows names a second copy, so last month's data that
``new`` carried over stays until the editor points the table at the new file.
The computed table is the one the document prints: the same ``compute`` the
build runs, its cells already formatted by it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

from .diagnostics import DataError, Diagnostic, UserError, os_reason
from .fsio import safe_name
from .load.text import MAX_TEXT_BYTES, decode

TABLES_DIR = "tables"
SUFFIXES = (".csv", ".xlsx", ".xls", ".et", ".ods")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and WPS .et)
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_KINDS = {".xlsx": "Excel 表格（.xlsx）", ".xls": "旧版 Excel 表格（.xls）", ".et": "WPS 表格（.et）",
          ".ods": "OpenDocument 表格（.ods）", ".csv": "CSV 文本表格"}  # fmt: skip
_DRIVE = re.compile(r"^[A-Za-z]:")


class Uploaded(NamedTuple):
    """Where an upload went: ``name`` relative to the issue folder (tables/进度.csv)."""

    name: str
    clash: str | None = None  # a different file that had the uploaded name, kept as it was
    same: bool = False  # the very bytes of a file already there: nothing was written


def upload_name(filename: str) -> str:
    """The name to save an upload under: its last component (a browser may send C:\\fakepath\\进度.csv),
    without a drive letter, made fit for every system; refused unless it is a .csv or .xlsx."""
    name = _DRIVE.sub("", re.split(r"[\\/]", filename or "")[-1].strip())
    name = safe_name(name)
    suffix = Path(name).suffix.lower()
    if not Path(name).stem or suffix not in SUFFIXES:
        raise DataError(f"“{filename}”不是表格文件：能上传的是 Excel（.xlsx、.xls）、WPS 表格（.et）、.ods 和 CSV",
                        hint="在 Excel 或 WPS 中“另存为”时选择 .xlsx 或 CSV。")  # fmt: skip
    return name


def check_content(data: bytes, name: str) -> None:
    """Refuse a file whose content is not what its name says, in Chinese."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_TEXT_BYTES:
        raise DataError(f"“{name}”有 {len(data):,} 字节，超过 {MAX_TEXT_BYTES // 1024 // 1024} MB 的上限")
    if not data.strip():
        raise DataError(f"“{name}”是空文件")
    if data.startswith(_OLE):
        if suffix not in (".xls", ".et"):
            raise DataError(f"“{name}”的内容是旧版 Excel（.xls）或 WPS 表格（.et），不是{_what(suffix)}",
                            hint="请把文件扩展名改为 .xls 后再上传。")  # fmt: skip
        return
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            ods = "mimetype" in names and zipfile.ZipFile(io.BytesIO(data)).read("mimetype").strip() == _ODS
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
            names, ods = [], False
        kind = ".ods" if ods else ".xlsx" if "xl/workbook.xml" in names else None
        if kind is None:
            raise DataError(f"“{name}”是压缩包（或 Word 等其他文件），不是 Excel 表格", hint="请上传 Excel、WPS 表格或 CSV。")
        if suffix != kind and not (kind == ".xlsx" and suffix == ".et"):  # WPS saves .et as either kind
            raise DataError(f"“{name}”的扩展名是 {suffix}，内容却是 {_KINDS[kind]}",
                            hint=f"请把文件扩展名改为 {kind} 后再上传。")  # fmt: skip
        return
    if suffix in (".xlsx", ".xls", ".et", ".ods"):
        html = data[:512].lstrip().lower().startswith((b"<", b"\xef\xbb\xbf<"))
        raise DataError(f"“{name}”的扩展名是 {suffix}，内容却" + ("是网页（HTML）表格（有些系统这样导出）" if html
                        else f"不是 {_KINDS[suffix]}（可能是改了扩展名的 CSV 或其他文件）"),
                        hint="请在 Excel 或 WPS 中打开它，另存为 .xlsx 后再上传。")  # fmt: skip
    try:
        text = decode(data, Path(name))
    except UserError:
        raise DataError(f"“{name}”不是文本表格：既不是 UTF-8，也不是 GBK/GB18030 编码的文字",
                        hint="请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再上传。") from None  # fmt: skip
    if "\x00" in text:
        raise DataError(f"“{name}”含有空字符，不是文本表格（CSV）", hint="请上传 Excel 或 WPS 另存的 CSV 或 .xlsx。")


def _what(suffix: str) -> str:
    return _KINDS.get(suffix, "CSV 文本表格")


def upload(issue_dir: Path, filename: str, data: bytes) -> Uploaded:
    """Put an uploaded table into the issue's tables/ folder, never over another file."""
    name = upload_name(filename)
    check_content(data, name)
    folder = issue_dir / TABLES_DIR
    try:
        folder.mkdir(exist_ok=True)
        if not folder.resolve().is_relative_to(issue_dir.resolve()):
            raise DataError("本期的 tables 文件夹是指向本期文件夹之外的链接，不能上传到那里", folder)
    except OSError as exc:
        raise DataError(f"无法建立 tables 文件夹：{os_reason(exc)}", folder) from None
    stem, suffix = Path(name).stem, Path(name).suffix
    clash = None
    for number in range(1, 1000):
        candidate = name if number == 1 else f"{stem} ({number}){suffix}"
        target = folder / candidate
        if target.exists() or target.is_symlink():
            if target.is_file() and target.read_bytes() == data:
                return Uploaded(f"{TABLES_DIR}/{candidate}", clash, same=True)
            clash = clash or f"{TABLES_DIR}/{name}"
            continue
        try:
            with open(target, "xb") as handle:  # exclusive: a file made meanwhile is never replaced
                handle.write(data)
        except FileExistsError:
            continue
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise DataError(f"无法保存上传的表格：{os_reason(exc)}", target) from None
        return Uploaded(f"{TABLES_DIR}/{candidate}", clash)
    raise DataError(f"tables 文件夹中与“{name}”同名的文件太多，请先整理", folder)


def data_files(issue_dir: Path) -> list[str]:
    """The table files in tables/, as issue.yaml names them (tables/进度.csv)."""
    folder = issue_dir / TABLES_DIR
    if not folder.is_dir():
        return []
    return sorted(f"{TABLES_DIR}/{p.name}" for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in SUFFIXES)  # fmt: skip


class Columns(NamedTuple):
    """What the table form offers for a file: its sheets (a workbook's), the columns of its header row (a
    two-level header's names joined: 年度目标·投资额), and what was found around the table."""

    sheets: list[str]
    header: list[str]
    problems: list[Diagnostic]
    header_lines: list[int] = []  # the sheet rows the header was read from
    unit: str | None = None  # the sheet's 单位：万元 line
    note: str | None = None  # the notes under the table, as the document prints them when the form gives none


def columns(issue_dir: Path, name: str, sheet: str | int | None = None, header_row: list[int] | None = None,
            skip_rows: frozenset[int] = frozenset()) -> Columns:  # fmt: skip
    """The sheets and header of the file ``name`` (relative to the issue folder), read as the build reads it:
    bounded, and with the header where ``header_row`` says or where it is found."""
    from .load.layout import note_text
    from .load.tables import read_csv, read_workbook, resolve_inside, sheet_names

    sheets: list[str] = []
    try:
        path = resolve_inside(issue_dir, name, "表格文件")
        if path.suffix.lower() == ".csv":
            raw = read_csv(path, header_row, skip_rows)
        else:
            sheets = sheet_names(path)
            if isinstance(sheet, str) and sheet not in sheets and sheet.isdigit():
                sheet = int(sheet)
            raw = read_workbook(path, sheet if sheet not in (None, "") else None, header_row, skip_rows)
    except UserError as exc:
        return Columns(sheets, [], list(exc.diagnostics))
    return Columns(sheets, raw.header, [], raw.header_rows, raw.unit, note_text(raw.notes))


def suggest_id(filename: str, taken: list[str]) -> str:
    """A table id from a file name, in the ASCII the model allows (进度2025.xlsx → t2025; 区县进度.xlsx → table)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", Path(filename).stem).strip("_").lower()[:30]
    base = stem if stem and not stem[0].isdigit() else (f"t{stem}" if stem else "table")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


# --- a table as the document prints it -----------------------------------------------------------------------


class TableView(NamedTuple):
    """One table of an issue, computed as the build computes it, or what stops it."""

    index: int
    entry: dict  # as issue.yaml has it
    indicator: object | None  # zhuanbao.indicators.Indicator when it computes
    raw: object | None  # zhuanbao.load.tables.RawTable: the file as typed, shown when it does not compute
    problems: list[Diagnostic]
    bad: frozenset[tuple[int, int]]  # (row of raw.rows, column) of each cell a problem names
    note: str | None  # the line under the table, as the default template prints it


def table_view(issue_dir: Path, table_id: str) -> TableView:
    """The table ``table_id`` of the issue: computed (indicators.compute, as the build does), or its problems."""
    from .indicators import compute
    from .issuefile import read, table_index
    from .load.content import ISSUE_FILE, load_series, load_table
    from .load.yamlfile import load_yaml
    from .render.filters import cn_date

    file = read(issue_dir)
    index = table_index(file, table_id)
    entry = file.data["tables"][index]
    mine = [d for d in file.problems if d.location.key[:2] == ("tables", index)]
    if file.issue is None:
        return TableView(index, entry, None, None, list(file.problems), frozenset(), None)
    spec = file.issue.tables[index]
    if mine:
        return TableView(index, entry, None, None, mine, frozenset(), None)
    raw = None
    try:
        # as the build reads it: the file, the query's result, the records grouped
        raw = load_table(issue_dir, load_yaml(issue_dir / ISSUE_FILE), index, spec, load_series(issue_dir.parent),
                         file.issue)  # fmt: skip
        indicator = compute(spec, raw)
    except UserError as exc:
        bad = frozenset((raw.lines.index(d.line), d.column - 1) for d in exc.diagnostics
                        if raw is not None and d.path == raw.path and d.line in raw.lines and d.column)  # fmt: skip
        return TableView(index, entry, None, raw, list(exc.diagnostics), bad, None)
    note = indicator.note
    if indicator.as_of:  # templates/table.xml.j2
        note = f"统计截至{cn_date(indicator.as_of)}，时间进度{indicator.progress_text}。{note or ''}"
    return TableView(index, entry, indicator, raw, [], frozenset(), f"注：{note}" if note else None)
