"""The issue's indicator tables: listed on the issue page, uploaded, attached with a form, computed as printed.

Every change is a use case (``upload_table``, ``save_table``,
``remove_table``); a table's page shows ``services.table_view``: the cells
``indicators.compute`` formatted for the document, or the problems that stop
it, a bad figure marked in the table as typed. The table form carries its
base (the fields as loaded), so a save writes only what the editor changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ... import issuefile, services, tablefile
from ...diagnostics import UserError
from ...model import ANNEX
from ..formfields import conflict_rows, field_findings, hidden_base, in_form_words, posted_base
from ..issues import series_or_error
from ..pages import address, findings
from ..paths import NotFound, issue_dir
from ..state import Studio, heading
from .settings import unreadable

#: each field as the form labels it (its messages and the conflict page speak of it so)
LABELS = {"id": "代号", "file": "数据文件", "sheet": "工作表", "title": "表题", "section": "栏目", "target": "目标数列",
          "actual": "完成数列", "rank": "按完成率排名", "as_of": "统计截止日期", "chart": "完成率柱状图",
          "decimals": "完成率小数位", "note": "表下注释", "total": "合计行", "header_row": "表头所在行",
          "skip_rows": "不读的行", "columns": "印出的列", "rate": "表中自带的完成率列"}  # fmt: skip
CHECKBOXES = ("rank", "chart", "total")
#: typed in the form that reads the file's header (with the file and sheet): where the header is, what to skip
SOURCE_FIELDS = ("header_row", "skip_rows")


def issue_context(studio: Studio, folder: Path, findings: list) -> dict:
    """The issue page's table list: each entry of issue.yaml's tables: with its title, section and file."""
    file = issuefile.read(folder)
    rows = []
    for entry in file.data.get("tables") or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("file") or "")
        rows.append({"id": str(entry.get("id") or ""), "title": str(entry.get("title") or ""),
                     "section": str(entry.get("section") or ""), "file": name or ("数据库查询" if entry.get("query") else ""),
                     "missing": bool(name) and not (folder / name.replace("\\", "/")).is_file()})  # fmt: skip
    return {"tables_panel": {"tables": rows, "files": tablefile.data_files(folder)}}


def _table(folder: Path, table_id: str) -> tuple[issuefile.IssueFile, int]:
    file = issuefile.read(folder)
    try:
        return file, issuefile.table_index(file, table_id)
    except issuefile.NoSuchTable:
        raise NotFound("这张表") from None


def shown(field: str, values: Mapping[str, str]) -> str:
    """A field's value as the conflict page shows it."""
    if field in CHECKBOXES:
        return "是" if values.get(field) else "否"
    return " ".join(str(values.get(field, "")).split()) or "（空）"


def with_sheet(folder: Path, values: dict) -> tuple[dict, tablefile.Columns | None]:
    """The fields as the form shows them: an Excel file's sheet named (its first when issue.yaml names none,
    the name of the one an index names), and the file's sheets and header."""
    values = dict(values)
    columns = tablefile.columns(folder, values["file"], values.get("sheet") or None, *_layout(values)) if values.get("file") else None
    if columns and columns.sheets and not values.get("sheet"):
        values["sheet"] = columns.sheets[0]
    elif columns and columns.sheets and values["sheet"].isdigit() and values["sheet"] not in columns.sheets:
        position = int(values["sheet"])  # sheet: 0 in issue.yaml: the form shows its name
        values["sheet"] = columns.sheets[position] if position < len(columns.sheets) else values["sheet"]
    if not (columns and columns.sheets):
        values["sheet"] = ""  # a CSV has none (the form posts none)
    return values, columns


def _layout(values: Mapping[str, str]) -> tuple[list[int] | None, frozenset[int]]:
    """The header rows and skipped rows the form names, for reading the file's header as the build will."""
    errors: list = []
    header = issuefile.row_numbers(str(values.get("header_row", "")), (), "", errors, Path())
    skip = issuefile.row_numbers(str(values.get("skip_rows", "")), (), "", errors, Path())
    as_list = lambda rows: [rows] if isinstance(rows, int) else rows  # noqa: E731
    return as_list(header) or None, frozenset(as_list(skip) or [])


def _field_of(index: int):
    def field(key: tuple) -> str | None:
        if len(key) > 2 and key[:2] == ("tables", index) and key[2] in issuefile.TABLE_FIELDS:
            return str(key[2])
        return None

    return field


def routes(studio: Studio) -> list[Route]:
    def folder_of(request: Request) -> Path:
        return issue_dir(studio.series_dir, request.path_params["issue"])

    def readable(handler):
        """A page about issue.yaml's tables, or the reason issue.yaml cannot be read (and where to mend it)."""

        async def checked(request: Request):
            folder = folder_of(request)
            file = issuefile.read(folder)
            if not file.readable:
                return unreadable(studio, folder, file, status=400, settings=False)
            return await handler(request)

        return checked

    def table_form(request: Request, folder: Path, values: dict, base: dict | None, sha: str, table_id: str | None,
                   errors=(), status: int = 200):  # fmt: skip
        """The table form; ``values`` as typed (or loaded), ``base`` the fields as loaded (None: a new table)."""
        file = issuefile.read(folder)
        if not file.readable:
            return unreadable(studio, folder, file, status=400, settings=False)
        tables = [e for e in file.data.get("tables") or [] if isinstance(e, dict)]
        index = issuefile.table_index(file, table_id) if table_id else len(tables)
        series, _ = series_or_error(studio.series_dir)
        files = tablefile.data_files(folder)
        if values.get("file") and values["file"] not in files:
            files.append(values["file"])
        values, columns = with_sheet(folder, values)
        clash = request.query_params.get("clash", "")  # a file of the upload's name kept: the tables that use it
        by_field, others = field_findings(errors, studio.series_dir, _field_of(index), LABELS)
        return studio.render("table_form.html", status, issue=folder.name, heading=heading(folder), values=values,
                             loaded=hidden_base(base), sha256=sha, table_id=table_id or "", unsaved=status >= 400,
                             files=files, columns=columns, sections=[*(series.sections if series else []), ANNEX],
                             by_field=by_field, others=others,
                             uploaded=request.query_params.get("uploaded", ""), clash=clash,
                             same=bool(request.query_params.get("same")),
                             using_clash=[t for t in tables if clash and t.get("file") == clash])  # fmt: skip

    async def new_table_page(request: Request):
        folder = folder_of(request)
        file = issuefile.read(folder)
        name = request.query_params.get("file", "")
        taken = [str(e.get("id")) for e in file.data.get("tables") or [] if isinstance(e, dict)]
        values = {key: "" for key in issuefile.TABLE_FIELDS}
        values.update({"file": name, "sheet": request.query_params.get("sheet", ""), "decimals": "1", "total": "1",
                       "id": tablefile.suggest_id(name, taken) if name else ""})  # fmt: skip
        values.update({key: request.query_params.get(key, "") for key in SOURCE_FIELDS})
        return table_form(request, folder, values, None, file.sha256, None)

    async def edit_table_page(request: Request):
        folder = folder_of(request)
        file, index = _table(folder, request.path_params["id"])
        base, _ = with_sheet(folder, issuefile.table_form(file.data["tables"][index]))
        values = dict(base)
        if "file" in request.query_params:  # another file or sheet chosen: the form is made again for it
            values["file"] = request.query_params["file"]
            values["sheet"] = request.query_params.get("sheet", "")
            values.update({key: request.query_params.get(key, "") for key in SOURCE_FIELDS})
        mine = [d for d in file.problems if d.location.key[:2] == ("tables", index)]
        return table_form(request, folder, values, base, file.sha256, request.path_params["id"], mine)

    async def save(request: Request, table_id: str | None):
        folder = folder_of(request)
        if table_id is not None:
            _table(folder, table_id)
        posted = await studio.form(request)
        values = {key: str(posted.get(key, "")) for key in issuefile.TABLE_FIELDS}
        base = posted_base(posted)
        sha = str(posted.get("sha256", ""))
        try:
            saved = services.save_table(folder, sha, values, table_id, base)
        except issuefile.Stale:
            disk = issuefile.read(folder)
            if not disk.readable:
                return unreadable(studio, folder, disk, status=400, settings=False)
            entries = [e for e in disk.data.get("tables") or [] if isinstance(e, dict) and e.get("id") == table_id]
            on_disk = with_sheet(folder, issuefile.table_form(entries[0]))[0] if table_id and entries else None
            rows = conflict_rows(LABELS, issuefile.TABLE_BOXES, base, on_disk, values, shown)
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what=f"表“{values.get('title') or table_id}”", action=request.url.path,
                                 back=address("issue", folder.name, "table", table_id) + "/edit" if table_id
                                 else address("issue", folder.name) + f"/tables/new?{urlencode({'file': values.get('file', '')})}",
                                 disk=disk.text, disk_sha=disk.sha256, rows=rows, mine=[], whole=False,
                                 values={**values, **hidden_base(base)})  # fmt: skip
        except issuefile.NoSuchTable:
            raise NotFound("这张表") from None
        except UserError as exc:
            return table_form(request, folder, values, base, sha, table_id, exc.diagnostics, 400)
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
        # what is wrong with the table's settings is said as 修改设置's form says it (the file's line kept), once
        field_of = _field_of(view.index)
        problems = findings([in_form_words(d, field_of, LABELS)[0] for d in view.problems], studio.series_dir)
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
                                 disk_sha=stale.disk_sha, values={}, mine=[("删除", table_id)], rows=[],
                                 whole=False)  # fmt: skip
        except issuefile.NoSuchTable:
            raise NotFound("这张表") from None
        except UserError as exc:
            file = issuefile.read(folder)
            return studio.render("table_remove.html", 400, issue=folder.name, heading=heading(folder),
                                 entry=file.data["tables"][issuefile.table_index(file, table_id)], table_id=table_id,
                                 sha256=file.sha256,
                                 problems=findings(exc.diagnostics, studio.series_dir))  # fmt: skip
        removed = urlencode({"removed": table_id})
        return RedirectResponse(address("issue", folder.name) + f"?{removed}#tables", status_code=303)

    async def upload(request: Request):
        folder = folder_of(request)
        posted = await studio.form(request, max_files=1)
        sent = posted.get("file")
        try:
            if not isinstance(sent, UploadFile) or not sent.filename:
                raise UserError("请先选择要上传的表格文件（CSV、.xlsx、.xls、.et 或 .ods）")
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
        Route("/issue/{issue}/tables/new", readable(new_table_page)),
        Route("/issue/{issue}/tables/new", readable(save_new), methods=["POST"]),
        Route("/issue/{issue}/table/{id}", readable(table_page)),
        Route("/issue/{issue}/table/{id}/chart.png", readable(chart)),
        Route("/issue/{issue}/table/{id}/edit", readable(edit_table_page)),
        Route("/issue/{issue}/table/{id}/edit", readable(save_edit), methods=["POST"]),
        Route("/issue/{issue}/table/{id}/remove", readable(remove_page)),
        Route("/issue/{issue}/table/{id}/remove", readable(remove), methods=["POST"]),
    ]
