"""What every page of one studio run shares: the series folder, the session, the output folder.

A :class:`Studio` is made once per run (``app.create_app``) and handed to each
view module, which adds its routes. It renders pages with the session's CSRF
token, reads posted forms (refusing those without the token) and runs the
checks a page shows; it never writes a file — changes are use cases
(``services.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import NamedTuple

from starlette.exceptions import HTTPException
from starlette.requests import Request

from .. import services
from ..diagnostics import UserError
from .guard import Session, csrf_ok
from .pages import page

MAX_FORM_FIELDS = 50
STALE_PAGE = ("页面已过期（也许编辑器已改为打开另一个刊物），或不是从编辑器提交的（缺少校验码），没有做任何改动。"
              "请刷新页面后再操作。")


class TooManyFiles(Exception):
    """A multipart form with more files than its route takes: the route says so in its own words (Starlette
    refuses it as a bare 400 with an English reason)."""


class LastBuild(NamedTuple):
    """A build the studio made (a preview, a download, a publish): when, and what it refused, if anything."""

    when: dt.datetime
    errors: tuple  # Diagnostics; empty when the document was made
    what: str  # 预览, 下载, 发布


class Studio:
    """One series folder served in one session."""

    def __init__(self, series_dir: Path, session: Session, output: Path) -> None:
        self.series_dir = series_dir.resolve()
        self.session = session
        self.csrf = session.csrf  # per series served (app.Current sets it: see Session.csrf_for)
        self.output = output
        self.views: tuple = ()  # the view modules serving this run (app.create_app sets them)
        self.changes = None  # the watcher pushing changes on disk to open pages (views/live.py)
        self.home: Path | None = None  # the folder of the home page (other series, a new one), if started there
        self.builds: dict[str, LastBuild] = {}  # issue folder name → the last build the studio made of it
        self.parts: dict[str, object] = {}  # what a view keeps for the whole run (the preview's LibreOffice)
        self._notices: dict[tuple[Path, str], list] = {}

    def close(self) -> None:
        """Stop what the views keep running; called once the server has stopped (and safe to call again)."""
        for part in self.parts.values():
            close = getattr(part, "close", None)
            if close is not None:
                close()

    def notify(self, folder: Path, part: str, notice) -> None:
        """Tell the next showing of ``folder``'s issue page what a change did (a change answers with a
        redirect, so that reloading the page does not post it again); kept in memory, shown once."""
        self._notices.setdefault((folder.resolve(), part), []).append(notice)

    def notices(self, folder: Path, part: str) -> list:
        """``part``'s notices for ``folder``, taken (a reload no longer shows them)."""
        return self._notices.pop((folder.resolve(), part), [])

    def render(self, template: str, status: int = 200, **values):
        return page(template, status, csrf=self.csrf, series_name=self.series_dir.name,
                    home=self.home is not None, **values)  # fmt: skip

    def record_build(self, folder: Path, what: str, error: UserError | None = None) -> None:
        """Kept for the series page's 上次生成 column: the editor sees there which issue does not build."""
        self.builds[folder.name] = LastBuild(dt.datetime.now(), tuple(error.diagnostics) if error else (), what)

    async def form(self, request: Request, max_files: int = 0):
        """The posted form, refused (403) without this session's CSRF token; more than ``max_files`` files
        raise :class:`TooManyFiles` (nothing of the form is used then)."""
        try:
            form = await request.form(max_files=max_files, max_fields=MAX_FORM_FIELDS)
        except HTTPException as exc:
            if exc.status_code == 400 and max_files and str(exc.detail).startswith("Too many files"):
                raise TooManyFiles from None
            raise
        if not csrf_ok(self.csrf, form.get("csrf")):
            raise HTTPException(403, STALE_PAGE)
        return form

    async def json(self, request: Request, limit: int) -> dict:
        """A posted JSON object (a script's request), refused without this session's CSRF token in the
        X-CSRF-Token header (403), past ``limit`` bytes (413: read no further) or when not an object (400)."""
        if not csrf_ok(self.csrf, request.headers.get("x-csrf-token")):
            raise HTTPException(403, STALE_PAGE)
        length = request.headers.get("content-length", "")
        too_big = HTTPException(413, f"内容超过 {limit // 1024 // 1024} MB，已拒绝。")
        if length.isdigit() and int(length) > limit:
            raise too_big
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_big
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise HTTPException(400, "请求的内容无法读取。请刷新页面后再试。")
        return data


def check_findings(folder: Path) -> list:
    """What ``check`` finds in an issue (build errors included, as rule "build"); its own failure as findings too."""
    try:
        return list(services.check(folder).findings)
    except UserError as exc:
        return list(exc.diagnostics)


def heading(folder: Path) -> str:
    """The issue as the bulletin names it (2025年第9期（总第33期）), not its folder's name."""
    from ..load.content import issue_facts

    facts = issue_facts(folder)
    if facts is None:
        return folder.name  # issue.yaml unreadable: its error is shown below
    number, total, date, _ = facts
    return f"{date.year}年第{number}期" + (f"（总第{total}期）" if total else "")
