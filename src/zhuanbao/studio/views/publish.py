"""发布 from the issue page: what will be frozen shown first, then published as the editor confirmed it.

The confirmation is ``services.publish_plan``: the version it will become, the
document, the items as printed, the source, table and template files — the
values ``publish`` itself computes, not a second guess of them. The form
carries the plan's fingerprint; the publish compares it again under the
series' lock, so "第2版, these items" is what gets archived or nothing is
(someone edited an item, or a colleague published meanwhile: the page is
shown again with what would be archived now). An issue check finds errors in
is not published: the button is disabled with the reason, and the POST is
refused by the use case too. The signed document as issued may be attached (``publish --document``): one
whose text differs is refused with the differences listed, unless 按印发稿归档 (``--as-sent``) is ticked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import services
from ...archive.publish import PlanChanged
from ...diagnostics import BusyError, ContentError, UserError
from ..archives import place, status_of, version_url
from ..issues import published_version
from ..pages import finding
from ..paths import issue_dir
from ..state import Studio, TooManyFiles, check_findings, heading


def issue_context(studio: Studio, folder: Path, findings: list) -> dict:
    """The toolbar's 发布 button: its state (published as vN), or why it is disabled (``findings``: check's)."""
    errors = [d for d in findings if d.severity == "error" and not d.fixed]
    archive = place(studio.series_dir).path
    version = published_version(archive, studio.series_dir, folder) if archive.is_dir() else None
    return {"publish_state": {"errors": len(errors), "version": version}}


def shown(diagnostic, studio: Studio, issue: str) -> dict:
    """A finding as the page shows it, with a link to its item when it is in one of this issue's items."""
    shown = finding(diagnostic, studio.series_dir)
    match = re.fullmatch(re.escape(issue) + r"/items/([^/]+\.md)", shown["file"])
    shown["href"] = f"/issue/{quote(issue, safe='')}/item/{quote(match.group(1), safe='')}" if match else ""
    return shown


def routes(studio: Studio) -> list[Route]:
    async def confirmation(request: Request, refused: UserError | None = None, status: int = 200):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        where = place(studio.series_dir)
        plan, problem = None, None
        try:
            plan = await run_in_threadpool(services.publish_plan, folder, where.path)
            findings = list(plan.findings)
        except UserError as exc:  # it cannot be rendered: check says where (its build errors included)
            problem = exc
            findings = check_findings(folder)
        errors = [shown(d, studio, folder.name) for d in findings if d.severity == "error" and not d.fixed]
        warnings = [shown(d, studio, folder.name) for d in findings if d.severity == "warning" and not d.fixed]
        if problem is not None and not errors:
            errors = [shown(d, studio, folder.name) for d in problem.diagnostics]
        refusal = None
        if refused is not None:
            refusal = {"message": refused.message if len(refused.diagnostics) == 1 else "",
                       "hint": refused.hint or "", "busy": isinstance(refused, BusyError),
                       "changed": isinstance(refused, PlanChanged), "differences": []}  # fmt: skip
            if isinstance(refused, services.DocumentDiffers):  # the differences one a line, and the studio's way out
                refusal["message"], refusal["differences"] = refused.headline + "不一致之处：", list(refused.differences)
                refusal["hint"] = ("请在本期页面用“比对修改稿”把改动写回稿件后再发布；确要按印发稿归档，"
                                   "勾选“文字不一致也按印发稿归档”后再发布。")  # fmt: skip
        return studio.render("publish.html", status, issue=folder.name, heading=heading(folder), plan=plan and plan.plan,
                             sections=_by_section(plan.plan.items) if plan else {}, errors=errors, warnings=warnings,
                             refusal=refusal, where=where, items_dir=str(folder / "items"))  # fmt: skip

    async def publish_page(request: Request):
        return await confirmation(request)

    async def publish(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        try:
            posted = await studio.form(request, max_files=1)
        except TooManyFiles:
            return await confirmation(request, ContentError("一次发布只附一份印发稿：请只选择签发后印发的那一份 Word 文档"), 400)
        expect = str(posted.get("fingerprint", ""))
        revise = posted.get("revise") == "1"
        where = place(studio.series_dir)
        file = posted.get("document")  # the signed document, when attached
        sent = (await file.read(), file.filename or "") if isinstance(file, UploadFile) and (file.filename or file.size) else None
        try:
            done = await run_in_threadpool(services.publish_checked, folder, expect, revise, where.path, None, None, sent,
                                           posted.get("as_sent") == "1")  # fmt: skip
        except UserError as exc:
            return await confirmation(request, exc, status_of(exc))
        studio.record_build(folder, "发布")
        key, home = done.folder.parent.parent.name, done.folder.parent.name
        documents = [{"name": p.name, "href": version_url(key, home, done.version, p.name)} for p in done.documents]
        studio.notify(folder, "published", {
            "version": done.version, "folder": str(done.folder), "documents": documents,
            "version_href": version_url(key, home, done.version),
            "warnings": [finding(w, studio.series_dir) for w in done.warnings]})  # fmt: skip
        # answered with a page of its own (GET): reloading it must not post the publish again
        return RedirectResponse(f"/issue/{quote(folder.name, safe='')}/published", status_code=303)

    async def published(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        shown = studio.notices(folder, "published")
        if not shown:  # reloaded, or opened later: the issue's versions are on its archive page
            return RedirectResponse("/archive", status_code=303)
        return studio.render("published.html", issue=folder.name, heading=heading(folder), **shown[-1])

    return [
        Route("/issue/{issue}/publish", publish_page),
        Route("/issue/{issue}/publish", publish, methods=["POST"]),
        Route("/issue/{issue}/published", published),
    ]


def _by_section(items) -> dict[str, list]:
    """The printed items in their order, grouped under their sections (as the bulletin prints them)."""
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return sections
