"""Starting and stopping the studio: the series folder found, the port bound, uvicorn run until Ctrl+C.

:func:`open_studio` does everything that can fail for a reason the user can
fix (no series here, the port taken) before anything is shown, and raises
:class:`~zhuanbao.diagnostics.UserError` for it, so the command line reports
it as it reports any other. The socket is bound here, not by uvicorn, so the
printed address is the one being served even when the port was chosen by
the system (``--port`` not given). Nothing here prints: the CLI shows the
address and the notes.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import webbrowser
import zlib
from pathlib import Path

from ..diagnostics import ContentError, os_reason
from ..load.content import ISSUE_FILE, SERIES_FILE
from .guard import Session, is_loopback

INIT_HINT = "先建好文件夹（可以是空的）再打开它，就能在网页上新建刊物；也可用 zhuanbao init 文件夹名 建立。"


def series_folder(path: Path) -> Path | None:
    """The series folder ``path`` names (itself, or the series of the issue folder it is), or None for a
    folder that holds no series: the studio then opens on its home page, to choose or create one."""
    path = path.resolve()
    if (path / SERIES_FILE).is_file():
        return path
    if (path / ISSUE_FILE).is_file() and (path.parent / SERIES_FILE).is_file():
        return path.parent
    if not path.is_dir():
        raise ContentError("找不到这个文件夹", path, hint=INIT_HINT)
    return None


def preferred_port(series_dir: Path) -> int:
    """The port a series is served on when it is free: the same on every start, because the browser keeps
    an editor's unsaved drafts per address (localStorage is per origin) and a new port would hide them."""
    return 20000 + zlib.crc32(str(series_dir).encode("utf-8")) % 10000


def bind_preferred(host: str, series_dir: Path) -> socket.socket:
    try:
        return bind(host, preferred_port(series_dir))
    except ContentError:  # taken (another studio, another program): any free port will do
        return bind(host, None)


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on ``host`` (a free port when ``port`` is None)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no second server on a port already served
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port or 0))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or getattr(exc, "winerror", 0) == 10048:
            raise ContentError(f"端口 {port} 已被占用（也许编辑器已经在运行）", hint="换一个 --port，或不写 --port 让程序自动选择。") from None
        raise ContentError(f"无法在 {host}:{port or ''} 上启动：{os_reason(exc)}", hint="检查 --host 和 --port 是否写对。") from None
    return sock


class OpenStudio:
    """A studio ready to serve: its address (with the token) and what the user should be told first."""

    def __init__(self, series_dir: Path | None, sock: socket.socket, session: Session, notes: list[str],
                 home: Path | None = None) -> None:  # fmt: skip
        self.series_dir = series_dir
        self.home = home  # the folder it was started on, when that holds no series (the home page)
        self.sock = sock
        self.session = session
        self.notes = notes
        self.address = session.address()

    def run(self, open_browser: bool = True) -> None:
        """Serve until Ctrl+C (uvicorn shuts down gracefully: requests under way are finished)."""
        import uvicorn

        from .app import create_app

        logger = logging.getLogger("zhuanbao.studio")
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        app = create_app(self.series_dir, self.session, home_folder=self.home)
        # open pages hold a stream of changes (views/live.py): Ctrl+C waits a moment for them, no longer
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", host=self.session.host,
                                port=self.session.port, timeout_graceful_shutdown=1)  # fmt: skip

        class Server(uvicorn.Server):
            def handle_exit(self, sig, frame) -> None:  # Ctrl+C: end the open pages' streams first
                studio = app.state.studio  # the series served now (chosen on the home page, perhaps)
                if studio is not None and studio.changes is not None:
                    studio.changes.end_streams()
                super().handle_exit(sig, frame)

        if open_browser:
            threading.Thread(target=webbrowser.open, args=(self.address,), daemon=True).start()
        try:
            Server(config).run(sockets=[self.sock])
        except KeyboardInterrupt:  # uvicorn raises the Ctrl+C again once it has shut down
            pass
        finally:
            if app.state.studio is not None:  # (the lifespan did, unless uvicorn stopped before it ran)
                app.state.studio.close()
            self.sock.close()


def open_studio(path: Path, host: str = "127.0.0.1", port: int | None = None) -> OpenStudio:
    """Find the series, bind the port, make the session; serving starts with :meth:`OpenStudio.run`."""
    series_dir = series_folder(path)
    home = path.resolve() if series_dir is None else None
    bound_host = "127.0.0.1" if host == "localhost" else host
    sock = bind(bound_host, port) if port else bind_preferred(bound_host, series_dir or home)
    session = Session(port=sock.getsockname()[1], host=bound_host)
    notes = []
    if not is_loopback(bound_host):
        notes.append(f"警告：--host {host} 让其他电脑也能连接编辑器。只有拿到带令牌地址的人才能操作，"
                     "但请只在可信的网络中这样使用；平时不要写 --host。")  # fmt: skip
    if home is not None:
        notes.append(f"{path} 中没有刊物（series.yaml）：可在打开的网页上选择其中的刊物，或新建一个。")
    return OpenStudio(series_dir, sock, session, notes, home)
