"""供稿统计: ``zhuanbao stats`` for a chosen year and series, as tables (the counts, and each year's scores per
unit and level), and the .xlsx (one assessment sheet per year) and .csv it saves.

By default this series and its latest year: 供稿统计 is the office's yearly
count for one bulletin (the form offers 全部刊物 and 全部年份). The files are
written by the use case into a temporary folder of their own and handed to
the browser with a Chinese file name (RFC 5987); the studio writes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ... import services
from ...diagnostics import UserError
from ...fsio import safe_name
from ...model import LEVELS
from ..archives import absent, ascii_name, attachment, parse_year, place, read_holdings, said, series_choices, status_of
from ..pages import finding
from ..state import Studio

FILE_KINDS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def routes(studio: Studio) -> list[Route]:
    def asked(request: Request, issues):
        """(year, series folder, field errors) from the form; by default this series and its latest year."""
        params = request.query_params
        choices = series_choices(studio.series_dir, issues)
        series = params.get("series", next((c["key"] for c in choices if c["own"]), "")).strip()
        errors = {}
        if series and series not in [c["key"] for c in choices]:
            errors["series"] = "归档中没有这个刊物。"
        if "year" in params:
            year, error = parse_year(params.get("year", "").strip())
            if error:
                errors["year"] = error
        else:
            year = max((i.year for i in issues if not series or i.series_key == series), default=None)
        return year, series, errors

    async def stats_page(request: Request):
        here = place(studio.series_dir)
        issues, warnings, problem = await run_in_threadpool(read_holdings, studio.series_dir, here.path)
        year, series, errors = asked(request, issues)
        values = {"where": here, "year": year, "series": series, "years": sorted({i.year for i in issues}, reverse=True),
                  "series_choices": series_choices(studio.series_dir, issues), "field_errors": errors, "tables": None,
                  "notes": warnings, "problem": None, "downloads": {}, "scores": [],
                  "levels": LEVELS}  # fmt: skip
        if problem is not None or not issues:
            values["problem"] = said(problem) if problem else absent(here.path)
            return studio.render("stats.html", 400 if problem else 200, **values)
        if errors:
            return studio.render("stats.html", 400, **values)
        try:
            counted = await run_in_threadpool(services.stats, here.path, year, series or None)
        except UserError as exc:
            values["problem"] = said(exc)
            return studio.render("stats.html", status_of(exc), **values)
        query = urlencode({"year": "" if year is None else year, "series": series})
        values.update(tables=counted.tables, scores=counted.scores, notes=warnings + [finding(w, studio.series_dir) for w in counted.warnings],
                      downloads={kind: f"/archive/stats.{kind}?{query}" for kind in FILE_KINDS})  # fmt: skip
        return studio.render("stats.html", **values)

    async def stats_file(request: Request):
        kind = request.path_params["kind"]
        if kind not in FILE_KINDS:
            return studio.render("error.html", 404, title="找不到", reason="只能下载 .xlsx 或 .csv 格式的供稿统计。")
        here = place(studio.series_dir)
        issues, _, problem = await run_in_threadpool(read_holdings, studio.series_dir, here.path)
        year, series, errors = asked(request, issues)
        if problem is not None or not issues or errors:
            reason = "；".join([said(problem)] if problem else [*errors.values()]) or absent(here.path)
            return studio.render("error.html", 400, title="无法下载供稿统计", reason=reason)
        title = next((i.series for i in issues if i.series_key == series), "") if series else ""
        what = "，".join(part for part in (f"{year}年" if year else "全部年份", title) if part)
        name = safe_name(f"供稿统计（{what}）") + f".{kind}"
        try:
            data = await run_in_threadpool(saved, here.path, year, series or None, kind)
        except UserError as exc:
            return studio.render("error.html", status_of(exc), title="无法下载供稿统计", reason=said(exc))
        headers = {"Content-Disposition": attachment(name, ascii_name(f"stats-{year or 'all'}.{kind}"))}
        return Response(data, media_type=FILE_KINDS[kind], headers=headers | {"Cache-Control": "no-store"})

    return [Route("/archive/stats", stats_page), Route("/archive/stats.{kind}", stats_file)]


def saved(archive: Path, year: int | None, series: str | None, kind: str) -> bytes:
    """The file as ``stats --xlsx``/``--csv`` saves it, written by the use case into a folder that is removed after."""
    with tempfile.TemporaryDirectory(prefix="zhuanbao-stats-") as folder:
        target = Path(folder) / f"stats.{kind}"
        counted = services.stats(archive, year, series, **{kind: target})
        if counted.failed:
            raise UserError.of(counted.failed)
        return target.read_bytes()
