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
from .build import LOCK_FILE, STATE_FILE, build, load, locked, usual_mode, write_atomic
from .errors import ContentError, OutputError, UserError, os_reason
from .load.content import ISSUE_FILE, SERIES_FILE
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
    _refuse_another_series(home.parent, edition.series.title)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", archive) from None
    # Two publishes of one issue at once: the second waits, then sees the first's version.
    try:
        with locked(home, wait=120, hint="同一期正在由另一个 publish 发布；等它完成后再运行。"):
            published = _publish_version(edition, home, revise, templates or series_templates, pdf, now)
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


def _publish_version(edition, home: Path, revise: bool, templates: Path | None, pdf: bool | None, now) -> Published:
    """Write the next version folder and point ``current`` at it — both or neither."""
    versions = sorted(int(p.name[1:]) for p in home.glob("v*") if p.name[1:].isdigit())
    if versions and not revise:
        raise OutputError(
            f"{edition.name}已经发布（第{versions[-1]}版），已发布的期不会被覆盖",
            home,
            hint="确需更正时用 --revise 发布新版本，旧版本会保留。",
        )
    version = (versions[-1] + 1) if versions else 1
    template_dirs = template_set(templates).dirs
    try:
        work = Path(tempfile.mkdtemp(prefix=".publish-", dir=home))
        usual_mode(work)  # read by colleagues, the site's web server, verify's account
    except OSError as exc:
        raise OutputError(f"无法写入归档文件夹：{os_reason(exc)}", home) from None
    final = home / f"v{version}"
    try:
        built = build(edition.issue_dir, work, templates)
        for bookkeeping in (STATE_FILE, LOCK_FILE):  # the build's, not part of what was sent
            (work / bookkeeping).unlink(missing_ok=True)
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
    """Re-check every checksum, and that every version recorded is still there;
    returns (files checked, problems)."""
    if not archive.is_dir():
        raise ContentError("归档文件夹不存在", archive)
    checked = 0
    problems: list[Problem] = []
    for home in sorted(p for p in archive.glob("*/*") if p.is_dir() and not p.name.startswith(".")):
        problems += _check_versions(home)
    for folder in versions(archive):
        count, found = _check_version(folder)
        checked += count
        problems += found
    problems += _uncatalogued_losses(archive)
    return checked, problems


def _check_versions(home: Path) -> list[Problem]:
    """An issue's versions run v1, v2 … with none missing, each with its manifest,
    and ``current`` names one that exists."""
    numbers = sorted(int(p.name[1:]) for p in home.glob("v*") if p.is_dir() and p.name[1:].isdigit())
    problems = [Problem(home / f"v{n}" / MANIFEST, "清单缺失，无法核对这一版") for n in numbers
                if not (home / f"v{n}" / MANIFEST).is_file()]  # fmt: skip
    problems += [Problem(home / f"v{n}", f"第{n}版缺失（已有更新的版本）") for n in range(1, max(numbers, default=0))
                 if n not in numbers]  # fmt: skip
    marker = home / CURRENT
    if marker.is_file():
        current = marker.read_text("utf-8").strip()
        if not (home / current).is_dir():
            problems.append(Problem(marker, f"现行版本“{current}”不存在（被删除了？）"))
    elif numbers:
        problems.append(Problem(marker, "缺少 current 文件（不知道哪一版现行）"))
    return problems


def _check_version(folder: Path) -> tuple[int, list[Problem]]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return 0, [Problem(folder / MANIFEST, "清单无法读取（不是有效的 JSON）")]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        return 0, [Problem(folder / MANIFEST, "清单格式不对（被改动过？）")]
    problems = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(Problem(path, "文件缺失"))
        elif sha256(path) != digest:
            problems.append(Problem(path, "内容已被改动（校验值不符）"))
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(Problem(path, "清单中没有这个文件（发布后被加入）"))
    if not problems:  # the sources the facts are checked against are as published
        problems += [Problem(folder / MANIFEST, f"{message}（清单被改动过？）") for message in _manifest_facts(folder, manifest)]
    return len(listed), problems


def _manifest_facts(folder: Path, manifest: dict) -> list[str]:
    """What the manifest says of the issue that its archived sources do not.

    No checksum covers the manifest, yet the catalogue, search results and the
    site print its number, date and title: a hand edit there would misdate a
    published issue without any file changing.
    """
    from .load.yamlfile import load_yaml
    from .model import Issue, Series, validate

    def differs(label: str, key: str, expected: object, source: str) -> list[str]:
        got = manifest.get(key)
        return [] if got == expected else [f"清单中的{label}“{got}”与{source}（{expected}）不符"]

    found = differs("期文件夹", "issue", folder.parent.name, "归档位置")
    if folder.name[1:].isdigit():
        found += differs("版本", "version", int(folder.name[1:]), f"文件夹 {folder.name}")
    documents = manifest.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        found.append("清单中的 documents 应是文档文件名的列表")
    else:
        found += [f"清单中的文档“{name}”不在这一版中" for name in documents if name not in manifest["files"]]
    sources = folder / "sources"
    try:  # read as the build read them, so '31' and 31 are the same total
        issue = validate(Issue, load_yaml(sources / folder.parent.name / ISSUE_FILE), ISSUE_FILE)
        series = validate(Series, load_yaml(sources / SERIES_FILE), SERIES_FILE)
    except UserError:
        return found  # sources published by hand or damaged before publishing: nothing to compare
    number, total, date, title = issue.number, issue.total, issue.date, series.title
    found += differs("期号", "number", number, "存档的 issue.yaml")
    found += differs("总期号", "total", total, "存档的 issue.yaml")
    found += differs("日期", "date", date.isoformat(), "存档的 issue.yaml")
    found += differs("年份", "year", date.year, "存档的 issue.yaml")
    found += differs("刊物名", "series", title, "存档的 series.yaml")
    found += differs("期名", "name", f"{title}{date.year}年第{number}期", "存档的稿件")
    return found


def _uncatalogued_losses(archive: Path) -> list[Problem]:
    """Versions the catalogue recorded whose folder is gone — a whole issue
    deleted leaves nothing else behind to notice. Read-only: verify changes nothing."""
    import sqlite3

    path = archive / CATALOGUE
    if not path.is_file():
        return []
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            recorded = [(r[0], r[1]) for r in db.execute("SELECT path, name FROM issues ORDER BY path")]
    except sqlite3.Error:
        return [Problem(path, "检索目录已损坏（运行 zhuanbao reindex 可重建）")]
    return [Problem(archive / folder, f"{name}的这一版已发布过，但文件夹不在了") for folder, name in recorded
            if not (archive / folder).is_dir()]  # fmt: skip
