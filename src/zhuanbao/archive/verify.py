"""``verify``: every file of every published version still as it was published.

Read-only: verify changes nothing, so it can run from the monthly job or on
a colleague's account. Each problem is a diagnostic at the file concerned.

Nothing is taken on trust: a link anywhere in the archive's issue folders
is reported, never followed (a file replaced by a link to a copy elsewhere
would otherwise pass its checksum); a damaged manifest is reported and its
version skipped; the catalogue is read read-only and each of its rows must
be a version on disk saying what the row says, field by field (every column
of its ``issues`` row against the manifest, every item's row and full-text
row against items.json: search, 供稿统计 and the site print them); an
items.json the catalogue cannot read (too large, too deep, a text no item
has) is reported; the same issue (series, year, number) in two folders is
reported; and what a killed publish left (``.publish-*``) is reported until
the next publish cleans it up. An issue's 采用记录.yaml, which grows after
publishing and so has no checksum, must read and each of its records must
name an item of the version in force, dated no earlier than the issue, once
(:func:`uptake.check`): 供稿统计 scores them.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError, Diagnostic, Location, UserError
from ..load.content import ISSUE_FILE, SERIES_FILE
from . import uptake
from .layout import (
    CATALOGUE,
    CURRENT,
    CURRENT_LIMIT,
    ITEMS,
    MANIFEST,
    PENDING,
    SOURCES,
    TABLES,
    TEMPORARY,
    issue_identity,
    normal_key,
    read_json,
    sha256,
    sqlite_uri,
    version_number,
)

RULE = "verify"
REINDEX = "运行 zhuanbao reindex 可重建"


@dataclass
class VerifyReport:
    """How many files were checked and what was found."""

    checked: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def _problem(path: Path, message: str) -> Diagnostic:
    return Diagnostic(message, Location(path), rule=RULE)


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


@dataclass
class _Found:
    """What the walk over the archive saw, for the checks across versions."""

    manifests: dict[str, tuple[Path, dict]] = field(default_factory=dict)  # version path (posix, from the archive)
    readable: set[str] = field(default_factory=set)  # versions whose files the catalogue can read, as published
    homes: dict[tuple, list[Path]] = field(default_factory=dict)  # (series, year, number) → issue folders


def verify(archive: Path) -> VerifyReport:
    """Re-check every checksum, and that every version recorded is still there."""
    if not archive.is_dir():
        raise ContentError("归档文件夹不存在", archive)
    report = VerifyReport()
    found = _Found()
    for series in _entries(archive):
        if series.is_symlink():
            report.problems.append(_problem(series, f"归档中不应有链接（指向 {_link(series)}），没有核对它"))
        elif series.is_dir() and not series.name.startswith("."):
            for home in _entries(series):
                if home.is_symlink():
                    report.problems.append(
                        _problem(home, f"这一期的文件夹是一个链接（指向 {_link(home)}），归档中不应有链接，没有核对它"))
                elif home.is_dir() and not home.name.startswith("."):
                    _check_home(archive, home, report, found)
    report.problems += _duplicates(found)
    report.problems += _check_catalogue(archive, found)
    return report


def _check_home(archive: Path, home: Path, report: VerifyReport, found: _Found) -> None:
    """One issue's folder: its versions run v1, v2 … with none missing, each with its
    manifest; ``current`` names one that exists; nothing a publish left half-done."""
    problems = report.problems
    numbers = []
    for entry in _entries(home):
        number = version_number(entry.name)
        if entry.name == PENDING:
            problems.append(_problem(entry, "上一次发布没有完成（在写入 current 前后中断）；下次发布这一刊物时会自动撤销或补完"))
        elif entry.name.startswith(TEMPORARY):
            problems.append(_problem(entry, "上一次发布没有完成，留下了临时文件；下次发布这一刊物时会自动清理"))
        elif entry.is_symlink():
            if number is not None:
                numbers.append(number)
                problems.append(_problem(entry, f"第{number}版的文件夹被换成了一个链接（指向 {_link(entry)}），没有核对它"))
            else:
                problems.append(_problem(entry, f"归档中不应有链接（指向 {_link(entry)}）"))
        elif number is not None and entry.is_dir():
            numbers.append(number)
            manifest = entry / MANIFEST
            if not manifest.is_file() and not manifest.is_symlink():
                problems.append(_problem(manifest, "清单缺失，无法核对这一版"))
                continue
            count, version_problems, data = _check_version(entry)
            report.checked += count
            problems += version_problems
            if data is not None:
                where = entry.relative_to(archive).as_posix()
                found.manifests[where] = (entry, data)
                if not any(_read_by_the_catalogue(entry, p.path) for p in version_problems):
                    unreadable = _catalogue_reads(archive, entry)  # (a file changed since publishing: said already)
                    problems += unreadable
                    if not unreadable:
                        found.readable.add(where)
                identity = issue_identity(data) if not version_problems else None  # facts checked against sources
                if identity is not None:
                    homes = found.homes.setdefault((normal_key(home.parent.name), *identity), [])
                    if home not in homes:
                        homes.append(home)
    numbers.sort()
    problems += [_problem(home / f"v{n}", f"第{n}版缺失（已有更新的版本）") for n in range(1, max(numbers, default=0))
                 if n not in numbers]  # fmt: skip
    current = _check_current(home, numbers)
    problems += current
    if not current:  # the records are checked against the version in force
        problems += [d.at(rule=RULE) for d in uptake.check(archive, home)]


def _check_current(home: Path, numbers: list[int]) -> list[Diagnostic]:
    marker = home / CURRENT
    if marker.is_symlink():
        return [_problem(marker, f"current 是一个链接（指向 {_link(marker)}），归档中不应有链接")]
    if not marker.exists():
        return [_problem(marker, "缺少 current 文件（不知道哪一版现行）")] if numbers else []
    if not marker.is_file():
        return [_problem(marker, "current 应是一个文件，这里却是文件夹或特殊文件")]
    try:
        with open(marker, "rb") as handle:
            text = handle.read(CURRENT_LIMIT + 1).decode("utf-8").strip()
    except (OSError, ValueError):
        return [_problem(marker, "current 无法读取（不是 UTF-8 文本？）")]
    if version_number(text) is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        return [_problem(marker, f"current 的内容“{shown}”不是版本名（应是 v1、v2 这样的名字）")]
    if version_number(text) not in numbers or (home / text).is_symlink():
        return [_problem(marker, f"现行版本“{text}”不存在（被删除了？）")]
    return []


def _check_version(folder: Path) -> tuple[int, list[Diagnostic], dict | None]:
    """Every file the manifest lists, as published; nothing added, no links. Returns
    the files checked, the problems, and the manifest when it could be read."""
    manifest_path = folder / MANIFEST
    if manifest_path.is_symlink():
        return 0, [_problem(manifest_path, f"清单被换成了一个链接（指向 {_link(manifest_path)}），无法核对这一版")], None
    try:
        manifest = read_json(manifest_path)
    except (OSError, ValueError):  # (too large, too deep or too many values for memory too)
        return 0, [_problem(manifest_path, "清单无法读取（不是有效的 JSON，或大得不像清单）")], None
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        return 0, [_problem(manifest_path, "清单格式不对（被改动过？）")], None
    problems: list[Diagnostic] = []
    files, links = _walk(folder, problems)
    for name, digest in sorted(listed.items()):
        parts = name.split("/")
        if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            problems.append(_problem(manifest_path, f"清单中的文件名“{name}”不在这一版之内（清单被改动过？）"))
        elif name in files:
            try:
                if sha256(files[name]) != digest:
                    problems.append(_problem(files[name], "内容已被改动（校验值不符）"))
            except OSError:
                problems.append(_problem(files[name], "文件无法读取"))
        elif not any("/".join(parts[:i]) in links for i in range(1, len(parts) + 1)):
            problems.append(_problem(folder / name, "文件缺失"))  # (a link in its place is reported as a link)
    for name, path in sorted(files.items()):
        if name != MANIFEST and name not in listed:
            problems.append(_problem(path, "清单中没有这个文件（发布后被加入）"))
    if not problems:  # the sources the facts are checked against are as published
        try:
            facts = _manifest_facts(folder, manifest)
        except (UserError, OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            facts = [f"无法与存档的稿件核对（{exc}）"]
        problems += [_problem(manifest_path, f"{message}（清单被改动过？）") for message in facts]
    return len(listed), problems, manifest


def _read_by_the_catalogue(folder: Path, path: Path | None) -> bool:
    """Whether ``path`` is a file the catalogue indexes a version from: its manifest, its
    items.json, its tables.json, or (a version published before items.json) its sources."""
    if path is None:
        return True
    if path in (folder / MANIFEST, folder / ITEMS, folder / TABLES):
        return True
    return not (folder / ITEMS).is_file() and (folder / SOURCES) in (path, *path.parents)


def _catalogue_reads(archive: Path, folder: Path) -> list[Diagnostic]:
    """The problem the catalogue would have indexing this version (reindex leaves it out with a warning)."""
    from .catalogue import VersionUnusable, read_tables, read_version

    try:
        read_version(archive, folder)
        read_tables(folder)
    except VersionUnusable as exc:
        return [_problem(exc.path or folder, f"{exc.detail}（运行 zhuanbao reindex 时这一版会被跳过，检索和统计找不到它）")]
    return []


def _walk(folder: Path, problems: list[Diagnostic]) -> tuple[dict[str, Path], set[str]]:
    """The plain files of a version by their path in it, and the links in it (each
    reported), without following any link or opening anything but plain files."""
    files: dict[str, Path] = {}
    links: set[str] = set()

    def unreadable(error: OSError) -> None:
        problems.append(_problem(Path(error.filename or folder), "无法读取这个文件夹"))

    for top, dirs, names in os.walk(folder, onerror=unreadable):
        for name in sorted(dirs + names):
            path = Path(top, name)
            rel = path.relative_to(folder).as_posix()
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                links.add(rel)
                problems.append(_problem(path, f"这里是一个链接（指向 {_link(path)}），已发布的版本中不应有链接（被替换了？）"))
            elif stat.S_ISREG(mode):
                files[rel] = path
            elif not stat.S_ISDIR(mode):
                problems.append(_problem(path, "这不是普通文件（管道、设备等），发布后被加入"))
    return files, links


def _manifest_facts(folder: Path, manifest: dict) -> list[str]:
    """What the manifest says of the issue that its archived sources do not.

    No checksum covers the manifest, yet the catalogue, search results and the
    site print its number, date and title: a hand edit there would misdate a
    published issue without any file changing.
    """
    from ..cn import issue_name
    from ..load.content import load_series
    from ..load.validate import validate
    from ..load.yamlfile import load_yaml
    from ..model import Issue

    def differs(label: str, key: str, expected: object, source: str) -> list[str]:
        if key not in manifest:
            return [f"清单中缺少 {key}（应是“{expected}”，{source}）"]
        got = manifest.get(key)
        return [] if got == expected and type(got) is type(expected) else [f"清单中的{label}“{got}”与{source}（{expected}）不符"]

    found = differs("刊物文件夹", "series_key", folder.parent.parent.name, "归档位置")
    found += differs("期文件夹", "issue", folder.parent.name, "归档位置")
    if version_number(folder.name) is not None:
        found += differs("版本", "version", version_number(folder.name), f"文件夹 {folder.name}")
    documents = manifest.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        found.append("清单中的 documents 应是文档文件名的列表")
    else:
        found += [f"清单中的文档“{name}”不在这一版中" for name in documents if name not in manifest["files"]]
    found += _issued(manifest)
    sources = folder / SOURCES
    try:  # read as the build read them, so '31' and 31 are the same total
        issue = validate(Issue, load_yaml(sources / folder.parent.name / ISSUE_FILE), ISSUE_FILE)
        series = load_series(sources) if (sources / SERIES_FILE).is_file() else None
    except UserError:
        return found  # sources published by hand or damaged before publishing: nothing to compare
    if series is None:
        return found
    number, total, date, title = issue.number, issue.total, issue.date, series.title
    found += differs("期号", "number", number, "存档的 issue.yaml")
    found += differs("总期号", "total", total, "存档的 issue.yaml")
    found += differs("日期", "date", date.isoformat(), "存档的 issue.yaml")
    found += differs("年份", "year", date.year, "存档的 issue.yaml")
    found += differs("刊物名", "series", title, "存档的 series.yaml")
    found += differs("期名", "name", issue_name(title, date.year, number), "存档的稿件")
    return found


def _issued(manifest: dict) -> list[str]:
    """A version published with the document as issued (``publish --document``): its ``issued`` names the
    issued and the rebuilt document, both among the version's documents (their checksums are in ``files``)."""
    if "issued" not in manifest:
        return []
    issued, documents = manifest["issued"], manifest.get("documents")
    if not isinstance(issued, dict) or issued.get("text") not in ("issued", "rebuilt"):
        return ["清单中的 issued（印发稿）格式不对"]
    documents = documents if isinstance(documents, list) else []
    return [f"清单 issued 中的{label}“{issued.get(key)}”不在这一版的文档中"
            for key, label in (("document", "印发稿"), ("rebuilt", "重新生成的文档")) if issued.get(key) not in documents]


def _duplicates(found: _Found) -> list[Diagnostic]:
    """One issue (series, year, number) in two folders: published twice under two
    spellings of a folder's name (2025-08 and 2025-008, a series folder in NFD)."""
    problems = []
    for (_, year, number), homes in sorted(found.homes.items(), key=lambda kv: str(kv[0])):
        for home in homes[1:]:
            problems.append(_problem(home, f"{year}年第{number}期在归档中有两处：“{homes[0]}”和这里（同一期被发布了两次）"))
    return problems


def _check_catalogue(archive: Path, found: _Found) -> list[Diagnostic]:
    """Every row of the catalogue is a version on disk saying what the row says, and
    every version on disk has its row: search, 供稿统计 and the site read the rows.
    A whole issue deleted leaves nothing but its rows behind to notice."""
    import sqlite3

    from .catalogue import BUSY_TIMEOUT, SCHEMA_VERSION, busy_error, is_busy

    path = archive / CATALOGUE
    if path.is_symlink() or not path.exists():
        return []  # no catalogue yet (a link at the archive's top is reported as a link)
    if not path.is_file():
        return [_problem(path, "检索目录不是一个文件（删除它后运行 zhuanbao reindex 重建）")]
    try:
        db = sqlite3.connect(sqlite_uri(path.resolve()), uri=True, timeout=BUSY_TIMEOUT)  # verify changes nothing
    except sqlite3.Error:
        return [_problem(path, f"检索目录已损坏（{REINDEX}）")]
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return []  # made by another version of zhuanbao: every reader rebuilds it from the files before use
        rows = db.execute(f"SELECT id, {', '.join(_ROW)} FROM issues").fetchall()
        return _check_rows(archive, found, db, path, rows)
    except sqlite3.Error as exc:
        if is_busy(exc):  # a publish writing it: wait, never call it damaged
            raise busy_error(path) from None
        return [_problem(path, f"检索目录已损坏（{REINDEX}）")]
    finally:
        db.close()


_ROW = ("path", "name", "series_key", "folder", "version", "current")  # the columns that place a row


def _check_rows(archive: Path, found: _Found, db, path: Path, rows: list) -> list[Diagnostic]:
    problems = []
    seen: set[str] = set()
    for issue_id, where, name, series_key, folder, version, current in sorted(rows, key=lambda r: str(r[1])):
        where = str(where)
        if where in seen:
            problems.append(_problem(archive / where, f"检索目录中{name}的这一版有两条记录（{REINDEX}）"))
            continue
        seen.add(where)
        if where in found.manifests:
            version_folder, _ = found.manifests[where]  # the row as publish and reindex write it for this folder
            expected = (version_folder.parent.parent.name, version_folder.parent.name,
                        version_number(version_folder.name), int(_is_current(version_folder)))  # fmt: skip
            if (series_key, folder, version) != expected[:3]:
                problems.append(_problem(version_folder, f"检索目录中{name}这一版的记录与归档不符（{REINDEX}）"))
                continue
            if current != expected[3]:
                wrong = "记作现行版本，但 current 指向别的版本" if current else "没有记作现行版本，但 current 指向它"
                problems.append(_problem(version_folder, f"检索目录把{name}的这一版{wrong}（{REINDEX}）"))
            if where in found.readable:  # (else its files are reported already)
                problems += _check_fields(archive, version_folder, db, path, issue_id)
                problems += _check_tables(version_folder, db, path, issue_id)
            continue
        parts = where.split("/")
        canonical = len(parts) == 3 and all(p and not p.startswith(".") for p in parts) and version_number(parts[2])
        if canonical and not os.path.lexists(archive / where):
            problems.append(_problem(archive / where, f"{name}的这一版已发布过，但文件夹不在了"))
        else:
            problems.append(_problem(archive / where,
                                     f"检索目录中有{name}这一版的记录，但归档中没有这一版（记录是伪造的？{REINDEX}）"))  # fmt: skip
    for where, (version_folder, _) in sorted(found.manifests.items()):
        if where not in seen:
            problems.append(_problem(version_folder, f"检索目录中没有这一版，检索和统计找不到它（{REINDEX}）"))
    return problems


#: how a message names a column of the catalogue (the column's own name follows in brackets)
_ISSUE_LABELS = {"series": "刊物名", "name": "期名", "year": "年份", "number": "期号", "total": "总期号", "date": "日期",
                 "documents": "文档", "program": "报头工作名称"}  # fmt: skip
_ITEM_LABELS = {"section": "栏目", "title": "标题", "source": "供稿单位", "text": "正文", "file": "稿件文件",
                "folded_title": "检索用标题", "folded_text": "检索用正文", "folded_source": "检索用供稿单位"}  # fmt: skip


def _check_fields(archive: Path, folder: Path, db, path: Path, issue_id: int) -> list[Diagnostic]:
    """Each field of a version's rows (issues, items, items_fts) against what reindex would write from
    its manifest and items.json: a row edited by hand misinforms search, 供稿统计 and the site."""
    from .catalogue import INDEX_COLUMNS, ITEM_COLUMNS, VersionUnusable, index_row, item_row, read_version

    try:
        issue, items = read_version(archive, folder)
    except VersionUnusable:  # read when the archive was walked: changed since
        return [_problem(folder, "这一版的文件在核对期间被改动了，请再运行一次 zhuanbao verify")]
    who = f"{issue['name']}第{issue['version']}版"
    problems = []

    def differs(message: str) -> None:
        problems.append(_problem(path, f"检索目录中{who}{message}（{REINDEX}）"))

    row = db.execute(f"SELECT {', '.join(_ISSUE_LABELS)} FROM issues WHERE id=?", (issue_id,)).fetchone()
    for column, got in zip(_ISSUE_LABELS, row):
        expected = issue[column]
        if column == "documents":
            expected, got = json.loads(expected), _documents(got)
            if got != expected:
                shown = "、".join(got) if isinstance(got, list) else got
                differs(f"的文档（documents）是“{_shown(shown)}”，清单 {MANIFEST} 中是“{_shown('、'.join(expected))}”")
        elif not _same(got, expected):
            differs(f"的{_ISSUE_LABELS[column]}（{column}）是“{_shown(got)}”，清单 {MANIFEST} 中是“{_shown(expected)}”")
    source = f" {ITEMS} " if (folder / ITEMS).is_file() else "存档的稿件"  # (spaced around a file name)
    rows = db.execute(f"SELECT id, {', '.join(ITEM_COLUMNS)} FROM items WHERE issue_id=? ORDER BY position, id",
                      (issue_id,)).fetchall()  # fmt: skip
    if len(rows) != len(items):
        differs(f"有 {len(rows)} 篇稿件，{source.lstrip()}中有 {len(items)} 篇")
        return problems
    if [r[1] for r in rows] != list(range(len(items))):
        differs(f"稿件的顺序（position）与{source}不符")
        return problems
    for position, (item_id, *got_row) in enumerate(rows):
        expected_row = item_row(position, items[position])
        number = f"第 {position + 1} 篇稿件"
        for column, got in zip(ITEM_COLUMNS, got_row):
            if column in _ITEM_LABELS and not _same(got, expected_row[column]):
                differs(f"{number}的{_ITEM_LABELS[column]}（{column}）是“{_shown(got)}”，"
                        f"{source.lstrip()}中是“{_shown(expected_row[column])}”")  # fmt: skip
        index = db.execute(f"SELECT {', '.join(INDEX_COLUMNS)} FROM items_fts WHERE rowid=?", (item_id,)).fetchone()
        if index is None:
            differs(f"{number}不在全文索引（items_fts）中，检索找不到它")
            continue
        expected_index = index_row(expected_row)
        for column, got in zip(INDEX_COLUMNS, index):
            if not _same(got, expected_index[column]):
                differs(f"{number}的全文索引（items_fts.{column}）与{source}不符")
    return problems


def _check_tables(folder: Path, db, path: Path, issue_id: int) -> list[Diagnostic]:
    """A version's indicator tables in the catalogue (data_tables, data_tables_fts) against what reindex
    would write from its tables.json: a row edited by hand hides a table from search or shows a wrong one."""
    from .catalogue import INDEX_COLUMNS, TABLE_COLUMNS, VersionUnusable, index_row, read_tables, table_row

    try:
        tables = read_tables(folder)
    except VersionUnusable:
        return []  # said by the walk of the archive (this version's files)
    problems = []
    source = f" {TABLES} " if (folder / TABLES).is_file() else "存档的 Word 文档"  # (published before tables.json)

    def differs(message: str) -> None:
        problems.append(_problem(path, f"检索目录中{folder.parent.name}/{folder.name}的{message}（{REINDEX}）"))

    rows = db.execute(f"SELECT id, {', '.join(TABLE_COLUMNS)} FROM data_tables WHERE issue_id=? ORDER BY position, id",
                      (issue_id,)).fetchall()  # fmt: skip
    if len(rows) != len(tables):
        differs(f"指标表有 {len(rows)} 个，{source.lstrip()}中有 {len(tables)} 个")
        return problems
    for position, (table_id, *got_row) in enumerate(rows):
        expected = table_row(position, tables[position])
        wrong = [column for column, got in zip(TABLE_COLUMNS, got_row) if not _same(got, expected[column])]
        if wrong:
            differs(f"第 {position + 1} 个指标表的 {'、'.join(wrong)} 与{source}不符")
        index = db.execute(f"SELECT {', '.join(INDEX_COLUMNS)} FROM data_tables_fts WHERE rowid=?", (table_id,)).fetchone()
        if index is None or list(index) != [index_row(expected)[column] for column in INDEX_COLUMNS]:
            differs(f"第 {position + 1} 个指标表的全文索引（data_tables_fts）与{source}不符，检索找不到它")
    return problems


def _same(got, expected) -> bool:
    return got == expected and type(got) is type(expected)


def _documents(value):
    """The documents column as the site reads it: a list when it is JSON, else the text as it is."""
    try:
        return json.loads(value)
    except (TypeError, ValueError, RecursionError, MemoryError):
        return value


def _shown(value, width: int = 40) -> str:
    """A value of the catalogue or the files, as a message shows it: shortened, NULL said."""
    if value is None:
        return "（空）"
    text = str(value)
    return text if len(text) <= width else text[:width] + "…"


def _is_current(version_folder: Path) -> bool:
    marker = version_folder.parent / CURRENT
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        with open(marker, "rb") as handle:
            return handle.read(CURRENT_LIMIT).decode("utf-8").strip() == version_folder.name
    except (OSError, ValueError):
        return False
