"""A LibreOffice kept running, so that the studio's preview does not pay its start-up on every save.

A cold ``soffice --convert-to pdf`` spends most of its second or two
starting; handing a conversion to a running soffice through its own command
line does work, but makes the running instance exit afterwards. So the
resident converter talks UNO, through a worker (``unoworker.py``) run by a
Python that can ``import uno`` (LibreOffice's own, or the system's python3
with python3-uno), which starts its own soffice on a named pipe with a
private profile and our fonts.conf. We speak to the worker over its
stdin/stdout, so nothing listens on a TCP port another local user could use
(unoserver's XML-RPC server does, without authentication).

The worker is started on the first conversion; conversions are serialized;
each has a timeout; a soffice that died is started again and the conversion
retried once; one that hangs is killed with its worker. :meth:`stop` (the
studio calls it when it stops; atexit as a fallback) ends both, and a
worker whose parent disappears (killed, crashed) stops soffice itself when
its stdin closes. Where there is no UNO-capable Python, :func:`open_converter`
gives a :class:`ColdConverter` (one ``to_pdf`` per conversion) and says how
to make it fast; where there is no LibreOffice, None.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol

from .. import export
from ..diagnostics import OutputError, ToolMissingError, os_reason
from .soffice import faster_hint, office_binary, python_candidates

WORKER = Path(__file__).with_name("unoworker.py")
START_SECONDS = 60.0  # a first start on an office PC makes a profile, under a virus scanner
CONVERT_SECONDS = 120.0
MAX_CONVERSIONS = 200  # then a fresh soffice: what a long day of previews leaks stays bounded


#: a conversion asked of a converter after :meth:`close` (a preview being made as the studio stops)
CLOSED = "编辑器正在停止，不再转换文档"


class Converter(Protocol):
    """What makes PDFs for the studio (and .docx of the .doc, .wps … files dropped on it): ``to_pdf`` and
    ``to_docx`` as :func:`zhuanbao.export.to_pdf` and :func:`~zhuanbao.export.to_docx` do, ``stop`` (a later
    conversion starts LibreOffice again) and ``close`` (for good: a later conversion is refused)."""

    mode: str  # "resident" or "cold"
    note: str  # what the editor should know about it (how to make previews faster), or ""

    def to_pdf(self, docx: Path, outdir: Path | None = None) -> Path: ...

    def to_docx(self, source: Path, outdir: Path) -> Path: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class StartFailed(OutputError):
    """The resident LibreOffice could not be started (its Python bridge is broken): use a cold one instead."""


class ColdConverter:
    """One LibreOffice run per conversion (``export.to_pdf``): where no Python can drive a resident one."""

    mode = "cold"

    def __init__(self, why: str) -> None:
        self.note = "打印页面预览较慢：每次都要重新启动 LibreOffice，约需数秒。" + why
        self._closed = False

    def to_pdf(self, docx: Path, outdir: Path | None = None) -> Path:
        if self._closed:
            raise OutputError(CLOSED, docx)
        return export.to_pdf(docx, outdir)

    def to_docx(self, source: Path, outdir: Path) -> Path:
        if self._closed:
            raise OutputError(CLOSED, source)
        return export.to_docx(source, outdir)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self._closed = True


class ResidentConverter:
    """``to_pdf`` through a soffice that stays running (see the module's docstring)."""

    mode = "resident"
    note = ""

    def __init__(self, soffice: str, python: str, timeout: float = CONVERT_SECONDS,
                 start_timeout: float = START_SECONDS) -> None:  # fmt: skip
        self.binary = office_binary(soffice)
        self.python = python
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._lock = threading.Lock()  # one conversion at a time, and no stop in the middle of one
        self._process: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._work: Path | None = None
        self._log = None
        self._asked = 0
        self.soffice_pid: int | None = None
        self.pipe = ""  # the name soffice accepts connections under
        self._closed = False  # by close(): no soffice is started any more
        atexit.register(self.stop)

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def to_pdf(self, docx: Path, outdir: Path | None = None) -> Path:
        """Convert ``docx`` to ``<outdir or its folder>/<stem>.pdf``, as :func:`zhuanbao.export.to_pdf` does."""
        target = (outdir or docx.parent) / (docx.stem + ".pdf")
        return self._convert(docx, target, "MS Word 2007 XML", "writer_pdf_Export", export.place_pdf, "这份 Word 文档")

    def to_docx(self, source: Path, outdir: Path) -> Path:
        """Convert a submission (.doc, .wps, .rtf, .odt) to ``outdir/<stem>.docx``, as :func:`zhuanbao.export.to_docx`."""
        target = outdir / (source.stem + ".docx")
        return self._convert(source, target, export.LOAD_FILTERS.get(source.suffix.lower()), "MS Word 2007 XML",
                             export.place_docx, "这个文件")  # fmt: skip

    def _convert(self, source: Path, target: Path, load: str | None, store: str, place, what: str) -> Path:
        """``source`` loaded with the filter ``load`` (None: LibreOffice's type detection), stored with ``store``
        in the worker's folder and placed at ``target`` by ``place(made, target)``."""
        with self._lock:
            for attempt in (1, 2):
                if self._closed:  # checked under the lock: close() may have run while this waited for it
                    raise OutputError(CLOSED, source)
                self._start()
                assert self._work is not None
                produced = self._work / f"{self._asked + 1}{target.suffix}"
                request = {"source": str(source.resolve()), "target": str(produced), "load": load, "store": store}
                answer = self._ask(request, self.timeout)
                if answer is None:
                    self._kill()
                    raise OutputError(f"LibreOffice 超过 {self.timeout:.0f} 秒仍未完成转换，已停止（下次转换时会重新启动）", source)
                if answer.get("ok") and produced.is_file():
                    try:
                        place(produced, target)
                    finally:
                        produced.unlink(missing_ok=True)
                    if self._asked >= MAX_CONVERSIONS:
                        self._stop()
                    return target
                if not answer.get("dead"):
                    raise OutputError(f"LibreOffice 无法打开{what}，文件可能已损坏或不完整（{answer.get('error', '')}）",
                                      source)  # fmt: skip
                self._kill()  # soffice died under it: a fresh one, and this document once more
            raise OutputError(f"LibreOffice 在转换{what}时意外退出（重新启动后再试仍是如此）", source)

    def stop(self) -> None:
        """End the worker and its soffice (waits for a conversion under way); the next conversion starts them again."""
        if self._lock.acquire(timeout=15):
            try:
                self._stop()
            finally:
                self._lock.release()
        else:  # a conversion that hangs (or the interpreter exiting under one): end it now
            self._kill()

    def close(self) -> None:
        """Stop for good: a conversion waiting for the one under way, or asked for later, is refused rather
        than starting LibreOffice again (the studio closes its converter when it stops or switches series)."""
        self._closed = True
        self.stop()

    # --- the worker ------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()
        self._work = Path(tempfile.mkdtemp(prefix="zhuanbao-lo-"))
        self._log = open(self._work / "worker.log", "wb")  # noqa: SIM115 - closed in _kill
        options: dict = {"start_new_session": True}  # soffice joins the worker's group: one kill ends both
        if sys.platform == "win32":  # pragma: no cover - Windows only
            options = {"creationflags": subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP}
        env = export.office_environment()
        for name in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP"):  # ours would mislead LibreOffice's Python
            env.pop(name, None)
        profile = (self._work / "profile").as_uri()
        self.pipe = pipe = "zhuanbao" + secrets.token_hex(12)
        self._replies = queue.Queue()
        self._asked = 0
        try:
            self._process = subprocess.Popen(
                [self.python, str(WORKER), self.binary, profile, pipe, str(self.start_timeout), str(self._work)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env, cwd=self._work, **options,
            )  # fmt: skip
        except OSError as exc:
            self._kill()
            raise StartFailed(f"无法启动常驻的 LibreOffice：{os_reason(exc)}（{self.python}）") from None
        threading.Thread(target=self._read, args=(self._process, self._replies), daemon=True).start()
        hello = self._reply(self.start_timeout + 10)
        if not hello or not hello.get("ready"):
            reason = (hello or {}).get("error") or self._log_tail() or "没有响应"
            self._kill()
            raise StartFailed(f"无法启动常驻的 LibreOffice：{reason}")
        self.soffice_pid = hello.get("soffice")

    @staticmethod
    def _read(process: subprocess.Popen, replies: queue.Queue) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                replies.put(json.loads(line))
            except ValueError:
                continue  # not ours (a library printing): the protocol's lines are JSON
        replies.put(None)  # the worker is gone

    def _reply(self, timeout: float) -> dict | None:
        try:
            answer = self._replies.get(timeout=timeout)
        except queue.Empty:
            return None
        return answer if answer is not None else {"ok": False, "dead": True, "error": "worker exited"}

    def _ask(self, request: dict, timeout: float) -> dict | None:
        self._asked += 1
        request["id"] = self._asked
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(request) + "\n").encode("ascii"))
            self._process.stdin.flush()
        except OSError:
            return {"ok": False, "dead": True, "error": "worker exited"}
        deadline = time.monotonic() + timeout
        while True:
            answer = self._reply(max(0.0, deadline - time.monotonic()))
            if answer is None or answer.get("id") in (request["id"], None):
                return answer  # (an answer to an earlier request cannot be waiting: each is awaited)

    def _log_tail(self) -> str:
        try:
            lines = (self._work / "worker.log").read_bytes().decode("utf-8", "replace").strip().splitlines()
        except (OSError, TypeError):
            return ""
        return " ".join(lines[-3:])

    def _stop(self) -> None:
        """Ask the worker to stop soffice and exit; whatever is left after a few seconds is killed."""
        process = self._process
        if process is not None and process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.write(b'{"stop": true}\n')
                process.stdin.close()
                process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()

    def _kill(self) -> None:
        """End the worker and its soffice now, and remove their private folder."""
        process, self._process = self._process, None
        if process is not None:
            if sys.platform == "win32":  # pragma: no cover - Windows only
                for pid in (self.soffice_pid, process.pid):
                    if pid:
                        try:
                            os.kill(pid, signal.SIGTERM)  # TerminateProcess
                        except OSError:
                            pass
            else:
                try:
                    os.killpg(process.pid, signal.SIGKILL)  # the worker's group: it and its soffice
                except OSError:
                    pass
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
                pass
            for stream in (process.stdin, process.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)  # soffice on Windows may hold it a moment longer
            self._work = None
        for leftover in pipe_sockets(self.pipe):  # a killed soffice leaves its socket (the worker removes it otherwise)
            leftover.unlink(missing_ok=True)
        self.soffice_pid = None


def pipe_sockets(name: str) -> list[Path]:
    """The socket files of LibreOffice's pipe ``name`` (Unix: /tmp/OSL_PIPE_<uid>_<name>; Windows pipes leave none)."""
    if not name or sys.platform == "win32":
        return []
    folders = {Path("/tmp"), Path(tempfile.gettempdir())}
    return [path for folder in folders for path in folder.glob(f"OSL_PIPE_*_{name}")]


_PYTHONS: dict[str, str | None] = {}


def find_uno_python(soffice: str) -> str | None:
    """A Python on this computer that can ``import uno`` for ``soffice`` (asked once per process)."""
    if soffice not in _PYTHONS:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP")}
        found = None
        for python in dict.fromkeys(python_candidates(soffice)):
            if not Path(python).is_file():
                continue
            try:
                probe = subprocess.run([python, "-c", "import uno"], env=env, capture_output=True, timeout=30,
                                       check=False)  # fmt: skip
            except (OSError, subprocess.TimeoutExpired):
                continue
            if probe.returncode == 0:
                found = python
                break
        _PYTHONS[soffice] = found
    return _PYTHONS[soffice]


def open_converter() -> ResidentConverter | ColdConverter | None:
    """The fastest way to make PDFs here: a resident LibreOffice, else one run per conversion;
    None without LibreOffice."""
    soffice = export.find_soffice()
    if soffice is None:
        return None
    python = find_uno_python(soffice)
    if python is None:
        return ColdConverter("想要更快：" + faster_hint())
    return ResidentConverter(soffice, python)


def missing() -> ToolMissingError:
    """The error for a preview where LibreOffice is not installed, with how to install it here."""
    return ToolMissingError("未找到 LibreOffice，无法显示打印页面", hint=export.install_hint())
