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
from pathlib import Path

from ..diagnostics import ContentError, os_reason
from ..load.content import ISSUE_FILE, SERIES_FILE
from .guard import Session, is_loopback

INIT_HINT = "新的刊物可用 zhuanbao init 文件夹名 建立；zhuanbao init --example 示例 可复制一个示例刊物。"


def series_folder(path: Path) -> Path:
    """The series folder ``path`` names: itself, or the series of the issue folder it is."""
    path = path.resolve()
    if (path / SERIES_FILE).is_file():
        return path
    if (path / ISSUE_FILE).is_file() and (path.parent / SERIES_FILE).is_file():
        return path.parent
    if not path.is_dir():
        raise ContentError("找不到这个文件夹", path)
    raise ContentError(f"这里没有 {SERIES_FILE}，不是刊物文件夹", path, hint=INIT_HINT)


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

    def __init__(self, series_dir: Path, sock: socket.socket, session: Session, notes: list[str]) -> None:
        self.series_dir = series_dir
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
        app = create_app(self.series_dir, self.session)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                host=self.session.host, port=self.session.port)  # fmt: skip
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(self.address,), daemon=True).start()
        try:
            uvicorn.Server(config).run(sockets=[self.sock])
        except KeyboardInterrupt:  # uvicorn raises the Ctrl+C again once it has shut down
            pass
        finally:
            app.state.studio.close()  # (the lifespan did, unless uvicorn stopped before it ran)
            self.sock.close()


def open_studio(path: Path, host: str = "127.0.0.1", port: int | None = None) -> OpenStudio:
    """Find the series, bind the port, make the session; serving starts with :meth:`OpenStudio.run`."""
    series_dir = series_folder(path)
    bound_host = "127.0.0.1" if host == "localhost" else host
    sock = bind(bound_host, port)
    session = Session(port=sock.getsockname()[1], host=bound_host)
    notes = []
    if not is_loopback(bound_host):
        notes.append(f"警告：--host {host} 让其他电脑也能连接编辑器。只有拿到带令牌地址的人才能操作，"
                     "但请只在可信的网络中这样使用；平时不要写 --host。")  # fmt: skip
    return OpenStudio(series_dir, sock, session, notes)
