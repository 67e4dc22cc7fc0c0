"""An item's page: its fields and body in a form, saved only over the bytes the form was made from.

Every finding about the item — check's, the build's, a refused save's — stands by the field it concerns
(section, title, source, or the body with the line of the body box); the front matter the form does not
show gets its own list with file lines. A file whose front matter cannot be read is shown whole in the
body box, with what is wrong and where, and saved as typed.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import itemfile, services
from ...diagnostics import UserError
from ...load.content import ITEMS_DIR
from ..formfields import posted_base
from ..issues import series_or_error
from ..live import issue_version
from ..pages import address, findings
from ..paths import item_path
from ..state import Studio


def routes(studio: Studio) -> list[Route]:
    def item(request: Request) -> Path:
        return item_path(studio.series_dir, request.path_params["issue"], request.path_params["name"])

    def item_form(request, path: Path, form, errors=(), status: int = 200, saved: bool = False, whole: bool = False):
        series, _ = series_or_error(studio.series_dir)
        sections = list(series.sections) if series else []
        whole = whole or form.problem is not None
        try:
            saved_file = services.check_item_file(path)
        except UserError as exc:  # unreadable since the page was made: say so by the form
            saved_file = services.ItemFindings("", exc.diagnostics)
        where = itemfile.WHOLE_FILE if whole else itemfile.places(saved_file.text, path)
        checked = saved_file.findings
        problem = list(form.problem.diagnostics) if form.problem is not None else []
        said = {(d.message, d.line) for d in problem}  # check repeats it as a build finding
        shown = findings([d for d in [*errors, *checked] if (d.message, d.line) not in said], studio.series_dir,
                         (path, where))  # fmt: skip
        issue = request.path_params["issue"]
        live = {"scope": "item", "issue": issue, "item": f"{issue}/{ITEMS_DIR}/{path.name}",
                "version": issue_version(path.parent.parent)}  # fmt: skip
        return studio.render("item.html", status, issue=issue, name=path.name, form=form,
                             sections=sections, findings=shown, saved=saved, unsaved=bool(errors), whole=whole,
                             problem=findings(problem, studio.series_dir, (path, itemfile.WHOLE_FILE)),
                             linked=itemfile.linked_to(path) or "", live=live)  # fmt: skip

    async def item_page(request: Request):
        path = item(request)
        try:
            form = itemfile.read_form(path)
        except UserError as exc:  # a file no encoding reads: nothing to put in a form
            where = f"{path.name} 第 {exc.first.line} 行" if exc.first.line else path.name
            return studio.render("error.html", 400, title="无法打开这篇稿件", reason=f"{exc.first.message}（{where}）")
        return item_form(request, path, form, saved=bool(request.query_params.get("saved")))

    async def save_item(request: Request):
        path = item(request)
        posted = await studio.form(request)
        fields = itemfile.form_fields(posted)
        body = str(posted.get("body", ""))
        sha = str(posted.get("sha256", ""))
        whole = bool(posted.get("whole"))  # the box holds the whole file: its front matter could not be read
        series, _ = series_or_error(studio.series_dir)
        mine = itemfile.ItemForm(fields["section"], fields["title"], fields["source"], body, sha)
        base = _base(posted)  # the form as it was loaded: only what the editor changed is written
        if whole:
            mine = itemfile.ItemForm("", "", "", body, sha, _problem(path))
        sections = list(series.sections) if series else []
        errors = [] if whole else itemfile.field_errors(fields["section"], body, sections, path)
        if errors:
            return item_form(request, path, mine, errors, status=400)
        try:
            if whole:
                services.save_item_text(path, sha, body)
            else:
                services.save_item(path, sha, *itemfile.changes(mine, base))
        except itemfile.Stale as stale:
            disk = itemfile.form_of(stale.disk_text, path, stale.disk_sha)
            return studio.render("conflict.html", 409, issue=request.path_params["issue"], name=path.name, mine=mine,
                                 disk=stale.disk_text, disk_sha=stale.disk_sha, whole=whole, base=base,
                                 whose=_whose(base, mine, disk))  # fmt: skip
        except UserError as exc:
            return item_form(request, path, mine, exc.diagnostics, status=400, whole=whole)
        saved = address("issue", path.parent.parent.name, "item", path.name) + "?saved=1"
        return RedirectResponse(saved, status_code=303)

    return [
        Route("/issue/{issue}/item/{name}", item_page),
        Route("/issue/{issue}/item/{name}", save_item, methods=["POST"]),
    ]


def _problem(path: Path) -> UserError | None:
    """Why the form shows this file whole (its front matter as it is on disk now)."""
    try:
        return itemfile.read_form(path).problem
    except (UserError, OSError):
        return None


LABELS = {"section": "栏目", "title": "标题", "source": "供稿单位", "body": "正文"}


def _base(posted) -> itemfile.ItemForm | None:
    """The values the form was loaded with (its hidden ``base_*`` fields, as the issue.yaml forms carry
    theirs), or None from a page without them."""
    base = posted_base(posted)
    if base is None or "body" not in base:
        return None
    fields = itemfile.form_fields(base)
    return itemfile.ItemForm(fields["section"], fields["title"], fields["source"], base["body"], "")


def _whose(base: itemfile.ItemForm | None, mine: itemfile.ItemForm, disk: itemfile.ItemForm) -> list[dict]:
    """For the conflict page: each field, and who changed it since the form was loaded (你, 别人, or both)."""
    if base is None or disk.problem is not None:
        return []
    rows = []
    for key, label in LABELS.items():
        norm = (lambda form: getattr(form, key).replace("\r\n", "\n").strip("\n"))  # noqa: E731
        me, them = norm(mine) != norm(base), norm(disk) != norm(base)
        if me or them:
            rows.append({"label": label, "me": me, "them": them})
    return rows
