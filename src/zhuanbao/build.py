"""The pipeline driver: locate → load → compute → render → write, for one issue or a series.

Every command that produces documents goes through :func:`run`; each stage
hands the next a value (located folders, editions, documents, bytes) and
only this driver touches the output folder. All issues are loaded and
rendered before anything is written, so bad input anywhere leaves the output
folder exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import ContentError, Diagnostic, OutputError, ToolMissingError, UserError, raise_all
from .fsio import LOCK_FILE, locked, refuse_blocked, remove_leftovers, write_all_atomic, write_atomic
from .load.content import load_edition, load_series, locate, only_drafts
from .model import Edition, Series

STATE_FILE = ".zhuanbao-state.json"
BOOKKEEPING = (STATE_FILE, LOCK_FILE)  # the build's own files in an output folder, not documents

Progress = Callable[[Iterable, int], Iterable]


class Built(NamedTuple):
    """One document written by a build."""

    edition: Edition
    path: Path


@dataclass
class BuildResult:
    """What a build did, for people and for the scheduled build's --json."""

    built: list[Built] = field(default_factory=list)
    skipped: list[Edition] = field(default_factory=list)
    unstarted: list[Path] = field(default_factory=list)  # issue folders with no item yet
    pdfs: list[Path] = field(default_factory=list)
    failed: list[Diagnostic] = field(default_factory=list)  # PDFs LibreOffice could not make, or the run's errors

    def as_json(self) -> dict:
        return {
            "built": [{"issue": b.edition.issue_dir.name, "name": b.edition.name, "file": str(b.path)} for b in self.built],
            "skipped": [{"issue": e.issue_dir.name, "name": e.name} for e in self.skipped],
            "unstarted": [folder.name for folder in self.unstarted],
            "pdf": [str(p) for p in self.pdfs],
            "failed": [{"file": str(d.path) if d.path else None, "line": d.line, "column": d.column,
                        "message": d.message, "hint": d.hint} for d in self.failed],  # fmt: skip
        }


def unstarted(path: Path, issue_dirs: list[Path]) -> list[Path]:
    """Of ``issue_dirs`` (what ``path`` designates), the issue folders of a series
    that hold no item yet (``new`` made them, the month has not begun): a series
    build passes them by instead of failing the whole monthly job. An issue
    built on its own still must have items."""
    if len(issue_dirs) == 1 and issue_dirs[0] == path.resolve():
        return []
    return [d for d in issue_dirs if only_drafts(d)]


def prepare(series_dir: Path, issue_dir: Path, series: Series, partial: bool = False,
            supplied: Mapping[str, Any] | None = None) -> Edition:  # fmt: skip
    """One issue loaded and its tables computed: what rendering takes. The
    errors of its files and of its tables' figures are reported together
    (``partial``: items that cannot be read are left out, see load_edition;
    ``supplied``: tables' data a script hands over, by table id)."""
    edition = load_edition(series_dir, issue_dir, series, partial, supplied)
    if not edition.tables:
        return edition  # most issues: no table to compute, and no need to import the computing
    from .indicators import compute_edition

    return compute_edition(edition)


def load(series_dir: Path, issue_dirs: list[Path],
         supplied: Mapping[str, Any] | None = None) -> tuple[list[Edition], Path | None]:  # fmt: skip
    """Load, validate and compute every issue in ``issue_dirs``; all errors at once.
    ``supplied``: tables' data a script hands over for the one issue of ``issue_dirs``.

    Returns the editions and the series' own template folder, if it names one.
    """
    if supplied and len(issue_dirs) != 1:
        raise ContentError("程序提供表格数据时一次生成一期：请给出某一期的文件夹，而不是整个刊物", series_dir)
    series = load_series(series_dir)
    editions: list[Edition] = []
    errors: list[UserError] = []
    for issue_dir in issue_dirs:
        try:
            editions.append(prepare(series_dir, issue_dir, series, supplied=supplied))
        except UserError as exc:
            errors.append(exc)
    raise_all(errors)
    seen: dict[str, Path] = {}
    for edition in editions:
        name = edition.file_name
        if name in seen:
            errors.append(
                OutputError(f"与 {seen[name].name} 是同一期（{edition.name}），期号重复", edition.issue_dir / "issue.yaml")
            )
        seen[name] = edition.issue_dir
    raise_all(errors)
    return editions, (series_dir / series.templates) if series.templates else None


def load_path(path: Path) -> tuple[list[Edition], Path | None]:
    """:func:`load` for what ``path`` designates (an issue or a whole series)."""
    return load(*locate(path))


def shared_inputs_hash(series_dir: Path, templates) -> str:
    """What every issue of a series depends on: series.yaml, the templates, zhuanbao's version."""
    import hashlib

    from . import __version__

    digest = hashlib.sha256(__version__.encode())
    digest.update(templates.fingerprint.encode())
    _digest_files(digest, [series_dir / "series.yaml"])
    return digest.hexdigest()


def input_hash(edition: Edition, shared: str) -> str:
    """A fingerprint of everything an issue's document depends on (``shared``: see above): its folder's
    files, and the cells of its tables that come from no file there (a query's result, a script's data),
    so ``--changed`` rebuilds when the month's figures reach the database."""
    digest = issue_hash(edition.issue_dir, shared)
    external = [(spec.id, raw.header, raw.rows) for spec, raw in edition.tables if getattr(raw, "external", False)]
    if not external:
        return digest
    import hashlib
    import json

    return hashlib.sha256((digest + json.dumps(external, ensure_ascii=False)).encode()).hexdigest()


def issue_hash(issue_dir: Path, shared: str) -> str:
    """:func:`input_hash` of an issue folder that need not load (the studio's preview notices its fix)."""
    import hashlib

    digest = hashlib.sha256(shared.encode())
    _digest_files(digest, [p for p in sorted(issue_dir.rglob("*")) if p.is_file()])
    return digest.hexdigest()


def _digest_files(digest, files: list[Path]) -> None:
    for path in files:
        if any(part.startswith(".") for part in path.parts[-3:]):
            continue  # backups, lock and state files
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed since the folder was listed (an editor's save renaming over it)
            continue
        digest.update(str(path).encode())
        digest.update(data)


def document_bytes(edition: Edition, renderer):
    """One edition rendered and written as .docx bytes; returns (bytes, document)."""
    from .docx import docx_bytes

    document = renderer.render(edition)
    return docx_bytes(document, renderer.templates.sheet), document


def run(
    path: Path,
    outdir: Path,
    templates_dir: Path | None = None,
    *,
    progress: Progress | None = None,
    changed: bool = False,
    jobs: int | None = None,
    wait: float = 0.0,
    pdf: bool = False,
    workspace=None,
    convert: Callable[[Path], Path] | None = None,
    supplied: Mapping[str, Any] | None = None,
) -> BuildResult:
    """Build the issue or series at ``path`` into ``outdir``.

    With ``changed``, only issues whose inputs changed since the last build
    are rebuilt (fingerprints kept in the output folder); a series uses all
    cores unless ``jobs`` says otherwise. Nothing is written unless every
    issue loads and renders. With ``pdf``, every document built now, and any
    skipped one whose PDF is missing or older, is converted (by ``convert``,
    the studio's resident LibreOffice, or else one LibreOffice run each); a
    conversion that fails is reported in ``failed``, the documents stay
    written. ``workspace`` keeps compiled templates between runs (``watch``,
    the studio). ``supplied``: tables' data a script hands over (zhuanbao.api),
    for an issue built on its own.
    """
    from .workspace import Workspace

    workspace = workspace or Workspace()
    if pdf:
        from .export import INSTALL_HINT, find_soffice

        if find_soffice() is None:  # before anything is written
            raise ToolMissingError("未找到 LibreOffice，无法生成 PDF", hint=INSTALL_HINT)
    series_dir, issue_dirs = locate(path)
    result = BuildResult(unstarted=unstarted(path, issue_dirs))
    if len(result.unstarted) == len(issue_dirs):
        return result  # a series whose only issue is still empty: nothing to build
    editions, series_templates = load(series_dir, [d for d in issue_dirs if d not in result.unstarted], supplied)
    templates = workspace.templates(templates_dir or series_templates)
    state_path = outdir / STATE_FILE
    state = _read_state(state_path)
    todo: list[tuple[Edition, str]] = []
    shared = shared_inputs_hash(series_dir, templates)  # once, not per issue
    for edition in editions:
        fingerprint = input_hash(edition, shared)
        target = outdir / edition.file_name
        if changed and state.get(edition.issue_dir.name) == fingerprint and target.is_file():
            result.skipped.append(edition)
        else:
            todo.append((edition, fingerprint))
    # Render everything before touching the output folder: a template or data
    # error found while rendering leaves no folder, lock or file behind.
    documents = _render_all([e for e, _ in todo], workspace.renderer(templates), progress, jobs)
    stale = [outdir / e.file_name for e in result.skipped if pdf and _pdf_is_stale(outdir / e.file_name)]
    if not todo and not stale:
        return result
    files = [(outdir / edition.file_name, data) for (edition, _), data in zip(todo, documents)]
    refuse_blocked([target for target, _ in files])
    with locked(outdir, wait):
        remove_leftovers(outdir)
        if files:
            write_all_atomic(files)
            state = _read_state(state_path)  # another build may have recorded issues meanwhile
            for (edition, fingerprint), (target, _) in zip(todo, files):
                result.built.append(Built(edition, target))
                state[edition.issue_dir.name] = fingerprint
            import json

            write_atomic(state_path, (json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        if pdf:
            if convert is None:
                from .export import to_pdf as convert

            for document in [target for target, _ in files] + stale:
                try:
                    result.pdfs.append(convert(document))
                except UserError as exc:
                    result.failed.extend(exc.diagnostics)
    return result


def build(path: Path, outdir: Path, templates_dir: Path | None = None, workspace=None) -> list[Built]:
    """Build the issue or series at ``path`` into ``outdir``; returns what was written."""
    return run(path, outdir, templates_dir, workspace=workspace).built


def _pdf_is_stale(document: Path) -> bool:
    """A skipped issue's PDF is made again when it is missing or older than its
    document (an earlier build without --pdf, or a conversion that failed)."""
    pdf = document.with_suffix(".pdf")
    try:
        return not pdf.is_file() or pdf.stat().st_mtime < document.stat().st_mtime
    except OSError:
        return True


def _read_state(path: Path) -> dict:
    import json

    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


# A worker process of a parallel build renders with the renderer its
# initializer was given: compiled once per worker, not once per issue.
_worker_renderer = None


def _start_worker(templates) -> None:
    global _worker_renderer
    from .render import Renderer

    _worker_renderer = Renderer(templates)


def _render_in_worker(edition: Edition) -> bytes:
    return document_bytes(edition, _worker_renderer)[0]


# What starting one worker costs before it renders anything: a forked worker
# shares the parent's imports; a spawned one (Windows, macOS) starts a fresh
# interpreter and imports python-docx, Jinja and zhuanbao again (0.35 s here,
# more on an office PC with a virus scanner watching every file opened).
FORK_SECONDS, SPAWN_SECONDS = 0.05, 0.8


def worker_count(remaining: int, seconds_each: float, jobs: int | None, method: str, cpus: int) -> int:
    """How many workers make the rest of a build quickest: one (this process)
    unless starting workers costs less than they save. ``jobs`` is a ceiling."""
    limit = min(jobs or cpus, cpus, remaining)
    start = FORK_SECONDS if method == "fork" else SPAWN_SECONDS
    best, best_seconds = 1, remaining * seconds_each
    for workers in range(2, limit + 1):
        seconds = start + remaining * seconds_each / workers
        if seconds < best_seconds:
            best, best_seconds = workers, seconds
    return best


def _outcome(edition: Edition, renderer) -> bytes | UserError:
    try:
        return document_bytes(edition, renderer)[0]
    except UserError as exc:
        return exc


def _render_all(editions: list[Edition], renderer, progress: Progress | None, jobs: int | None) -> list[bytes]:
    """Every issue's document, or every issue's errors at once (in issue order,
    whatever the number of workers; a template error shared by all issues once).

    The first issue is rendered here; how long it took decides whether workers
    would make the rest quicker (see :func:`worker_count`)."""
    import time

    if not editions:
        return []
    started = time.perf_counter()
    outcomes: list[bytes | UserError] = [_outcome(editions[0], renderer)]
    rest = editions[1:]
    workers = 1
    if rest and jobs != 1:
        import multiprocessing  # not for the one issue an editor builds, thirty times a day

        workers = worker_count(
            len(rest), time.perf_counter() - started, jobs, multiprocessing.get_start_method(), os.cpu_count() or 1
        )
    if workers <= 1:
        iterable: Iterable[Edition] = rest
        if progress is not None and rest:
            iterable = progress(rest, len(rest))
        outcomes += [_outcome(edition, renderer) for edition in iterable]
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(renderer.templates,)) as pool:
            futures = [pool.submit(_render_in_worker, edition) for edition in rest]
            done = as_completed(futures)
            if progress is not None:
                done = progress(done, len(futures))
            for _ in done:  # the progress bar advances as documents come in
                pass
            for future in futures:
                try:
                    outcomes.append(future.result())
                except UserError as exc:
                    outcomes.append(exc)
    errors = [outcome for outcome in outcomes if isinstance(outcome, UserError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        unique = {(str(d.path), d.line, d.message): d for e in errors for d in e.diagnostics}
        kinds = {type(e) for e in errors}
        raise (kinds.pop() if len(kinds) == 1 else UserError).of(unique.values())
    return [outcome for outcome in outcomes if isinstance(outcome, bytes)]
