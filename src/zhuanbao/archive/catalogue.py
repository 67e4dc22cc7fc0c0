"""The archive's catalogue: SQLite with an FTS5 index, for search and contribution statistics.

Chinese has no spaces between words, and FTS5's tokenizers cut on spaces
(unicode61) or index character triples (trigram, which cannot match a
two-character term such as 低保). We index overlapping character pairs
instead: 就业帮扶 → "就业 业帮 帮扶". Any term of two or more characters
is then the phrase of its pairs, which FTS5 matches in order, and bm25
ranks the results. Latin words and numbers are kept whole.

Text and queries are matched in one folded form (:func:`fold`: NFKC, then
case folding), so ＡＰＰ, ２０２５, ⼈ (U+2F08) and ① find APP, 2025, 人 and 1
and the other way round; the catalogue keeps the text as printed beside its
folded copy, and snippets show the printed text.

The catalogue is derived data: ``reindex`` rebuilds it from the archive's
files at any time, so it is never the only copy of anything. It is also
shared: a ``search`` may read while a ``publish`` writes, so a busy file is
waited for (:data:`BUSY_TIMEOUT`) and never taken for a damaged one; only a
file SQLite reports as not a database or malformed is deleted and rebuilt.
A version whose manifest or items.json is damaged is left out with a
warning naming the file (:attr:`Catalogue.warnings`), and the rest is indexed:
both are read as untrusted (:func:`read_json`: at most
:data:`layout.MANIFEST_LIMIT` bytes, nesting and memory exhaustion caught), and
no text of an item may be longer than any file the build reads
(:data:`MAX_ITEM_CHARS`). What the catalogue holds of a version is defined
once (:func:`read_version`, :func:`issue_row`, :func:`item_row`,
:func:`index_row`), for ``reindex`` to write and ``verify`` to compare.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from ..cn import cn_month
from ..diagnostics import BusyError, ContentError, Diagnostic, OutputError, UserError, os_reason
from ..load.text import MAX_TEXT_BYTES
from .layout import CATALOGUE, ITEMS, MANIFEST, SOURCES, TABLES, is_current, read_json, versions

#: bumped whenever the tables change: a catalogue made by another version is rebuilt from the files
SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY, series_key TEXT, series TEXT, folder TEXT, name TEXT,
    year INTEGER, number INTEGER, total INTEGER, date TEXT, version INTEGER, current INTEGER,
    path TEXT, documents TEXT, program TEXT, UNIQUE (series_key, folder, version));
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, issue_id INTEGER REFERENCES issues(id), position INTEGER,
    section TEXT, title TEXT, source TEXT, text TEXT, file TEXT,
    folded_title TEXT, folded_text TEXT, folded_source TEXT);
CREATE TABLE IF NOT EXISTS data_tables (
    id INTEGER PRIMARY KEY, issue_id INTEGER REFERENCES issues(id), position INTEGER,
    section TEXT, label TEXT, title TEXT, unit TEXT, header TEXT, rows TEXT, align TEXT, note TEXT, chart TEXT,
    folded_title TEXT, folded_text TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, text, tokenize = 'unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS data_tables_fts USING fts5(title, text, tokenize = 'unicode61');
"""

DROP = (
    "DROP TABLE IF EXISTS items_fts; DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS data_tables_fts;"
    "DROP TABLE IF EXISTS data_tables; DROP TABLE IF EXISTS issues;"
)

#: seconds a reader or writer waits for another run (a publish, a reindex) to finish with the file
BUSY_TIMEOUT = 20.0

#: bounds of a search question: a pasted page is not a query, and each term costs a scan of every item
MAX_TERMS = 64
MAX_QUERY_CHARS = 500
#: the years a --year may name (the archive's bulletins are dated; 3000 is a slip)
YEAR_RANGE = (1900, 2100)

#: characters in one field of an item (its text, title …): no file the build reads is longer
#: (load/text.py MAX_TEXT_BYTES), so a longer one was not published, and would exhaust memory
MAX_ITEM_CHARS = MAX_TEXT_BYTES

_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


T = TypeVar("T")


def fold(text: str) -> str:
    """The form text and queries are compared in: NFKC (full-width letters and
    digits, compatibility ideographs, circled numbers), then case folding."""
    return unicodedata.normalize("NFKC", text).casefold()


_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+(?:[.%][0-9]+)*")


_PAIR_CHUNK = 1 << 16  # characters of a long run turned into pairs at a time


def pairs(text: str) -> str:
    """Text as index tokens: CJK runs as overlapping pairs, Latin words whole.

    A long run is cut into pairs a chunk at a time, so the memory it takes is
    that of the result, not of a list of millions of two-character strings."""
    tokens: list[str] = []
    for match in _WORD.finditer(text):
        run = match.group(0)
        if run[0].isascii():
            tokens.append(run.lower())
        elif len(run) == 1:
            tokens.append(run)
        elif len(run) <= _PAIR_CHUNK:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            for start in range(0, len(run) - 1, _PAIR_CHUNK):
                piece = run[start : start + _PAIR_CHUNK + 1]
                tokens.append(" ".join(piece[i : i + 2] for i in range(len(piece) - 1)))
    return " ".join(tokens)


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def fts_query(query: str) -> str | None:
    """An FTS5 query for the terms of ``query`` the pair index can answer exactly.

    A run of two or more Chinese characters always appears as its pairs in any
    text containing it. A term like 18所 or 7月 does not ("7月底" is indexed as
    7 and 月底), nor does a single character; those are matched as plain
    substrings (see :meth:`Catalogue.search`), so the index only narrows and ranks.
    ``query`` is expected folded (:func:`fold`), as the index is.
    """
    phrases = ['"' + pairs(term) + '"' for term in query.split() if _CJK_RUN.fullmatch(term)]
    return " AND ".join(phrases) if phrases else None


def check_year(year: int | None) -> None:
    """A --year the archive can hold (None: any year)."""
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ContentError(f"年份 {year} 不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间")


def check_query(query: str) -> list[str]:
    """The folded terms of a search question, refused when it is empty or beyond the bounds
    (counted before folding, which may lengthen a text, and after)."""
    hint = "只写要找的几个关键词，多个词用空格分开。"
    for text in (query, None):
        if text is None:
            text = query = fold(query)
        terms = text.split()
        if len(terms) > MAX_TERMS:
            raise ContentError(f"检索词太多（{len(terms)} 个），最多 {MAX_TERMS} 个", hint=hint)
        if len(text) > MAX_QUERY_CHARS:
            raise ContentError(f"检索内容太长（{len(text)} 个字符），最多 {MAX_QUERY_CHARS} 个字符", hint=hint)
    if not terms:
        raise ContentError("请给出要找的词（多个词用空格分开）")
    return terms


class Contribution(NamedTuple):
    """One item of a current version as 供稿统计 scores it (text fields, as the catalogue holds them)."""

    series_key: str
    series: str
    folder: str  # the issue's folder in the archive
    name: str  # 工作专报2025年第8期
    path: str  # the version's folder, from the archive
    date: str  # the issue's date, ISO
    file: str
    title: str
    source: str


@dataclass
class Hit:
    name: str
    section: str
    title: str
    source: str
    marked: tuple[tuple[str, bool], ...]  # the passage around the terms as runs of text, marked or not
    series: str
    date: str
    path: str = ""  # the version's folder in the archive (series folder/issue folder/vN), as the catalogue says
    year: int | None = None
    number: int | None = None
    file: str = ""  # the item's file in the issue's items/ when it was published
    position: int = 0  # the item's (or the table's) place in the issue, from 0
    table: bool = False  # a hit in an indicator table: ``title`` is the table's, ``row`` the row found
    row: str = ""  # the name (first cell) of the table's row where a term was found; "" when in its title or note

    @property
    def snippet(self) -> str:
        """The passage with every term marked 【so】, as a terminal shows it."""
        return join_snippet(self.marked)

    @property
    def anchor(self) -> str:
        """The hit's place on the issue's page (the site's, the studio's archived version): item3, table1."""
        return f"{'table' if self.table else 'item'}{self.position + 1}"

    def line(self) -> str:
        if self.table:
            row = f" · {self.row}" if self.row else ""
            return f"{self.name} · {self.section} · 表：{self.title}{row}"
        title = self.title or "（无标题）"
        return f"{self.name} · {self.section} · {title}"


# Characters fold() leaves as they are, one for one (tests check each): ASCII but A–Z,
# CJK unified ideographs, the common Chinese punctuation. Text is folded piece by
# piece only around the others, so a snippet costs little for Chinese text.
_STABLE = "\x00-\x40\x5b-\x7f\u00b7\u2014\u2018-\u201d\u3001-\u3011\u3014-\u301f\u3400-\u4dbf\u4e00-\u9fff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f"
_UNSTABLE = re.compile(f"(?:[^{_STABLE}]|[{_STABLE}](?=[{_MARKS}]))[{_MARKS}]*", re.S)


def _folded_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` folded piece by piece (a character with the combining marks after
    it), and for each folded character the span of the original it came from.

    Equal to ``fold(text)`` but for rare sequences that compose across pieces;
    a term the map misses is then found by the search but not marked."""
    folded: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for match in _UNSTABLE.finditer(text):
        start, end = match.span()
        folded.append(text[at:start])
        spans.extend((k, k + 1) for k in range(at, start))
        piece = fold(match.group(0))
        folded.append(piece)
        spans.extend([(start, end)] * len(piece))
        at = end
    folded.append(text[at:])
    spans.extend((k, k + 1) for k in range(at, len(text)))
    return "".join(folded), spans


def snippet_runs(text: str, query: str, width: int = 40) -> tuple[tuple[str, bool], ...]:
    """The passage of ``text`` (as printed) around the first term of ``query`` found, as runs of
    (text, marked): every term marked, "…" where the passage is cut.

    Terms are found in the folded text (ＡＰＰ by app) and marked on the
    printed characters they came from. Runs, not marked-up text: a page
    escapes each run and marks it after, so a term never matches inside
    markup and markup in an item never becomes a page's.
    """
    text = text.replace("\n", " ")
    terms = [t for t in fold(query).split() if t]
    folded, spans = _folded_map(text)
    marked = [False] * len(text)
    first = None
    for term in terms:
        at = folded.find(term)
        while at >= 0:
            begin, end = spans[at][0], spans[at + len(term) - 1][1]
            first = begin if first is None else min(first, begin)
            for k in range(begin, end):
                marked[k] = True
            at = folded.find(term, at + 1)
    start = max(0, first - width // 2) if first is not None else 0
    end = min(len(text), start + width + sum(len(t) for t in terms))
    runs: list[tuple[str, bool]] = [("…", False)] if start else []
    k = start
    while k < end:
        j = k + 1
        while j < end and marked[j] == marked[k]:
            j += 1
        runs.append((text[k:j], marked[k]))
        k = j
    if end < len(text):
        runs.append(("…", False))
    return tuple(runs)


def join_snippet(runs, mark: tuple[str, str] = ("【", "】")) -> str:
    return "".join(f"{mark[0]}{text}{mark[1]}" if hit else text for text, hit in runs)


def snippet(text: str, query: str, width: int = 40, mark: tuple[str, str] = ("【", "】")) -> str:
    """:func:`snippet_runs` as text, every term between ``mark``."""
    return join_snippet(snippet_runs(text, query, width), mark)


def _code(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_busy(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return _code(exc) in _BUSY or "database is locked" in message or "database is busy" in message


def _is_damaged(exc: sqlite3.Error) -> bool:
    if is_busy(exc) or not isinstance(exc, sqlite3.DatabaseError):
        return False
    message = str(exc).lower()
    return _code(exc) in _DAMAGED or "file is not a database" in message or "malformed" in message


#: what SQLite's errors mean, in Chinese: (its error name, or a phrase of its English message; the reason)
_REASONS = (
    ("SQLITE_READONLY", "readonly", "检索目录是只读的（运行 zhuanbao 的账户没有写入权限？）"),
    ("SQLITE_FULL", "database or disk is full", "磁盘空间不足"),
    ("SQLITE_IOERR", "disk i/o error", "读写磁盘时出错（磁盘或共享文件夹有问题？）"),
    ("SQLITE_CANTOPEN", "unable to open database file", "无法打开检索目录的文件（文件夹不存在，或没有权限？）"),
    ("SQLITE_PERM", "access permission denied", "没有访问检索目录的权限"),
    ("SQLITE_NOMEM", "out of memory", "内存不足"),
    ("SQLITE_TOOBIG", "too big", "要存入的内容太大"),
    ("SQLITE_BUSY", "is busy", "检索目录正被另一个程序使用"),
    ("SQLITE_LOCKED", "is locked", "检索目录正被另一个程序使用"),
    ("SQLITE_NOTADB", "not a database", "检索目录已损坏（不是 SQLite 文件）"),
    ("SQLITE_CORRUPT", "malformed", "检索目录已损坏"),
)


def sqlite_reason(exc: sqlite3.Error) -> str:
    """What went wrong, in Chinese: SQLite's English is shown only beside Chinese words, never alone."""
    code, message = _code(exc), str(exc).lower()
    for name, phrase, reason in _REASONS:
        if code == name or code.startswith(name + "_") or phrase in message:
            return reason
    return f"SQLite 报告的错误：{exc}"


def busy_error(path: Path) -> BusyError:
    return BusyError(
        f"检索目录正被另一个 zhuanbao（发布、重建目录或检索）使用，等了 {BUSY_TIMEOUT:g} 秒仍未结束",
        path,
        hint="等它完成后再运行；检索目录没有改动。",
    )


def _sqlite_error(exc: sqlite3.Error, path: Path) -> Exception:
    """A user error for what SQLite reported, or the exception itself (a bug deserves a traceback)."""
    if is_busy(exc):
        return busy_error(path)
    if _is_damaged(exc):
        return OutputError("检索目录已损坏（运行 zhuanbao reindex 可重建）", path)
    if isinstance(exc, sqlite3.OperationalError):  # read-only file, full disk, I/O error
        return OutputError(f"无法读写检索目录：{sqlite_reason(exc)}", path)
    return exc


class Catalogue:
    """The SQLite catalogue of an archive (a context manager)."""

    def __init__(self, archive: Path) -> None:
        """Open the catalogue, rebuilding it from the archive's files when it is
        missing, made by another version or damaged: it is derived data, so that
        never loses anything. A catalogue busy with another run is waited for."""
        if not archive.is_dir():
            raise ContentError("归档文件夹不存在", archive)
        self.archive = archive
        self.path = archive / CATALOGUE
        #: versions left out because a file of theirs is damaged, one warning each
        self.warnings: list[Diagnostic] = []
        self.db = self._connect(self.path)
        try:
            try:
                self._open()
            except sqlite3.Error as exc:  # "file is not a database": overwritten, truncated
                if not _is_damaged(exc):
                    raise _sqlite_error(exc, self.path) from None
                self._recreate()
                with self._transaction():
                    self._rebuild()
        except sqlite3.Error as exc:
            self.db.close()
            raise _sqlite_error(exc, self.path) from None
        except BaseException:
            self.db.close()
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:  # transactions are ours (BEGIN IMMEDIATE … COMMIT), so a reader never has to upgrade a lock
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:  # a folder of that name, an unreadable file
            reason = "这里是一个文件夹" if path.is_dir() else sqlite_reason(exc)
            raise OutputError(f"无法打开检索目录：{reason}", path) from None

    def _open(self) -> None:
        if self._stale():
            with self._transaction():
                if self._stale():  # another run may have built it while this one waited
                    self._rebuild()

    def _stale(self) -> bool:
        """Made by another version of zhuanbao, or empty while the archive has versions."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return True
        return self.db.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 0 and bool(versions(self.archive))

    def _guarded(self, work: Callable[[], T]) -> T:
        """``work()``; a damaged file is deleted and rebuilt once, a busy one is a
        BusyError after the wait, never a rebuild."""
        try:
            return work()
        except sqlite3.Error as exc:
            if not _is_damaged(exc):
                raise _sqlite_error(exc, self.path) from None
        self._recreate()
        try:
            with self._transaction():
                self._rebuild()
            return work()
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.path) from None

    def _recreate(self) -> None:
        """Delete a file SQLite reports as damaged (with its journal) and start a new one."""
        self.db.close()
        for name in (CATALOGUE, CATALOGUE + "-journal", CATALOGUE + "-wal", CATALOGUE + "-shm"):
            try:
                (self.archive / name).unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(f"检索目录已损坏，且无法重建：{os_reason(exc)}", self.path) from None
        self.db = self._connect(self.path)

    @contextmanager
    def _transaction(self):
        """One write transaction, taken at once (BEGIN IMMEDIATE, waiting for a busy file);
        nested calls join the one open."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.db.close()

    def _warn(self, error: UserError) -> None:
        for diagnostic in error.diagnostics:
            warning = diagnostic.at(severity="warning")
            if warning not in self.warnings:  # a catalogue built on opening, then rebuilt: said once
                self.warnings.append(warning)

    def add_version(self, folder: Path) -> None:
        """Index one published version from its own files (manifest and sources).

        A ContentError naming the file when its manifest or items.json is damaged."""
        self._guarded(lambda: self._in_transaction(lambda: self._add(folder)))

    def _in_transaction(self, work: Callable[[], T]) -> T:
        with self._transaction():
            return work()

    def _add(self, folder: Path) -> None:
        issue, items = read_version(self.archive, folder)
        tables = read_tables(folder)
        key, issue_folder, version = issue["series_key"], issue["folder"], issue["version"]
        try:
            current = is_current(folder)
        except (OSError, ValueError):  # a `current` that is not text: verify reports it
            current = False
        self.db.execute("SAVEPOINT version")
        try:
            old = self.db.execute(
                "SELECT id FROM issues WHERE series_key=? AND folder=? AND version=?", (key, issue_folder, version)
            ).fetchone()
            if old:
                self._drop(old[0])
            if current:
                self.db.execute("UPDATE issues SET current=0 WHERE series_key=? AND folder=?", (key, issue_folder))
            columns = (*ISSUE_COLUMNS, "current")
            cursor = self.db.execute(
                f"INSERT INTO issues ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                (*(issue[column] for column in ISSUE_COLUMNS), int(current)),
            )
            issue_id = cursor.lastrowid
            for position, item in enumerate(items):  # one at a time: a long text is held once, not per item
                self._insert("items", ITEM_COLUMNS, issue_id, item_row(position, item))
            for position, table in enumerate(tables):
                self._insert("data_tables", TABLE_COLUMNS, issue_id, table_row(position, table))
        except BaseException as exc:
            if not self.db.in_transaction:  # SQLite rolled the whole transaction back (out of memory, full disk)
                if isinstance(exc, MemoryError):
                    raise _unusable(folder / ITEMS, "稿件太大，索引时内存不足", _TransactionLost) from None
                raise
            self.db.execute("ROLLBACK TO version")
            self.db.execute("RELEASE version")
            if isinstance(exc, (ValueError, OverflowError, sqlite3.DataError)):  # a value SQLite cannot store
                raise _unusable(folder / MANIFEST, "清单或稿件中有无法存入检索目录的值") from None
            if isinstance(exc, MemoryError):
                raise _unusable(folder / ITEMS, "稿件太大，索引时内存不足") from None
            raise
        self.db.execute("RELEASE version")

    def _insert(self, table: str, columns: tuple[str, ...], issue_id: int, row: dict) -> None:
        """One row of ``items`` or ``data_tables`` and its row in the full-text index (``<table>_fts``)."""
        names = ("issue_id", *columns)
        cursor = self.db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                                 (issue_id, *(row[column] for column in columns)))  # fmt: skip
        index = index_row(row)
        self.db.execute(f"INSERT INTO {table}_fts (rowid, {', '.join(INDEX_COLUMNS)}) VALUES (?,?,?)",
                        (cursor.lastrowid, *(index[column] for column in INDEX_COLUMNS)))  # fmt: skip

    def _drop(self, issue_id: int) -> None:
        ids = [r[0] for r in self.db.execute("SELECT id FROM items WHERE issue_id=?", (issue_id,))]
        self.db.executemany("DELETE FROM items_fts WHERE rowid=?", [(i,) for i in ids])
        self.db.execute("DELETE FROM items WHERE issue_id=?", (issue_id,))
        ids = [r[0] for r in self.db.execute("SELECT id FROM data_tables WHERE issue_id=?", (issue_id,))]
        self.db.executemany("DELETE FROM data_tables_fts WHERE rowid=?", [(i,) for i in ids])
        self.db.execute("DELETE FROM data_tables WHERE issue_id=?", (issue_id,))
        self.db.execute("DELETE FROM issues WHERE id=?", (issue_id,))

    def rebuild(self) -> int:
        """Drop everything and index every version in the archive again; returns how many were indexed
        (a version whose manifest or items.json is damaged is left out, with a warning)."""
        return self._guarded(lambda: self._in_transaction(self._rebuild))

    def _rebuild(self) -> int:
        """Within the transaction open. A version SQLite runs out of memory on loses the whole
        transaction (SQLite rolls it back): the rebuild then begins again without that version."""
        left_out: dict[Path, UserError] = {}
        warnings = list(self.warnings)
        while True:
            self.warnings = list(warnings)
            try:
                return self._rebuild_without(left_out)
            except _TransactionLost as lost:
                if lost.folder is None or lost.folder in left_out:  # leaving it out again would not help
                    raise
                # the warning only: the exception's frames hold the version's items, whose memory is needed now
                left_out[lost.folder] = UserError.of(lost.diagnostics)
                self.db.execute("BEGIN IMMEDIATE")

    def _rebuild_without(self, left_out: dict[Path, UserError]) -> int:
        for statement in (DROP + SCHEMA).split(";"):  # one by one: executescript would commit the transaction
            if statement.strip():
                self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        indexed = 0
        for folder in versions(self.archive):
            if folder in left_out:
                self._warn(left_out[folder])
                continue
            try:
                self._add(folder)
                indexed += 1
            except _TransactionLost as lost:
                lost.folder = folder
                raise
            except UserError as exc:
                self._warn(exc)
        return indexed

    def _known_series(self, series: str | None) -> None:
        """A --series that names no published series is a slip, not an empty result."""
        if not series:
            return
        names = sorted({str(name) for row in self.db.execute("SELECT series, series_key FROM issues") for name in row})
        if series not in names:
            titles = sorted({str(r[0]) for r in self.db.execute("SELECT series FROM issues")})
            known = f"（有：{'、'.join(titles)}）" if titles else "（归档中还没有发布过任何一期）"
            raise ContentError(f"归档中没有刊物“{series}”{known}")

    def search(self, query: str, series: str | None = None, year: int | None = None,
               source: str | None = None) -> list[Hit]:  # fmt: skip
        """Every item, and every indicator table, matching every term of ``query`` in current versions, best
        first (a table has no contributing unit: a search by ``source`` finds items only).

        Terms are compared folded (:func:`fold`): ＡＰＰ and ２０２５ typed by a
        Chinese input method find APP and 2025, and ⼈ or ① in a text is found by 人 or 1."""
        terms = check_query(query)
        check_year(year)
        if source is not None and len(source) > MAX_QUERY_CHARS:
            raise ContentError(f"供稿单位太长（{len(source)} 个字符），最多 {MAX_QUERY_CHARS} 个字符")
        return self._guarded(lambda: self._search(terms, query, series, year, source))

    def _search(self, terms: list[str], query: str, series, year, source) -> list[Hit]:
        self._known_series(series)
        found = self._matching("items", terms, series, year, source)
        if not source:
            found += self._matching("data_tables", terms, series, year, None)
        found.sort(key=lambda hit: hit[1], reverse=True)  # newest first, then by rank (a stable sort keeps it)
        found.sort(key=lambda hit: hit[0])
        return [self._hit(table, row, terms, query) for _, _, table, row in found]

    def _matching(self, rows: str, terms: list[str], series, year, source) -> list[tuple]:
        """(rank, date, is a table, row) of every row of ``rows`` (items or data_tables) holding every term
        in its folded title or text; rank is bm25 when the pair index can answer, else 0."""
        index = f"{rows}_fts"
        where = ["issues.current = 1"]
        args: list = []
        for term in terms:  # every term, literally (instr: no LIKE wildcards), in the folded text
            where.append(f"(instr({rows}.folded_text, ?) > 0 OR instr({rows}.folded_title, ?) > 0)")
            args += [term, term]
        match = fts_query(" ".join(terms))
        if match is None:
            join, rank = "", "0"
        else:
            join = f"JOIN {index} ON {index}.rowid = {rows}.id"
            where.append(f"{index} MATCH ?")
            args.append(match)
            rank = f"bm25({index}, 5.0, 1.0)"
        if series:
            where.append("(issues.series = ? OR issues.series_key = ?)")
            args += [series, series]
        if year is not None:
            where.append("issues.year = ?")
            args.append(year)
        if source:
            where.append("instr(items.folded_source, ?) > 0")
            args.append(fold(source))
        own = ("items.section, items.title, items.source, items.text, items.file" if rows == "items" else
               "CASE WHEN data_tables.label = '' THEN data_tables.section ELSE data_tables.label END, "
               "data_tables.title, '', data_tables.rows, data_tables.header")  # fmt: skip
        found = self.db.execute(
            f"SELECT {rank}, issues.date, issues.name, {own}, issues.series, issues.date, issues.path, issues.year, "
            f"issues.number, {rows}.position FROM {rows} JOIN issues ON issues.id = {rows}.issue_id {join} "
            f"WHERE {' AND '.join(where)}",
            args,
        ).fetchall()
        return [(r[0] if isinstance(r[0], (int, float)) else 0, _text(r[1]), rows == "data_tables", r[2:])
                for r in found]  # fmt: skip

    @staticmethod
    def _hit(table: bool, r: tuple, terms: list[str], query: str) -> Hit:
        name, section, title, source, text, file = (_text(v) for v in r[:6])
        where = (_text(r[6]), _text(r[7]), _text(r[8]), _int(r[9]), _int(r[10]))
        if not table:
            return Hit(name, section, title, source, snippet_runs(text, query), *where, file, _int(r[11]) or 0)
        row, passage = found_row(_json_list(file), _json_list(text), terms)
        marked = snippet_runs(passage or title, query, width=60)
        return Hit(name, section, title, "", marked, *where, "", _int(r[11]) or 0, table=True, row=row)

    def stats(self, year: int | None = None, series: str | None = None) -> dict[str, list[tuple[str, int]]]:
        """Items per contributing unit (供稿统计), per section and per month, in current versions."""
        check_year(year)
        return self._guarded(lambda: self._stats(year, series))

    def _stats(self, year, series) -> dict[str, list[tuple[str, int]]]:
        self._known_series(series)
        where, args = ["issues.current = 1"], []
        if year is not None:
            where.append("issues.year = ?")
            args.append(year)
        if series:
            where.append("(issues.series = ? OR issues.series_key = ?)")
            args += [series, series]
        base = f"FROM items JOIN issues ON issues.id = items.issue_id WHERE {' AND '.join(where)}"
        queries = {
            "供稿单位": f"SELECT CASE WHEN items.source = '' THEN '（未署名）' ELSE items.source END, COUNT(*) {base} "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            "栏目": f"SELECT items.section, COUNT(*) {base} GROUP BY 1 ORDER BY 2 DESC, 1",
            "月份": f"SELECT substr(issues.date, 1, 7), COUNT(*) {base} GROUP BY 1 ORDER BY 1",
        }
        tables = {name: [(_text(r[0]), r[1]) for r in self.db.execute(sql, args)] for name, sql in queries.items()}
        tables["月份"] = [(_month(m), count) for m, count in tables["月份"]]  # in date order
        return tables

    def contributions(self, series: str | None = None) -> list[Contribution]:
        """Every item of the current versions, with its issue (供稿统计's scores: an item counts as 被采用
        in its issue's year, and its records in theirs, so no year is filtered here)."""
        return self._guarded(lambda: self._contributions(series))

    def _contributions(self, series: str | None) -> list[Contribution]:
        self._known_series(series)
        where, args = "issues.current = 1", []
        if series:
            where += " AND (issues.series = ? OR issues.series_key = ?)"
            args = [series, series]
        rows = self.db.execute(
            "SELECT issues.series_key, issues.series, issues.folder, issues.name, issues.path, issues.date, items.file, "
            f"items.title, items.source FROM items JOIN issues ON issues.id = items.issue_id WHERE {where} "
            "ORDER BY issues.date, issues.series_key, issues.folder, items.position",
            args,
        ).fetchall()
        return [Contribution(*(_text(v) for v in row)) for row in rows]

    def issues(self) -> list[dict]:
        """Current versions of all issues, newest first, with their items, as the catalogue holds them.

        Read as untrusted (the file can be edited by hand): ``documents`` is None
        when it is not JSON; the caller checks every field it uses."""
        return self._guarded(self._issues)

    def _issues(self) -> list[dict]:
        out = []
        for row in self.db.execute(
            "SELECT id, series_key, series, folder, name, year, number, total, date, version, path, documents, program "
            "FROM issues WHERE current = 1 ORDER BY series, date DESC"
        ).fetchall():
            items = [
                {"section": r[0], "title": r[1], "source": r[2], "text": r[3]}
                for r in self.db.execute(
                    "SELECT section, title, source, text FROM items WHERE issue_id=? ORDER BY position", (row[0],)
                )
            ]
            keys = ("id", "series_key", "series", "folder", "name", "year", "number", "total", "date", "version",
                    "path", "documents", "program")  # fmt: skip
            issue = dict(zip(keys, row))
            try:
                issue["documents"] = json.loads(issue["documents"])
            except (TypeError, ValueError, RecursionError, MemoryError):  # edited by hand: [[[[…]]]] too
                issue["documents"] = None
            issue["items"] = items
            issue["tables"] = [
                {"section": r[0], "label": r[1], "title": r[2], "unit": r[3], "header": _json_list(r[4]),
                 "rows": _json_list(r[5]), "align": _json_list(r[6]), "note": r[7], "chart": r[8]}
                for r in self.db.execute(
                    "SELECT section, label, title, unit, header, rows, align, note, chart FROM data_tables "
                    "WHERE issue_id=? ORDER BY position", (row[0],)
                )
            ]  # fmt: skip
            out.append(issue)
        return out


def _text(value) -> str:
    """A text column as text (a hand-edited catalogue may hold NULL or a number)."""
    return "" if value is None else str(value)


def _json_list(value) -> list:
    """A JSON column (a table's header or rows) as a list, [] when it is not one (edited by hand)."""
    try:
        value = json.loads(value)
    except (TypeError, ValueError, RecursionError, MemoryError):
        return []
    return value if isinstance(value, list) else []


def row_text(header: list, row: list) -> str:
    """A table row as a sentence to read in a search hit: 城关镇：年度目标 1200，1—9月完成 980，完成率 81.7%."""
    cells = [str(cell) for cell in row]
    if not cells:
        return ""
    pairs_ = [f"{name} {cell}" if name else cell for name, cell in zip([str(h) for h in header[1:]], cells[1:])]
    return f"{cells[0]}：{'，'.join(pairs_)}" if pairs_ else cells[0]


def found_row(header: list, rows: list, terms: list[str]) -> tuple[str, str]:
    """(the row's name, the row as a sentence) of the table row holding the most of ``terms`` (folded),
    the first such; ("", "") when no row holds any (the terms are in the title, header or note)."""
    best, best_count = None, 0
    for row in rows:
        if not isinstance(row, list):
            continue
        text = fold(" ".join(str(cell) for cell in row))
        count = sum(term in text for term in terms)
        if count > best_count:
            best, best_count = row, count
    if best is None or not best:
        return "", ""
    return str(best[0]), row_text(header, best)


def _int(value) -> int | None:
    """An integer column as an integer, or None (a hand-edited catalogue may hold text there)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _month(value: str) -> str:
    try:
        return cn_month(int(value[:4]), int(value[5:7]))
    except ValueError:  # a date edited into the catalogue by hand
        return value


_MANIFEST_FIELDS: dict[str, tuple[str, str]] = {  # key: (kind, how the message names it)
    "series_key": ("text", "文本"),
    "series": ("text", "文本"),
    "issue": ("text", "文本"),
    "name": ("text", "文本"),
    "year": ("int", "整数"),
    "number": ("int", "整数"),
    "date": ("text", "“年-月-日”形式的日期"),
    "version": ("int", "整数"),
}


def _is_text(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")  # a lone surrogate (\ud800 in JSON) cannot be stored
    except UnicodeEncodeError:
        return False
    return True


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


class VersionUnusable(ContentError, ValueError):
    """A version whose manifest or items.json the catalogue cannot take (also a
    ValueError, as a manifest that is not JSON is to :func:`layout.read_json`).
    ``detail`` is what is wrong, without what the catalogue did about it."""

    detail: str = ""


class _TransactionLost(VersionUnusable):
    """Indexing a version cost the whole transaction (SQLite rolls it back when out of memory)."""

    folder: Path | None = None


def _unusable(path: Path, detail: str, kind: type[VersionUnusable] = VersionUnusable) -> VersionUnusable:
    error = kind(f"{detail}，这一版未编入检索目录", path, hint="运行 zhuanbao verify 核对这一版的文件。")
    error.detail = detail
    return error


def checked_manifest(folder: Path) -> dict:
    """The fields of a version's manifest the catalogue records, checked; a ContentError naming it otherwise.
    Besides them, for pages that show a version: ``published_at`` ("" when it is not text) and ``files``
    (the names the manifest lists)."""
    path = folder / MANIFEST
    try:
        manifest = read_json(path)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON, too large or too deep
        raise _unusable(path, "清单无法读取（不是有效的 JSON，或大得不像清单）") from None
    if not isinstance(manifest, dict):
        raise _unusable(path, "清单格式不对（应是一个 JSON 对象）")
    problems = []
    for key, (kind, word) in _MANIFEST_FIELDS.items():
        if key not in manifest:
            problems.append(f"缺少 {key}")
        elif not (_is_text if kind == "text" else _is_int)(manifest[key]):
            problems.append(f"{key} 应是{word}")
    total = manifest.get("total")
    if total is not None and not _is_int(total):
        problems.append("total 应是整数")
    program = manifest.get("program")  # the masthead's line above the title (since tables were archived)
    if program is not None and not _is_text(program):
        problems.append("program 应是文本")
    if "program" not in manifest:  # published before the manifest said: see issue_row
        program = None
    documents = manifest.get("documents", [])
    if not isinstance(documents, list) or not all(_is_text(d) for d in documents):
        problems.append("documents 应是文件名的列表")
    if not problems:
        try:
            year, month, day = (int(part) for part in manifest["date"].split("-"))
            date = dt.date(year, month, day).isoformat()
        except ValueError:
            problems.append("date 应是“年-月-日”形式的日期")
    if not problems:  # the catalogue keys a version by where it is: a manifest saying otherwise was edited
        where = {"series_key": folder.parent.parent.name, "issue": folder.parent.name}
        if folder.name[1:].isdigit():
            where["version"] = int(folder.name[1:])
        problems += [f"{key} “{manifest[key]}”与所在文件夹（{value}）不符" for key, value in where.items()
                     if manifest[key] != value]  # fmt: skip
        if not folder.name[1:].isdigit():
            problems.append(f"版本文件夹“{folder.name}”不是 v1、v2 … 的形式")
    if problems:
        raise _unusable(path, "清单格式不对：" + "；".join(problems))
    fields = {key: manifest[key] for key in _MANIFEST_FIELDS}
    published_at = manifest.get("published_at")
    files = manifest.get("files")
    return fields | {"total": total, "documents": documents, "date": date,
                     "program": None if "program" not in manifest else program or "",
                     "published_at": published_at if _is_text(published_at) else "",
                     "files": sorted(f for f in files if _is_text(f)) if isinstance(files, dict) else []}  # fmt: skip


_ITEM_FIELDS = ("section", "title", "source", "text", "file")


def _checked_items(folder: Path, issue_folder: str) -> list[dict]:
    """A version's items (see :func:`_items`), each field text of at most :data:`MAX_ITEM_CHARS`
    characters; a ContentError naming items.json otherwise."""
    path = folder / ITEMS
    try:
        items = _items(folder, issue_folder)
    except (OSError, ValueError, RecursionError, MemoryError):  # (sources read by the loaders: RecursionError too)
        raise _unusable(path, "稿件文件无法读取（不是有效的 JSON，或大得不像稿件文件）") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _unusable(path, "稿件文件格式不对（应是稿件的列表）")
    out = []
    for number, item in enumerate(items, start=1):
        checked = {key: "" if item.get(key) is None else item[key] for key in _ITEM_FIELDS}
        for key, value in checked.items():  # before _is_text, which encodes the value
            if isinstance(value, str) and len(value) > MAX_ITEM_CHARS:
                raise _unusable(path, f"稿件文件格式不对：第 {number} 篇的 {key} 太长（{len(value)} 个字符，"
                                      f"最多 {MAX_ITEM_CHARS} 个），不是发布时写下的")  # fmt: skip
        wrong = [key for key, value in checked.items() if not _is_text(value)]
        if wrong:
            raise _unusable(path, f"稿件文件格式不对：第 {number} 篇的 {'、'.join(wrong)} 应是文本")
        out.append(checked)
    return out


# --- what the catalogue holds of a version: written by reindex and publish, compared by verify -------

#: the columns of ``issues`` a version's files decide (``id`` is SQLite's, ``current`` the issue folder's)
ISSUE_COLUMNS = ("series_key", "series", "folder", "name", "year", "number", "total", "date", "version", "path",
                 "documents", "program")  # fmt: skip
#: the columns of ``items`` one item decides (``issue_id`` is its issue's row)
ITEM_COLUMNS = ("position", "section", "title", "source", "text", "file", "folded_title", "folded_text",
                "folded_source")  # fmt: skip
#: the columns of ``items_fts`` (its rowid is the item's id)
INDEX_COLUMNS = ("title", "text")


def read_version(archive: Path, folder: Path) -> tuple[dict, list[dict]]:
    """A version's ``issues`` row (:data:`ISSUE_COLUMNS`) and its items (each field text) from its own
    files; VersionUnusable naming the manifest or items.json when the catalogue cannot take it."""
    manifest = checked_manifest(folder)
    items = _checked_items(folder, manifest["issue"])
    return issue_row(archive, folder, manifest), items


def issue_row(archive: Path, folder: Path, manifest: dict) -> dict:
    """The ``issues`` row of a version (but ``id`` and ``current``), from its checked manifest."""
    same = ("name", "year", "number", "total", "date", "version")  # as the manifest names them
    return {"series_key": manifest["series_key"], "series": manifest["series"], "folder": manifest["issue"],
            **{key: manifest[key] for key in same}, "path": folder.relative_to(archive).as_posix(),
            "documents": json.dumps(manifest["documents"]),
            "program": archived_program(folder, manifest["issue"]) if manifest["program"] is None else manifest["program"]}  # fmt: skip


def archived_program(folder: Path, issue_folder: str) -> str:
    """The masthead's program line of a version whose manifest does not record it (published before it
    did): issue.yaml's ``program:``, else series.yaml's, as archived in its sources; "" when neither says."""
    from ..load.content import ISSUE_FILE, SERIES_FILE
    from ..load.yamlfile import load_yaml

    for path in (folder / SOURCES / issue_folder / ISSUE_FILE, folder / SOURCES / SERIES_FILE):
        try:
            data = load_yaml(path).data if path.is_file() and not path.is_symlink() else None
        except (UserError, OSError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and _is_text(data.get("program")) and data["program"].strip():
            return data["program"].strip()
    return ""


def item_row(position: int, item: dict) -> dict:
    """The ``items`` row of one checked item (but ``issue_id``): as printed, and folded for search."""
    return {"position": position, **{key: item[key] for key in ("section", "title", "source", "text", "file")},
            "folded_title": fold(item["title"]), "folded_text": fold(item["text"]),
            "folded_source": fold(item["source"])}  # fmt: skip


def index_row(row: dict) -> dict:
    """The ``items_fts`` row of an ``items`` row (:func:`item_row`): its folded title and text as pairs."""
    return {"title": pairs(row["folded_title"]), "text": pairs(row["folded_text"])}


#: the columns of ``data_tables`` one indicator table decides (``issue_id`` is its issue's row)
TABLE_COLUMNS = ("position", "section", "label", "title", "unit", "header", "rows", "align", "note", "chart",
                 "folded_title", "folded_text")  # fmt: skip
ALIGNS = ("left", "center", "right")
_TABLE_TEXT = ("id", "section", "label", "title", "unit", "note", "chart")


def read_tables(folder: Path) -> list[dict]:
    """A version's indicator tables as printed (tables.json), each checked: text fields, a header of texts,
    rows of texts; for a version published before tables.json, the tables of its archived .docx
    (:mod:`.docx_tables`). VersionUnusable naming tables.json when it is damaged."""
    path = folder / TABLES
    if path.is_symlink():
        return []
    if not path.is_file():
        from .docx_tables import tables_from_document

        documents = [name for name in checked_manifest(folder)["documents"] if name.lower().endswith(".docx")]
        document = folder / documents[0] if documents else None
        tables = tables_from_document(document) if document and document.is_file() and not document.is_symlink() else []
        return [{key: table[key] for key in (*_TABLE_TEXT, "header", "rows", "align")} for table in tables]
    try:
        tables = read_json(path)
    except (OSError, ValueError):
        raise _unusable(path, "表格文件无法读取（不是有效的 JSON，或大得不像表格文件）") from None
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise _unusable(path, "表格文件格式不对（应是表格的列表）")
    out = []
    for number, table in enumerate(tables, start=1):
        checked = {key: "" if table.get(key) is None else table[key] for key in _TABLE_TEXT}
        wrong = [key for key, value in checked.items() if not _is_text(value)]
        header, rows, align = table.get("header", []), table.get("rows", []), table.get("align", [])
        if not isinstance(header, list) or not all(_is_text(cell) for cell in header):
            wrong.append("header")
        if not isinstance(rows, list) or not all(isinstance(row, list) and all(_is_text(c) for c in row) for row in rows):
            wrong.append("rows")
        if not isinstance(align, list) or not all(isinstance(row, list) and all(a in ALIGNS for a in row) for row in align):
            wrong.append("align")
        if wrong:
            raise _unusable(path, f"表格文件格式不对：第 {number} 个表的 {'、'.join(wrong)} 应是文本")
        checked |= {"header": header, "rows": rows, "align": align}
        if len(table_text(checked)) > MAX_ITEM_CHARS:
            raise _unusable(path, f"表格文件格式不对：第 {number} 个表太长（超过 {MAX_ITEM_CHARS} 个字符），不是发布时写下的")
        out.append(checked)
    return out


def table_text(table: dict) -> str:
    """What search looks for in a table besides its title: unit, header, every cell (a row a line), note."""
    lines = [table["unit"], " ".join(table["header"]), *(" ".join(row) for row in table["rows"]), table["note"]]
    return "\n".join(line for line in lines if line)


def table_row(position: int, table: dict) -> dict:
    """The ``data_tables`` row of one checked table (but ``issue_id``): as printed (header and rows as JSON),
    and its title and text folded for search (an ``items`` row's ``folded_title`` and ``folded_text``, so
    :func:`index_row` makes its ``data_tables_fts`` row)."""
    return {"position": position, **{key: table[key] for key in ("section", "label", "title", "unit", "note", "chart")},
            "header": json.dumps(table["header"], ensure_ascii=False),
            "rows": json.dumps(table["rows"], ensure_ascii=False), "align": json.dumps(table["align"]),
            "folded_title": fold(table["title"]), "folded_text": fold(table_text(table))}  # fmt: skip


def _items(folder: Path, issue_folder: str) -> list[dict]:
    """The items of a published version: items.json (text as printed), or, for a
    version without it, its sources — the files the loader takes for items, split
    as the loader splits them, template code left out. The front matter is read
    as written, not validated: what was published under an older series.yaml
    or schema is still found and counted."""
    from ..load.content import ITEMS_DIR, item_files
    from ..load.frontmatter import TEMPLATE_CODE, split_front_matter
    from ..load.text import read_text
    from ..markdown import to_blocks

    if (folder / ITEMS).is_file():
        return read_json(folder / ITEMS)
    out = []
    for path in item_files(folder / SOURCES / issue_folder / ITEMS_DIR):
        try:
            source = split_front_matter(read_text(path), path)
        except UserError:
            continue
        meta = source.meta.data
        text = "\n".join(b.text for b in to_blocks(TEMPLATE_CODE.sub("", source.body), source.body_line))
        out.append({"file": path.name, "section": str(meta.get("section", "")), "title": str(meta.get("title") or ""),
                    "source": str(meta.get("source") or ""), "text": text})  # fmt: skip
    return out
