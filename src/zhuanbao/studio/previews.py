"""The printed pages of the issues open in the browser, kept up to date by one background thread.

Each time the pane asks for its state (``static/preview.js`` polls it, and
asks at once after a page loads), :meth:`Previewer.check` takes the
fingerprint of the issue's files (cheap: they are read, not loaded) and,
when it changed, schedules a new page set a short while later, so a burst of
saves makes one conversion. Merely showing a page starts nothing.
One thread makes them, one at a time for all issues: LibreOffice converts
one document at a time anyway, and a newer request for an issue replaces
an older one still waiting. While a set is being made the previous pages
stay (the pane marks them 更新中); when the issue does not build, they stay
too and the reason is shown with its file and line. Downloads take the same
lane, so a PDF download and a preview never convert at once.

The converter (export/resident.py) is opened on the first conversion and
stopped with the studio; it also converts the .doc, .wps, .rtf and .odt files
dropped on a section (:meth:`Previewer.to_docx`). Without LibreOffice there is no
preview, only the install hint; the rest of the studio does not depend on any of this.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from .. import export, services
from ..diagnostics import Diagnostic, OutputError, ToolMissingError, UserError
from ..export.resident import CLOSED, ColdConverter, Converter, StartFailed, open_converter
from ..workspace import Workspace
from .pages import findings

log = logging.getLogger("zhuanbao.studio")
DEBOUNCE = 0.3  # seconds after the last change seen before a set is made


class Shown:
    """One issue's preview: the pages shown, and what is wanted next."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fingerprint = ""  # of the inputs the pages show
        self.pages: list[Path] = []
        self.errors: list[Diagnostic] = []  # why the last attempt failed (the pages are older)
        self.seen = ""  # the inputs' fingerprint when last checked
        self.tried = ""  # the inputs' fingerprint the last attempt was made for
        self.due: float | None = None  # when the next attempt starts
        self.running = False


class Previewer:
    """The studio's preview: one per studio run, closed when it stops."""

    def __init__(self, series_dir: Path, output: Path, report=None) -> None:
        self.series_dir = series_dir
        self.output = output
        self.report = report  # report(folder, error or None) after each attempt: the series page's 上次生成
        self.workspace = Workspace()
        self.lane = threading.Lock()  # one build or conversion at a time: previews and downloads
        self._changed = threading.Condition()
        self._shown: dict[Path, Shown] = {}
        self._thread: threading.Thread | None = None
        self._converter: Converter | None = None
        self._opening = threading.Lock()  # the converter is opened, replaced and taken to be closed under it
        self._closed = False

    # --- asked by the pages ------------------------------------------------------------------------

    def check(self, folder: Path) -> None:
        """Notice whether ``folder``'s inputs changed since its pages were made; if so, schedule new ones."""
        if not self.available():
            return
        try:
            seen = services.issue_fingerprint(folder)
        except (OSError, UserError) as exc:  # a file that cannot be read: the attempt will say which
            seen = f"unreadable: {exc}"
        with self._changed:
            shown = self._shown.setdefault(folder, Shown(folder))
            if seen != shown.seen or (seen != shown.tried and shown.due is None and not shown.running):
                shown.seen = seen
                shown.due = time.monotonic() + DEBOUNCE  # a newer change moves the start later
                self._start()
                self._changed.notify_all()

    def state(self, folder: Path, url: str) -> dict:
        """What the pane shows: its state, the pages (``url`` + ``/N.png?v=…``), the reason of a failure, a note."""
        if not self.available():
            return {"state": "unavailable", "count": 0, "pages": [], "version": "", "error": [],
                    "note": "未找到 LibreOffice，无法显示打印页面。" + export.install_hint()}  # fmt: skip
        with self._changed:
            shown = self._shown.get(folder)
            if shown is None:  # not asked for yet: the pane's script asks at once
                return {"state": "loading", "count": 0, "pages": [], "version": "", "error": [], "note": ""}
            updating = shown.due is not None or shown.running
            version = shown.fingerprint[:12]
            pages = [f"{url}/{n}.png?v={version}" for n in range(1, len(shown.pages) + 1)]
            errors = findings(shown.errors, self.series_dir)
        state = "updating" if updating else "failed" if errors else "ready"
        note = self._converter.note if self._converter is not None else ""
        return {"state": state, "count": len(pages), "pages": pages, "version": version, "error": errors,
                "note": note}  # fmt: skip

    def page(self, folder: Path, number: int, version: str | None) -> Path | None:
        """Page ``number`` of the set shown (only files the preview made), or None."""
        with self._changed:
            shown = self._shown.get(folder)
            if shown is None or not 1 <= number <= len(shown.pages):
                return None
            if version is not None and version != shown.fingerprint[:12]:
                return None
            return shown.pages[number - 1]

    def download(self, folder: Path, pdf: bool) -> Path:
        """The issue's .docx or PDF in the output folder, as ``zhuanbao build --pdf`` makes it."""
        with self.lane:
            converter = self._open() if pdf and self.available() else None
            try:
                return services.download(folder, self.output, pdf, converter, self.workspace)
            except StartFailed as exc:
                return services.download(folder, self.output, pdf, self._open(exc), self.workspace)

    def to_docx(self, source: Path, outdir: Path) -> Path:
        """A submission dropped on the issue page (.doc, .wps, .rtf, .odt) converted to ``outdir/<stem>.docx`` by
        the preview's LibreOffice, in the same lane as previews and downloads (LibreOffice converts one
        document at a time); without LibreOffice, the error that says how to install it."""
        if not self.available():
            raise ToolMissingError("未找到 LibreOffice", source, hint=export.install_hint())
        with self.lane:
            try:
                return self._open().to_docx(source, outdir)
            except StartFailed as exc:
                return self._open(exc).to_docx(source, outdir)

    def available(self) -> bool:
        """Whether LibreOffice is installed (asked each time: it may be installed while the studio runs)."""
        return export.find_soffice() is not None

    def close(self) -> None:
        """Stop the thread and the converter, for good: no LibreOffice outlives the studio, nor the series
        the studio switched away from. A converter being opened right now is waited for and closed; none is
        opened afterwards, and the one closed refuses to start LibreOffice again."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        with self._opening:
            converter = self._converter
        if converter is not None:  # not under the lane: a conversion that hangs is ended, not waited for
            converter.close()
        if self._thread is not None:
            self._thread.join(5)

    # --- the thread ----------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="zhuanbao-preview", daemon=True)
            self._thread.start()

    def _next(self) -> Shown | None:
        """The issue whose turn has come (waiting until one has), or None when closed."""
        with self._changed:
            while not self._closed:
                now = time.monotonic()
                waiting = [s for s in self._shown.values() if s.due is not None]
                ready = [s for s in waiting if s.due <= now]
                if ready:
                    shown = min(ready, key=lambda s: s.due)
                    shown.due, shown.running, shown.tried = None, True, shown.seen
                    return shown
                self._changed.wait(min((s.due for s in waiting), default=now + 60) - now)
        return None

    def _run(self) -> None:
        while (shown := self._next()) is not None:
            pages, errors = None, []
            try:
                with self.lane:
                    if self._closed:
                        break
                    pages = self._make(shown.folder)
            except UserError as exc:
                errors = list(exc.diagnostics)
            except Exception:  # a bug must not end the thread: say so on the pane, the details in the log
                log.exception("生成 %s 的打印页面时出错", shown.folder.name)
                errors = [Diagnostic("生成打印页面时编辑器内部出错，详情已记录在命令窗口中。")]
            if self.report is not None:
                self.report(shown.folder, UserError.of(errors) if errors else None)
            with self._changed:
                shown.running = False
                if pages is not None:
                    shown.fingerprint, shown.pages, shown.errors = pages.fingerprint, pages.pages, []
                else:
                    shown.errors = errors

    def _make(self, folder: Path) -> services.IssuePages:
        converter = self._open()
        try:
            return services.issue_pages(folder, self.output, converter, self.workspace)
        except StartFailed as exc:
            return services.issue_pages(folder, self.output, self._open(exc), self.workspace)

    def _open(self, failed: StartFailed | None = None) -> Converter:
        """The converter, opened on first use (``failed``: the resident one could not start, so one run of
        LibreOffice per conversion from now on); refused once the previewer is closed."""
        with self._opening:
            if self._closed:
                raise OutputError(CLOSED)
            if failed is not None:
                log.warning("%s；预览改为每次启动 LibreOffice", failed.message)
                self._converter = ColdConverter(f"（常驻的 LibreOffice 无法启动：{failed.message}）")
            elif self._converter is None:
                self._converter = open_converter() or ColdConverter("")
            return self._converter
