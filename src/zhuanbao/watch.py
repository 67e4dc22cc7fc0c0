"""``zhuanbao watch``: rebuild on every save, in one warm process.

The style sheet and compiled templates stay in a :class:`Workspace` between
rebuilds, so a save costs only the work of the issue itself. A broken save
is reported and watching goes on; the last good document stays in place (a
build writes nothing when it fails).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .build import Built, build
from .diagnostics import HeldOpenError, UserError
from .load.content import locate
from .workspace import Workspace


@dataclass(frozen=True)
class Rebuilt:
    """One rebuild of a watch: what was written, or why nothing was, and how long it took."""

    built: list[Built] | None
    error: UserError | None
    seconds: float
    #: after an error: an earlier document is in the output folder, untouched
    kept: bool = False

    @property
    def waiting_for_close(self) -> bool:
        """The document is open in Word/WPS: watch tries again until it is closed."""
        return isinstance(self.error, HeldOpenError)


def rebuild(path: Path, outdir: Path, templates: Path | None, workspace: Workspace | None = None) -> Rebuilt:
    """One build, timed; a user error is returned, not raised."""
    start = time.perf_counter()
    try:
        return Rebuilt(build(path, outdir, templates, workspace), None, time.perf_counter() - start)
    except UserError as exc:
        return Rebuilt(None, exc, time.perf_counter() - start, outdir.is_dir() and any(outdir.glob("*.docx")))


def is_content_change(changed: Path, ignored: tuple[Path, ...] = ()) -> bool:
    """Whether a changed path is content an editor made, not our own traffic: temporary and hidden files
    (atomic writes, check --fix's backups, editors' swap files) and what lands in ``ignored`` (the output
    folder, the studio's previews) would otherwise set off a rebuild or a page reload after each build."""
    name = changed.name
    if name.startswith(".") or name.endswith((".tmp", "~", ".swp")) or ".zhuanbao-backup" in changed.parts:
        return False
    return not any(folder == changed or folder in changed.parents for folder in ignored)


def watch(
    path: Path,
    outdir: Path,
    templates: Path | None,
    report: Callable[[Rebuilt], None],
    stop_event=None,
) -> None:
    """Build now and after every change under the series folder, until stopped."""
    from watchfiles import watch as watch_files

    series_dir, _ = locate(path)
    workspace = Workspace()
    workspace.templates(templates)  # a missing or wrong template folder: said now, not as a watcher's traceback
    watched = [series_dir] + ([templates] if templates else [])
    out = outdir.resolve()

    def relevant(_change, changed: str) -> bool:
        return is_content_change(Path(changed), (out,))

    last = rebuild(path, outdir, templates, workspace)
    report(last)
    ticks = watch_files(*watched, watch_filter=relevant, stop_event=stop_event, debounce=50, step=20,
                        rust_timeout=RETRY_MS, yield_on_timeout=True)  # fmt: skip
    for changes in ticks:
        if not changes and not last.waiting_for_close:
            continue
        again = rebuild(path, outdir, templates, workspace)  # a save, or a tick: is the document closed now?
        if changes or not again.waiting_for_close:  # "close it in Word" is said once, not every two seconds
            report(again)
        last = again


RETRY_MS = 2000  # how often watch tries again while Word or WPS holds the document open
