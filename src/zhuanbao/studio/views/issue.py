"""The issue page: the series' sections in order, each item a card with what check finds in it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.routing import Route

from ... import itemfile
from ...diagnostics import OutputError, UserError, os_reason
from ...load.content import ITEMS_DIR, is_draft, refuse_link_out
from ...model import printed_order
from .. import pages
from ..issues import series_or_error
from ..live import issue_version
from ..paths import issue_dir
from ..state import Studio, check_findings, heading


def panels(studio: Studio, folder: Path, findings: list) -> dict:
    """What the other views add to the issue page: each view module may define
    ``issue_context(studio, folder, findings) -> dict`` (its partial templates read it; ``findings`` are
    check's, made once for the page)."""
    values: dict = {}
    for view in studio.views:
        provide = getattr(view, "issue_context", None)
        if provide is not None:
            values.update(provide(studio, folder, findings))
    return values


def item_form(series, section: str, title: str) -> str:
    """How the item prints (its 排法): the section decides headline or lead sentence; no title, the ☆ form."""
    if not title:
        return "无标题（☆）"
    return "标题式" if section in series.headline else "首句式"


def card(path: Path, series_dir: Path) -> tuple[dict, list]:
    """An item's card as the page shows it, and what keeps it from being read (the card shows that instead):
    a link out of the series is never read, a file no encoding reads has no fields to show."""
    try:
        refuse_link_out(path, series_dir, "稿件")
    except UserError as exc:
        return {"name": path.name, "title": "", "source": "", "section": "", "sha256": "", "order": None,
                "form": "", "link_out": True}, list(exc.diagnostics)  # fmt: skip
    problems: list = []
    try:
        form = itemfile.read_form(path)
    except (UserError, OSError) as exc:  # no fields to show; deleting it still works, by the digest of its bytes
        error = exc if isinstance(exc, UserError) else OutputError(f"无法读取：{os_reason(exc)}", path)
        problems = list(error.diagnostics)
        try:
            form = itemfile.ItemForm("", "", "", "", itemfile.digest(path.read_bytes()))
        except OSError:
            form = itemfile.ItemForm("", "", "", "", "")
    return {"name": path.name, "title": form.title, "source": form.source, "section": form.section,
            "sha256": form.sha256, "order": form.order, "form": "", "link_out": False}, problems  # fmt: skip


def routes(studio: Studio) -> list[Route]:
    async def issue_page(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        live = {"scope": "issue", "issue": folder.name, "version": issue_version(folder), "item": ""}  # before reading
        series, problems = series_or_error(studio.series_dir)
        by_file: dict[Path, list] = {}
        findings = check_findings(folder)
        for diagnostic in findings:
            if diagnostic.path is not None:
                by_file.setdefault(diagnostic.path.resolve(), []).append(diagnostic)
        sections = {name: [] for name in (series.sections if series else [])}
        elsewhere = []  # an unknown section, or a file that cannot be read
        drafts = []
        for path in sorted((folder / ITEMS_DIR).glob("*")):
            if path.suffix.lower() != ".md" or not path.is_file():
                continue
            shown, unread = card(path, studio.series_dir)
            shown["findings"] = pages.findings([*unread, *by_file.pop(path.resolve(), [])], studio.series_dir)
            if is_draft(path):
                drafts.append(shown)
            elif shown["section"] in sections and not unread:
                shown["form"] = item_form(series, shown["section"], shown["title"])
                sections[shown["section"]].append(shown)
            else:
                elsewhere.append(shown)
        for cards in sections.values():  # as they print: order:, then the file name
            cards.sort(key=lambda shown: printed_order(shown["order"], shown["name"]))
        others = pages.findings([*problems, *(d for ds in by_file.values() for d in ds)], studio.series_dir)
        return studio.render("issue.html", issue=folder.name, heading=heading(folder), sections=sections,
                             elsewhere=elsewhere, drafts=drafts, others=others,
                             created=request.query_params.get("created", ""), live=live,
                             **panels(studio, folder, findings))  # fmt: skip

    return [Route("/issue/{issue}", issue_page)]
