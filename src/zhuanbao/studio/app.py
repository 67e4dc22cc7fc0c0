"""The studio as an ASGI app: the guard in front, each view module's routes behind it.

The app is made for one series folder and one session (:func:`create_app`);
the server (``server.py``) only runs it. Every change a route makes is a use
case of ``services.py``; no module of the studio writes a file itself.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from .guard import BodyTooLarge, Guard, Session
from .pages import STATIC, page
from .paths import NotFound
from .state import Studio
from .views import issue, items, preview, series

log = logging.getLogger("zhuanbao.studio")
VIEWS = (series, issue, items, preview)


def refused(request: Request, reason: str, status: int = 403):
    return page("error.html", status, title="已拒绝" if status == 403 else "内容过大", reason=reason)


async def not_found(request: Request, exc: Exception):
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


def _stops(studio: Studio):
    """The app's lifespan: when the server stops, so does what the views keep running (a resident LibreOffice)."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            studio.close()

    return lifespan


def create_app(series_dir: Path, session: Session, output: Path | None = None) -> Starlette:
    """The studio for ``series_dir``; ``output`` is where ``build`` writes (the CLI's default: output/ here)."""
    studio = Studio(series_dir, session, (output or Path("output")).resolve())
    studio.views = VIEWS
    routes = [route for view in VIEWS for route in view.routes(studio)]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    handlers = {NotFound: not_found, HTTPException: http_error, BodyTooLarge: too_large, Exception: server_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=_stops(studio),
                    middleware=[Middleware(Guard, session=session, refuse=refused)])  # fmt: skip
    app.state.studio = studio
    return app
