"""Import by upload: .docx, .doc, .wps, .rtf, .odt, .txt and .md files dropped on a section (or chosen with its
file button) become items of that section, as ``zhuanbao import`` makes them (services.import_upload); what
check finds in each new item and what the submission lost are shown at once on the issue page. The older
word-processor files are converted by the preview's LibreOffice (kept running: a fraction of a second each),
in a worker thread, so the studio goes on answering meanwhile."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import itemfile, services
from ...diagnostics import UserError
from ...load.text import CONTROL_CHARS
from ..pages import address, findings
from ..paths import issue_dir
from ..state import Studio, TooManyFiles, heading

MAX_FILES = 20  # per upload; static/items.js says so before sending (the form's data-max-files)


def shown_name(name: str | None) -> str:
    """The file's name as the browser sent it, for the editor to recognise (escaped by the page, never a path)."""
    name = CONTROL_CHARS.sub("", name or "").strip()
    return (name[:120] + "…" if len(name) > 120 else name) or "（没有名字的文件）"


def issue_context(studio: Studio, folder: Path, checked: list) -> dict:
    """How many files one upload takes, for the sections' forms (and items.js, which says so before sending)."""
    return {"upload_max_files": MAX_FILES}


def routes(studio: Studio) -> list[Route]:
    async def upload(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        try:
            posted = await studio.form(request, max_files=MAX_FILES)
        except TooManyFiles:  # nothing is imported: which twenty would be the editor's to say
            return studio.render("upload_refused.html", 400, issue=folder.name, heading=heading(folder), results=[],
                                 reason=f"一次最多导入 {MAX_FILES} 个文件，这次选择的文件多于 {MAX_FILES} 个："
                                        "没有导入任何文件。请分几次导入。")  # fmt: skip
        section = str(posted.get("section", ""))
        source = " ".join(str(posted.get("source", "")).split())
        files = [f for f in posted.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
        results = []
        preview = studio.parts.get("preview")  # its LibreOffice, shared: one conversion at a time
        convert = getattr(preview, "to_docx", None)
        for file in files:
            name = shown_name(file.filename)
            try:
                imported = await run_in_threadpool(services.import_upload, await file.read(), file.filename or "",
                                                   folder, section, source, convert)  # fmt: skip
            except UserError as exc:
                results.append({"file": name, "errors": findings(exc.diagnostics)})
                continue
            results.append({"file": name, "errors": [], "name": imported.target.name,
                            "title": itemfile.read_form(imported.target).title, "left_out": list(imported.left_out),
                            "pictures": len(imported.pictures), "findings": findings(imported.findings, studio.series_dir)})  # fmt: skip
        if not any(not r["errors"] for r in results):  # nothing written: said here, and nothing to reload
            return studio.render("upload_refused.html", 400, issue=folder.name, heading=heading(folder),
                                 results=results, reason="" if results else "没有选择文件。请选择或拖入 .docx、.doc、.wps、.rtf、.odt、.txt 或 .md 文件。")  # fmt: skip
        studio.notify(folder, "items", {"kind": "imported", "section": section, "results": results})
        return RedirectResponse(address("issue", folder.name) + "#notices", status_code=303)

    return [Route("/issue/{issue}/upload", upload, methods=["POST"])]
