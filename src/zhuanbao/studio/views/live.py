"""The stream of changes on disk that open pages listen to (see studio/live.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from ..live import Changes
from ..state import Studio


def routes(studio: Studio) -> list[Route]:
    changes = Changes(studio.series_dir, ignored=(studio.output,))
    studio.changes = changes

    async def events(request: Request):
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(changes.listen(), media_type="text/event-stream", headers=headers)

    return [Route("/events", events)]
