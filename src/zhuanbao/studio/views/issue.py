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


def panels(studio: Studio, folder: Path) -> dict:
    """What the other views add to the issue page: each view module may define
    ``issue_context(studio, folder) -> dict`` (its partial templates read it)."""
    values: dict = {}
    for view in studio.views:
        provide = getattr(view, "issue_context", None)
        if provide is not None:
            values.update(provide(studio, folder))
    return values


def routes(studio: Studio) -> list[Route]:
    async def issue_page(request: Request):
        folder = issue_dir(studio.series_dir, request.path_params["issue"])
        live = {"scope": "issue", "issue": folder.name, "version": issue_version(folder), "item": ""}  # before reading
        series, problems = series_or_error(studio.series_dir)
        by_file: dict[Path, list] = {}
        for diagnostic in check_findings(folder):
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
                    "sha256": form.sha256, "order": form.order,
                    "findings": [finding(d, studio.series_dir) for d in by_file.pop(path.resolve(), [])]}  # fmt: skip
            if is_draft(path):
                drafts.append(card)
            elif form.section in sections:
                sections[form.section].append(card)
            else:
                elsewhere.append(card)
        for cards in sections.values():  # as they print: order:, then the file name
            cards.sort(key=lambda card: printed_order(card["order"], card["name"]))
        others = [finding(d, studio.series_dir) for d in problems + [d for ds in by_file.values() for d in ds]]
        return studio.render("issue.html", issue=folder.name, heading=heading(folder), sections=sections,
                             elsewhere=elsewhere, drafts=drafts, others=others,
                             created=request.query_params.get("created", ""), live=live,
                             **panels(studio, folder))  # fmt: skip

    return [Route("/issue/{issue}", issue_page)]
