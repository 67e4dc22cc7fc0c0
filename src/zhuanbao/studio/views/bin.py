"""删除 and the bin: an item deleted on the issue page goes to the issue's bin (.回收站/), whose page lists
what is there and brings each back with 恢复. There is no deleting for good here (see recyclebin.py)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import itemfile, services
from ...diagnostics import UserError
from ...recyclebin import BIN_DIR, listing, original_name
from ..pages import address, card_address, findings
from ..paths import binned_path, issue_dir, item_path
from ..state import Studio, heading
from .arrange import refusal


def issue_context(studio: Studio, folder: Path, checked: list) -> dict:
    try:
        return {"bin_count": len(listing(folder))}
    except UserError:  # a bin folder linking out of the series: its page says so
        return {"bin_count": 0}


def routes(studio: Studio) -> list[Route]:
    async def delete(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        path = item_path(studio.series_dir, folder.name, str(posted.get("name", "")))
        try:
            title = itemfile.read_form(path).title
        except (UserError, OSError):  # a file no encoding reads goes to the bin all the same, by its name
            title = ""
        try:
            binned = services.delete_item(path, str(posted.get("sha256", "")))
        except UserError as exc:
            return refusal(studio, folder, exc, "没有删除")
        studio.notify(folder, "items", {"kind": "deleted", "name": path.name, "bin_name": binned.name, "title": title})
        return RedirectResponse(address("issue", folder.name) + "#notices", status_code=303)

    async def bin_page(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        try:
            entries, problems = listing(folder), []
        except UserError as exc:
            entries, problems = [], findings(exc.diagnostics, studio.series_dir)
        return studio.render("bin.html", issue=folder.name, heading=heading(folder), entries=entries,
                             problems=problems, bin_dir=BIN_DIR)  # fmt: skip

    async def restore(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        source = binned_path(studio.series_dir, folder.name, str(posted.get("name", "")))
        try:
            target = services.restore_item(folder, source.name)
        except UserError as exc:
            return refusal(studio, folder, exc, "没有恢复")
        renamed = target.name != original_name(source.name)
        studio.notify(folder, "items", {"kind": "restored", "name": target.name, "renamed": renamed})
        return RedirectResponse(card_address(folder.name, target.name), status_code=303)

    return [
        Route("/issue/{issue}/delete", delete, methods=["POST"]),
        Route("/issue/{issue}/bin", bin_page),
        Route("/issue/{issue}/bin/restore", restore, methods=["POST"]),
    ]
