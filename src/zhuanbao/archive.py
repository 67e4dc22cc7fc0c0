"""Publishing: freezing an issue exactly as it was sent, and checking it stays that way.

Layout of an archive (default ``archive/`` beside the series folder):

    archive/
      catalogue.sqlite                 search index, rebuilt from the files by `reindex`
      <series folder name>/
        2025-08/
          current                      "v2": the version in force
          v1/  v2/                     one folder per published version, never rewritten
            工作专报2025年第8期.docx
            工作专报2025年第8期.pdf     (when LibreOffice is installed)
            sources/                   issue folder, series.yaml and the templates used
            manifest.json              sha256 of every file, zhuanbao version, publish time

Every version is written into a temporary folder and renamed into place,
and its files are made read-only: publishing again is refused unless
``--revise`` asks for a new version beside the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .build import build, load
from .errors import ContentError, OutputError
from .load.content import SERIES_FILE
from .render import template_set

MANIFEST = "manifest.json"
ITEMS = "items.json"  # the items' text as printed: what the catalogue indexes
CURRENT = "current"
CATALOGUE = "catalogue.sqlite"


def default_archive(series_dir: Path, configured: str | None) -> Path:
    """series.yaml ``archive:`` (relative to the series folder), else archive/ beside it."""
    if configured:
        return (series_dir / configured).resolve()
    return series_dir.resolve().parent / "archive"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Published:
    folder: Path
    version: int
    documents: list[Path]


def _copy_sources(issue_dir: Path, series_dir: Path, template_dirs: tuple[Path, ...], target: Path) -> None:
    ignore = shutil.ignore_patterns(".*", "*.tmp", "*~")
    shutil.copytree(issue_dir, target / issue_dir.name, ignore=ignore)
    shutil.copy2(series_dir / SERIES_FILE, target / SERIES_FILE)
    used: dict[str, Path] = {}
    for directory in template_dirs:  # the first folder that has a file wins, as in rendering
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                used.setdefault(path.relative_to(directory).as_posix(), path)
    for name, path in sorted(used.items()):
        destination = target / "templates" / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def _freeze(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def publish(
    issue_path: Path,
    archive: Path | None = None,
    revise: bool = False,
    templates: Path | None = None,
    pdf: bool | None = None,
    now: dt.datetime | None = None,
) -> Published:
    """Build an issue and freeze it in the archive as a new version."""
    editions, series_templates = load(issue_path)
    if len(editions) != 1:
        raise ContentError("publish 一次发布一期：请给出某一期的文件夹", issue_path)
    edition = editions[0]
    archive = archive or default_archive(edition.series_dir, edition.series.archive)
    home = archive / edition.series_dir.resolve().name / edition.issue_dir.name
    versions = sorted(int(p.name[1:]) for p in home.glob("v*") if p.name[1:].isdigit()) if home.is_dir() else []
    if versions and not revise:
        raise OutputError(
            f"{edition.name}已经发布（第{versions[-1]}版），已发布的期不会被覆盖",
            home,
            hint="确需更正时用 --revise 发布新版本，旧版本会保留。",
        )
    version = (versions[-1] + 1) if versions else 1
    template_dirs = template_set(templates or series_templates).dirs
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publish-", dir=home))
    try:
        built = build(edition.issue_dir, work, templates or series_templates)
        documents = [b.path for b in built]
        want_pdf = pdf if pdf is not None else True
        if want_pdf:
            from .export import find_soffice, to_pdf

            if find_soffice() is not None:
                documents.append(to_pdf(documents[0]))
            elif pdf:
                to_pdf(documents[0])  # raises the "install LibreOffice" error
        _copy_sources(edition.issue_dir, edition.series_dir, template_dirs, work / "sources")
        from .render import item_texts

        (work / ITEMS).write_text(json.dumps(item_texts(edition), ensure_ascii=False, indent=1) + "\n", "utf-8")
        files = {p.relative_to(work).as_posix(): sha256(p) for p in sorted(work.rglob("*")) if p.is_file()}
        manifest = {
            "series": edition.series.title,
            "series_key": edition.series_dir.resolve().name,
            "issue": edition.issue_dir.name,
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
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        _freeze(work)
        final = home / f"v{version}"
        os.rename(work, final)
    except BaseException:
        _remove(work)
        raise
    (home / CURRENT).write_text(f"v{version}\n", "utf-8")
    from .catalogue import Catalogue

    with Catalogue(archive) as catalogue:
        catalogue.add_version(final)
    return Published(final, version, [final / p.name for p in documents])


def _remove(folder: Path) -> None:
    if folder.exists():
        for path in folder.rglob("*"):
            if path.is_file():
                path.chmod(stat.S_IWUSR | stat.S_IRUSR)
        shutil.rmtree(folder, ignore_errors=True)


def versions(archive: Path) -> list[Path]:
    """Every published version folder in the archive (those with a manifest)."""
    return sorted(p.parent for p in archive.glob(f"*/*/v*/{MANIFEST}"))


def is_current(version_folder: Path) -> bool:
    marker = version_folder.parent / CURRENT
    return marker.is_file() and marker.read_text("utf-8").strip() == version_folder.name


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def verify(archive: Path) -> tuple[int, list[Problem]]:
    """Re-check every checksum; returns (files checked, problems)."""
    if not archive.is_dir():
        raise ContentError("归档文件夹不存在", archive)
    checked = 0
    problems: list[Problem] = []
    for folder in versions(archive):
        try:
            manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(folder / MANIFEST, f"清单无法读取（{exc}）"))
            continue
        listed = manifest.get("files", {})
        for name, digest in sorted(listed.items()):
            path = folder / name
            checked += 1
            if not path.is_file():
                problems.append(Problem(path, "文件缺失"))
            elif sha256(path) != digest:
                problems.append(Problem(path, "内容已被改动（校验值不符）"))
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name != MANIFEST and name not in listed:
                problems.append(Problem(path, "清单中没有这个文件（发布后被加入）"))
    return checked, problems
