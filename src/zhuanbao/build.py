"""The pipeline driver: load → validate → render → write, for one issue or a series.

Every command that produces documents goes through :func:`build`. All issues
are loaded and rendered before anything is written, so bad input anywhere
leaves the output folder exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, UserError, raise_all
from .load.content import load_edition, load_series, locate
from .model import Edition


@dataclass(frozen=True)
class Built:
    """One document written by a build."""

    edition: Edition
    path: Path


def output_name(edition: Edition) -> str:
    """The file name people expect: 工作专报2023年第8期.docx."""
    return f"{edition.name}.docx"


def load(path: Path) -> tuple[list[Edition], Path | None]:
    """Load and validate every issue ``path`` designates; all errors at once.

    Returns the editions and the series' own template folder, if it names one.
    """
    series_dir, issue_dirs = locate(path)
    series = load_series(series_dir)
    editions: list[Edition] = []
    errors: list[UserError] = []
    for issue_dir in issue_dirs:
        try:
            editions.append(load_edition(series_dir, issue_dir, series))
        except UserError as exc:
            errors.append(exc)
    raise_all(errors)
    seen: dict[str, Path] = {}
    for edition in editions:
        name = output_name(edition)
        if name in seen:
            errors.append(
                OutputError(f"与 {seen[name].name} 是同一期（{edition.name}），期号重复", edition.issue_dir / "issue.yaml")
            )
        seen[name] = edition.issue_dir
    raise_all(errors)
    templates = (series_dir / series.templates) if series.templates else None
    return editions, templates


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename.

    A build killed half-way, or a full disk, leaves the previous document intact.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(
    path: Path,
    outdir: Path,
    templates_dir: Path | None = None,
    progress: Callable[[Iterable[Edition], int], Iterable[Edition]] | None = None,
) -> list[Built]:
    """Build the issue or series at ``path`` into ``outdir``; returns what was written."""
    from .docx import docx_bytes
    from .render import render, template_set

    editions, series_templates = load(path)
    templates = template_set(templates_dir or series_templates)
    documents: list[tuple[Edition, bytes]] = []
    iterable: Iterable[Edition] = editions
    if progress is not None and len(editions) > 1:
        iterable = progress(editions, len(editions))
    for edition in iterable:
        documents.append((edition, docx_bytes(render(edition, templates), templates.sheet)))
    built: list[Built] = []
    for edition, data in documents:
        target = outdir / output_name(edition)
        try:
            write_atomic(target, data)
        except OSError as exc:
            raise OutputError(f"无法写入：{exc.strerror or exc}", target) from None
        built.append(Built(edition, target))
    return built
