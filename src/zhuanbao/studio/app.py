"""The studio's routes: each reads the series' files or calls one use case, and answers with a page.

The app is made for one series folder and one session (:func:`create_app`);
the server (``server.py``) only runs it. Changes go through ``services.py``
(``new_issue``) or, for the edit form, through ``item_file.save``, which
writes atomically and only over the bytes the form was loaded from.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import services
from ..diagnostics import UserError
from ..load.content import ITEMS_DIR, is_draft
from . import item_file
from .guard import BodyTooLarge, Guard, Session, csrf_ok
from .issues import issue_rows, series_or_error
from .pages import STATIC, finding, page
from .paths import NotFound, issue_dir, item_path

log = logging.getLogger("zhuanbao.studio")
MAX_FORM_FIELDS = 50


class Studio:
    """One series folder served in one session."""

    def __init__(self, series_dir: Path, session: Session, output: Path) -> None:
        self.series_dir = series_dir.resolve()
        self.session = session
        self.output = output

    def render(self, template: str, status: int = 200, **values):
        return page(template, status, csrf=self.session.csrf, series_name=self.series_dir.name, **values)

    async def form(self, request: Request):
        """The posted form, refused (403) without this session's CSRF token."""
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
        if not csrf_ok(self.session, form.get("csrf")):
            raise HTTPException(403, "页面已过期或不是从编辑器提交的（缺少校验码）。请刷新页面后再操作。")
        return form

    # --- the series -------------------------------------------------------------------------

    async def series_page(self, request: Request, errors=(), status: int = 200):
        series, problems = series_or_error(self.series_dir)
        rows = issue_rows(self.series_dir, series, self.output)
        return self.render("series.html", status, series=series, rows=rows,
                           problems=[finding(d, self.series_dir) for d in [*problems, *errors]],
                           created=request.query_params.get("created", ""))  # fmt: skip

    async def new_issue(self, request: Request):
        await self.form(request)
        try:
            made = services.new_issue(self.series_dir)
        except UserError as exc:
            return await self.series_page(request, exc.diagnostics, status=400)
        return RedirectResponse(f"/issue/{made.folder.name}?created=1", status_code=303)

    # --- an issue ---------------------------------------------------------------------------

    async def issue_page(self, request: Request):
        folder = issue_dir(self.series_dir, request.path_params["issue"])
        series, problems = series_or_error(self.series_dir)
        findings = _check(folder)
        by_file: dict[Path, list] = {}
        for diagnostic in findings:
            if diagnostic.path is not None:
                by_file.setdefault(diagnostic.path.resolve(), []).append(diagnostic)
        sections = {name: [] for name in (series.sections if series else [])}
        elsewhere = []  # an unknown section, or a file that cannot be read
        drafts = []
        for path in sorted((folder / ITEMS_DIR).glob("*")):
            if path.suffix.lower() != ".md" or not path.is_file():
                continue
            form = item_file.read_form(path)
            card = {"name": path.name, "title": form.title, "source": form.source, "section": form.section,
                    "findings": [finding(d, self.series_dir) for d in by_file.pop(path.resolve(), [])]}  # fmt: skip
            if is_draft(path):
                drafts.append(card)
            elif form.section in sections:
                sections[form.section].append(card)
            else:
                elsewhere.append(card)
        others = [finding(d, self.series_dir) for d in problems + [d for ds in by_file.values() for d in ds]]
        return self.render("issue.html", issue=folder.name, heading=_heading(folder), sections=sections,
                           elsewhere=elsewhere, drafts=drafts, others=others,
                           created=request.query_params.get("created", ""))  # fmt: skip

    # --- an item ----------------------------------------------------------------------------

    def _item(self, request: Request) -> Path:
        return item_path(self.series_dir, request.path_params["issue"], request.path_params["name"])

    async def item_page(self, request: Request):
        path = self._item(request)
        return self._item_form(request, path, item_file.read_form(path), saved=bool(request.query_params.get("saved")))

    def _item_form(self, request, path: Path, form, errors=(), status: int = 200, saved: bool = False):
        series, _ = series_or_error(self.series_dir)
        sections = list(series.sections) if series else []
        findings = [d for d in _check(path.parent.parent) if d.path is not None and d.path.resolve() == path.resolve()]
        shown = [finding(d, self.series_dir) for d in [*errors, *findings]]
        if form.problem is not None:
            shown += [finding(d, self.series_dir) for d in form.problem.diagnostics]
        return self.render("item.html", status, issue=request.path_params["issue"], name=path.name, form=form,
                           sections=sections, findings=shown, saved=saved)  # fmt: skip

    async def save_item(self, request: Request):
        path = self._item(request)
        posted = await self.form(request)
        fields = {key: " ".join(str(posted.get(key, "")).split()) for key in item_file.FIELDS}
        body = str(posted.get("body", ""))
        sha = str(posted.get("sha256", ""))
        series, _ = series_or_error(self.series_dir)
        mine = item_file.ItemForm(fields["section"], fields["title"], fields["source"], body, sha)
        errors = item_file.field_errors(fields["section"], body, list(series.sections) if series else [], path)
        if errors:
            return self._item_form(request, path, mine, errors, status=400)
        try:
            item_file.save(path, sha, fields, body)
        except item_file.Stale as stale:
            return self.render("conflict.html", 409, issue=request.path_params["issue"], name=path.name, mine=mine,
                               disk=stale.disk_text, disk_sha=stale.disk_sha)  # fmt: skip
        except UserError as exc:
            return self._item_form(request, path, mine, exc.diagnostics, status=400)
        return RedirectResponse(f"/issue/{request.path_params['issue']}/item/{path.name}?saved=1", status_code=303)

    # --- refusals and failures --------------------------------------------------------------

    def refused(self, request: Request, reason: str, status: int = 403):
        return page("error.html", status, title="已拒绝" if status == 403 else "内容过大", reason=reason)

    async def not_found(self, request: Request, exc: Exception):
        what = exc.what if isinstance(exc, NotFound) else "这个页面"
        return page("error.html", 404, title="找不到", reason=f"找不到{what}。它可能已被改名或删除。")

    async def http_error(self, request: Request, exc: HTTPException):
        if exc.status_code == 404:
            return await self.not_found(request, exc)
        reason = exc.detail if exc.status_code == 403 else "无法处理这个请求。"
        return page("error.html", exc.status_code, title="无法完成", reason=reason)

    async def too_large(self, request: Request, exc: Exception):
        return self.refused(request, "上传的内容超过 20 MB 的上限，已拒绝。", 413)

    async def server_error(self, request: Request, exc: Exception):
        log.error("处理 %s %s 时出错", request.method, request.url.path, exc_info=exc)  # the traceback: log only
        return page("error.html", 500, title="出错了", reason="编辑器内部出错，文件没有被改动。错误详情已记录在命令窗口中。")


def _check(folder: Path) -> list:
    """What ``check`` finds in an issue (build errors included, as rule "build"); its own failure as findings too."""
    try:
        return list(services.check(folder).findings)
    except UserError as exc:
        return list(exc.diagnostics)


def create_app(series_dir: Path, session: Session, output: Path | None = None) -> Starlette:
    """The studio for ``series_dir``; ``output`` is where ``build`` writes (the CLI's default: output/ here)."""
    studio = Studio(series_dir, session, (output or Path("output")).resolve())
    routes = [
        Route("/", studio.series_page),
        Route("/new-issue", studio.new_issue, methods=["POST"]),
        Route("/issue/{issue}", studio.issue_page),
        Route("/issue/{issue}/item/{name}", studio.item_page),
        Route("/issue/{issue}/item/{name}", studio.save_item, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {NotFound: studio.not_found, HTTPException: studio.http_error, BodyTooLarge: studio.too_large,
                Exception: studio.server_error}  # fmt: skip
    app = Starlette(routes=routes, exception_handlers=handlers,
                    middleware=[Middleware(Guard, session=session, refuse=studio.refused)])  # fmt: skip
    app.state.studio = studio
    return app


def _heading(folder: Path) -> str:
    """The issue as the bulletin names it (2025年第9期（总第33期）), not its folder's name."""
    from ..load.content import issue_facts

    facts = issue_facts(folder)
    if facts is None:
        return folder.name  # issue.yaml unreadable: its error is shown below
    number, total, date, _ = facts
    return f"{date.year}年第{number}期" + (f"（总第{total}期）" if total else "")
