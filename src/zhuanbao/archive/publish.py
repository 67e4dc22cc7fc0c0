"""Publishing: freezing an issue exactly as it was rendered, as a new version that is never rewritten.

The caller hands over what the build made (the document's bytes, its items
as printed, the template set it used); this module writes the version folder
under a temporary name, makes its files read-only and renames it into place,
then points ``current`` at it. Publishing again is refused unless ``revise``
asks for a new version beside the old ones.

One publish is one transaction, as the user sees it:

1. every file of the version is written into ``.publish-XXXX/`` in the issue's
   folder, fsynced, made read-only;
2. ``.publish-pending`` records "v3 is on its way" (written atomically);
3. the folder is renamed to ``v3``;
4. ``current`` is replaced atomically by "v3" — **the commit**: a version is
   published when ``current`` names it (or a later one), never before;
5. ``.publish-pending`` is removed;
6. the catalogue records the version. It is derived data (``reindex``
   rebuilds it from the files), so a catalogue that cannot be written does not
   undo the publish: it is reported as a warning in :attr:`Published.warnings`
   and the next publish of the series catches the catalogue up.

A publish that fails before the commit removes what it wrote; one that is
killed leaves ``.publish-*`` behind, which ``verify`` reports and the next
publish of the series (holding the series' lock, so no other publish is
writing) rolls back: ``.publish-*`` folders older than the lock are removed,
and a version ``.publish-pending`` names that ``current`` does not is
removed, as it never became current.

What a publish would freeze can be asked first (:func:`plan`: the version it
would become, the document, the sources, the templates, the items as printed)
without writing anything; the plan's fingerprint, handed back to
:func:`publish`, is compared again under the series' lock, so an editor who
confirmed "v2 with these items" never gets v3 or an item changed since.

The archive knows an issue by its series and its year and number from
issue.yaml, not by how its folder is spelt: the issue folder renamed from
2025-08 to 2025-008, or the series folder's name in NFD, finds the issue
already published. Links are never followed out of the series folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..diagnostics import ContentError, Diagnostic, Location, OutputError, UserError, os_reason
from ..doctree import PrintedItem, PrintedTable
from ..fsio import LOCK_FILE, locked, usual_mode
from ..load.content import LINK_HINT, SERIES_FILE
from ..model import Edition
from .layout import (
    CATALOGUE,
    CHARTS,
    CURRENT,
    CURRENT_LIMIT,
    ITEMS,
    MANIFEST,
    PENDING,
    SOURCES,
    TABLES,
    TEMPLATES,
    TEMPORARY,
    current_name,
    default_archive,
    is_current,
    is_real_folder,
    issue_identity,
    normal_key,
    read_json,
    series_key,
    sha256,
    version_number,
    version_numbers,
)

BUSY_HINT = "同一刊物正在由另一个 publish 发布；等它完成后再运行。"
_IGNORED = shutil.ignore_patterns(".*", "*.tmp", "*~")  # editors' and the build's bookkeeping


@dataclass(frozen=True)
class Published:
    """A version written into the archive, and what the user should know besides
    (a catalogue that could not be updated, a killed publish cleaned up)."""

    folder: Path
    version: int
    documents: list[Path]
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class SentDocument:
    """The document as issued (``publish --document``): archived as the issued one beside the rebuilt one.
    ``matches``: its text is the rebuild's (else it was archived as sent, and items.json holds its text);
    ``notes``: where the indexed text is not the document's (an item kept its rebuilt text)."""

    name: str  # the file's name as the editor gave it
    data: bytes
    matches: bool
    notes: tuple[str, ...] = ()

    def archived_name(self, file_name: str) -> str:
        """Its name in the version: the issue's document name marked 印发稿, beside the rebuilt one."""
        return f"{Path(file_name).stem}（印发稿）.docx"


class PlanChanged(OutputError):
    """What a publish would archive is no longer what the editor confirmed (the issue, its
    templates or the version it would become changed in between): nothing was published."""


@dataclass(frozen=True)
class Plan:
    """What publishing an issue now would archive, and as which version, computed without
    writing anything: the studio shows it before the editor confirms, and the publish checks
    its ``fingerprint`` again under the series' lock, so what is frozen is what was shown."""

    archive: Path
    home: Path  # the issue's folder in the archive (not there before its first publish)
    version: int  # the version this publish would write
    current: int | None  # the version in force now; None before the first publish
    document: str  # the .docx's file name
    pdf: bool  # a PDF would be made beside it (LibreOffice is installed)
    sources: tuple[str, ...]  # the issue folder's files as archived (series.yaml as ../series.yaml)
    tables: tuple[tuple[str, str], ...]  # the indicator tables: (title, its file under the issue folder)
    templates: tuple[str, ...]  # the template files the document was made with
    own_templates: tuple[str, ...]  # those of them from the series' own template folder
    items: tuple[PrintedItem, ...]  # what items.json will hold: the items as printed
    fingerprint: str

    @property
    def folder(self) -> Path:
        return self.home / f"v{self.version}"


def plan(edition: Edition, document: bytes, items: tuple[PrintedItem, ...], templates, archive: Path | None = None,
         pdf: bool | None = None) -> Plan:  # fmt: skip
    """What :func:`publish` with the same values would archive now; reads, never writes."""
    archive = archive or default_archive(edition.series_dir, edition.series.archive)
    sources = issue_sources(edition)
    series_home = archive / series_key(edition.series_dir)
    if archive.is_dir():
        series_home = _series_home(archive, series_home.name)
        if series_home.is_dir():
            _refuse_another_series(series_home, edition.series.title)
    return _plan(archive, series_home, edition, document, items, templates, sources, pdf)


def _plan(archive: Path, series_home: Path, edition: Edition, document: bytes, items, templates, sources, pdf) -> Plan:
    import hashlib

    home = _home_of(series_home, edition)
    numbers = version_numbers(home)
    current = current_name(home)
    version = (numbers[-1] + 1) if numbers else 1
    digest = hashlib.sha256(f"{home.name}\0v{version}\0".encode())
    digest.update(hashlib.sha256(document).digest())
    for name, path in sources:
        digest.update(name.encode() + b"\0" + bytes.fromhex(_file_digest(path)))
    digest.update(templates.fingerprint.encode())
    own = templates.user_dir is not None
    used = [f for f in templates.files if f.data is not None]  # what _copy_sources archives
    return Plan(archive, home, version, version_number(current) if current else None, edition.file_name,
                _makes_pdf(pdf), tuple(name for name, _ in sources),
                tuple((t.title, _table_source(t)) for t in edition.issue.tables), tuple(f.name for f in used),
                tuple(f.name for f in used if own and f.folder == 0), tuple(items), digest.hexdigest())  # fmt: skip


def _table_source(spec) -> str:
    """Where a table's data came from, as the plan lists it: its file, or its query's database."""
    if spec.file is not None:
        return Path(spec.file).as_posix()
    if spec.query is not None:
        from ..load.database import masked

        return f"数据库查询（{masked(spec.database or '')}）"
    return "程序提供的数据"


def _file_digest(path: Path) -> str:
    try:
        return sha256(path)
    except OSError as exc:
        raise ContentError(f"无法读取：{os_reason(exc)}", path) from None


def _makes_pdf(pdf: bool | None) -> bool:
    """None: a PDF when LibreOffice is installed; True: one whatever (its absence is then an error at publish)."""
    if pdf is False:
        return False
    from ..export import find_soffice

    return bool(pdf) or find_soffice() is not None


def publish(
    edition: Edition,
    document: bytes,
    items: tuple[PrintedItem, ...],
    templates,
    archive: Path | None = None,
    revise: bool = False,
    pdf: bool | None = None,
    now: dt.datetime | None = None,
    expect: str | None = None,
    tables: tuple[PrintedTable, ...] = (),
    charts: dict[str, bytes] | None = None,
    issued: SentDocument | None = None,
) -> Published:
    """Freeze ``document`` (the rendered edition) with its sources in the archive as a new version.

    ``tables``: the indicator tables as printed (tables.json), ``charts``: their charts' PNGs by name
    (charts/), both from the same rendering as ``document``. ``issued``: the document as sent, archived
    as the issued one beside ``document`` (the rebuilt one; ``items`` then are the sent text when they
    differ); the PDF is made of it, and the manifest's ``issued`` says which file is which.

    ``pdf``: None makes a PDF when LibreOffice is installed, True requires one.
    ``expect``: the fingerprint of the :class:`Plan` the editor confirmed; when the
    plan is another by the time the series' lock is held, :class:`PlanChanged`.
    """
    archive = archive or default_archive(edition.series_dir, edition.series.archive)
    sources = issue_sources(edition)  # links out of the series are refused before the archive is touched
    key = series_key(edition.series_dir)
    try:
        archive.mkdir(parents=True, exist_ok=True)
        with locked(archive, wait=120, hint=BUSY_HINT):  # briefly: two spellings of a new series make one folder
            series_home = _series_home(archive, key)
            series_home.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", archive) from None
    _refuse_another_series(series_home, edition.series.title)
    notes: list[Diagnostic] = []
    # One publish per series at a time: two spellings of one issue's folder must not both pass as new.
    try:
        with locked(series_home, wait=120, hint=BUSY_HINT):
            recovered, pending = recover(series_home, _lock_time(series_home))
            notes += recovered
            if pending:  # a publish killed after its commit may not have reached the catalogue
                notes += _catalogue(archive, series_home)
            planned = _plan(archive, series_home, edition, document, items, templates, sources, pdf)
            if expect is not None and planned.fingerprint != expect:
                raise PlanChanged(f"{edition.name}在确认之后有了改动（稿件、表格、模板，或归档中已有了新的版本），这次没有发布",
                                  edition.issue_dir, hint="请重新打开发布页面，核对将要归档的内容后再发布。")  # fmt: skip
            printed = (items, tables, charts or {})
            published = _publish_version(edition, document, printed, templates, sources, planned.home, revise, pdf, now,
                                         issued)  # fmt: skip
            notes += _catalogue(archive, series_home, published.folder)
    except BaseException:
        _drop_if_empty(series_home)
        raise
    return Published(published.folder, published.version, published.documents, tuple(notes))


# --- where the issue lives -----------------------------------------------------------------------


def _series_home(archive: Path, key: str) -> Path:
    """The archive's folder of a series: the one already there whose name is ours
    however it is normalised (a Mac's NFD, full-width letters), else a new one."""
    exact = archive / key
    if exact.is_symlink():
        raise OutputError("归档中这个刊物的文件夹是一个链接，不会写入链接所指之处", exact)
    if exact.is_dir():
        return exact
    wanted = normal_key(key)
    for path in sorted(archive.iterdir()):
        if normal_key(path.name) == wanted:
            if not is_real_folder(path):
                raise OutputError("归档中这个刊物的文件夹是一个链接，不会写入链接所指之处", path)
            return path
    return exact


def _home_of(series_home: Path, edition: Edition) -> Path:
    """The issue's folder in the archive: the one holding a version of the same year
    and number (the issue folder may have been renamed since: 2025-08 → 2025-008), else
    the one of the same name, else a new one named as the issue folder is."""
    wanted = (edition.year, edition.issue.number)
    name = unicodedata.normalize("NFC", edition.issue_dir.name)
    same_name = None
    for home in _folders(series_home):
        if normal_key(home.name) == normal_key(name):
            same_name = home
        for folder in _folders(home):
            if version_number(folder.name) is None:
                continue
            try:
                if issue_identity(read_json(folder / MANIFEST)) == wanted:
                    return home
            except (OSError, ValueError):
                continue  # a damaged manifest (too large or too deep too): verify reports it
    home = same_name or series_home / name
    if home.is_symlink():
        raise OutputError("归档中这一期的文件夹是一个链接，不会写入链接所指之处", home)
    return home


def _folders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and is_real_folder(p))
    except OSError:
        return []


# --- what is archived ----------------------------------------------------------------------------


def issue_sources(edition: Edition) -> list[tuple[str, Path]]:
    """Every file of the issue folder to archive, as (path under the issue folder, file to read),
    series.yaml last as ("../series.yaml", …).

    A link is followed only when it leads to a file or folder inside the series
    folder: a link to anything outside (a confidential file, /etc, a colleague's
    home) is refused with its path, as is a link that leads nowhere or round in
    a loop, and anything that is not a plain file (a pipe, a device).
    """
    root = edition.series_dir.resolve()
    issue_dir = edition.issue_dir
    _refuse_link_out(issue_dir, root, issue_dir)
    found: list[tuple[str, Path]] = []

    def walk(folder: Path, prefix: str, ancestors: frozenset[Path]) -> None:
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise ContentError(f"无法读取文件夹：{os_reason(exc)}", folder) from None
        for name in sorted(set(names) - _IGNORED(str(folder), names)):
            path = folder / name
            _refuse_link_out(path, root, issue_dir)
            if path.is_dir():
                real = path.resolve()
                if real in ancestors:
                    raise ContentError("这个链接指向它自己所在的文件夹（循环），不能发布", path, hint=LINK_HINT)
                walk(path, f"{prefix}{name}/", ancestors | {real})
            elif path.is_file():
                found.append((prefix + name, path))
            else:
                raise ContentError("这不是普通的文件或文件夹（管道、设备等），不能发布", path)

    walk(issue_dir, "", frozenset({issue_dir.resolve()}))
    series_file = edition.series_dir / SERIES_FILE
    _refuse_link_out(series_file, root, issue_dir)
    found.append(("../" + SERIES_FILE, series_file))
    return found


def _refuse_link_out(path: Path, root: Path, issue_dir: Path) -> None:
    """``path`` is not a link, or a link to something inside ``root`` (the series folder)."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise ContentError("这是一个链接，它指向的文件不存在，不能发布", path, hint=LINK_HINT) from None
    except (OSError, RuntimeError):  # a loop of links
        raise ContentError("这是一个链接，指向的位置无法确定（链接循环？），不能发布", path, hint=LINK_HINT) from None
    if not target.is_relative_to(root):
        raise ContentError(f"这是一个链接，指向刊物文件夹“{root.name}”之外（{target}），不能发布", path,
                           hint=LINK_HINT)  # fmt: skip


# --- the transaction -----------------------------------------------------------------------------


def _publish_version(edition, document, printed, templates, sources, home: Path, revise: bool, pdf, now,
                     issued: SentDocument | None = None) -> Published:  # fmt: skip
    """Write the next version folder and point ``current`` at it — both or neither.
    ``printed``: (items, tables, charts) as the document prints them."""
    items, tables, charts = printed
    numbers = version_numbers(home)
    if numbers and not revise:
        where = "" if home.name == edition.issue_dir.name else f"，归档中的文件夹是“{home.name}”"
        raise OutputError(
            f"{edition.name}已经发布（第{numbers[-1]}版{where}），已发布的期不会被覆盖",
            home,
            hint="确需更正时用 --revise 发布新版本，旧版本会保留。",
        )
    version = (numbers[-1] + 1) if numbers else 1
    try:
        home.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=TEMPORARY, dir=home))
        usual_mode(work)  # read by colleagues, the site's web server, verify's account
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", home) from None
    final = home / f"v{version}"
    try:
        docx = work / edition.file_name
        docx.write_bytes(document)
        documents = [docx]
        if issued is not None:  # the issued document first: it is the one printed and sent
            docx = work / issued.archived_name(edition.file_name)
            docx.write_bytes(issued.data)
            documents.insert(0, docx)
        if _makes_pdf(pdf):
            from ..export import to_pdf

            documents.insert(1, to_pdf(docx))  # without LibreOffice and pdf=True: the "install it" error
        _copy_sources(sources, templates, work / SOURCES / home.name)
        _freeze_held_tables(edition, work / SOURCES / HELD_TABLES)
        (work / ITEMS).write_text(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=1) + "\n", "utf-8")
        (work / TABLES).write_text(json.dumps([t.as_json() for t in tables], ensure_ascii=False, indent=1) + "\n",
                                   "utf-8")  # fmt: skip
        for name, data in sorted(charts.items()):
            (work / CHARTS).mkdir(exist_ok=True)
            (work / CHARTS / name).write_bytes(data)
        files = {p.relative_to(work).as_posix(): sha256(p) for p in sorted(work.rglob("*")) if p.is_file()}
        manifest = {
            "series": edition.series.title,
            "program": edition.setting("program"),  # the masthead's line above the title, or None
            "series_key": home.parent.name,
            "issue": home.name,
            "name": edition.name,
            "year": edition.year,
            "number": edition.issue.number,
            "total": edition.issue.total,
            "date": edition.issue.date.isoformat(),
            "version": version,
            "published_at": (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
            "zhuanbao": __version__,
            "documents": [p.name for p in documents],
            "files": files,
        }
        if issued is not None:
            manifest["issued"] = {
                "document": docx.name,  # the document as printed and sent
                "sent_as": issued.name,  # its file name when it was handed to publish
                "rebuilt": edition.file_name,  # the document rebuilt from the sources
                "text": "rebuilt" if issued.matches else "issued",  # items.json's text is that document's
                "matches": issued.matches,
                "notes": list(issued.notes),
            }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        _freeze(work)
        _sync_tree(work)  # every byte on disk before the name says it is a version
        _write_marker(home / PENDING, f"v{version}\n")
        _place(work, final)
    except OSError as exc:
        _remove(work)  # the rename did not happen: ``final`` (if anything has that name) is not ours
        (home / PENDING).unlink(missing_ok=True)
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", home) from None
    except BaseException:
        _remove(work)
        raise
    try:
        _point_current(home, version)
    except OSError as exc:
        _remove(final)  # a version nobody points at would look published to verify, and not to search
        (home / PENDING).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {CURRENT}，本次没有发布：{os_reason(exc)}", home / CURRENT) from None
    try:  # published: what is left is bookkeeping
        (home / PENDING).unlink(missing_ok=True)
        _sync_folder(home)
    except OSError:
        pass  # the next publish removes it; verify reports it meanwhile
    return Published(final, version, [final / p.name for p in documents])


def _place(work: Path, final: Path) -> None:
    """Step 3: the finished folder takes the version's name."""
    os.rename(work, final)
    _sync_folder(final.parent)


def _point_current(home: Path, version: int) -> None:
    """Step 4, the commit: ``current`` names the new version."""
    _write_marker(home / CURRENT, f"v{version}\n")


def _write_marker(path: Path, text: str) -> None:
    """A small file written whole or not at all, under a ``.publish-`` name until it is
    renamed, so a publish killed half-way leaves nothing verify and the next publish miss."""
    fd, name = tempfile.mkstemp(prefix=TEMPORARY, suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _umask() -> int:
    from ..fsio import umask

    return umask()


def _catalogue(archive: Path, series_home: Path, folder: Path | None = None) -> list[Diagnostic]:
    """Step 6: record the version in the catalogue, and any version of the series it
    lacks (a publish killed after its commit, or whose catalogue could not be written).
    The publish stands whatever happens here: a failure is a warning."""
    try:
        import sqlite3

        from .catalogue import Catalogue

        with Catalogue(archive) as catalogue:
            notes = list(catalogue.warnings)  # versions a catalogue rebuilt on opening left out (a damaged items.json)
            if folder is not None:
                catalogue.add_version(folder)
            recorded = dict(catalogue.db.execute("SELECT path, current FROM issues").fetchall())
            for other in (v for home in _folders(series_home) for v in _folders(home)):
                if version_number(other.name) is None or not (other / MANIFEST).is_file():
                    continue
                path = other.relative_to(archive).as_posix()
                if recorded.get(path, -1) != int(is_current(other)):
                    try:
                        catalogue.add_version(other)
                    except (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.IntegrityError):
                        continue  # a damaged manifest: verify reports it, reindex skips nothing silently
    except Exception as exc:  # noqa: BLE001 - derived data: the version is published whatever went wrong here
        return [Diagnostic(
            f"已发布，但检索目录没有更新（{_reason(exc)}）；下次发布这一刊物时会补上，也可以运行 zhuanbao reindex 重建",
            Location(archive / CATALOGUE), severity="warning", rule="publish",
        )]  # fmt: skip
    return notes


def _reason(exc: Exception) -> str:
    """What went wrong with the catalogue, in Chinese (SQLite's and Python's English never alone)."""
    import sqlite3

    from .catalogue import sqlite_reason

    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, sqlite3.Error):
        return sqlite_reason(exc)
    if isinstance(exc, MemoryError):
        return "内存不足"
    return f"程序内部错误：{type(exc).__name__}: {exc}"


# --- cleaning up after a publish that was killed ---------------------------------------------------


def _lock_time(series_home: Path) -> float:
    """When this publish took the series' lock, by the file system's clock (a shared
    folder's server may keep another time than ours)."""
    lock = series_home / LOCK_FILE
    try:
        os.utime(lock)
        return lock.stat().st_mtime
    except OSError:  # the lock file belongs to another account
        return time.time()


def recover(series_home: Path, since: float) -> tuple[list[Diagnostic], bool]:
    """Roll back what killed publishes left in a series' issue folders. Called with
    the series' lock held, so no other publish is writing: every ``.publish-*``
    older than ``since`` (when the lock was taken) is a leftover. Returns notes for
    the user, and whether a ``.publish-pending`` was found (the catalogue may lag)."""
    notes = []
    pending_found = False
    for home in _folders(series_home):
        pending = home / PENDING
        if pending.is_file() and not pending.is_symlink():
            pending_found = True
            name = _read_small(pending)
            if _uncommitted(home, name):
                _remove(home / name)
                notes.append(Diagnostic(f"上次发布的{name}在写入 {CURRENT} 之前中断，没有发布，已撤销", Location(home),
                                        severity="warning", rule="publish"))  # fmt: skip
        for entry in sorted(home.iterdir()):
            if entry.name.startswith(TEMPORARY):
                try:
                    if entry.lstat().st_mtime < since or entry.name == PENDING:
                        _remove(entry)
                except OSError:
                    continue  # verify keeps reporting it
        try:
            if not any(home.iterdir()):
                home.rmdir()  # a first publish killed before its commit: as if it never began
        except OSError:
            pass
    return notes, pending_found


def _read_small(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(CURRENT_LIMIT).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _uncommitted(home: Path, name: str) -> bool:
    """``name`` (what ``.publish-pending`` says) is a version renamed into place that
    ``current`` never named: the newest version, newer than the current one."""
    number = version_number(name)
    if number is None or not is_real_folder(home / name) or number != max(version_numbers(home), default=0):
        return False
    current = current_name(home)
    current_number = version_number(current) if current else None
    return current != name and (current_number is None or number > current_number)


def _drop_if_empty(series_home: Path) -> None:
    """A publish that failed before anything was published here leaves no empty folder behind."""
    for home in _folders(series_home):
        try:
            if not any(home.iterdir()):
                home.rmdir()
        except OSError:
            pass
    try:
        if [p.name for p in series_home.iterdir()] == [LOCK_FILE]:
            (series_home / LOCK_FILE).unlink()
            series_home.rmdir()
        elif not any(series_home.iterdir()):
            series_home.rmdir()
    except OSError:
        pass  # not empty: another issue's, or something of the user's


# --- files ---------------------------------------------------------------------------------------


def _copy_sources(sources: list[tuple[str, Path]], templates, target: Path) -> None:
    """The issue folder and series.yaml as they are (read through ``issue_sources``'s
    checked paths), and the template files the document was made with."""
    for name, source in sources:
        destination = target.parent / name[3:] if name.startswith("../") else target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb") as reader, open(destination, "xb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
        try:
            st = os.stat(source)
            os.utime(destination, ns=(st.st_atime_ns, st.st_mtime_ns))
        except OSError:
            pass
    for file in templates.files:  # the bytes that were used, not whatever the folder holds by now
        if file.data is None:
            continue  # too large or unreadable: the document cannot have used it
        destination = target.parent / TEMPLATES / file.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(file.data)


HELD_TABLES = "查询结果"  # beside the issue folder's copy: the data of tables that came from no file in it


def _freeze_held_tables(edition: Edition, folder: Path) -> None:
    """The data of tables read from a database (or handed over by a script) as they were when published,
    one CSV each (UTF-8 with BOM, as Excel opens it): the database moves on, the archive must not."""
    import csv

    for spec, raw in edition.tables:
        if not getattr(raw, "external", False):
            continue
        data = getattr(raw, "source", None) or raw  # grouped: the records the groups were made of
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{spec.id}.csv", "x", encoding="utf-8-sig", newline="") as writer:
            csv.writer(writer).writerows([data.header, *data.rows])


def _freeze(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder``, the deepest first."""
    for top, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            _sync(Path(top, name))
        _sync_folder(Path(top))


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """A folder's entries on disk (a rename is durable only then); not possible on Windows."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        _sync(folder)
    except OSError:
        pass  # some network file systems refuse fsync on a folder


def _refuse_another_series(series_home: Path, title: str) -> None:
    """The archive keys a series by its folder's name; two series in folders of
    the same name (two offices' content/) must not mix their issues."""
    manifests = [v / MANIFEST for home in _folders(series_home) for v in _folders(home) if (v / MANIFEST).is_file()]
    for manifest in manifests[:1]:
        try:
            other = read_json(manifest).get("series")
        except (OSError, ValueError, AttributeError):  # damaged (too large or too deep too): verify reports it
            return
        if other and other != title:
            raise OutputError(
                f"归档中的“{series_home.name}”属于刊物“{other}”，与“{title}”的文件夹同名，不能放在一起",
                series_home,
                hint="请在 series.yaml 中用 archive: 指定另一个归档文件夹，或把刊物文件夹改成不同的名字。",
            )


def _remove(path: Path) -> None:
    """Remove a folder of ours (or a leftover file) without following any link in it:
    a link is removed, never what it points at."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
        return
    if not path.exists():
        return

    def retry(function, name, _):  # read-only files (Windows refuses to delete them) and folders
        try:
            if not os.path.islink(name):
                os.chmod(name, stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
            parent = os.path.dirname(name)
            if not os.path.islink(parent):
                os.chmod(parent, stat.S_IRWXU)
            function(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)
