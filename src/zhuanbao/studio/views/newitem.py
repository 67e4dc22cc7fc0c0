"""新增稿件: a form for an item typed in the browser, written as ``import`` writes one (services.add_item)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import services
from ...diagnostics import UserError
from ..issues import series_or_error
from ..pages import card_address, findings
from ..paths import issue_dir
from ..state import Studio, heading

HEADLINE = "标题式：标题单独成行、居中，正文另起段"
LEAD = "首句式：标题加粗作为第一句，正文接在同一段"
UNTITLED = "无标题：首段前加“☆”"


def section_forms(series) -> dict[str, str]:
    """How each section prints its titled items (series.yaml headline_sections): the form is the section's,
    not the item's, so the form shows it rather than asking."""
    return {name: HEADLINE if name in series.headline else LEAD for name in series.sections} if series else {}


def routes(studio: Studio) -> list[Route]:
    def form_page(request: Request, values: dict, errors=(), status: int = 200):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        series, problems = series_or_error(studio.series_dir)
        return studio.render("item_new.html", status, issue=folder.name, heading=heading(folder), values=values,
                             forms=section_forms(series), untitled=UNTITLED,
                             findings=findings([*problems, *errors], studio.series_dir))  # fmt: skip

    async def new_item_page(request: Request):
        section = request.query_params.get("section", "")
        return form_page(request, {"section": section, "title": "", "source": "", "body": ""})

    async def add_item(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        values = {key: str(posted.get(key, "")) for key in ("section", "title", "source", "body")}
        try:
            added = services.add_item(folder, **values)
        except UserError as exc:
            return form_page(request, values, exc.diagnostics, status=400)
        studio.notify(folder, "items", {"kind": "added", "name": added.target.name, "title": " ".join(values["title"].split())})
        return RedirectResponse(card_address(folder.name, added.target.name), status_code=303)

    return [
        Route("/issue/{issue}/new", new_item_page),
        Route("/issue/{issue}/new", add_item, methods=["POST"]),
    ]
