"""The issue page: the series' sections in order, each item a card with what check finds in it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.routing import Route

from ... import itemfile
from ...load.content import ITEMS_DIR, is_draft
from ...model import printed_order
from ..issues import series_or_error
from ..live import issue_version
from ..pages import finding
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
            form = itemfile.read_form(path)
            card = {"name": path.name, "title": form.title, "source": form.source, "section": form.section,
                    "sha256": form.sha256, "order": form.order, "form": "",
                    "findings": [finding(d, studio.series_dir) for d in by_file.pop(path.resolve(), [])]}  # fmt: skip
            if is_draft(path):
                drafts.append(card)
            elif form.section in sections:
                card["form"] = item_form(series, form.section, form.title)
                sections[form.section].append(card)
            else:
                elsewhere.append(card)
        for cards in sections.values():  # as they print: order:, then the file name
            cards.sort(key=lambda card: printed_order(card["order"], card["name"]))
        others = [finding(d, studio.series_dir) for d in problems + [d for ds in by_file.values() for d in ds]]
        return studio.render("issue.html", issue=folder.name, heading=heading(folder), sections=sections,
                             elsewhere=elsewhere, drafts=drafts, others=others,
                             created=request.query_params.get("created", ""), live=live,
                             **panels(studio, folder, findings))  # fmt: skip

    return [Route("/issue/{issue}", issue_page)]
