"""``verify``: every file of every published version still as it was published.

Read-only: verify changes nothing, so it can run from the monthly job or on
a colleague's account. Each problem is a diagnostic at the file concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError, Diagnostic, Location, UserError
from ..load.content import ISSUE_FILE, SERIES_FILE
from .layout import CURRENT, MANIFEST, SOURCES, current_name, issue_homes, read_manifest, sha256, version_numbers, versions

RULE = "verify"


@dataclass
class VerifyReport:
    """How many files were checked and what was found."""

    checked: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def _problem(path: Path, message: str) -> Diagnostic:
    return Diagnostic(message, Location(path), rule=RULE)


def verify(archive: Path) -> VerifyReport:
    """Re-check every checksum, and that every version recorded is still there."""
    if not archive.is_dir():
        raise ContentError("归档文件夹不存在", archive)
    report = VerifyReport()
    for home in issue_homes(archive):
        report.problems += _check_versions(home)
    for folder in versions(archive):
        count, found = _check_version(folder)
        report.checked += count
        report.problems += found
    report.problems += _uncatalogued_losses(archive)
    return report


def _check_versions(home: Path) -> list[Diagnostic]:
    """An issue's versions run v1, v2 … with none missing, each with its manifest,
    and ``current`` names one that exists."""
    numbers = version_numbers(home)
    problems = [_problem(home / f"v{n}" / MANIFEST, "清单缺失，无法核对这一版") for n in numbers
                if not (home / f"v{n}" / MANIFEST).is_file()]  # fmt: skip
    problems += [_problem(home / f"v{n}", f"第{n}版缺失（已有更新的版本）") for n in range(1, max(numbers, default=0))
                 if n not in numbers]  # fmt: skip
    current = current_name(home)
    if current is not None:
        if not (home / current).is_dir():
            problems.append(_problem(home / CURRENT, f"现行版本“{current}”不存在（被删除了？）"))
    elif numbers:
        problems.append(_problem(home / CURRENT, "缺少 current 文件（不知道哪一版现行）"))
    return problems


def _check_version(folder: Path) -> tuple[int, list[Diagnostic]]:
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError):
        return 0, [_problem(folder / MANIFEST, "清单无法读取（不是有效的 JSON）")]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        return 0, [_problem(folder / MANIFEST, "清单格式不对（被改动过？）")]
    problems = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(_problem(path, "文件缺失"))
        elif sha256(path) != digest:
            problems.append(_problem(path, "内容已被改动（校验值不符）"))
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(_problem(path, "清单中没有这个文件（发布后被加入）"))
    if not problems:  # the sources the facts are checked against are as published
        problems += [_problem(folder / MANIFEST, f"{message}（清单被改动过？）") for message in _manifest_facts(folder, manifest)]
    return len(listed), problems


def _manifest_facts(folder: Path, manifest: dict) -> list[str]:
    """What the manifest says of the issue that its archived sources do not.

    No checksum covers the manifest, yet the catalogue, search results and the
    site print its number, date and title: a hand edit there would misdate a
    published issue without any file changing.
    """
    from ..cn import issue_name
    from ..load.content import load_series
    from ..load.validate import validate
    from ..load.yamlfile import load_yaml
    from ..model import Issue

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
    sources = folder / SOURCES
    try:  # read as the build read them, so '31' and 31 are the same total
        issue = validate(Issue, load_yaml(sources / folder.parent.name / ISSUE_FILE), ISSUE_FILE)
        series = load_series(sources) if (sources / SERIES_FILE).is_file() else None
    except UserError:
        return found  # sources published by hand or damaged before publishing: nothing to compare
    if series is None:
        return found
    number, total, date, title = issue.number, issue.total, issue.date, series.title
    found += differs("期号", "number", number, "存档的 issue.yaml")
    found += differs("总期号", "total", total, "存档的 issue.yaml")
    found += differs("日期", "date", date.isoformat(), "存档的 issue.yaml")
    found += differs("年份", "year", date.year, "存档的 issue.yaml")
    found += differs("刊物名", "series", title, "存档的 series.yaml")
    found += differs("期名", "name", issue_name(title, date.year, number), "存档的稿件")
    return found


def _uncatalogued_losses(archive: Path) -> list[Diagnostic]:
    """Versions the catalogue recorded whose folder is gone — a whole issue
    deleted leaves nothing else behind to notice."""
    from .catalogue import CatalogueDamaged, recorded_versions

    try:
        recorded = recorded_versions(archive)
    except CatalogueDamaged as exc:
        return [_problem(exc.path, "检索目录已损坏（运行 zhuanbao reindex 可重建）")]
    return [_problem(archive / folder, f"{name}的这一版已发布过，但文件夹不在了") for folder, name in recorded
            if not (archive / folder).is_dir()]  # fmt: skip
