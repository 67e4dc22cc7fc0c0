"""The series' archive as the studio finds it, and the addresses and names of what is in it.

The studio reads and publishes into the archive ``zhuanbao publish`` writes
for this series: series.yaml ``archive:``, else archive/ beside the series
folder (archive/layout.py :func:`default_archive`). ``search``, ``stats`` and
``verify`` at a terminal read archive/ in the current folder unless told
otherwise; the studio knows its series, so it needs no such guess.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from ..archive.layout import MANIFEST, default_archive, is_real_folder, normal_key, version_number
from ..cn import cn_iso
from ..diagnostics import BusyError, UserError
from ..load.content import issue_facts
from .issues import issue_folders, series_or_error
from .pages import finding
from .paths import NotFound, inside, is_plain_name


class Place(NamedTuple):
    path: Path
    configured: bool  # series.yaml names it (archive:)
    series_unreadable: bool  # series.yaml could not be read: the default place is assumed


def place(series_dir: Path) -> Place:
    series, _ = series_or_error(series_dir)
    configured = series.archive if series else None
    return Place(default_archive(series_dir, configured), bool(configured), series is None)


def own_key(series_dir: Path) -> str:
    """This series' folder name as the archive compares series (publish names the series' folder so)."""
    return normal_key(unicodedata.normalize("NFC", series_dir.resolve().name))


def is_own(series_dir: Path, series_key: str) -> bool:
    return normal_key(series_key) == own_key(series_dir)


def issue_folders_by_number(series_dir: Path) -> dict[tuple[int, int], str]:
    """The series' issue folders by (year, number): how the archive knows an issue, whatever its folder's name."""
    found = {}
    for folder in issue_folders(series_dir):
        facts = issue_facts(folder)
        if facts is not None:
            found.setdefault((facts[2].year, facts[0]), folder.name)
    return found


def version_url(series_key: str, issue: str, version: int | str, *rest: str) -> str:
    """The studio's page of an archived version (or a file of it): every segment percent-encoded,
    so no name (the catalogue can be edited by hand) brings a separator, ``?`` or ``#`` into the address."""
    segments = [series_key, issue, version if isinstance(version, str) else f"v{version}", *rest]
    return "/archive/" + "/".join(quote(s, safe="") for s in segments)


def version_folder(archive: Path, series_key: str, issue: str, version: str) -> Path:
    """A version folder of the archive named by the browser: plain names, inside the archive,
    no link at any level (the archive never follows one), a version's name, a manifest."""
    folder = inside(archive, series_key, issue, version)
    levels = (folder.parent.parent, folder.parent, folder)
    if version_number(version) is None or not all(is_real_folder(p) for p in levels):
        raise NotFound("归档中的这一版")
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        raise NotFound("归档中的这一版")
    return folder


def issue_home(archive: Path, series_key: str, issue: str) -> Path:
    """An issue's folder of the archive named by the browser (where its 采用记录.yaml is): plain names,
    inside the archive, no link at either level."""
    home = inside(archive, series_key, issue)
    if not all(is_real_folder(p) for p in (home.parent, home)):
        raise NotFound("归档中的这一期")
    return home


def archived_file(folder: Path, name: str, documents: tuple[str, ...]) -> Path:
    """A document of a version (only those its manifest lists as documents): a plain file, not a link."""
    if name not in documents:
        raise NotFound("这个文件")
    path = inside(folder, name)
    if path.is_symlink() or not path.is_file():
        raise NotFound("这个文件")
    return path


def attachment(name: str, fallback: str) -> str:
    """A Content-Disposition for a Chinese file name (RFC 6266 with RFC 5987's filename*), with an ASCII
    ``fallback`` for the few programs that read only filename; percent-encoding leaves no quote or line break."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def ascii_name(name: str) -> str:
    """The ASCII letters, digits, dots and dashes of a file name: Content-Disposition's plain filename."""
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-")) or "download"


def when(text: str) -> str:
    """A manifest's publish time (ISO 8601) as a page says it: 2025年9月22日 10:05."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text or "（时间不详）"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"


def day(text: str) -> str:
    try:
        return cn_iso(text)
    except (TypeError, ValueError):
        return text


def status_of(exc: UserError) -> int:
    """409 when another run holds the archive or it changed under the editor, else 400: the user's to fix."""
    from ..archive.publish import PlanChanged

    return 409 if isinstance(exc, (BusyError, PlanChanged)) else 400


def said(exc: UserError) -> str:
    return "；".join(d.message for d in exc.diagnostics)


def absent(archive: Path) -> str:
    """Why there is nothing to search or count."""
    if archive.exists() and not archive.is_dir():
        return f"归档位置不是文件夹：{archive}"
    return "归档中还没有任何内容：没有发布过任何一期。"


def read_holdings(series_dir: Path, archive: Path):
    """(issues, warnings as a page shows them, problem): what the archive holds, or why it cannot be read."""
    from .. import services

    try:
        held = services.holdings(archive)
    except UserError as exc:
        return [], [], exc
    return held.issues, [finding(w, series_dir) for w in held.warnings], None


def series_choices(series_dir: Path, issues) -> list[dict]:
    """The archive's series for a filter: this one first, each by its folder (unique) with its title."""
    seen: dict[str, dict] = {}
    for issue in issues:
        seen.setdefault(issue.series_key, {"key": issue.series_key, "title": issue.series,
                                           "own": is_own(series_dir, issue.series_key)})  # fmt: skip
    choices = sorted(seen.values(), key=lambda s: (not s["own"], s["title"], s["key"]))
    titles = [c["title"] for c in choices]
    for choice in choices:  # two series of one title: told apart by their folders
        choice["label"] = choice["title"] + (f"（{choice['key']}）" if titles.count(choice["title"]) > 1 else "")
    return choices


def version_row(issue, version) -> dict:
    """A version as the archive's pages list it: its page, its publish time, its documents to download."""
    return {"number": version.number, "current": version.current, "when": when(version.published_at),
            "href": version_url(issue.series_key, issue.folder, version.number),
            "documents": [{"name": d, "kind": Path(d).suffix.lstrip(".").upper(),
                           "href": version_url(issue.series_key, issue.folder, version.number, d)}
                          for d in version.documents if is_plain_name(d)]}  # fmt: skip


def parse_year(text: str) -> tuple[int | None, str]:
    """A year typed into a form (empty: every year), or why it is not one (full-width digits are digits)."""
    text = unicodedata.normalize("NFKC", text)
    if not text:
        return None, ""
    if not (text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 2100:
        return None, "年份应是 1900 到 2100 之间的四位数字，如 2025。"
    return int(text), ""
