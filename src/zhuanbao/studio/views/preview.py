"""The printed pages beside the issue and its items, and the issue's .docx and PDF to download.

The pane (``_preview_pane.html``, filled and kept current by ``static/preview.js``)
shows the pages as LibreOffice prints them; ``GET /issue/{issue}/pages/state``
says what it should show (and notices a change of the issue's files), and
``GET /issue/{issue}/pages/{n}.png`` serves only the images the preview made.
The downloads build the files ``zhuanbao build --pdf`` would, in the same
output folder, and send them with their Chinese names.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from ... import export
from ...diagnostics import HeldOpenError, UserError
from ..pages import SECURITY_HEADERS, findings
from ..paths import NotFound, issue_dir
from ..previews import Previewer
from ..state import Studio

KINDS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "pdf": ("application/pdf", True),
}


def previewer(studio: Studio) -> Previewer:
    return studio.parts["preview"]  # type: ignore[return-value]


def pages_url(issue: str) -> str:
    return f"/issue/{quote(issue, safe='')}/pages"


def issue_context(studio: Studio, folder: Path, findings: list) -> dict:
    """The pane as last made (the script asks for the current state at once, which also starts making
    the pages: a page that is only read, in a test or without scripts, never starts LibreOffice) and what
    the download buttons need."""
    preview = previewer(studio)
    return {"preview": preview.state(folder, pages_url(folder.name)),
            "pdf_hint": "" if preview.available() else export.install_hint()}  # fmt: skip


def attachment(name: str, fallback: str) -> str:
    """Content-Disposition for a file with a Chinese name (RFC 6266 with RFC 5987's filename*), and a plain
    ASCII name for the rare client that reads only ``filename``."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def routes(studio: Studio) -> list[Route]:
    studio.parts["preview"] = preview = Previewer(studio.series_dir, studio.output,
                                                  lambda folder, error: studio.record_build(folder, "预览", error))

    def pane_state(request: Request):  # a plain function: Starlette runs it in a worker thread
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        preview.check(folder)
        return JSONResponse(preview.state(folder, pages_url(folder.name)), headers=SECURITY_HEADERS)

    def page_image(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        path = preview.page(folder, request.path_params["n"], request.query_params.get("v"))
        if path is None or not path.is_file():
            raise NotFound("这一页的图片（预览已经更新，请刷新页面）")
        headers = dict(SECURITY_HEADERS, **{"Cache-Control": "private, max-age=86400"})  # the ?v= names one set
        return FileResponse(path, media_type="image/png", headers=headers)

    async def download(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        kind = request.path_params["kind"]
        if kind not in KINDS:
            raise NotFound("这种文件")
        media_type, pdf = KINDS[kind]
        try:
            path = await run_in_threadpool(preview.download, folder, pdf)
        except UserError as exc:
            if not isinstance(exc, HeldOpenError):  # the document made, only not replaced: no build error
                studio.record_build(folder, "下载", exc)
            return studio.render("download_failed.html", 409 if isinstance(exc, HeldOpenError) else 400,
                                 issue=folder.name, kind="PDF" if pdf else "Word 文档",
                                 findings=findings(exc.diagnostics, studio.series_dir))  # fmt: skip
        studio.record_build(folder, "下载")
        fallback = f"{folder.name}.{kind}" if folder.name.isascii() and '"' not in folder.name else f"zhuanbao.{kind}"
        headers = dict(SECURITY_HEADERS, **{"Content-Disposition": attachment(path.name, fallback)})
        return FileResponse(path, media_type=media_type, headers=headers)

    return [
        Route("/issue/{issue}/pages/state", pane_state),
        Route("/issue/{issue}/pages/{n:int}.png", page_image),
        Route("/issue/{issue}/download/{kind}", download),
    ]
