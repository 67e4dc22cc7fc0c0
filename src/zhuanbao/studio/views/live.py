"""The stream of changes on disk that open pages listen to (see studio/live.py)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from ..live import Changes, versions
from ..paths import NotFound, inside
from ..state import Studio


def routes(studio: Studio) -> list[Route]:
    changes = Changes(studio.series_dir, ignored=(studio.output,))
    studio.changes = changes

    async def events(request: Request):
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(changes.listen(), media_type="text/event-stream", headers=headers)

    async def now(request: Request):
        """The versions of what a page shows, as they are now: a page asks once its stream is open, so a
        change made between its rendering and its listening is not missed."""
        issue = request.query_params.get("issue", "")
        item = request.query_params.get("item", "")
        touched: set[Path] = set()
        try:
            if issue:
                touched.add(inside(studio.series_dir, issue))
            if item:
                touched.add(inside(studio.series_dir, *item.split("/")))
        except NotFound:
            touched = set()
        event = await run_in_threadpool(versions, studio.series_dir, touched)
        return JSONResponse(event, headers={"Cache-Control": "no-store"})

    return [Route("/events", events), Route("/events/now", now)]
