"""What an archive holds, read from its own files: each issue with its versions, and one version's items.

Pages that list what was published (the studio's archive pages) read the
files, not the catalogue: the catalogue is derived data that may be missing
or being rebuilt, and a version it leaves out (a damaged manifest) must still
be said to be there. Manifests and items.json are read as the catalogue reads
them (:func:`catalogue.checked_manifest`, :func:`catalogue.read_version`):
untrusted and bounded, a version that fails left out with a warning naming
its file; no link is followed (:func:`layout.versions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError, Diagnostic
from .catalogue import VersionUnusable, checked_manifest, read_tables, read_version
from .layout import current_name, version_number, versions


@dataclass(frozen=True)
class Version:
    number: int
    folder: Path
    current: bool  # the version in force (``current`` names it)
    published_at: str  # ISO 8601 as the manifest says, "" when it does not
    documents: tuple[str, ...]  # the archived .docx (and .pdf), file names in ``folder``


@dataclass(frozen=True)
class Issue:
    """One published issue, its facts from the version in force (else the newest readable one)."""

    series: str
    series_key: str  # the series' folder in the archive
    folder: str  # the issue's folder in the archive
    name: str
    year: int
    number: int
    total: int | None
    date: str  # ISO
    versions: tuple[Version, ...]  # newest first

    @property
    def current(self) -> Version | None:
        return next((v for v in self.versions if v.current), None)


@dataclass(frozen=True)
class VersionRecord:
    """One version with its issue, the items it printed and the files its manifest lists."""

    issue: Issue
    version: Version
    items: list[dict]  # section, title, source, text, file: text each
    files: list[str]
    tables: list[dict] = field(default_factory=list)  # the indicator tables as printed (catalogue.read_tables)


def holdings(archive: Path) -> tuple[list[Issue], list[Diagnostic]]:
    """Every issue in the archive, newest first, and a warning for each version left out.
    An archive not made yet holds nothing."""
    if not archive.exists():
        return [], []
    if not archive.is_dir():
        raise ContentError("归档位置不是文件夹", archive)
    warnings: list[Diagnostic] = []
    homes: dict[Path, list[tuple[Path, dict]]] = {}
    for folder in versions(archive):
        manifest = _manifest(folder, warnings)
        if manifest is not None:
            homes.setdefault(folder.parent, []).append((folder, manifest))
    issues = [_issue(home, found) for home, found in homes.items()]
    issues.sort(key=lambda i: (i.date, i.series, i.number), reverse=True)
    return issues, warnings


def version_record(archive: Path, folder: Path) -> VersionRecord:
    """One version folder of the archive (found by the caller, inside it); ContentError naming
    its manifest, items.json or tables.json when they cannot be read."""
    _, items = read_version(archive, folder)
    tables = read_tables(folder)
    warnings: list[Diagnostic] = []
    found = [(f, m) for f in versions(archive) if f.parent == folder.parent
             if (m := _manifest(f, warnings)) is not None]  # fmt: skip
    issue = _issue(folder.parent, found)
    version = next(v for v in issue.versions if v.folder == folder)
    return VersionRecord(issue, version, items, checked_manifest(folder)["files"], tables)


def _manifest(folder: Path, warnings: list[Diagnostic]) -> dict | None:
    try:
        return checked_manifest(folder)
    except VersionUnusable as exc:
        warnings.extend(d.at(severity="warning") for d in exc.diagnostics)
        return None


def _issue(home: Path, found: list[tuple[Path, dict]]) -> Issue:
    current = current_name(home)
    listed = sorted(
        ((Version(version_number(f.name) or 0, f, f.name == current, m["published_at"], tuple(m["documents"])), m)
         for f, m in found),
        key=lambda pair: pair[0].number, reverse=True,
    )  # fmt: skip
    facts = next((m for v, m in listed if v.current), listed[0][1])
    return Issue(facts["series"], facts["series_key"], facts["issue"], facts["name"], facts["year"], facts["number"],
                 facts["total"], facts["date"], tuple(v for v, _ in listed))  # fmt: skip
