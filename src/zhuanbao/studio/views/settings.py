"""本期设置: issue.yaml's number, total, date, marks, copies and extra recipients in a form.

Saving is ``services.edit_issue``: only the lines of changed values are
rewritten, a result the build would refuse is not written, and a save over a
file changed since the form was loaded shows both versions.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import issuefile, services
from ...cn import cn_date
from ...diagnostics import UserError
from ..issues import series_or_error
from ..pages import address, finding
from ..paths import issue_dir
from ..state import Studio, heading

FIELDS = ("number", "total", "date", "marks", "no_marks", "copies", "extra_distribution")


def unplaced(diagnostic):
    """A save's error found in the text that was not written: its line means nothing to the editor, its field does."""
    return diagnostic._replace(location=diagnostic.location._replace(line=None, column=None))


def field_findings(diagnostics, root: Path, field_of) -> tuple[dict[str, list], list]:
    """Each diagnostic beside its form field (``field_of(key) -> name or None``), the others in one list."""
    by_field: dict[str, list] = {}
    others = []
    for diagnostic in diagnostics:
        field = field_of(tuple(diagnostic.location.key))
        if field:
            by_field.setdefault(field, []).append(finding(diagnostic, root))
        else:
            others.append(finding(diagnostic, root))
    return by_field, others


def routes(studio: Studio) -> list[Route]:
    def settings_form(request: Request, folder: Path, values: dict, sha: str, errors=(), status: int = 200,
                      saved: bool = False):  # fmt: skip
        file = issuefile.read(folder)
        series, _ = series_or_error(studio.series_dir)
        # the file's own table problems are the tables' pages' to show
        shown = list(errors) or [d for d in file.problems if d.location.key[:1] != ("tables",)]
        by_field, others = field_findings(shown, studio.series_dir,
                                          lambda key: key[0] if key and key[0] in FIELDS else None)  # fmt: skip
        date = file.issue.date if file.issue is not None else None
        return studio.render("issue_settings.html", status, issue=folder.name, heading=heading(folder), values=values,
                             sha256=sha, series=series, by_field=by_field, others=others, saved=saved,
                             date_text=cn_date(date) if date else "")  # fmt: skip

    async def settings_page(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        file = issuefile.read(folder)
        return settings_form(request, folder, issuefile.settings_form(file), file.sha256,
                             saved=bool(request.query_params.get("saved")))  # fmt: skip

    async def save_settings(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        posted = await studio.form(request)
        values = {key: str(posted.get(key, "")) for key in FIELDS}
        sha = str(posted.get("sha256", ""))
        try:
            services.edit_issue(folder, sha, values)
        except issuefile.Stale as stale:
            mine = [("期号", values["number"]), ("总期号", values["total"]), ("印发日期", values["date"]),
                    ("报头标注", values["marks"] or ("（本期不印）" if values["no_marks"] else "（用刊物的设置）")),
                    ("印数", values["copies"]), ("本期加送", values["extra_distribution"])]  # fmt: skip
            return studio.render("issue_conflict.html", 409, issue=folder.name, heading=heading(folder),
                                 what="本期设置", back=address("issue", folder.name) + "/settings", action=request.url.path,
                                 disk=stale.disk_text, disk_sha=stale.disk_sha, values=values, mine=mine)  # fmt: skip
        except UserError as exc:
            return settings_form(request, folder, values, sha, [unplaced(d) for d in exc.diagnostics], status=400)
        return RedirectResponse(address("issue", folder.name) + "/settings?saved=1", status_code=303)

    return [
        Route("/issue/{issue}/settings", settings_page),
        Route("/issue/{issue}/settings", save_settings, methods=["POST"]),
    ]
