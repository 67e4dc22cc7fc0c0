"""``zhuanbao watch``: rebuild on every save, in one warm process.

The style sheet, templates and Jinja environment stay loaded between
rebuilds, so a save costs only the work of the issue itself. A broken save
prints the error and keeps watching; the last good document stays in place
(the build writes nothing when it fails).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .build import Built, build
from .errors import UserError
from .load.content import locate


def rebuild(path: Path, outdir: Path, templates: Path | None) -> tuple[list[Built] | None, UserError | None, float]:
    """One build, timed; a user error is returned, not raised."""
    start = time.perf_counter()
    try:
        return build(path, outdir, templates), None, time.perf_counter() - start
    except UserError as exc:
        return None, exc, time.perf_counter() - start


def watch(
    path: Path,
    outdir: Path,
    templates: Path | None,
    report: Callable[[list[Built] | None, UserError | None, float], None],
    stop_event=None,
) -> None:
    """Build now and after every change under the series folder, until stopped."""
    from watchfiles import watch as watch_files

    series_dir, _ = locate(path)
    report(*rebuild(path, outdir, templates))
    watched = [series_dir] + ([templates] if templates else [])
    out = outdir.resolve()

    def relevant(_change, changed: str) -> bool:
        changed_path = Path(changed)
        name = changed_path.name
        if name.startswith(".") or name.endswith((".tmp", "~", ".swp")) or ".zhuanbao-backup" in changed_path.parts:
            return False
        return out not in changed_path.parents

    for _changes in watch_files(*watched, watch_filter=relevant, stop_event=stop_event, debounce=50, step=20):
        report(*rebuild(path, outdir, templates))
