"""The archive in the studio: the published issues with their versions, each version's page and documents.

The list is read from the archive's files (``services.holdings``), not the
catalogue, so it is right even while the catalogue is missing or rebuilt.
Every series the archive holds is listed, this one first: offices keep
several bulletins in one archive, and 检索 finds items of all of them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse
from starlette.routing import Route

from ... import services
from ...archive.layout import current_name, version_number
from ...diagnostics import UserError
from ...model import RECORDED_LEVELS
from ..archives import (
    archived_file,
    ascii_name,
    attachment,
    day,
    is_own,
    issue_folders_by_number,
    issue_home,
    place,
    read_holdings,
    said,
    series_choices,
    status_of,
    version_folder,
    version_row,
    version_url,
)
from ..pages import finding
from ..paths import NotFound
from ..state import Studio

DOCUMENT_KINDS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def routes(studio: Studio) -> list[Route]:
    def in_studio(issue, numbers: dict) -> str:
        """The studio's page of an archived issue when this series still has its folder (found by year and number)."""
        folder = numbers.get((issue.year, issue.number)) if is_own(studio.series_dir, issue.series_key) else None
        return f"/issue/{quote(folder, safe='')}" if folder else ""

    async def archive_page(request: Request):
        here = place(studio.series_dir)
        issues, warnings, problem = await run_in_threadpool(read_holdings, studio.series_dir, here.path)
        numbers = issue_folders_by_number(studio.series_dir)
        rows = [{"name": i.name, "key": i.series_key, "date": day(i.date), "total": i.total,
                 "studio_href": in_studio(i, numbers), "versions": [version_row(i, v) for v in i.versions]}
                for i in issues]  # fmt: skip
        groups = [{"series": c, "rows": [r for r in rows if r["key"] == c["key"]]}
                  for c in series_choices(studio.series_dir, issues)]  # fmt: skip
        return studio.render("archive.html", 400 if problem else 200, where=here, groups=groups, warnings=warnings,
                             problem=problem and [finding(d, studio.series_dir) for d in problem.diagnostics],
                             exists=here.path.exists())  # fmt: skip

    async def record(request: Request):
        """(folder, record, None) for the version the address names, or (folder, None, the page saying why not)."""
        here = place(studio.series_dir)
        p = request.path_params
        folder = version_folder(here.path, p["series"], p["issue"], p["version"])
        try:
            return folder, await run_in_threadpool(services.archived_version, here.path, folder), None
        except UserError as exc:
            return folder, None, studio.render("error.html", 400, title="这一版无法读取", reason=said(exc))

    async def version_page(request: Request, posted: dict | None = None, refusal: str = "", status: int = 200):
        folder, found, refused = await record(request)
        if found is None:
            return refused
        issue = found.issue
        sections: dict[str, list] = {}
        for position, item in enumerate(found.items, start=1):
            sections.setdefault(item["section"], []).append({**item, "anchor": f"item{position}"})
        tables = [{**table, "anchor": f"table{position}", "cells": _aligned(table)}
                  for position, table in enumerate(found.tables, start=1)]  # fmt: skip
        records = None
        if found.version.current:  # 采用与批示 belong to the issue, listed and added on its version in force
            records = await run_in_threadpool(services.issue_records, place(studio.series_dir).path, folder.parent)
        form = posted or {"item": "", "level": RECORDED_LEVELS[0], "by": "", "date": dt.date.today().isoformat(),
                          "note": ""}  # fmt: skip
        return studio.render("archive_version.html", status, issue=issue, version=version_row(issue, found.version),
                             versions=[version_row(issue, v) for v in issue.versions], sections=sections,
                             tables=tables,
                             files=found.files, folder=str(folder), date=day(issue.date),
                             studio_href=in_studio(issue, issue_folders_by_number(studio.series_dir)),
                             records=records, levels=RECORDED_LEVELS, record_form=form, record_refusal=refusal,
                             recorded=request.query_params.get("recorded") == "1",
                             record_action=version_url(issue.series_key, issue.folder, "record"))  # fmt: skip

    async def add_record(request: Request):
        """采用与批示: one record added to the issue's 采用记录.yaml (services.record_archived), then its
        version in force's page again (303, so a reload does not post twice); refused, the form as typed."""
        posted = await studio.form(request)
        here = place(studio.series_dir)
        p = request.path_params
        home = issue_home(here.path, p["series"], p["issue"])
        current = current_name(home)
        if current is None or version_number(current) is None:
            raise NotFound("归档中这一期的现行版本")
        version_folder(here.path, p["series"], p["issue"], current)  # a version, with its manifest, no link
        values = {key: str(posted.get(key, "")).strip() for key in ("item", "level", "by", "date", "note")}
        request.path_params["version"] = current
        try:
            await run_in_threadpool(services.record_archived, here.path, home, values["item"], values["level"],
                                    values["by"], values["date"] or None, values["note"] or None)  # fmt: skip
        except UserError as exc:
            return await version_page(request, values, said(exc), status_of(exc))
        return RedirectResponse(version_url(p["series"], p["issue"], current) + "?recorded=1#records", status_code=303)

    async def document(request: Request):
        folder, found, refused = await record(request)
        if found is None:
            return refused
        path = archived_file(folder, request.path_params["name"], found.version.documents)
        kind = DOCUMENT_KINDS.get(path.suffix.lower(), "application/octet-stream")
        issue = found.issue
        fallback = ascii_name(f"{issue.year}-{issue.number}-v{found.version.number}{path.suffix.lower()}")
        return FileResponse(path, media_type=kind, headers={"Content-Disposition": attachment(path.name, fallback)})

    def _aligned(table: dict) -> list[list[tuple[str, str]]]:
        """Each row's cells as (text, alignment as printed; left where the version did not record it)."""
        aligns = table["align"]
        return [[(text, aligns[r][c] if r < len(aligns) and c < len(aligns[r]) else "left") for c, text in enumerate(row)]
                for r, row in enumerate(table["rows"])]  # fmt: skip

    return [
        Route("/archive", archive_page),
        Route("/archive/{series}/{issue}/{version}", version_page),
        Route("/archive/{series}/{issue}/record", add_record, methods=["POST"]),
        Route("/archive/{series}/{issue}/{version}/{name}", document),
    ]
