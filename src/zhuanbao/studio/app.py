"""The studio as an ASGI app: the guard in front, then the pages of the series being served.

The app is made for one session (:func:`create_app`); the server
(``server.py``) only runs it. It serves one series at a time (``Current``):
the one it was started on, or — started on a folder holding none — the one
chosen or created on the home page (``home.py``). Every change a route makes
is a use case of ``services.py``; no module of the studio writes a file.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Router
from starlette.staticfiles import StaticFiles

from . import home
from .guard import BodyTooLarge, Guard, Session
from .pages import STATIC, page
from .paths import LinkOut, NotFound
from .state import Studio
from .views import (
    apply,
    archive,
    arrange,
    bin,
    check,
    issue,
    items,
    live,
    newitem,
    preview,
    publish,
    search,
    series,
    settings,
    stats,
    tables,
    upload,
)

log = logging.getLogger("zhuanbao.studio")
VIEWS = (series, issue, items, check, newitem, arrange, bin, upload, settings, tables, preview, publish, archive,
         search, stats, live, apply)  # fmt: skip


def refused(request: Request, reason: str, status: int = 403):
    return page("error.html", status, title="已拒绝" if status == 403 else "内容过大", reason=reason)


async def not_found(request: Request, exc: Exception):
    if isinstance(exc, LinkOut):
        return page("error.html", 404, title="不会读取", reason=exc.reason)
    what = exc.what if isinstance(exc, NotFound) else "这个页面"
    return page("error.html", 404, title="找不到", reason=f"找不到{what}。它可能已被改名或删除。")


async def http_error(request: Request, exc: HTTPException):
    if exc.status_code == 404:
        return await not_found(request, exc)
    reason = exc.detail if exc.status_code == 403 else "无法处理这个请求。"
    return page("error.html", exc.status_code, title="无法完成", reason=reason)


async def too_large(request: Request, exc: Exception):
    return refused(request, "上传的内容超过 20 MB 的上限，已拒绝。", 413)


async def server_error(request: Request, exc: Exception):
    log.error("处理 %s %s 时出错", request.method, request.url.path, exc_info=exc)  # the traceback: log only
    return page("error.html", 500, title="出错了", reason="编辑器内部出错，文件没有被改动。错误详情已记录在命令窗口中。")


class Current:
    """The series being served: its Studio and the routes of every view over it (none yet on the home page)."""

    def __init__(self, app: Starlette, session: Session, output: Path, home_folder: Path | None) -> None:
        self.app = app
        self.session = session
        self.output = output
        self.home_folder = home_folder
        self.router: Router | None = None
        self.opened = 0

    def open(self, series_dir: Path) -> None:
        previous = self.app.state.studio
        if previous is not None:
            if previous.changes is not None:
                previous.changes.end_streams()  # pages of the old series reconnect to the new one's stream
            previous.close()  # its resident LibreOffice
        studio = Studio(series_dir, self.session, self.output)
        self.opened += 1
        studio.csrf = self.session.csrf_for(self.opened)  # pages of the series served before cannot post here
        studio.views = VIEWS
        studio.home = self.home_folder
        self.router = Router(routes=[route for view in VIEWS for route in view.routes(studio)])
        self.app.state.studio = studio

    async def __call__(self, scope, receive, send) -> None:
        if self.router is None:
            if scope["type"] == "http":
                await RedirectResponse("/home", status_code=303)(scope, receive, send)
            return
        await self.router(scope, receive, send)


def create_app(series_dir: Path | None, session: Session, output: Path | None = None,
               home_folder: Path | None = None) -> Starlette:  # fmt: skip
    """The studio for ``series_dir`` (None: choose or create one on the home page of ``home_folder``);
    ``output`` is where ``build`` writes (the CLI's default: output/ in the current folder)."""
    output = (output or Path("output")).resolve()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        """When the server stops, so does what the views keep running (the watcher, a resident LibreOffice)."""
        try:
            yield
        finally:
            studio = app.state.studio
            if studio is not None:
                if studio.changes is not None:
                    await studio.changes.close()
                studio.close()

    handlers = {NotFound: not_found, HTTPException: http_error, BodyTooLarge: too_large, Exception: server_error}
    app = Starlette(exception_handlers=handlers, lifespan=lifespan,
                    middleware=[Middleware(Guard, session=session, refuse=refused)])  # fmt: skip
    app.state.studio = None
    current = Current(app, session, output, home_folder)
    if home_folder is not None:
        chooser = Studio(home_folder, session, output)
        app.router.routes.extend(home.routes(home_folder, chooser, current.open))
    app.router.routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    app.router.routes.append(Mount("", app=current))
    if series_dir is not None:
        current.open(series_dir)
    return app
