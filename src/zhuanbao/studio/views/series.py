"""The series page: every issue with its state, and 新建下一期."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import services
from ...diagnostics import UserError
from ..issues import issue_rows, series_or_error
from ..live import series_version
from ..pages import address, findings
from ..state import Studio


def routes(studio: Studio) -> list[Route]:
    async def series_page(request: Request, errors=(), status: int = 200):
        live = {"scope": "series", "version": series_version(studio.series_dir), "issue": "", "item": ""}
        series, problems = series_or_error(studio.series_dir)
        rows = issue_rows(studio.series_dir, series, studio.output)
        return studio.render("series.html", status, series=series, rows=rows,
                             problems=findings([*problems, *errors], studio.series_dir),
                             created=request.query_params.get("created", ""), live=live, builds=studio.builds,
                             build_findings={name: findings(last.errors, studio.series_dir)
                                             for name, last in studio.builds.items()})  # fmt: skip

    async def new_issue(request: Request):
        await studio.form(request)
        try:
            made = services.new_issue(studio.series_dir)
        except UserError as exc:
            return await series_page(request, exc.diagnostics, status=400)
        return RedirectResponse(address("issue", made.folder.name) + "?created=1", status_code=303)

    return [Route("/", series_page), Route("/new-issue", new_issue, methods=["POST"])]
