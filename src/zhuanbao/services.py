"""The use cases: one function per thing a user does, values in, a result out.

The command line (``cli/``) and the studio are two faces over these: each
parses what its user gave, calls one function here and presents the result
(text, JSON, a page). Nothing here prints, exits or knows Typer; a problem
the user can fix is raised as a :class:`~zhuanbao.diagnostics.UserError`,
which each face shows in its own way. A long-running face passes a
:class:`~zhuanbao.workspace.Workspace` to keep compiled templates warm.

Heavy modules are imported inside the functions, so ``zhuanbao build`` and
``check`` pay only for what they use; the results are named tuples, which
cost a sixth of a frozen dataclass to define at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import ContentError, Diagnostic, UserError

if TYPE_CHECKING:  # annotations only: importing them would slow every command's start
    from .archive.catalogue import Hit
    from .archive.publish import Published
    from .archive.verify import VerifyReport
    from .build import BuildResult
    from .export.resident import Converter
    from .lint import CheckReport
    from .watch import Rebuilt
    from .workspace import Workspace


# --- documents ---------------------------------------------------------------------


class BuildRequest(NamedTuple):
    """What to build and how (the options of ``zhuanbao build``)."""

    path: Path
    output: Path = Path("output")
    templates: Path | None = None
    changed: bool = False
    jobs: int | None = None
    wait: float = 0.0
    pdf: bool = False


def build(request: BuildRequest, progress=None, workspace: Workspace | None = None,
          converter: Converter | None = None) -> BuildResult:  # fmt: skip
    """Build the issue or series ``request.path`` designates into ``request.output``
    (PDFs through ``converter`` when given: the studio's resident LibreOffice)."""
    from .build import run

    return run(request.path, request.output, request.templates, progress=progress, changed=request.changed,
               jobs=request.jobs, wait=request.wait, pdf=request.pdf, workspace=workspace,
               convert=converter.to_pdf if converter is not None else None)  # fmt: skip


class Preview(NamedTuple):
    """The page images of a preview, in page order, per document."""

    pages: list[Path]


def preview(path: Path, output: Path, templates: Path | None = None, dpi: int = 60,
            workspace: Workspace | None = None) -> Preview:  # fmt: skip
    """Build the issue, convert it to PDF and render each page as a PNG in ``output/preview``."""
    from .build import build as build_documents
    from .export import to_pdf, to_png

    pages: list[Path] = []
    for built in build_documents(path, output, templates, workspace):
        pages += to_png(to_pdf(built.path), output / "preview", dpi)
    return Preview(pages)


class IssuePages(NamedTuple):
    """One issue's printed pages as PNG files, in page order, and the fingerprint of the inputs they show."""

    fingerprint: str
    pages: list[Path]


def issue_fingerprint(issue: Path, templates: Path | None = None) -> str:
    """A digest of the files ``issue``'s document is made from; it changes whenever :func:`issue_pages` would
    show something else (taken from the raw files, so also while they do not load)."""
    from .printed import fingerprint

    return fingerprint(issue, templates)


def issue_pages(issue: Path, output: Path, converter: Converter, workspace: Workspace | None = None,
                templates: Path | None = None) -> IssuePages:  # fmt: skip
    """The issue's printed pages, as LibreOffice lays them out, as images under ``output/.preview/<issue>/``:
    rendered in memory, converted by ``converter`` (see export/resident.py) and drawn with pypdfium2; the
    set already made when the inputs are unchanged. A build error is raised with its file and line, and the
    sets made before stay."""
    from .printed import render_pages
    from .workspace import Workspace

    made = render_pages(issue, output, converter.to_pdf, workspace or Workspace(), templates)
    return IssuePages(made.fingerprint, made.pages)


def download(issue: Path, output: Path, pdf: bool = False, converter: Converter | None = None,
             workspace: Workspace | None = None) -> Path:  # fmt: skip
    """The issue's .docx (or its PDF), named and placed in ``output`` as ``zhuanbao build --pdf`` does, made
    again when its inputs changed (as ``build --changed``); a failed conversion raised as an error."""
    from .diagnostics import OutputError

    result = build(BuildRequest(issue, output, changed=True, pdf=pdf), workspace=workspace, converter=converter)
    if result.failed:
        raise OutputError.of(result.failed)
    edition = result.built[0].edition if result.built else result.skipped[0]
    document = output / edition.file_name
    return document.with_suffix(".pdf") if pdf else document


def watch(path: Path, output: Path, templates: Path | None, report: Callable[[Rebuilt], None], stop_event=None) -> None:
    """Build now and after every save until stopped; each rebuild is handed to ``report``."""
    from .watch import watch as watch_series

    watch_series(path, output, templates, report, stop_event)


# --- the editor's loop -------------------------------------------------------------------


class NewIssue(NamedTuple):
    folder: Path


def new_issue(series: Path, date: str | dt.date | None = None, today: dt.date | None = None) -> NewIssue:
    """Create the next issue of ``series`` (dated ``date``, typed as 2025-08-26, or today)."""
    from .scaffold import new_issue as scaffold

    return NewIssue(scaffold(series, _date(date), today))


class NewSeries(NamedTuple):
    folder: Path  # the series folder
    issue: Path | None  # its first issue (None for a copy of the example)


def init_series(folder: Path, title: str, issuer: str, sections: Sequence[str], program: str | None = None,
                number: int = 1, total: int | None = None, date: str | dt.date | None = None,
                today: dt.date | None = None) -> NewSeries:  # fmt: skip
    """A new office's series and its first issue (what ``init`` and the studio's form make)."""
    from .scaffold import init_series as scaffold

    issue = scaffold(folder, title, issuer, list(sections), program, number, total, _date(date), today)
    return NewSeries(folder, issue)


def copy_example(folder: Path) -> NewSeries:
    """The example series that ships with zhuanbao, to look at and start from."""
    from .scaffold import copy_packaged

    return NewSeries(copy_packaged("example", folder), None)


class CopiedTemplates(NamedTuple):
    folder: Path


def copy_templates(folder: Path) -> CopiedTemplates:
    """The default templates, copied out for a series to change (a series' folder may keep only what it changes)."""
    from .scaffold import copy_packaged

    return CopiedTemplates(copy_packaged("templates", folder))


def _date(date: str | dt.date | None) -> dt.date | None:
    """A date as typed (2025-08-26), or a Chinese error saying how to write it."""
    from .cn import parse_iso_date

    if isinstance(date, str):
        try:
            return parse_iso_date(date)
        except ValueError as exc:
            raise ContentError(str(exc)) from None
    return date


def check(path: Path, fix: bool = False, now: dt.datetime | None = None) -> CheckReport:
    """Lint an issue or a series; with ``fix``, apply the safe fixes (the originals backed up)."""
    from .lint import check as lint

    return lint(path, fix=fix, now=now)


class ImportResult(NamedTuple):
    """The item an import wrote, what of the submission it left out, and what check finds in the new item."""

    target: Path
    left_out: Sequence[str] = ()
    findings: Sequence[Diagnostic] = ()

    @property
    def fixable(self) -> bool:
        """Whether ``check --fix`` would correct some of the findings."""
        from .lint import RULES

        return any(f.rule in RULES and RULES[f.rule].fixable for f in self.findings)


def import_submission(file: Path, issue: Path, section: str, source: str | None = None,
                      title: str | None = None) -> ImportResult:  # fmt: skip
    """Turn a submission into an item of ``issue`` (never overwriting), and check the new item."""
    from .importer import import_submission as convert
    from .lint import check as lint

    imported = convert(file, issue, section, source, title)
    try:
        report = lint(issue, focus=imported.target)
        findings = [f for f in report.findings if f.path is not None and f.path.resolve() == imported.target.resolve()]
    except UserError:  # the issue has other problems: the import itself succeeded
        findings = []
    return ImportResult(imported.target, imported.left_out, findings)


def save_item(path: Path, expected_sha: str, fields: dict[str, str], body: str) -> None:
    """Write an edit form over an item file, only if the file is still the one the form was made from
    (else :class:`~zhuanbao.itemfile.Stale`); keys the form does not show stay as they were."""
    from .itemfile import save

    save(path, expected_sha, fields, body)


# --- the archive -------------------------------------------------------------------------


def publish(path: Path, archive: Path | None = None, revise: bool = False, templates: Path | None = None,
            pdf: bool | None = None, now: dt.datetime | None = None,
            workspace: Workspace | None = None) -> Published:  # fmt: skip
    """Render one issue and freeze exactly that document, with its sources, as a new archive version."""
    from .archive.publish import publish as freeze
    from .build import document_bytes, load
    from .load.content import locate
    from .workspace import Workspace

    series_dir, issue_dirs = locate(path)
    if len(issue_dirs) != 1:  # a series folder of one issue is that issue
        raise ContentError("publish 一次发布一期：请给出某一期的文件夹", path)
    workspace = workspace or Workspace()
    editions, series_templates = load(series_dir, issue_dirs)
    template_set = workspace.templates(templates or series_templates)
    data, document = document_bytes(editions[0], workspace.renderer(template_set))
    return freeze(editions[0], data, document.items, template_set, archive, revise, pdf, now)


def verify(archive: Path | None = None) -> VerifyReport:
    """Check every file of every published version against its manifest."""
    from .archive.layout import archive_to_read
    from .archive.verify import verify as check_archive

    return check_archive(archive_to_read(archive))


class SearchHits(NamedTuple):
    """Every item found, best first."""

    hits: list[Hit]
    warnings: Sequence[Diagnostic] = ()  # versions left out of the catalogue (a damaged manifest)


def search(query: str, archive: Path | None = None, series: str | None = None, year: int | None = None,
           source: str | None = None) -> SearchHits:  # fmt: skip
    """Search the current versions of the archive's items for every term of ``query``."""
    from .archive.catalogue import Catalogue
    from .archive.layout import archive_to_read

    with Catalogue(archive_to_read(archive)) as catalogue:
        return SearchHits(catalogue.search(query, series, year, source), list(catalogue.warnings))


class Reindexed(NamedTuple):
    versions: int
    warnings: Sequence[Diagnostic] = ()


def reindex(archive: Path | None = None) -> Reindexed:
    """Rebuild the archive's catalogue from its files."""
    from .archive.catalogue import Catalogue
    from .archive.layout import archive_to_read

    with Catalogue(archive_to_read(archive)) as catalogue:
        return Reindexed(catalogue.rebuild(), list(catalogue.warnings))


class StatsTables(NamedTuple):
    """供稿统计: items per unit, section and month, and the files the tables were saved as."""

    tables: dict[str, list[tuple[str, int]]]
    saved: Sequence[Path] = ()
    failed: Sequence[Diagnostic] = ()  # a file that could not be saved (the run ends with 2)
    warnings: Sequence[Diagnostic] = ()


def stats(archive: Path | None = None, year: int | None = None, series: str | None = None,
          csv: Path | None = None, xlsx: Path | None = None) -> StatsTables:  # fmt: skip
    """Count the current versions' items, and save the counts as CSV and/or .xlsx when asked."""
    from .archive.catalogue import Catalogue
    from .archive.layout import archive_to_read
    from .archive.stats import check_name, write_csv, write_xlsx

    for target, suffix in ((csv, ".csv"), (xlsx, ".xlsx")):
        if target is not None:
            check_name(target, suffix)  # before counting: a slip in a name must not cost the run
    with Catalogue(archive_to_read(archive)) as catalogue:
        tables = catalogue.stats(year, series)
        warnings = list(catalogue.warnings)
    saved, failed = [], []
    for target, write in ((csv, write_csv), (xlsx, write_xlsx)):
        if target is not None:
            try:
                write(tables, target)
                saved.append(target)
            except UserError as exc:  # the counts are still worth showing, and the other file saved
                failed.extend(exc.diagnostics)
    return StatsTables(tables, saved, failed, warnings)


class Site(NamedTuple):
    index: Path
    warnings: Sequence[Diagnostic] = ()


def site(archive: Path | None = None, output: Path | None = None) -> Site:
    """Write the archive's static site; returns its index page."""
    from .archive.layout import archive_to_read
    from .archive.site import build_site

    warnings: list[Diagnostic] = []
    return Site(build_site(archive_to_read(archive), output, warnings), warnings)
