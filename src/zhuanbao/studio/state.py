"""What every page of one studio run shares: the series folder, the session, the output folder.

A :class:`Studio` is made once per run (``app.create_app``) and handed to each
view module, which adds its routes. It renders pages with the session's CSRF
token, reads posted forms (refusing those without the token) and runs the
checks a page shows; it never writes a file — changes are use cases
(``services.py``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request

from .. import services
from ..diagnostics import UserError
from .guard import Session, csrf_ok
from .pages import page

MAX_FORM_FIELDS = 50


class Studio:
    """One series folder served in one session."""

    def __init__(self, series_dir: Path, session: Session, output: Path) -> None:
        self.series_dir = series_dir.resolve()
        self.session = session
        self.output = output
        self.views: tuple = ()  # the view modules serving this run (app.create_app sets them)
        self.parts: dict[str, object] = {}  # what a view keeps for the whole run (the preview's LibreOffice)

    def close(self) -> None:
        """Stop what the views keep running; called once the server has stopped (and safe to call again)."""
        for part in self.parts.values():
            close = getattr(part, "close", None)
            if close is not None:
                close()

    def render(self, template: str, status: int = 200, **values):
        return page(template, status, csrf=self.session.csrf, series_name=self.series_dir.name, **values)

    async def form(self, request: Request, max_files: int = 0):
        """The posted form, refused (403) without this session's CSRF token."""
        form = await request.form(max_files=max_files, max_fields=MAX_FORM_FIELDS)
        if not csrf_ok(self.session, form.get("csrf")):
            raise HTTPException(403, "页面已过期或不是从编辑器提交的（缺少校验码）。请刷新页面后再操作。")
        return form


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
