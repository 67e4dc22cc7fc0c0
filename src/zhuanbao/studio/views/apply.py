"""比对修改稿: the document the leaders edited in Word, dropped on the issue page, compared with the issue as
it builds now (services.apply_upload, as ``zhuanbao apply``); the page lists per item what changed and what
the editor must do by hand, and 写入稿件 writes exactly the changes shown (the page carries their digest).

Between the two steps the dropped document is kept in memory (a few, the newest), never on disk: the studio
writes no file itself, and a restarted studio simply asks for the document again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.routing import Route

from ... import services
from ...diagnostics import ConflictError, UserError
from ..pages import findings
from ..paths import issue_dir
from ..state import Studio, TooManyFiles, heading
from .upload import shown_name

KEPT = 4  # dropped documents kept between 比对 and 写入稿件


class Dropped:
    """The documents dropped for comparison, by the sha256 of their bytes (the newest few)."""

    def __init__(self) -> None:
        self.files: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    def keep(self, name: str, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        self.files[key] = (name, data)
        self.files.move_to_end(key)
        while len(self.files) > KEPT:
            self.files.popitem(last=False)
        return key

    def get(self, key: str) -> tuple[str, bytes] | None:
        return self.files.get(key)


def routes(studio: Studio) -> list[Route]:
    dropped = studio.parts.setdefault("apply", Dropped())

    def shown(folder: Path, status: int = 200, **values):
        return studio.render("apply.html", status, issue=folder.name, heading=heading(folder), **values)

    def refused(folder: Path, error: UserError, name: str, status: int | None = None):
        status = status or (409 if isinstance(error, ConflictError) else 400)
        return shown(folder, status, name=name, errors=findings(error.diagnostics, studio.series_dir))

    async def compare(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        try:
            posted = await studio.form(request, max_files=1)
        except TooManyFiles:
            return shown(folder, 400, name="", errors=[], reason="一次比对一份文档：请只拖入领导改过的那一份 Word 文档。")
        file = posted.get("document")
        if not isinstance(file, UploadFile) or not (file.filename or file.size):
            return shown(folder, 400, name="", errors=[], reason="没有选择文件。请选择或拖入领导改过的专报 Word 文档（.docx）。")
        name, data = shown_name(file.filename), await file.read()
        try:
            result = await run_in_threadpool(services.apply_upload, data, file.filename or "", folder)
        except UserError as exc:
            return refused(folder, exc, name)
        return shown(folder, name=name, review=result.review, seen=result.seen, document=dropped.keep(name, data))

    async def write(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        kept = dropped.get(str(posted.get("document", "")))
        if kept is None:
            return shown(folder, 409, name="", errors=[],
                         reason="比对的文档已不在编辑器中（编辑器重启过，或之后又比对了多份文档），没有写入任何稿件。请重新拖入文档比对。")  # fmt: skip
        name, data = kept
        try:
            result = await run_in_threadpool(services.apply_upload, data, name, folder, True, str(posted.get("seen", "")))
        except UserError as exc:
            return refused(folder, exc, name)
        return shown(folder, name=name, review=result.review, written=result.written)

    return [Route("/issue/{issue}/apply", compare, methods=["POST"]),
            Route("/issue/{issue}/apply/write", write, methods=["POST"])]  # fmt: skip
