"""本期设置: issue.yaml's number, total, date, marks, copies and extra recipients in a form.

Saving is ``services.edit_issue``: only the fields the editor changed (their text differs from the base
the form carries) are written, and of them only the lines of changed values; a result the build would
refuse is not written, and a save over a file changed since the form was loaded shows, field by field,
what is on disk and what the editor changed. An issue.yaml the loader cannot read has no fields to show:
the page says why, at which line, and shows the whole file to mend (``services.save_issue_text``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import issuefile, services
from ...cn import cn_date
from ...diagnostics import UserError
from ..formfields import conflict_rows, field_findings, hidden_base, posted_base
from ..issues import series_or_error
from ..pages import address, finding
from ..paths import issue_dir
from ..state import Studio, heading

FIELDS = ("number", "total", "date", "marks", "no_marks", "copies", "extra_distribution")
#: each field as the form labels it (its messages and the conflict page speak of it so)
LABELS = {"number": "期号", "total": "总期号", "date": "印发日期", "marks": "报头标注", "copies": "印数",
          "extra_distribution": "本期加送"}  # fmt: skip


def shown(field: str, values) -> str:
    """A field's value as the conflict page and the list of unsaved typing show it."""
    if field == "marks" and not str(values.get("marks", "")).strip():
        return "（本期不印）" if values.get("no_marks") else "（用刊物的设置）"
    text = "\n".join(line.strip() for line in str(values.get(field, "")).splitlines() if line.strip())
    return text or "（空）"


def unreadable(studio: Studio, folder: Path, file: issuefile.IssueFile, text: str | None = None, sha: str = "",
               problems=(), typed=(), status: int = 200, saved: bool = False, settings: bool = True):  # fmt: skip
    """The page of an issue.yaml no form can show: why (at its line), how to mend it in Notepad, and, on
    本期设置, the whole file in a box to mend and save (``settings``; not when its bytes are no text)."""
    found = [finding(d, studio.series_dir) for d in (problems or file.problems)]
    line = next((f["line"] for f in found if f["line"]), None)
    return studio.render("issue_settings.html" if settings else "issue_unreadable.html", status, issue=folder.name,
                         heading=heading(folder), unreadable=True, problems=found, line=line, path=str(file.path),
                         text=file.text if text is None else text, sha256=sha or file.sha256, typed=typed,
                         saved=saved, settings_link=not settings)  # fmt: skip


def routes(studio: Studio) -> list[Route]:
    def settings_form(request: Request, folder: Path, values: dict, base: dict | None, sha: str, errors=(),
                      status: int = 200, saved: bool = False):  # fmt: skip
        file = issuefile.read(folder)
        if not file.readable:  # broken since the form was loaded: what was typed is listed, not lost
            changed = issuefile.edited(values, base, issuefile.SETTINGS_BOXES) if errors else set()
            typed = [(LABELS[f], shown(f, values)) for f in LABELS
                     if f in changed and (values.get(f) or f == "marks" and values.get("no_marks"))]  # fmt: skip
            return unreadable(studio, folder, file, typed=typed, status=status, saved=saved)
        series, _ = series_or_error(studio.series_dir)
        # the file's own table problems are the tables' pages' to show
        said = list(errors) or [d for d in file.problems if d.location.key[:1] != ("tables",)]
        by_field, others = field_findings(said, studio.series_dir,
                                          lambda key: key[0] if key and key[0] in LABELS else None, LABELS)  # fmt: skip
        date = file.issue.date if file.issue is not None else None
        return studio.render("issue_settings.html", status, issue=folder.name, heading=heading(folder), values=values,
                             loaded=hidden_base(base), sha256=sha, series=series, by_field=by_field, others=others,
                             saved=saved, unreadable=False, date_text=cn_date(date) if date else "",
                             path=str(file.path))  # fmt: skip

    async def settings_page(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        file = issuefile.read(folder)
        values = issuefile.settings_form(file)
        saved = bool(request.query_params.get("saved"))
        return settings_form(request, folder, values, values, file.sha256, saved=saved)

    async def save_settings(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        sha = str(posted.get("sha256", ""))
        if posted.get("whole"):
            return save_whole(request, folder, sha, str(posted.get("text", "")))
        values = {key: str(posted.get(key, "")) for key in FIELDS}
        base = posted_base(posted)
        try:
            services.edit_issue(folder, sha, values, base)
        except issuefile.Stale:
            disk = issuefile.read(folder)
            if not disk.readable:
                return settings_form(request, folder, values, base, sha, disk.problems, status=400)
            rows = conflict_rows(LABELS, issuefile.SETTINGS_BOXES, base, issuefile.settings_form(disk), values, shown)
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what="本期设置", back=address("issue", folder.name) + "/settings", action=request.url.path,
                                 disk=disk.text, disk_sha=disk.sha256, rows=rows, mine=[], whole=False,
                                 values={**values, **hidden_base(base)})  # fmt: skip
        except UserError as exc:
            return settings_form(request, folder, values, base, sha, exc.diagnostics, status=400)
        return RedirectResponse(address("issue", folder.name) + "/settings?saved=1", status_code=303)

    def save_whole(request: Request, folder: Path, sha: str, text: str):
        try:
            services.save_issue_text(folder, sha, text)
        except issuefile.Stale as stale:
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what="本期设置", back=address("issue", folder.name) + "/settings", action=request.url.path,
                                 disk=stale.disk_text, disk_sha=stale.disk_sha, values={"whole": "1"}, rows=[],
                                 mine=[], whole=True, text=text)  # fmt: skip
        except UserError as exc:
            file = issuefile.read(folder)
            return unreadable(studio, folder, file, text=text, sha=sha, problems=exc.diagnostics, status=400)
        return RedirectResponse(address("issue", folder.name) + "/settings?saved=1", status_code=303)

    return [
        Route("/issue/{issue}/settings", settings_page),
        Route("/issue/{issue}/settings", save_settings, methods=["POST"]),
    ]
