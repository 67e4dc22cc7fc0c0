"""The archive's catalogue: SQLite with an FTS5 index, for search and contribution statistics.

Chinese has no spaces between words, and FTS5's tokenizers cut on spaces
(unicode61) or index character triples (trigram, which cannot match a
two-character term such as 低保). We index overlapping character pairs
instead: 就业帮扶 → "就业 业帮 帮扶". Any term of two or more characters
is then the phrase of its pairs, which FTS5 matches in order, and bm25
ranks the results. Latin words and numbers are kept whole.

The catalogue is derived data: ``reindex`` rebuilds it from the archive's
files at any time, so it is never the only copy of anything.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..cn import cn_month
from ..diagnostics import ContentError, OutputError, os_reason
from .layout import CATALOGUE, ITEMS, SOURCES, is_current, read_manifest, versions

SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY, series_key TEXT, series TEXT, folder TEXT, name TEXT,
    year INTEGER, number INTEGER, total INTEGER, date TEXT, version INTEGER, current INTEGER,
    path TEXT, documents TEXT, UNIQUE (series_key, folder, version));
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, issue_id INTEGER REFERENCES issues(id), position INTEGER,
    section TEXT, title TEXT, source TEXT, text TEXT, file TEXT);
CREATE TABLE IF NOT EXISTS data_tables (issue_id INTEGER REFERENCES issues(id), id TEXT, title TEXT, section TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, text, tokenize = 'unicode61');
"""

_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+(?:[.%][0-9]+)*")


def pairs(text: str) -> str:
    """Text as index tokens: CJK runs as overlapping pairs, Latin words whole."""
    tokens: list[str] = []
    for match in _WORD.finditer(text):
        run = match.group(0)
        if run[0].isascii():
            tokens.append(run.lower())
        elif len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(tokens)


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def fts_query(query: str) -> str | None:
    """An FTS5 query for the terms of ``query`` the pair index can answer exactly.

    A run of two or more Chinese characters always appears as its pairs in any
    text containing it. A term like 18所 or 7月 does not ("7月底" is indexed as
    7 and 月底), nor does a single character; those are matched as plain
    substrings (see :meth:`Catalogue.search`), so the index only narrows and ranks.
    """
    phrases = ['"' + pairs(term) + '"' for term in query.split() if _CJK_RUN.fullmatch(term)]
    return " AND ".join(phrases) if phrases else None


@dataclass
class Hit:
    name: str
    section: str
    title: str
    source: str
    snippet: str
    series: str
    date: str

    def line(self) -> str:
        title = self.title or "（无标题）"
        return f"{self.name} · {self.section} · {title}"


def snippet(text: str, query: str, width: int = 40, mark: tuple[str, str] = ("【", "】")) -> str:
    """The passage around the first term of ``query``, with every term marked."""
    text = text.replace("\n", " ")
    terms = [t for t in query.split() if t]
    lower = text.lower()
    positions = [lower.find(t.lower()) for t in terms if lower.find(t.lower()) >= 0]
    start = max(0, min(positions) - width // 2) if positions else 0
    end = min(len(text), start + width + sum(len(t) for t in terms))
    passage = text[start:end]
    for term in sorted(set(terms), key=len, reverse=True):
        passage = re.sub(re.escape(term), lambda m: f"{mark[0]}{m.group(0)}{mark[1]}", passage, flags=re.I)
    return ("…" if start else "") + passage + ("…" if end < len(text) else "")


class Catalogue:
    """The SQLite catalogue of an archive (a context manager: commits on success)."""

    def __init__(self, archive: Path) -> None:
        """Open the catalogue, rebuilding it from the archive's files when it is
        missing or damaged: it is derived data, so that never loses anything."""
        if not archive.is_dir():
            raise ContentError("归档文件夹不存在", archive)
        self.archive = archive
        path = archive / CATALOGUE
        self.db = self._connect(path)
        try:
            self.db.executescript(SCHEMA)
            empty = self.db.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 0
        except sqlite3.DatabaseError:  # "file is not a database": overwritten, truncated
            self.db.close()
            try:
                path.unlink()
            except OSError as exc:
                raise OutputError(f"检索目录已损坏，且无法重建：{os_reason(exc)}", path) from None
            self.db = self._connect(path)
            self.db.executescript(SCHEMA)
            empty = True
        if empty and versions(archive):
            self.rebuild()

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            return sqlite3.connect(path)
        except sqlite3.Error as exc:  # a folder of that name, an unreadable file
            reason = "这里是一个文件夹" if path.is_dir() else str(exc)
            raise OutputError(f"无法打开检索目录：{reason}", path) from None

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.db.commit()
        self.db.close()

    def add_version(self, folder: Path) -> None:
        """Index one published version from its own files (manifest and sources)."""
        manifest = read_manifest(folder)
        key, issue_folder, version = manifest["series_key"], manifest["issue"], manifest["version"]
        old = self.db.execute(
            "SELECT id FROM issues WHERE series_key=? AND folder=? AND version=?", (key, issue_folder, version)
        ).fetchone()
        if old:
            self._drop(old[0])
        current = is_current(folder)
        if current:
            self.db.execute("UPDATE issues SET current=0 WHERE series_key=? AND folder=?", (key, issue_folder))
        cursor = self.db.execute(
            "INSERT INTO issues (series_key, series, folder, name, year, number, total, date, version, current,"
            " path, documents) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (key, manifest["series"], issue_folder, manifest["name"], manifest["year"], manifest["number"],
             manifest.get("total"), manifest["date"], version, int(current),
             folder.relative_to(self.archive).as_posix(), json.dumps(manifest.get("documents", []))),
        )  # fmt: skip
        issue_id = cursor.lastrowid
        for position, item in enumerate(_items(folder, issue_folder)):
            row = self.db.execute(
                "INSERT INTO items (issue_id, position, section, title, source, text, file) VALUES (?,?,?,?,?,?,?)",
                (issue_id, position, item["section"], item["title"], item["source"], item["text"], item["file"]),
            )
            self.db.execute(
                "INSERT INTO items_fts (rowid, title, text) VALUES (?,?,?)",
                (row.lastrowid, pairs(item["title"]), pairs(item["text"])),
            )

    def _drop(self, issue_id: int) -> None:
        ids = [r[0] for r in self.db.execute("SELECT id FROM items WHERE issue_id=?", (issue_id,))]
        self.db.executemany("DELETE FROM items_fts WHERE rowid=?", [(i,) for i in ids])
        self.db.execute("DELETE FROM items WHERE issue_id=?", (issue_id,))
        self.db.execute("DELETE FROM issues WHERE id=?", (issue_id,))

    def rebuild(self) -> int:
        """Drop everything and index every version in the archive again."""
        self.db.executescript(
            "DROP TABLE IF EXISTS items_fts; DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS data_tables;"
            "DROP TABLE IF EXISTS issues;" + SCHEMA
        )
        found = versions(self.archive)
        for folder in found:
            self.add_version(folder)
        return len(found)

    def _known_series(self, series: str | None) -> None:
        """A --series that names no published series is a slip, not an empty result."""
        if not series:
            return
        names = sorted({name for row in self.db.execute("SELECT series, series_key FROM issues") for name in row})
        if series not in names:
            titles = sorted({r[0] for r in self.db.execute("SELECT series FROM issues")})
            known = f"（有：{'、'.join(titles)}）" if titles else "（归档中还没有发布过任何一期）"
            raise ContentError(f"归档中没有刊物“{series}”{known}")

    def search(self, query: str, series: str | None = None, year: int | None = None,
               source: str | None = None) -> list[Hit]:  # fmt: skip
        """Every item matching every term of ``query`` in current versions, best first."""
        import unicodedata

        # ＡＰＰ and ２０２５ typed by a Chinese input method find APP and 2025 (printed text is half-width)
        query = unicodedata.normalize("NFKC", query)
        terms = query.split()
        if not terms:
            raise ContentError("请给出要找的词（多个词用空格分开）")
        self._known_series(series)
        where = ["issues.current = 1"]
        args: list = []
        for term in terms:  # every term, literally (instr: no LIKE wildcards), Latin case ignored
            where.append("(instr(lower(items.text), lower(?)) > 0 OR instr(lower(items.title), lower(?)) > 0)")
            args += [term, term]
        match = fts_query(query)
        if match is None:
            join, order = "", "issues.date DESC"
        else:
            join = "JOIN items_fts ON items_fts.rowid = items.id"
            where.append("items_fts MATCH ?")
            args.append(match)
            order = "bm25(items_fts, 5.0, 1.0), issues.date DESC"
        if series:
            where.append("(issues.series = ? OR issues.series_key = ?)")
            args += [series, series]
        if year:
            where.append("issues.year = ?")
            args.append(year)
        if source:
            where.append("instr(items.source, ?) > 0")
            args.append(source)
        rows = self.db.execute(
            f"SELECT issues.name, items.section, items.title, items.source, items.text, issues.series, issues.date "
            f"FROM items JOIN issues ON issues.id = items.issue_id {join} WHERE {' AND '.join(where)} "
            f"ORDER BY {order}",
            args,
        ).fetchall()
        return [Hit(r[0], r[1], r[2], r[3], snippet(r[4], query), r[5], r[6]) for r in rows]

    def stats(self, year: int | None = None, series: str | None = None) -> dict[str, list[tuple[str, int]]]:
        """Items per contributing unit (供稿统计), per section and per month, in current versions."""
        self._known_series(series)
        where, args = ["issues.current = 1"], []
        if year:
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
        tables = {name: [(r[0], r[1]) for r in self.db.execute(sql, args)] for name, sql in queries.items()}
        tables["月份"] = [(cn_month(int(m[:4]), int(m[5:7])), count) for m, count in tables["月份"]]  # in date order
        return tables

    def issues(self) -> list[dict]:
        """Current versions of all issues, newest first, with their items."""
        out = []
        for row in self.db.execute(
            "SELECT id, series_key, series, folder, name, year, number, total, date, version, path, documents "
            "FROM issues WHERE current = 1 ORDER BY series, date DESC"
        ).fetchall():
            items = [
                {"section": r[0], "title": r[1], "source": r[2], "text": r[3]}
                for r in self.db.execute(
                    "SELECT section, title, source, text FROM items WHERE issue_id=? ORDER BY position", (row[0],)
                )
            ]
            keys = ("id", "series_key", "series", "folder", "name", "year", "number", "total", "date", "version",
                    "path", "documents")  # fmt: skip
            issue = dict(zip(keys, row))
            issue["documents"] = json.loads(issue["documents"])
            issue["items"] = items
            out.append(issue)
        return out


class CatalogueDamaged(Exception):
    """The catalogue file cannot be read as a database."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def recorded_versions(archive: Path) -> list[tuple[str, str]]:
    """(folder relative to the archive, issue name) of every version the catalogue
    has recorded, read without changing anything (verify); [] without a catalogue."""
    path = archive / CATALOGUE
    if not path.is_file():
        return []
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            return [(r[0], r[1]) for r in db.execute("SELECT path, name FROM issues ORDER BY path")]
    except sqlite3.Error:
        raise CatalogueDamaged(path) from None


def _items(folder: Path, issue_folder: str) -> list[dict]:
    """The items of a published version: items.json (text as printed), or, for a
    version without it, its sources — the files the loader takes for items, split
    as the loader splits them, template code left out. The front matter is read
    as written, not validated: what was published under an older series.yaml
    or schema is still found and counted."""
    from ..diagnostics import UserError
    from ..load.content import ITEMS_DIR, item_files
    from ..load.frontmatter import TEMPLATE_CODE, split_front_matter
    from ..load.text import read_text
    from ..markdown import to_blocks

    if (folder / ITEMS).is_file():
        return json.loads((folder / ITEMS).read_text("utf-8"))
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
