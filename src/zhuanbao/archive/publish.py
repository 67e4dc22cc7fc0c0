"""Publishing: freezing an issue exactly as it was rendered, as a new version that is never rewritten.

The caller hands over what the build made (the document's bytes, its items
as printed, the template set it used); this module writes the version folder
under a temporary name, makes its files read-only and renames it into place,
then points ``current`` at it — both or neither. Publishing again is refused
unless ``revise`` asks for a new version beside the old ones.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..diagnostics import OutputError, os_reason
from ..doctree import PrintedItem
from ..fsio import LOCK_FILE, locked, usual_mode, write_atomic
from ..load.content import SERIES_FILE
from ..model import Edition
from .layout import CURRENT, ITEMS, MANIFEST, SOURCES, TEMPLATES, default_archive, issue_home, sha256, version_numbers


@dataclass(frozen=True)
class Published:
    """A version written into the archive."""

    folder: Path
    version: int
    documents: list[Path]


def publish(
    edition: Edition,
    document: bytes,
    items: tuple[PrintedItem, ...],
    templates,
    archive: Path | None = None,
    revise: bool = False,
    pdf: bool | None = None,
    now: dt.datetime | None = None,
) -> Published:
    """Freeze ``document`` (the rendered edition) with its sources in the archive as a new version.

    ``pdf``: None makes a PDF when LibreOffice is installed, True requires one.
    """
    archive = archive or default_archive(edition.series_dir, edition.series.archive)
    home = issue_home(archive, edition.series_dir.resolve().name, edition.issue_dir.name)
    _refuse_another_series(home.parent, edition.series.title)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", archive) from None
    # Two publishes of one issue at once: the second waits, then sees the first's version.
    try:
        with locked(home, wait=120, hint="同一期正在由另一个 publish 发布；等它完成后再运行。"):
            published = _publish_version(edition, document, items, templates, home, revise, pdf, now)
    except BaseException:
        if not any(home.glob("v*")):  # nothing was ever published here: leave no empty folder behind
            (home / LOCK_FILE).unlink(missing_ok=True)
            for folder in (home, home.parent):
                try:
                    folder.rmdir()
                except OSError:
                    break  # not empty: another issue's, or something of the user's
        raise
    from .catalogue import Catalogue

    with Catalogue(archive) as catalogue:
        catalogue.add_version(published.folder)
    return published


def _publish_version(edition, document, items, templates, home: Path, revise: bool, pdf, now) -> Published:
    """Write the next version folder and point ``current`` at it — both or neither."""
    numbers = version_numbers(home)
    if numbers and not revise:
        raise OutputError(
            f"{edition.name}已经发布（第{numbers[-1]}版），已发布的期不会被覆盖",
            home,
            hint="确需更正时用 --revise 发布新版本，旧版本会保留。",
        )
    version = (numbers[-1] + 1) if numbers else 1
    try:
        work = Path(tempfile.mkdtemp(prefix=".publish-", dir=home))
        usual_mode(work)  # read by colleagues, the site's web server, verify's account
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", home) from None
    final = home / f"v{version}"
    try:
        docx = work / edition.file_name
        docx.write_bytes(document)
        documents = [docx]
        if pdf is not False:
            from ..export import find_soffice, to_pdf

            if find_soffice() is not None or pdf:
                documents.append(to_pdf(docx))  # without LibreOffice and pdf=True: the "install it" error
        _copy_sources(edition, templates, work / SOURCES)
        (work / ITEMS).write_text(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=1) + "\n", "utf-8")
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
        os.rename(work, final)
    except OSError as exc:
        _remove(work)
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", home) from None
    except BaseException:
        _remove(work)
        raise
    try:
        write_atomic(home / CURRENT, f"v{version}\n".encode())
    except OSError as exc:
        _remove(final)  # a version nobody points at would look published to verify, and not to search
        raise OutputError(f"无法写入 {CURRENT}，本次没有发布：{os_reason(exc)}", home / CURRENT) from None
    return Published(final, version, [final / p.name for p in documents])


def _copy_sources(edition: Edition, templates, target: Path) -> None:
    """The issue folder and series.yaml as they are, and the template files the document was made with."""
    ignore = shutil.ignore_patterns(".*", "*.tmp", "*~")
    shutil.copytree(edition.issue_dir, target / edition.issue_dir.name, ignore=ignore)
    shutil.copy2(edition.series_dir / SERIES_FILE, target / SERIES_FILE)
    for file in templates.files:  # the bytes that were used, not whatever the folder holds by now
        if file.data is None:
            continue  # too large or unreadable: the document cannot have used it
        destination = target / TEMPLATES / file.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(file.data)


def _freeze(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def _refuse_another_series(series_home: Path, title: str) -> None:
    """The archive keys a series by its folder's name; two series in folders of
    the same name (two offices' content/) must not mix their issues."""
    for manifest in sorted(series_home.glob(f"*/v*/{MANIFEST}"))[:1]:
        try:
            other = json.loads(manifest.read_text("utf-8")).get("series")
        except (OSError, ValueError, AttributeError):
            return
        if other and other != title:
            raise OutputError(
                f"归档中的“{series_home.name}”属于刊物“{other}”，与“{title}”的文件夹同名，不能放在一起",
                series_home,
                hint="请在 series.yaml 中用 archive: 指定另一个归档文件夹，或把刊物文件夹改成不同的名字。",
            )


def _remove(folder: Path) -> None:
    if folder.exists():
        for path in folder.rglob("*"):
            if path.is_file():
                path.chmod(stat.S_IWUSR | stat.S_IRUSR)
        shutil.rmtree(folder, ignore_errors=True)

