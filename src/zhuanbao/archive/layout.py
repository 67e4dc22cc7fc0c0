"""The archive's layout on disk: names, versions, which one is current, the manifest.

Every other part of the archive (publish, verify, the catalogue, the site,
the statistics) finds its way through these, so the layout is written down
once::

    archive/
      catalogue.sqlite                 search index, rebuilt from the files by `reindex`
      <series folder name>/            the first publish's spelling, NFC; found again by its NFKC form
        .zhuanbao.lock                 held by publish: one publish per series at a time
        2025-08/                       one folder per issue (series + year + number), named as first published
          current                      "v2": the version in force (written last: what makes a version published)
          采用记录.yaml                 records added after publication: 被上级刊物采用, 领导批示 (archive/uptake.py)
          .publish-*                   only while a publish runs, or after one was killed (the next publish cleans up)
          v1/  v2/                     one folder per published version, never rewritten
            工作专报2025年第8期.docx
            工作专报2025年第8期.pdf     (when LibreOffice is installed)
            sources/                   issue folder, series.yaml and the templates used
            items.json                 the items' text as printed
            tables.json                the indicator tables as printed: title, unit, header, rows, note, chart
            charts/                    the tables' charts as printed (chart-<id>.png)
            manifest.json              sha256 of every file, zhuanbao version, publish time
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path, PurePath

from ..diagnostics import ContentError

MANIFEST = "manifest.json"
ITEMS = "items.json"  # the items' text as printed: what the catalogue indexes
TABLES = "tables.json"  # the indicator tables as printed: indexed too, and shown by the site
CHARTS = "charts"  # the tables' charts as printed, for the site
CURRENT = "current"
CATALOGUE = "catalogue.sqlite"
UPTAKE = "采用记录.yaml"  # in an issue's folder, beside its versions: not frozen, records are added to it
SOURCES = "sources"
TEMPLATES = "templates"  # under sources/
DEFAULT_NAME = "archive"
MANIFEST_LIMIT = 64 * 2**20
CURRENT_LIMIT = 256  # bytes of ``current`` read: "v12\n" is four
PENDING = ".publish-pending"  # in an issue's folder while a publish is between renaming its version and ``current``
TEMPORARY = ".publish-"  # every name a publish writes before it is done starts so (PENDING included)


def normal_key(name: str) -> str:
    """A series or issue folder's name as the archive compares it: NFKC, so a name
    spelt NFD by a Mac, or with full-width digits, is the same name."""
    return unicodedata.normalize("NFKC", name)


def series_key(series_dir: Path) -> str:
    """The name a series folder is archived under (NFC of its real name): what publish writes, and what
    ``record`` looks an issue up by."""
    return unicodedata.normalize("NFC", series_dir.resolve().name)


def issue_identity(manifest) -> tuple[int, int] | None:
    """(year, number) of the issue a manifest describes, or None when the manifest
    does not say (damaged, or hand-made): the archive's identity of an issue within
    its series, whatever its folder is called."""
    if not isinstance(manifest, dict):
        return None
    year, number = manifest.get("year"), manifest.get("number")
    if isinstance(year, bool) or isinstance(number, bool) or not isinstance(year, int) or not isinstance(number, int):
        return None
    return year, number


def default_archive(series_dir: Path, configured: str | None) -> Path:
    """Where ``publish`` puts a series' issues: series.yaml ``archive:``
    (relative to the series folder), else archive/ beside the series folder."""
    if configured:
        return (series_dir / configured).resolve()
    return series_dir.resolve().parent / DEFAULT_NAME


def archive_to_read(given: Path | None, cwd: Path | None = None) -> Path:
    """The archive that verify, search, stats, site and reindex read: the one
    given, else archive/ in the current folder (they read no series, so they
    cannot know series.yaml's ``archive:``)."""
    if given is not None:
        return given
    here = (cwd or Path.cwd()) / DEFAULT_NAME
    if here.is_dir():
        return Path(DEFAULT_NAME) if cwd is None else here
    raise ContentError("请用 --archive 指出归档文件夹（当前文件夹下没有 archive/）")


def issue_home(archive: Path, series_key: str, issue_folder: str) -> Path:
    """The folder holding every version of one issue."""
    return archive / series_key / issue_folder


def version_number(name: str) -> int | None:
    """The number of a version folder's name (``v2`` → 2), or None for any other
    name: ``v02``, ``v２`` or ``v2.bak`` are not versions, so one version has one name."""
    if len(name) > 1 and name[0] == "v" and name[1:].isascii() and name[1:].isdigit():
        number = int(name[1:])
        if name == f"v{number}" and number > 0:
            return number
    return None


def version_numbers(home: Path) -> list[int]:
    """The version numbers taken in an issue's folder (v1, v2 …), ascending: every
    folder of a version's name, and any link of that name, so a new version
    never takes the name of something already there."""
    try:
        entries = list(home.iterdir())
    except OSError:
        return []
    return sorted(n for p in entries if (n := version_number(p.name)) is not None and (p.is_symlink() or p.is_dir()))


def is_real_folder(path: Path) -> bool:
    """A folder, and not a link to one: the archive never follows a link."""
    return not path.is_symlink() and path.is_dir()


def subfolders(folder: Path) -> list[Path]:
    """The folders in ``folder`` (not links to folders, not hidden ones), sorted; none when it cannot be read."""
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and is_real_folder(p))
    except OSError:
        return []


def issue_homes(archive: Path) -> list[Path]:
    """Every issue folder of every series in the archive (links to folders are not followed)."""
    return [home for series in subfolders(archive) for home in subfolders(series)]


def versions(archive: Path) -> list[Path]:
    """Every published version folder in the archive (those with a manifest);
    a version, issue or series folder that is a link is not one (verify reports it)."""
    return sorted(
        p for home in issue_homes(archive) for p in subfolders(home)
        if version_number(p.name) is not None and (p / MANIFEST).is_file() and not (p / MANIFEST).is_symlink()
    )  # fmt: skip


def current_name(home: Path) -> str | None:
    """The name of the version in force (``v2``) as ``current`` says it, or None when
    ``current`` is missing (verify checks that it is a version's name)."""
    marker = home / CURRENT
    if marker.is_symlink() or not marker.is_file():
        return None  # a link is not followed (verify reports it)
    try:
        with open(marker, "rb") as handle:
            return handle.read(CURRENT_LIMIT).decode("utf-8").strip()
    except (OSError, ValueError):
        return None


def is_current(version_folder: Path) -> bool:
    return current_name(version_folder.parent) == version_folder.name


def read_json(path: Path, limit: int = MANIFEST_LIMIT):
    """An archive file's JSON (a manifest, an items.json), read as untrusted: ValueError when it
    is larger than ``limit`` bytes, not UTF-8, not JSON, nested deeper than the parser goes or too
    large to hold in memory; OSError when it cannot be read."""
    with open(path, "rb") as handle:  # a manifest or items.json is megabytes at most
        size = os.fstat(handle.fileno()).st_size  # read(limit + 1) would take ``limit`` bytes of memory at once
        data = handle.read(min(size, limit) + 1)
        if size < len(data) <= limit:  # grown since: read on, up to the limit
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise ValueError(f"{path}: larger than {limit} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:  # [[[[…]]]] nested deeper than the parser goes
        raise ValueError(f"{path}: nested too deeply") from None
    except MemoryError:  # millions of tiny values: more objects than memory holds
        raise ValueError(f"{path}: too large to hold in memory") from None


def sqlite_uri(path: Path | PurePath, read_only: bool = True) -> str:
    """A ``file:`` URI SQLite opens, for any path an office has.

    ``Path.as_uri()`` makes ``file://server/share/…`` of a folder on the office's
    file server (mapped drives resolve to one), and SQLite refuses a URI with a
    host: an archive on a shared drive would then look
    damaged. The path goes into the URI's path instead (``file:////server/…``),
    every character SQLite would read as syntax (``?``, ``#``, ``%``) escaped.
    """
    from urllib.parse import quote

    text = path.as_posix()
    if not text.startswith("/"):
        text = "/" + text  # C:/归档 → /C:/归档
    return "file://" + quote(text, safe="/:") + ("?mode=ro" if read_only else "")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
