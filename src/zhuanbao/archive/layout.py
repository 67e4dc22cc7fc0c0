"""The archive's layout on disk: names, versions, which one is current, the manifest.

Every other part of the archive (publish, verify, the catalogue, the site,
the statistics) finds its way through these, so the layout is written down
once::

    archive/
      catalogue.sqlite                 search index, rebuilt from the files by `reindex`
      <series folder name>/
        2025-08/
          current                      "v2": the version in force
          v1/  v2/                     one folder per published version, never rewritten
            工作专报2025年第8期.docx
            工作专报2025年第8期.pdf     (when LibreOffice is installed)
            sources/                   issue folder, series.yaml and the templates used
            items.json                 the items' text as printed
            manifest.json              sha256 of every file, zhuanbao version, publish time
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..diagnostics import ContentError

MANIFEST = "manifest.json"
ITEMS = "items.json"  # the items' text as printed: what the catalogue indexes
CURRENT = "current"
CATALOGUE = "catalogue.sqlite"
SOURCES = "sources"
TEMPLATES = "templates"  # under sources/
DEFAULT_NAME = "archive"


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


def version_numbers(home: Path) -> list[int]:
    """The version numbers published in an issue's folder (v1, v2 …), ascending."""
    return sorted(int(p.name[1:]) for p in home.glob("v*") if p.is_dir() and p.name[1:].isdigit())


def issue_homes(archive: Path) -> list[Path]:
    """Every issue folder of every series in the archive."""
    return sorted(p for p in archive.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def versions(archive: Path) -> list[Path]:
    """Every published version folder in the archive (those with a manifest)."""
    return sorted(p.parent for p in archive.glob(f"*/*/v*/{MANIFEST}"))


def current_name(home: Path) -> str | None:
    """The name of the version in force (``v2``), or None when ``current`` is missing."""
    marker = home / CURRENT
    return marker.read_text("utf-8").strip() if marker.is_file() else None


def is_current(version_folder: Path) -> bool:
    return current_name(version_folder.parent) == version_folder.name


def read_manifest(version_folder: Path):
    """A version's manifest as written (a dict unless damaged); ValueError or OSError when it is unreadable or not JSON."""
    return json.loads((version_folder / MANIFEST).read_text("utf-8"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
