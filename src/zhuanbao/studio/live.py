"""Changes on disk, pushed to the open pages (server-sent events).

The files are the one source of truth, and other writers (another editor on
the shared drive, the CLI, Notepad) change them while a page is open. One
watcher per studio run (watchfiles, started with the first page that
listens) turns each batch of changes into the *versions* of what changed —
a digest of the names, sizes and modification times of an issue's files, or
of series.yaml and the list of issues — and sends them to every open page.
A page knows the versions it was rendered from (``data-version`` in its
HTML), so it reloads only when what it shows really changed: the save it
just made itself, or the previews the studio writes, set nothing off.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

from ..load.content import ISSUE_FILE, SERIES_FILE, leads_out
from ..watch import is_content_change

#: A batch of changes is sent after STEP_MS without a new one (an atomic save is a write and a rename),
#: or after DEBOUNCE_MS at the latest while changes keep coming (watchfiles' step and debounce).
STEP_MS = 50
DEBOUNCE_MS = 400
#: A comment line now and then keeps proxies and the browser from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0


def _stamp(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _visible(folder: Path) -> list[Path]:
    """Every file below ``folder`` that an editor made (not hidden, not temporary)."""
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and is_content_change(p.relative_to(folder))]


def issue_version(folder: Path) -> str:
    """Changes whenever a file of the issue (issue.yaml, items, tables, the bin) or series.yaml changes."""
    return _stamp([*_visible(folder), folder.parent / SERIES_FILE], folder.parent)


def series_version(series_dir: Path) -> str:
    """Changes whenever series.yaml, an issue's issue.yaml or the set of issue folders changes."""
    files = [series_dir / SERIES_FILE]
    try:
        files += [p / ISSUE_FILE for p in series_dir.iterdir() if p.is_dir() and (p / ISSUE_FILE).is_file()]
    except OSError:
        pass
    return _stamp(files, series_dir)


MAX_DIGESTED = 4 * 1024 * 1024  # an item is at most 2 MB (importer); anything bigger is no item


def file_digest(path: Path) -> str | None:
    """The sha256 an item's edit form carries, so its page can tell another writer's save from its own."""
    try:
        if path.stat().st_size > MAX_DIGESTED:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # gone (deleted, moved to the bin) or unreadable


def versions(series_dir: Path, changed: set[Path]) -> dict:
    """What an event says: the series' version, the version of every issue a change touched (every issue when
    series.yaml changed: its sections and lists are on every page), and the digest of each changed item."""
    touched = set()
    items = {}
    for path in changed:
        try:
            parts = path.relative_to(series_dir).parts
        except ValueError:
            continue
        if parts == (SERIES_FILE,):
            touched |= {p.name for p in series_dir.iterdir() if (p / ISSUE_FILE).is_file()}
        elif parts and (series_dir / parts[0] / ISSUE_FILE).is_file():
            touched.add(parts[0])
        if path.suffix.lower() == ".md":  # a link out of the series is not read, not even for a digest
            items["/".join(parts)] = None if leads_out(path, series_dir) else file_digest(path)
    issues = {name: issue_version(series_dir / name) for name in sorted(touched)}
    return {"series": series_version(series_dir), "issues": issues, "items": items}


class Changes:
    """The studio's one watcher over the series folder, fanned out to every listening page."""

    def __init__(self, series_dir: Path, ignored: tuple[Path, ...] = ()) -> None:
        self.series_dir = series_dir
        self.ignored = tuple(p.resolve() for p in ignored)
        self.listeners: set[asyncio.Queue] = set()
        self.task: asyncio.Task | None = None
        self.stop = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    def relevant(self, _change, changed: str) -> bool:
        path = Path(changed)
        try:
            inside = path.relative_to(self.series_dir)
        except ValueError:
            return False
        return is_content_change(inside) and is_content_change(path, self.ignored)

    async def _watch(self) -> None:
        from watchfiles import awatch

        async for batch in awatch(self.series_dir, watch_filter=self.relevant, debounce=DEBOUNCE_MS, step=STEP_MS,
                                  stop_event=self.stop, ignore_permission_denied=True):  # fmt: skip
            event = versions(self.series_dir, {Path(changed) for _, changed in batch})
            for queue in list(self.listeners):
                queue.put_nowait(event)

    async def listen(self) -> AsyncIterator[str]:
        """Server-sent events for one page, until it goes away or the studio stops."""
        queue: asyncio.Queue = asyncio.Queue()
        self.listeners.add(queue)
        self.loop = asyncio.get_running_loop()
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._watch())
        try:
            yield "retry: 1000\n\n"  # the browser reconnects within a second after a restart
            while not self.stop.is_set():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"
                    continue
                if event is None:  # the studio is stopping: end the stream so the server can
                    return
                yield f"event: changed\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
        finally:
            self.listeners.discard(queue)

    def end_streams(self) -> None:
        """Called from the server's Ctrl+C handler: every open stream ends, so shutting down waits for none."""
        if self.loop is None:  # no page has listened yet: none will from now on
            self.stop.set()
            return

        def end() -> None:
            self.stop.set()
            for queue in list(self.listeners):
                queue.put_nowait(None)

        self.loop.call_soon_threadsafe(end)

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            self.task.cancel()
