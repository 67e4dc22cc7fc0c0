"""Check as you type and 一键修正 on the item page, for its script (static/check.js), in JSON.

The form's unsaved fields and body are checked as ``check`` would find them
once saved (``services.check_item_text``), each finding placed by the field
it concerns, body findings with the line of the body box. 一键修正 answers
with what ``check --fix`` would change in that text, line by line with the
changed characters marked, and the form's fields as they would become: the
script shows it and fills the form only when the editor agrees; saving stays
the ordinary save. Neither route changes a file; both are POSTs with the
session's CSRF token, since they take the whole text of an item.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ... import itemfile, services
from ...diagnostics import UserError
from ..pages import SECURITY_HEADERS, finding, findings
from ..paths import NotFound, item_path
from ..state import Studio

#: A bulletin item is a few KB; a text past this is a paste gone wrong, not something to check per keystroke.
MAX_TEXT = 1024 * 1024
#: Characters kept either side of a change in the fix preview; the rest of a long line is elided.
CONTEXT = 12


def routes(studio: Studio) -> list[Route]:
    async def posted(request: Request) -> tuple[Path, dict | None, str]:
        path = item_path(studio.series_dir, request.path_params["issue"], request.path_params["name"])
        data = await studio.json(request, MAX_TEXT)
        values = {key: data.get(key, "") for key in (*itemfile.FIELDS, "body")}
        if not all(isinstance(value, str) for value in values.values()):
            raise HTTPException(400, "请求的内容无法读取。请刷新页面后再试。")
        fields = None if data.get("whole") else itemfile.form_fields(values)  # whole: the box holds the whole file
        return path, fields, values["body"]

    async def check_item(request: Request):
        path, fields, body = await posted(request)
        try:
            found = await run_in_threadpool(services.check_item_text, path, fields, body)
        except UserError as exc:  # the file on disk cannot be read to fill in what the form keeps of it
            shown = [finding(d, studio.series_dir, (path, itemfile.WHOLE_FILE)) for d in exc.diagnostics]
            return _reply({"findings": shown, "errors": len(shown), "warnings": 0})
        where = itemfile.WHOLE_FILE if fields is None else itemfile.places(found.text, path)
        shown = findings(found.findings, studio.series_dir, (path, where))
        return _reply({"findings": shown, "errors": sum(f["severity"] == "error" for f in shown),
                       "warnings": sum(f["severity"] == "warning" for f in shown)})  # fmt: skip

    async def fix_item(request: Request):
        path, fields, body = await posted(request)
        try:
            fix = await run_in_threadpool(services.fix_item_text, path, fields, body)
        except UserError as exc:
            raise HTTPException(400, exc.message) from None
        where = itemfile.WHOLE_FILE if fields is None else itemfile.places(fix.text, path)
        before, after = itemfile.form_of(fix.text, path), itemfile.form_of(fix.fixed, path)
        changes = []
        for index, (old, new) in enumerate(zip(fix.text.split("\n"), fix.fixed.split("\n"))):
            if old == new:
                continue
            field, body_line = where.of(index + 1)
            if field == "title":  # the title as the form shows it, not its YAML line(s)
                if any(change["field"] == "title" for change in changes):
                    continue
                old, new = before.title, after.title
            changes.append({"field": field, "line": index + 1, "body_line": body_line, **_marked(old, new)})
        form = {key: getattr(after, key) for key in (*itemfile.FIELDS, "body")} if fields is not None else {
            "body": fix.fixed}  # fmt: skip
        return _reply({"changes": changes, "form": form,
                       "findings": [finding(d, studio.series_dir, (path, where)) for d in fix.findings]})  # fmt: skip

    return [
        Route("/issue/{issue}/item/{name}/check", _as_json(check_item), methods=["POST"]),
        Route("/issue/{issue}/item/{name}/fix", _as_json(fix_item), methods=["POST"]),
    ]


def _reply(data: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status, headers=SECURITY_HEADERS)


def _as_json(endpoint):
    """The route's refusals as JSON ``{"error": …}`` in Chinese, for the script to show by the form."""

    async def answered(request: Request):
        try:
            return await endpoint(request)
        except NotFound:
            return _reply({"error": "找不到这篇稿件。它可能已被改名或删除。"}, 404)
        except HTTPException as exc:
            return _reply({"error": exc.detail}, exc.status_code)

    return answered


def _marked(old: str, new: str) -> dict:
    """A changed line before and after, each as segments with the changed characters marked (del / ins)."""
    before, after = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            before.append(["", old[i1:i2]])
            after.append(["", new[j1:j2]])
            continue
        if i2 > i1:
            before.append(["del", old[i1:i2]])
        if j2 > j1:
            after.append(["ins", new[j1:j2]])
    return {"before": _elided(before), "after": _elided(after)}


def _elided(segments: list[list[str]]) -> list[list[str]]:
    """Long unchanged stretches cut to CONTEXT characters around the changes (a paragraph is one line)."""
    shown = []
    for index, (mark, text) in enumerate(segments):
        if not mark and len(text) > 2 * CONTEXT:
            first, last = index == 0, index == len(segments) - 1
            text = ("…" + text[-CONTEXT:]) if first else (text[:CONTEXT] + "…") if last else (
                text[:CONTEXT] + "…" + text[-CONTEXT:])  # fmt: skip
        shown.append([mark, text])
    return shown
