"""An item's page: its fields and body in a form, saved only over the bytes the form was made from."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import itemfile, services
from ...diagnostics import UserError
from ...load.content import ITEMS_DIR
from ..issues import series_or_error
from ..live import issue_version
from ..pages import finding
from ..paths import item_path
from ..state import Studio, check_findings


def routes(studio: Studio) -> list[Route]:
    def item(request: Request) -> Path:
        return item_path(studio.series_dir, request.path_params["issue"], request.path_params["name"])

    def item_form(request, path: Path, form, errors=(), status: int = 200, saved: bool = False):
        series, _ = series_or_error(studio.series_dir)
        sections = list(series.sections) if series else []
        findings = [d for d in check_findings(path.parent.parent)
                    if d.path is not None and d.path.resolve() == path.resolve()]  # fmt: skip
        shown = [finding(d, studio.series_dir) for d in [*errors, *findings]]
        if form.problem is not None:
            shown += [finding(d, studio.series_dir) for d in form.problem.diagnostics]
        issue = request.path_params["issue"]
        live = {"scope": "item", "issue": issue, "item": f"{issue}/{ITEMS_DIR}/{path.name}",
                "version": issue_version(path.parent.parent)}  # fmt: skip
        return studio.render("item.html", status, issue=issue, name=path.name, form=form, sections=sections,
                             findings=shown, saved=saved, live=live)  # fmt: skip

    async def item_page(request: Request):
        path = item(request)
        return item_form(request, path, itemfile.read_form(path), saved=bool(request.query_params.get("saved")))

    async def save_item(request: Request):
        path = item(request)
        posted = await studio.form(request)
        fields = {key: " ".join(str(posted.get(key, "")).split()) for key in itemfile.FIELDS}
        body = str(posted.get("body", ""))
        sha = str(posted.get("sha256", ""))
        series, _ = series_or_error(studio.series_dir)
        mine = itemfile.ItemForm(fields["section"], fields["title"], fields["source"], body, sha)
        errors = itemfile.field_errors(fields["section"], body, list(series.sections) if series else [], path)
        if errors:
            return item_form(request, path, mine, errors, status=400)
        try:
            services.save_item(path, sha, fields, body)
        except itemfile.Stale as stale:
            return studio.render("conflict.html", 409, issue=request.path_params["issue"], name=path.name, mine=mine,
                                 disk=stale.disk_text, disk_sha=stale.disk_sha)  # fmt: skip
        except UserError as exc:
            return item_form(request, path, mine, exc.diagnostics, status=400)
        return RedirectResponse(f"/issue/{request.path_params['issue']}/item/{path.name}?saved=1", status_code=303)

    return [
        Route("/issue/{issue}/item/{name}", item_page),
        Route("/issue/{issue}/item/{name}", save_item, methods=["POST"]),
    ]
