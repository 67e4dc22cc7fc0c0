"""检索: what ``zhuanbao search`` finds, its options as form fields, each hit leading into the studio.

A hit leads to the issue's page in this studio when this series still has
the issue's folder (found by year and number, as the archive knows an issue),
else to the archived version's page. The passage comes as runs of text
(``Hit.marked``): the page escapes each run and marks the terms after, so a
term never matches inside markup and markup in an item stays text.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ... import services
from ...diagnostics import UserError
from ..archives import (
    absent,
    day,
    is_own,
    issue_folders_by_number,
    parse_year,
    place,
    read_holdings,
    said,
    series_choices,
    status_of,
    version_url,
)
from ..pages import finding
from ..paths import is_plain_name
from ..state import Studio

HITS_SHOWN = 50  # as the command line lists: the best 50, all on asking


def routes(studio: Studio) -> list[Route]:
    def hit_row(hit, numbers: dict) -> dict:
        parts = hit.path.split("/")  # the catalogue's, so checked before it becomes an address
        version = len(parts) == 3 and all(is_plain_name(part) for part in parts)
        archived = version_url(*parts) + f"#{hit.anchor}" if version else ""
        local = numbers.get((hit.year, hit.number)) if version and is_own(studio.series_dir, parts[0]) else None
        title = f"表：{hit.title}" + (f" · {hit.row}" if hit.row else "") if hit.table else hit.title or "（无标题）"
        return {"title": title, "name": hit.name, "section": hit.section, "source": hit.source,
                "series": hit.series, "date": day(hit.date), "runs": hit.marked,
                "href": f"/issue/{quote(local, safe='')}" if local else archived,
                "archived": archived if local else "", "in_studio": bool(local)}  # fmt: skip

    async def search_page(request: Request):
        here = place(studio.series_dir)
        params = request.query_params
        form = {key: params.get(key, "").strip() for key in ("q", "series", "year", "source")}
        issues, _, _ = await run_in_threadpool(read_holdings, studio.series_dir, here.path)
        values = {"where": here, "form": form, "series_choices": series_choices(studio.series_dir, issues),
                  "hits": None, "total": 0, "field_errors": {}, "problem": None, "notes": [], "more_href": "",
                  "top_query": form["q"]}  # fmt: skip
        if "q" not in params:  # the page opened: nothing asked yet
            return studio.render("search.html", **values)
        year, year_error = parse_year(form["year"])
        if year_error:
            values["field_errors"]["year"] = year_error
        if not form["q"]:
            values["field_errors"]["q"] = "请输入要找的词（多个词用空格分开，须同时出现）。"
        if not here.path.is_dir():
            values["problem"] = absent(here.path)
        if values["field_errors"] or values["problem"]:
            return studio.render("search.html", 400 if values["field_errors"] else 200, **values)
        try:
            found = await run_in_threadpool(services.search, form["q"], here.path, form["series"] or None, year,
                                            form["source"] or None)  # fmt: skip
        except UserError as exc:
            values["field_errors"]["q"] = said(exc)
            return studio.render("search.html", status_of(exc), **values)
        hits = found.hits if params.get("all") == "1" else found.hits[:HITS_SHOWN]
        numbers = issue_folders_by_number(studio.series_dir)
        values.update(hits=[hit_row(h, numbers) for h in hits], total=len(found.hits),
                      notes=[finding(w, studio.series_dir) for w in found.warnings])  # fmt: skip
        if len(hits) < len(found.hits):
            values["more_href"] = "/archive/search?" + urlencode({**form, "all": "1"})
        return studio.render("search.html", **values)

    return [Route("/archive/search", search_page)]
