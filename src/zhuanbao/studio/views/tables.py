"""The issue's indicator tables: listed on the issue page, uploaded, attached with a form, computed as printed.

Every change is a use case (``upload_table``, ``save_table``,
``remove_table``); a table's page shows ``services.table_view``: the cells
``indicators.compute`` formatted for the document, or the problems that stop
it, a bad figure marked in the table as typed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ... import issuefile, services, tablefile
from ...diagnostics import UserError
from ...model import ANNEX
from ..issues import series_or_error
from ..pages import address, finding, findings
from ..paths import NotFound, issue_dir
from ..state import Studio, heading
from .settings import field_findings, unplaced

FORM_FIELDS = (*issuefile.TABLE_FIELDS, "sheet_shown")


def issue_context(studio: Studio, folder: Path, findings: list) -> dict:
    """The issue page's table list: each entry of issue.yaml's tables: with its title, section and file."""
    file = issuefile.read(folder)
    rows = []
    for entry in file.data.get("tables") or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("file") or "")
        rows.append({"id": str(entry.get("id") or ""), "title": str(entry.get("title") or ""),
                     "section": str(entry.get("section") or ""), "file": name,
                     "missing": bool(name) and not (folder / name.replace("\\", "/")).is_file()})  # fmt: skip
    return {"tables_panel": {"tables": rows, "files": tablefile.data_files(folder)}}


def _table(folder: Path, table_id: str) -> tuple[issuefile.IssueFile, int]:
    file = issuefile.read(folder)
    try:
        return file, issuefile.table_index(file, table_id)
    except issuefile.NoSuchTable:
        raise NotFound("这张表") from None


def _field_of(index: int):
    def field(key: tuple) -> str | None:
        if len(key) > 2 and key[:2] == ("tables", index) and key[2] in issuefile.TABLE_FIELDS:
            return str(key[2])
        return None

    return field


def routes(studio: Studio) -> list[Route]:
    def folder_of(request: Request) -> Path:
        return issue_dir(studio.series_dir, request.path_params["issue"])

    def table_form(request: Request, folder: Path, values: dict, sha: str, table_id: str | None, errors=(),
                   status: int = 200):  # fmt: skip
        file = issuefile.read(folder)
        tables = [e for e in file.data.get("tables") or [] if isinstance(e, dict)]
        index = issuefile.table_index(file, table_id) if table_id else len(tables)
        series, _ = series_or_error(studio.series_dir)
        files = tablefile.data_files(folder)
        if values.get("file") and values["file"] not in files:
            files.append(values["file"])
        columns = tablefile.columns(folder, values["file"], values.get("sheet") or None) if values.get("file") else None
        if columns and columns.sheets and not values.get("sheet"):
            values["sheet"] = columns.sheets[0]
        elif columns and columns.sheets and values["sheet"].isdigit() and values["sheet"] not in columns.sheets:
            position = int(values["sheet"])  # sheet: 0 in issue.yaml: the form shows its name
            values["sheet"] = columns.sheets[position] if position < len(columns.sheets) else values["sheet"]
        if "sheet_shown" not in values:
            values["sheet_shown"] = values.get("sheet", "")
        by_field, others = field_findings(errors, studio.series_dir, _field_of(index))
        return studio.render("table_form.html", status, issue=folder.name, heading=heading(folder), values=values,
                             sha256=sha, table_id=table_id or "", files=files, columns=columns,
                             sections=[*(series.sections if series else []), ANNEX], by_field=by_field, others=others,
                             uploaded=request.query_params.get("uploaded", ""), clash=request.query_params.get("clash", ""),
                             same=bool(request.query_params.get("same")),
                             using_clash=[t for t in tables if t.get("file") == request.query_params.get("clash")])  # fmt: skip

    async def new_table_page(request: Request):
        folder = folder_of(request)
        file = issuefile.read(folder)
        name = request.query_params.get("file", "")
        taken = [str(e.get("id")) for e in file.data.get("tables") or [] if isinstance(e, dict)]
        values = {key: "" for key in issuefile.TABLE_FIELDS}
        values.update({"file": name, "sheet": request.query_params.get("sheet", ""), "decimals": "1", "total": "1",
                       "id": tablefile.suggest_id(name, taken) if name else ""})  # fmt: skip
        return table_form(request, folder, values, file.sha256, None)

    async def edit_table_page(request: Request):
        folder = folder_of(request)
        file, index = _table(folder, request.path_params["id"])
        values = issuefile.table_form(file.data["tables"][index])
        if "file" in request.query_params:  # another file or sheet chosen: the form is made again for it
            values["sheet_shown"] = values["sheet"] if request.query_params["file"] == values["file"] else ""
            values["file"] = request.query_params["file"]
            values["sheet"] = request.query_params.get("sheet", "")
        mine = [d for d in file.problems if d.location.key[:2] == ("tables", index)]
        return table_form(request, folder, values, file.sha256, request.path_params["id"], mine)

    async def save(request: Request, table_id: str | None):
        folder = folder_of(request)
        if table_id is not None:
            _table(folder, table_id)
        posted = await studio.form(request)
        values = {key: str(posted.get(key, "")) for key in FORM_FIELDS if key in posted or key != "sheet_shown"}
        sha = str(posted.get("sha256", ""))
        try:
            saved = services.save_table(folder, sha, values, table_id)
        except issuefile.Stale as stale:
            mine = [(key, values.get(key, "")) for key in issuefile.TABLE_FIELDS if values.get(key)]
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what=f"表“{values.get('title') or table_id}”", action=request.url.path,
                                 back=address("issue", folder.name, "table", table_id) + "/edit" if table_id
                                 else address("issue", folder.name) + f"/tables/new?{urlencode({'file': values.get('file', '')})}",
                                 disk=stale.disk_text, disk_sha=stale.disk_sha, values=values, mine=mine)  # fmt: skip
        except issuefile.NoSuchTable:
            raise NotFound("这张表") from None
        except UserError as exc:
            return table_form(request, folder, values, sha, table_id, [unplaced(d) for d in exc.diagnostics], 400)
        return RedirectResponse(address("issue", folder.name, "table", saved) + "?saved=1", status_code=303)

    async def save_new(request: Request):
        return await save(request, None)

    async def save_edit(request: Request):
        return await save(request, request.path_params["id"])

    def view_of(request: Request, folder: Path):
        try:
            return services.table_view(folder, request.path_params["id"])
        except issuefile.NoSuchTable:
            raise NotFound("这张表") from None

    async def table_page(request: Request):
        folder = folder_of(request)
        view = view_of(request, folder)
        problems = findings(view.problems, studio.series_dir)
        return studio.render("table.html", issue=folder.name, heading=heading(folder), view=view, problems=problems,
                             table_id=request.path_params["id"], saved=bool(request.query_params.get("saved")))  # fmt: skip

    async def chart(request: Request):
        view = view_of(request, folder_of(request))
        if view.indicator is None or view.indicator.chart is None:
            raise NotFound("这张表的完成率图")
        from ...chart import bar_chart

        return Response(bar_chart(view.indicator), media_type="image/png", headers={"Cache-Control": "no-store"})

    async def remove_page(request: Request):
        folder = folder_of(request)
        file, index = _table(folder, request.path_params["id"])
        entry = file.data["tables"][index]
        return studio.render("table_remove.html", issue=folder.name, heading=heading(folder), entry=entry,
                             table_id=request.path_params["id"], sha256=file.sha256)  # fmt: skip

    async def remove(request: Request):
        folder = folder_of(request)
        table_id = request.path_params["id"]
        _table(folder, table_id)
        posted = await studio.form(request)
        try:
            services.remove_table(folder, str(posted.get("sha256", "")), table_id)
        except issuefile.Stale as stale:
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what=f"删除表“{table_id}”", action=request.url.path,
                                 back=address("issue", folder.name, "table", table_id) + "/remove", disk=stale.disk_text,
                                 disk_sha=stale.disk_sha, values={}, mine=[("删除", table_id)])  # fmt: skip
        except issuefile.NoSuchTable:
            raise NotFound("这张表") from None
        except UserError as exc:
            file = issuefile.read(folder)
            return studio.render("table_remove.html", 400, issue=folder.name, heading=heading(folder),
                                 entry=file.data["tables"][issuefile.table_index(file, table_id)], table_id=table_id,
                                 sha256=file.sha256, problems=[finding(unplaced(d)) for d in exc.diagnostics])  # fmt: skip
        removed = urlencode({"removed": table_id})
        return RedirectResponse(address("issue", folder.name) + f"?{removed}#tables", status_code=303)

    async def upload(request: Request):
        folder = folder_of(request)
        posted = await studio.form(request, max_files=1)
        sent = posted.get("file")
        try:
            if not isinstance(sent, UploadFile) or not sent.filename:
                raise UserError("请先选择要上传的表格文件（CSV 或 .xlsx）")
            uploaded = services.upload_table(folder, sent.filename, await sent.read())
        except UserError as exc:
            return studio.render("table_upload.html", 400, issue=folder.name, heading=heading(folder),
                                 problems=findings(exc.diagnostics, studio.series_dir))  # fmt: skip
        query = {"file": uploaded.name, "uploaded": uploaded.name}
        if uploaded.clash:
            query["clash"] = uploaded.clash
        if uploaded.same:
            query["same"] = "1"
        return RedirectResponse(address("issue", folder.name) + f"/tables/new?{urlencode(query)}", status_code=303)

    return [
        Route("/issue/{issue}/tables/upload", upload, methods=["POST"]),
        Route("/issue/{issue}/tables/new", new_table_page),
        Route("/issue/{issue}/tables/new", save_new, methods=["POST"]),
        Route("/issue/{issue}/table/{id}", table_page),
        Route("/issue/{issue}/table/{id}/chart.png", chart),
        Route("/issue/{issue}/table/{id}/edit", edit_table_page),
        Route("/issue/{issue}/table/{id}/edit", save_edit, methods=["POST"]),
        Route("/issue/{issue}/table/{id}/remove", remove_page),
        Route("/issue/{issue}/table/{id}/remove", remove, methods=["POST"]),
    ]
