"""The pipeline driver: load → validate → render → write, for one issue or a series.

Every command that produces documents goes through :func:`build`. All issues
are loaded and rendered before anything is written, so bad input anywhere
leaves the output folder exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LayoutError, OutputError, ToolMissingError, UserError, os_reason, raise_all
from .load.content import ITEMS_DIR, load_edition, load_series, locate
from .model import Edition


@dataclass(frozen=True)
class Built:
    """One document written by a build."""

    edition: Edition
    path: Path


# Characters no file name may hold on Windows (and "/" nowhere): shown as
# their full-width forms, so "工作/专报" stays readable as 工作／专报.
_UNSAFE_IN_NAMES = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in '\\/:*?"<>|'})


def safe_name(text: str) -> str:
    """User text (a series title, a section) made fit for a file name: it must
    not steer a file out of its folder ("../") or into a subfolder ("工作/专报")."""
    return "".join(c for c in text.translate(_UNSAFE_IN_NAMES) if c.isprintable()).strip().lstrip(".")


def output_name(edition: Edition) -> str:
    """The file name people expect: 工作专报2023年第8期.docx."""
    return f"{safe_name(edition.name)}.docx"


def unstarted(path: Path, issue_dirs: list[Path]) -> list[Path]:
    """Of ``issue_dirs`` (what ``path`` designates), the issue folders of a series that hold no item yet (``new`` made them, the
    month has not begun): a series build passes them by instead of failing
    the whole monthly job. An issue built on its own still must have items."""
    if len(issue_dirs) == 1 and issue_dirs[0] == path.resolve():
        return []
    def only_drafts(items: Path) -> bool:  # a .docx dropped in is a submission waiting, not an empty month
        return items.is_dir() and all(p.name.startswith(("_", ".")) for p in items.iterdir())

    return [d for d in issue_dirs if only_drafts(d / ITEMS_DIR)]


def load(path: Path, skip: list[Path] | None = None) -> tuple[list[Edition], Path | None]:
    """Load and validate every issue ``path`` designates (but ``skip``); all errors at once.

    Returns the editions and the series' own template folder, if it names one.
    """
    series_dir, issue_dirs = locate(path)
    issue_dirs = [d for d in issue_dirs if d not in (skip or [])]
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


def usual_mode(folder: Path) -> None:
    """Give a folder made by mkdtemp (private, 0700) the mode a plain mkdir
    would: folders renamed into place — a new issue, a published version — are
    shared with colleagues, the web server and the monthly job's account."""
    folder.chmod(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)  # reading it means setting it; put straight back
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename.

    A build killed half-way, or a full disk, leaves the previous document intact.
    """
    tmp = _write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write several files so that either all are replaced or none is.

    Every file is first written in full beside its target; only then are they
    renamed into place. A full disk or an unwritable folder half-way through a
    series leaves every earlier document as it was.
    """
    refuse_blocked([path for path, _ in files])
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            try:
                written.append((_write_temporary(path, data), path))
            except OSError as exc:
                raise OutputError(f"无法写入：{os_reason(exc)}", path) from None
        for tmp, path in written:
            os.replace(tmp, path)
    finally:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)


def refuse_blocked(paths: list[Path]) -> None:
    """Refuse, before anything is written, a target a folder of that name blocks."""
    for path in paths:
        if path.exists() and not path.is_file():
            raise OutputError("无法写入：同名的文件夹或特殊文件已存在", path)


def _write_temporary(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        # mkstemp makes the file private (0600); a document replaces its
        # predecessor with the same permissions, or gets the user's umask
        # defaults, so colleagues on a shared server can still open it.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


@dataclass
class Summary:
    """What a build did, for people and for the scheduled build's --json."""

    built: list[Built] = field(default_factory=list)
    skipped: list[Edition] = field(default_factory=list)
    unstarted: list[Path] = field(default_factory=list)  # issue folders with no item yet
    pdfs: list[Path] = field(default_factory=list)
    failed: list[UserError] = field(default_factory=list)  # PDFs LibreOffice could not make, or the run's errors

    def as_json(self) -> dict:
        return {
            "built": [{"issue": b.edition.issue_dir.name, "name": b.edition.name, "file": str(b.path)} for b in self.built],
            "skipped": [{"issue": e.issue_dir.name, "name": e.name} for e in self.skipped],
            "unstarted": [folder.name for folder in self.unstarted],
            "pdf": [str(p) for p in self.pdfs],
            "failed": [failure_json(e) for e in self.failed],
        }


def failure_json(error: UserError) -> dict:
    return {"file": str(error.path) if error.path else None, "line": error.line, "column": error.column,
            "message": error.message}  # fmt: skip


STATE_FILE = ".zhuanbao-state.json"
LOCK_FILE = ".zhuanbao.lock"


class BusyError(OutputError):
    """Another build holds the output folder's lock."""


@contextmanager
def locked(outdir: Path, wait: float = 0.0, hint: str = "等它完成后再运行，或用 --wait 秒数 让本次排队等待。"):
    """Hold the output folder's lock: two builds never write the same folder at once."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入：{os_reason(exc)}", outdir) from None
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks; builds are still atomic per file
        yield
        return
    handle = _open_lock(outdir / LOCK_FILE)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError("另一个生成任务正在写这个输出文件夹，本次没有写入任何文件", outdir, hint=hint) from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def _open_lock(path: Path):
    """The lock file, for flock. In a folder shared by several accounts it may
    belong to another one: flock needs no write access, so it is opened for
    reading then."""
    try:
        return open(path, "a+")
    except OSError as exc:
        try:
            return open(path)
        except OSError:
            raise OutputError(f"无法写入：{os_reason(exc)}", path.parent) from None


def _digest_files(digest, files: list[Path]) -> None:
    for path in files:
        if any(part.startswith(".") for part in path.parts[-3:]):
            continue  # backups, lock and state files
        digest.update(str(path).encode())
        digest.update(path.read_bytes())


def shared_inputs_hash(series_dir: Path, template_dirs: tuple[Path, ...]) -> str:
    """What every issue of a series depends on: series.yaml, templates, zhuanbao's version."""
    from . import __version__

    digest = hashlib.sha256(__version__.encode())
    files = [series_dir / "series.yaml"]
    for directory in template_dirs:
        files += [p for p in sorted(directory.rglob("*")) if p.is_file()]
    _digest_files(digest, files)
    return digest.hexdigest()


def input_hash(edition: Edition, shared: str) -> str:
    """A fingerprint of everything an issue's document depends on (``shared``: see above)."""
    digest = hashlib.sha256(shared.encode())
    _digest_files(digest, [p for p in sorted(edition.issue_dir.rglob("*")) if p.is_file()])
    return digest.hexdigest()


def _render_one(edition: Edition, templates_dir: Path | None) -> bytes:
    """Render and write one edition (runs in a worker process for series builds)."""
    from .docx import docx_bytes
    from .render import render, template_set

    templates = template_set(templates_dir)
    try:
        return docx_bytes(render(edition, templates), templates.sheet)
    except LayoutError as exc:
        if exc.path is None:  # the distribution lists are the only content the writer measures
            overridden = edition.issue.distribution is not None or bool(edition.issue.extra_distribution)
            exc.path = edition.issue_dir / "issue.yaml" if overridden else edition.series_dir / "series.yaml"
        raise


def run(
    path: Path,
    outdir: Path,
    templates_dir: Path | None = None,
    progress: Callable[[Iterable[Edition], int], Iterable[Edition]] | None = None,
    changed: bool = False,
    jobs: int | None = None,
    wait: float = 0.0,
    pdf: bool = False,
) -> Summary:
    """Build the issue or series at ``path`` into ``outdir``.

    With ``changed``, only issues whose inputs changed since the last build
    are rebuilt (fingerprints kept in the output folder); a series uses all
    cores unless ``jobs`` says otherwise. Nothing is written unless every
    issue loads and renders. With ``pdf``, every document built now, and any
    skipped one whose PDF is missing or older, is converted; a conversion that
    fails is reported in ``failed``, the documents stay written.
    """
    from .render import template_set

    if pdf:
        from .export import INSTALL_HINT, find_soffice

        if find_soffice() is None:  # before anything is written
            raise ToolMissingError("未找到 LibreOffice，无法生成 PDF", hint=INSTALL_HINT)
    issue_dirs = locate(path)[1]
    summary = Summary(unstarted=unstarted(path, issue_dirs))
    if len(summary.unstarted) == len(issue_dirs):
        return summary  # a series whose only issue is still empty: nothing to build
    editions, series_templates = load(path, summary.unstarted)
    user_templates = templates_dir or series_templates
    templates = template_set(user_templates)
    state_path = outdir / STATE_FILE
    state = _read_state(state_path)
    todo: list[tuple[Edition, str]] = []
    shared = shared_inputs_hash(editions[0].series_dir, templates.dirs)  # once, not per issue
    for edition in editions:
        fingerprint = input_hash(edition, shared)
        target = outdir / output_name(edition)
        if changed and state.get(edition.issue_dir.name) == fingerprint and target.is_file():
            summary.skipped.append(edition)
        else:
            todo.append((edition, fingerprint))
    # Render everything before touching the output folder: a template or data
    # error found while rendering leaves no folder, lock or file behind.
    documents = _render_all([e for e, _ in todo], user_templates, progress, jobs)
    stale = [outdir / output_name(e) for e in summary.skipped if pdf and _pdf_is_stale(outdir / output_name(e))]
    if not todo and not stale:
        return summary
    files = [(outdir / output_name(edition), data) for (edition, _), data in zip(todo, documents)]
    refuse_blocked([target for target, _ in files])
    with locked(outdir, wait):
        if files:
            write_all_atomic(files)
            state = _read_state(state_path)  # another build may have recorded issues meanwhile
            for (edition, fingerprint), (target, _) in zip(todo, files):
                summary.built.append(Built(edition, target))
                state[edition.issue_dir.name] = fingerprint
            write_atomic(state_path, (json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        if pdf:
            from .export import to_pdf

            for document in [target for target, _ in files] + stale:
                try:
                    summary.pdfs.append(to_pdf(document))
                except UserError as exc:
                    summary.failed.append(exc)
    return summary


def _pdf_is_stale(document: Path) -> bool:
    """A skipped issue's PDF is made again when it is missing or older than its
    document (an earlier build without --pdf, or a conversion that failed)."""
    pdf = document.with_suffix(".pdf")
    try:
        return not pdf.is_file() or pdf.stat().st_mtime < document.stat().st_mtime
    except OSError:
        return True


def _read_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _render_all(editions: list[Edition], templates_dir: Path | None, progress, jobs: int | None) -> list[bytes]:
    """Every issue's document, or every issue's errors at once (in issue order,
    whatever the number of workers; a template error shared by all issues once)."""
    workers = min(jobs or os.cpu_count() or 1, len(editions))
    outcomes: list[bytes | UserError] = []
    if workers <= 1:
        iterable: Iterable[Edition] = editions
        if progress is not None and len(editions) > 1:
            iterable = progress(editions, len(editions))
        for edition in iterable:
            try:
                outcomes.append(_render_one(edition, templates_dir))
            except UserError as exc:
                outcomes.append(exc)
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_render_one, edition, templates_dir) for edition in editions]
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
    errors: dict[tuple, UserError] = {}
    for outcome in outcomes:
        if isinstance(outcome, UserError):
            for error in getattr(outcome, "errors", [outcome]):
                errors.setdefault((str(error.path), error.line, error.message), error)
    raise_all(list(errors.values()))
    return [outcome for outcome in outcomes if isinstance(outcome, bytes)]


def build(
    path: Path,
    outdir: Path,
    templates_dir: Path | None = None,
    progress: Callable[[Iterable[Edition], int], Iterable[Edition]] | None = None,
) -> list[Built]:
    """Build the issue or series at ``path`` into ``outdir``; returns what was written."""
    return run(path, outdir, templates_dir, progress).built
