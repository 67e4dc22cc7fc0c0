"""Moving items on the issue page: 上移/下移, 移到栏目 and drag and drop, each one POST of a card's form.

The card's form carries the digest of the items the page was made from (``arrange.items_state``): a move
over anything else is refused with a reload, so a drop never lands among items that changed meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import services
from ...arrange import items_state
from ...diagnostics import ConflictError, ContentError, UserError
from ..pages import card_address, findings
from ..paths import issue_dir, item_path
from ..state import Studio, heading

OFFSETS = {"up": -1, "down": 1}


def issue_context(studio: Studio, folder: Path, checked: list) -> dict:
    """The digest every card's form carries, and what the last changes to the items did (shown once)."""
    return {"items_state": items_state(folder), "item_notices": studio.notices(folder, "items")}


def refusal(studio: Studio, folder: Path, error: UserError, title: str):
    """A change that was not made, said in Chinese with the way back to the (reloaded) issue page."""
    status = 409 if isinstance(error, ConflictError) else 400
    return studio.render("items_refused.html", status, issue=folder.name, heading=heading(folder), title=title,
                         findings=findings(error.diagnostics, studio.series_dir))  # fmt: skip


def routes(studio: Studio) -> list[Route]:
    async def move(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        name = item_path(studio.series_dir, folder.name, str(posted.get("name", ""))).name  # a plain name, or 404
        action = str(posted.get("action", ""))
        section = str(posted.get("section", "")) or None
        before = str(posted.get("before", "")) or None
        seen = str(posted.get("state", ""))
        try:
            if action in OFFSETS:
                placed = services.move_item(folder, name, seen, offset=OFFSETS[action])
            elif action in ("to", "drag"):
                if section is None:
                    raise ContentError("请选择要移到的栏目", key=("section",))
                placed = services.move_item(folder, name, seen, section, before if action == "drag" else None)
            else:
                raise ContentError("不明白要怎样移动（上移、下移或移到栏目）")
        except UserError as exc:
            return refusal(studio, folder, exc, "没有移动")
        studio.notify(folder, "items", {"kind": "moved", "name": placed.path.name, "section": placed.section,
                                        "unchanged": not placed.rewritten})  # fmt: skip
        return RedirectResponse(card_address(folder.name, placed.path.name), status_code=303)

    return [Route("/issue/{issue}/move", move, methods=["POST"])]
