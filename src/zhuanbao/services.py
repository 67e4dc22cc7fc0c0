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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import ContentError, Diagnostic, UserError

if TYPE_CHECKING:  # annotations only: importing them would slow every command's start
    from .arrange import Placed
    from .archive.catalogue import Hit
    from .archive.holdings import Issue as ArchivedIssue
    from .archive.holdings import VersionRecord
    from .archive.publish import Plan, Published
    from .archive.stats import YearScores
    from .archive.uptake import Recorded
    from .archive.uptake import Records as IssueRecords
    from .archive.verify import VerifyReport
    from .build import BuildResult
    from .editback import Review, Written
    from .export.resident import Converter
    from .lint import CheckReport
    from .tablefile import TableView, Uploaded
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
          converter: Converter | None = None, tables: Mapping[str, object] | None = None) -> BuildResult:  # fmt: skip
    """Build the issue or series ``request.path`` designates into ``request.output``
    (PDFs through ``converter`` when given: the studio's resident LibreOffice). ``tables``: data for
    tables of the issue, by id (a pandas DataFrame or rows), read instead of their file or query;
    only for an issue built on its own (``zhuanbao.api``)."""
    from .build import run

    return run(request.path, request.output, request.templates, progress=progress, changed=request.changed,
               jobs=request.jobs, wait=request.wait, pdf=request.pdf, workspace=workspace,
               convert=converter.to_pdf if converter is not None else None, supplied=tables)  # fmt: skip


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
    """The item an import wrote, what of the submission it left out, what check finds in the new item, and
    the pictures it saved beside the item (items/images/)."""

    target: Path
    left_out: Sequence[str] = ()
    findings: Sequence[Diagnostic] = ()
    pictures: Sequence[Path] = ()

    @property
    def fixable(self) -> bool:
        """Whether ``check --fix`` would correct some of the findings."""
        from .lint import RULES

        return any(f.rule in RULES and RULES[f.rule].fixable for f in self.findings)


def import_submission(file: Path, issue: Path, section: str, source: str | None = None,
                      title: str | None = None, fallback_title: str | None = None,
                      convert: Callable[[Path, Path], Path] | None = None) -> ImportResult:  # fmt: skip
    """Turn a submission into an item of ``issue`` (never overwriting), and check the new item.
    ``fallback_title``: the title of a submission of one paragraph (else refused: it has no title line).
    ``convert(source, folder)``: how a .doc, .wps, .rtf or .odt becomes ``folder/<stem>.docx`` (the studio's
    resident LibreOffice: ``Converter.to_docx``); by default one LibreOffice run."""
    from .importer import import_submission as convert_submission

    imported = convert_submission(file, issue, section, source, title, fallback_title, convert)
    return ImportResult(imported.target, imported.left_out, _new_item_findings(issue, imported.target),
                        imported.pictures)  # fmt: skip


def _new_item_findings(issue: Path, target: Path) -> list[Diagnostic]:
    """What check finds in an item just written (a title it repeats reported on it)."""
    from .lint import check as lint

    try:
        report = lint(issue, focus=target)
    except UserError:  # the issue has other problems: the item itself was written
        return []
    return [f for f in report.findings if f.path is not None and f.path.resolve() == target.resolve()]


def import_upload(data: bytes, name: str, issue: Path, section: str, source: str | None = None,
                  convert: Callable[[Path, Path], Path] | None = None) -> ImportResult:  # fmt: skip
    """A submission sent from the browser (``name`` as the browser gave it), imported as ``import`` does
    (``convert``: as for :func:`import_submission`).

    The content decides what the file is (.docx: a zip holding word/document.xml; .doc/.wps: an OLE file
    holding a WordDocument stream; .rtf: {\\rtf; .odt: a zip whose mimetype is OpenDocument text;
    .txt/.md: text that decodes); a mislabelled file is refused naming it. The name is never a path: the
    bytes are imported from a private temporary file, and the name's stem is only the title of a
    one-paragraph submission."""
    import tempfile

    from .importer import CONVERTED
    from .load.content import load_series
    from .load.text import clean
    from .load.upload import browser_name, checked_upload

    suffix = checked_upload(data, name, (".docx", *CONVERTED, ".txt", ".md"))
    series = load_series(issue.parent)
    if section not in series.sections:
        raise ContentError(f"栏目“{section}”不在本刊的栏目中（{'、'.join(series.sections)}）", key=("section",))
    stem = browser_name(name)[: -len(suffix)]
    title = " ".join(clean(stem).split())[:60] or None
    with tempfile.TemporaryDirectory(prefix="zhuanbao-upload-") as folder:
        file = Path(folder) / f"submission{suffix}"
        file.write_bytes(data)
        return import_submission(file, issue, section, source or None, fallback_title=title, convert=convert)


def add_item(issue: Path, section: str, title: str, source: str, body: str) -> ImportResult:
    """A new item written from a form (section, title, source, body), numbered after the issue's items as
    ``import`` numbers them, never over a file, and checked; an unknown section or an empty body is refused
    next to its field (the diagnostics' key names it)."""
    from .itemfile import create
    from .load.content import load_series

    target = create(issue, section, title, source, body, list(load_series(issue.parent).sections))
    return ImportResult(target, (), _new_item_findings(issue, target))


def move_item(issue: Path, name: str, seen: str, section: str | None = None, before: str | None = None,
              offset: int = 0) -> Placed:  # fmt: skip
    """Move an item within its section or into another, writing only ``order:`` (and ``section:``) lines;
    refused (:class:`ConflictError`) when the items are not those the editor saw (``seen``:
    ``arrange.items_state`` of the page) — see arrange.py for the numbering."""
    from .arrange import move

    return move(issue, name, seen, section, before, offset)


def delete_item(path: Path, expected_sha: str) -> Path:
    """Move an item file into its issue's bin (.回收站/), if it is still the one the editor saw; returns
    where it is now. Nothing is deleted for good: see recyclebin.py."""
    from .recyclebin import to_bin

    return to_bin(path, expected_sha)


def restore_item(issue: Path, name: str) -> Path:
    """Move ``name`` from the issue's bin back into items/, under a new name if its own is taken now."""
    from .recyclebin import restore

    return restore(issue, name)


def save_item(path: Path, expected_sha: str, fields: dict[str, str], body: str | None) -> None:
    """Write an edit form over an item file, only if the file is still the one the form was made from
    (else :class:`~zhuanbao.itemfile.Stale`); keys the form does not show stay as they were."""
    from .itemfile import save

    save(path, expected_sha, fields, body)


def save_item_text(path: Path, expected_sha: str, text: str) -> None:
    """Write the whole text of an item file as typed (the form shows the whole file when it cannot read
    its front matter), only over the bytes the form was made from (else :class:`~zhuanbao.itemfile.Stale`)."""
    from .itemfile import save_text

    save_text(path, expected_sha, text)


class ItemFindings(NamedTuple):
    """What check finds in an item as an edit form would save it, and that text (the findings' lines are its lines)."""

    text: str
    findings: Sequence[Diagnostic]


def check_item_text(path: Path, fields: Mapping[str, str] | None, body: str) -> ItemFindings:
    """What ``check`` would find in the item at ``path`` if the form were saved now, writing nothing
    (see :func:`zhuanbao.lint.check_item`: fast enough to run as the editor types). ``fields`` None:
    ``body`` is the whole file, as the form shows a file whose front matter it cannot read."""
    from .itemfile import form_text
    from .lint import check_item

    text = form_text(path, fields, body)
    return ItemFindings(text, check_item(path, text).findings)


def check_item_file(path: Path) -> ItemFindings:
    """What ``check`` finds in one item file as saved, and the issue's rules about it, without the rest
    of the issue having to be right (see :func:`zhuanbao.lint.check_item`): the item page's findings."""
    from .lint import check_item
    from .load.text import read_text

    text = read_text(path)
    return ItemFindings(text, check_item(path, text).findings)


class ItemFix(NamedTuple):
    """What ``check --fix`` would make of an item's form text: the text before and after, the findings it corrects."""

    text: str
    fixed: str
    findings: Sequence[Diagnostic]


def fix_item_text(path: Path, fields: Mapping[str, str] | None, body: str) -> ItemFix:
    """The safe fixes ``check --fix`` would write into the item if the form were saved now, made on the
    form's text in memory: nothing is written; the form takes them only when the editor agrees."""
    from .itemfile import form_text
    from .lint import check_item, with_lines

    text = form_text(path, fields, body)
    found = check_item(path, text, fix=True)
    return ItemFix(text, with_lines(text, found.fixed_lines), [f for f in found.findings if f.fixed])

class Applied(NamedTuple):
    """An edited document compared with its issue (``zhuanbao apply``), and what was written, if asked."""

    review: Review
    written: Written | None = None


def apply_edits(document: Path, issue: Path, write: bool = False, templates: Path | None = None,
                workspace: Workspace | None = None) -> Applied:  # fmt: skip
    """Compare the edited ``document`` (a .docx, with or without tracked changes) with ``issue`` as it builds
    now: per item what changed, and what no item holds or the sources cannot hold. ``write``: the items'
    Markdown rewritten (only over the bytes compared), items deleted in the document moved to the bin."""
    from .editback import compare
    from .editback import write as write_review

    review = compare(document, issue, templates, workspace)
    return Applied(review, write_review(review) if write else None)


@contextmanager
def _uploaded_docx(data: bytes, name: str, fallback: str) -> Iterator[Path]:
    """A .docx sent from the browser (checked by content) in a private temporary file named as the browser
    named it (``fallback`` when that name cannot be a file's), so messages name the file the editor chose."""
    import tempfile

    from .fsio import safe_name, windows_device
    from .load.upload import browser_name, checked_upload

    checked_upload(data, name, (".docx",))
    shown = safe_name(browser_name(name))
    with tempfile.TemporaryDirectory(prefix="zhuanbao-upload-") as folder:
        file = Path(folder) / (shown if shown and not windows_device(shown) else fallback)
        file.write_bytes(data)
        yield file


class AppliedUpload(NamedTuple):
    """:class:`Applied` for a document sent from the browser, with the digest of the changes shown."""

    review: Review
    written: Written | None
    seen: str  # editback.fingerprint: what a write of this review would change


def apply_upload(data: bytes, name: str, issue: Path, write: bool = False, seen: str | None = None,
                 workspace: Workspace | None = None) -> AppliedUpload:  # fmt: skip
    """An edited document dropped on the issue page (``name`` as the browser gave it), compared as ``apply``
    does; ``write``: written only if the changes are still those the editor was shown (``seen``), else a
    ConflictError and nothing written. The bytes are checked by content (a .docx) and compared from a private
    temporary file named like the upload, so messages name the file the editor dropped."""
    from .diagnostics import ConflictError
    from .editback import compare, fingerprint
    from .editback import write as write_review
    from .load.upload import browser_name

    with _uploaded_docx(data, name, "修改稿.docx") as file:
        review = compare(file, issue, workspace=workspace)
    review.document = Path(browser_name(name))
    digest = fingerprint(review)
    if not write:
        return AppliedUpload(review, None, digest)
    if seen != digest:
        raise ConflictError("稿件或文档在你看过比对结果之后有了变化，这次没有写入任何稿件。请看过新的比对结果后再写入。",
                            issue)  # fmt: skip
    return AppliedUpload(review, write_review(review), digest)


# --- issue.yaml's settings and tables (the studio's forms) ----------------------------------------------

def edit_issue(issue: Path, expected_sha: str, values: dict[str, str], base: dict[str, str] | None = None) -> None:
    """Write the settings form (number, total, date, marks, no_marks, copies, extra_distribution as typed)
    over issue.yaml, only if it is still the file the form was made from (else ``issuefile.Stale``,
    carrying the file on disk). Only the fields whose text differs from ``base`` (the form's text as
    loaded; None: every field) are written, and of them only the lines of changed values: after a conflict
    the editor's changes go over the file on disk and a colleague's other changes stay. A result the build
    would refuse is not written (ContentError, each diagnostic at its key path)."""
    from .issuefile import save_settings

    save_settings(issue, expected_sha, values, base)


def save_issue_text(issue: Path, expected_sha: str, text: str) -> None:
    """Write the whole of issue.yaml as typed (the studio shows it whole when it cannot read it), only over
    the bytes the page was made from (else ``issuefile.Stale``), in the file's encoding and line ends."""
    from .issuefile import save_text

    save_text(issue, expected_sha, text)


def upload_table(issue: Path, filename: str, data: bytes) -> Uploaded:
    """Put an uploaded CSV/.xlsx into the issue's tables/ folder, checked by content (DataError in Chinese);
    a different file of that name is kept and the upload saved as ``name (2).csv``."""
    from .tablefile import upload

    return upload(issue, filename, data)


def save_table(issue: Path, expected_sha: str, values: dict[str, str], table_id: str | None = None,
               base: dict[str, str] | None = None) -> str:  # fmt: skip
    """Add a ``tables:`` entry to issue.yaml (``table_id`` None) or change the entry ``table_id``, from the
    table form's fields as typed; returns the entry's id. Only the fields changed from ``base`` are
    written; Stale and ContentError as :func:`edit_issue`."""
    from .issuefile import save_table as save

    return save(issue, expected_sha, values, table_id, base)


def remove_table(issue: Path, expected_sha: str, table_id: str) -> None:
    """Remove the entry ``table_id`` from issue.yaml's ``tables:`` (its data file stays in the issue folder)."""
    from .issuefile import remove_table as remove

    remove(issue, expected_sha, table_id)


def table_view(issue: Path, table_id: str) -> TableView:
    """The table ``table_id`` computed as the document prints it, or the problems that stop it (read-only)."""
    from .tablefile import table_view as view

    return view(issue, table_id)


# --- the archive -------------------------------------------------------------------------


def publish(path: Path, archive: Path | None = None, revise: bool = False, templates: Path | None = None,
            pdf: bool | None = None, now: dt.datetime | None = None, workspace: Workspace | None = None,
            expect: str | None = None, document: Path | None = None, as_sent: bool = False) -> Published:  # fmt: skip
    """Render one issue and freeze exactly that document, with its sources, as a new archive version
    (``expect``: the fingerprint of the :class:`PublishPlan` confirmed; another plan by then is refused).

    ``document``: the .docx as issued (signed, printed, sent). Its text must match the rebuild, else a
    :class:`DocumentDiffers` listing the differences per item and nothing archived — unless ``as_sent``:
    then it is archived as the issued document beside the rebuilt one, and its text is what is indexed."""
    from .archive.publish import publish as freeze
    from .workspace import Workspace

    if as_sent and document is None:
        raise ContentError("--as-sent 要和 --document 一起用：请用 --document 给出印发的文档", path)
    workspace = workspace or Workspace()
    edition, data, rendered, template_set = _rendered(path, templates, workspace)
    items, issued = rendered.items, None
    if document is not None:
        issued, items = _sent_document(Path(document), Path(path), edition, workspace.renderer(template_set),
                                       rendered, data, as_sent)  # fmt: skip
    published = freeze(edition, data, items, template_set, archive, revise, pdf, now, expect,
                       tables=rendered.tables, charts=_table_charts(rendered), issued=issued)  # fmt: skip
    if issued is None or not issued.notes:
        return published
    from dataclasses import replace

    from .diagnostics import Location

    notes = tuple(Diagnostic(note, Location(Path(document)), severity="warning", rule="publish") for note in issued.notes)
    return replace(published, warnings=published.warnings + notes)


class DocumentDiffers(ContentError):
    """The document given as issued does not say what the sources build: nothing was published.
    ``differences`` one a line, for a face that lists them its own way (the message holds them too)."""

    headline = "印发的文档与稿件重新生成的文档文字不一致，没有发布。"
    differences: tuple[str, ...] = ()


def _sent_document(document: Path, issue: Path, edition, renderer, rendered, rebuilt: bytes, as_sent: bool):
    """The document as issued compared with the rebuild (``rendered`` and its .docx ``rebuilt``, as publish
    made them: not rendered again): (the archive's SentDocument, the items to index). DocumentDiffers when
    they differ and ``as_sent`` is not given."""
    from .archive.publish import SentDocument
    from .diagnostics import os_reason
    from .editback.issued import compare_issued
    from .editback.printed import printed_from
    from .editback.read import read_document

    edited = read_document(document)  # a file that is no .docx is refused naming it
    issued = compare_issued(document, printed_from(edition, rendered, rebuilt, renderer), edited, rendered.items)
    if not issued.matches and not as_sent:
        differences = tuple(issued.differences())
        refused = DocumentDiffers(DocumentDiffers.headline + "不一致之处：\n" + "\n".join(differences), document,
                                  hint=f"请用 zhuanbao apply {document} {issue} --write 把改动写回稿件后再发布；"
                                       "确要按印发的文档归档，加 --as-sent。")  # fmt: skip
        refused.differences = differences
        raise refused
    try:
        data = document.read_bytes()
    except OSError as exc:
        raise ContentError(f"无法读取：{os_reason(exc)}", document) from None
    notes = tuple(issued.notes) if not issued.matches else ()
    return SentDocument(document.name, data, issued.matches, notes), rendered.items if issued.matches else issued.items


def _table_charts(document) -> dict[str, bytes]:
    """The indicator tables' charts as the document prints them (PNG bytes by name), archived beside it."""
    names = {table.chart for table in document.tables if table.chart}
    return {name: data for name, data in document.media.items() if name in names}


def _rendered(path: Path, templates: Path | None, workspace: Workspace | None):
    """The one issue ``path`` names, rendered as publish freezes it: (edition, .docx bytes, the document, template
    set); the document's ``items`` and ``tables`` are what the archive indexes."""
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
    return editions[0], data, document, template_set


class PublishPlan(NamedTuple):
    """What publishing an issue now would archive (:class:`~zhuanbao.archive.publish.Plan`), and what
    check finds in the issue: its errors refuse the publish, its warnings do not."""

    plan: Plan
    findings: Sequence[Diagnostic] = ()

    @property
    def errors(self) -> list[Diagnostic]:
        return [f for f in self.findings if f.severity == "error" and not f.fixed]


def publish_plan(path: Path, archive: Path | None = None, templates: Path | None = None,
                 workspace: Workspace | None = None) -> PublishPlan:  # fmt: skip
    """What publishing the issue ``path`` would archive now, as which version; writes nothing.
    A UserError when the issue cannot be rendered (what check says of it tells where)."""
    from .archive.publish import plan

    findings = check(path).findings
    edition, data, document, template_set = _rendered(path, templates, workspace)
    return PublishPlan(plan(edition, data, document.items, template_set, archive), findings)


def publish_checked(path: Path, expect: str, revise: bool = False, archive: Path | None = None,
                    templates: Path | None = None, workspace: Workspace | None = None,
                    sent: tuple[bytes, str] | None = None, as_sent: bool = False) -> Published:  # fmt: skip
    """Publish an issue as an editor confirmed it: refused while check finds errors in it (a ContentError
    carrying each error at its file and line, nothing written), and when what would be archived is no
    longer the plan whose fingerprint is ``expect`` (:class:`~zhuanbao.archive.publish.PlanChanged`).
    ``sent``: the document as issued, (bytes, the name the browser gave), checked by content and then
    taken as ``publish --document`` takes a file (``as_sent`` as ``--as-sent``)."""
    errors = [f for f in check(path).findings if f.severity == "error" and not f.fixed]
    if errors:
        raise ContentError.of(errors)
    if sent is None:
        return publish(path, archive, revise, templates, workspace=workspace, expect=expect)
    with _uploaded_docx(*sent, "印发稿.docx") as file:
        return publish(path, archive, revise, templates, workspace=workspace, expect=expect, document=file,
                       as_sent=as_sent)  # fmt: skip


class Holdings(NamedTuple):
    """Every published issue of an archive, newest first, and the versions left out (a damaged manifest)."""

    issues: list[ArchivedIssue]
    warnings: Sequence[Diagnostic] = ()


def holdings(archive: Path) -> Holdings:
    """What the archive holds, read from its files (an archive not made yet holds nothing)."""
    from .archive.holdings import holdings as read

    return Holdings(*read(archive))


def archived_version(archive: Path, folder: Path) -> VersionRecord:
    """One version folder of the archive with its issue, items and files (a ContentError naming
    the file when its manifest or items.json cannot be read)."""
    from .archive.holdings import version_record

    return version_record(archive, folder)


def verify(archive: Path | None = None) -> VerifyReport:
    """Check every file of every published version against its manifest."""
    from .archive.layout import archive_to_read
    from .archive.verify import verify as check_archive

    return check_archive(archive_to_read(archive))


def record(path: Path, item: str, level: str, by: str, date: str | dt.date | None = None, note: str | None = None,
           archive: Path | None = None, today: dt.date | None = None) -> Recorded:  # fmt: skip
    """Record that an item of the published issue ``path`` was adopted by a superior's publication or given
    a leader's instruction (``level``), on ``date`` (default today), in the issue's 采用记录.yaml in the archive."""
    from .archive.layout import default_archive, series_key
    from .archive.uptake import home_of
    from .cn import issue_name
    from .load.content import ISSUE_FILE, load_series, locate
    from .load.validate import validate
    from .load.yamlfile import load_yaml
    from .model import Issue

    series_dir, issue_dirs = locate(path)
    if len(issue_dirs) != 1:
        raise ContentError("record 记录某一期中的一篇稿件：请给出那一期的文件夹", path)
    series = load_series(series_dir)
    issue = validate(Issue, load_yaml(issue_dirs[0] / ISSUE_FILE), ISSUE_FILE)
    archive = archive or default_archive(series_dir, series.archive)
    key = series_key(series_dir)
    year = issue.date.year
    home = home_of(archive, key, year, issue.number)
    if home is None:
        raise ContentError(f"{issue_name(series.title, year, issue.number)}还没有发布，归档“{archive}”中没有它",
                           hint="发布之后才能记录采用和批示。")  # fmt: skip
    return record_archived(archive, home, item, level, by, date, note, today)


def record_archived(archive: Path, home: Path, item: str, level: str, by: str, date: str | dt.date | None = None,
                    note: str | None = None, today: dt.date | None = None) -> Recorded:  # fmt: skip
    """:func:`record` for an issue found in the archive (``home``: its folder there, as the studio's page names it)."""
    from .archive.uptake import add

    today = today or dt.date.today()
    return add(archive, home, item, level, by, _date(date) or today, note, today)


def issue_records(archive: Path, home: Path) -> IssueRecords:
    """An archived issue's 采用记录 with the items they name, the problems of those that cannot count, and the
    items of its version in force (to choose from); a file that does not read is one of the problems."""
    from .archive.uptake import listed

    return listed(archive, home)


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
    """供稿统计: items per unit, section and month, each year's scores per unit and level, and the files
    the tables were saved as."""

    tables: dict[str, list[tuple[str, int]]]
    saved: Sequence[Path] = ()
    failed: Sequence[Diagnostic] = ()  # a file that could not be saved (the run ends with 2)
    warnings: Sequence[Diagnostic] = ()
    scores: Sequence[YearScores] = ()  # the latest year first


def stats(archive: Path | None = None, year: int | None = None, series: str | None = None,
          csv: Path | None = None, xlsx: Path | None = None, today: dt.date | None = None,
          weights: Path | None = None) -> StatsTables:  # fmt: skip
    """Count the current versions' items and score each year's (被采用, and the records of 采用记录.yaml
    weighted by series.yaml's contribution_weights as archived that year, or as the series.yaml ``weights``
    names says them now); save the counts as CSV and the scores as .xlsx, one sheet per year, when asked."""
    from .archive.catalogue import Catalogue
    from .archive.layout import archive_to_read
    from .archive.stats import check_name, scores, write_csv, write_xlsx

    for target, suffix in ((csv, ".csv"), (xlsx, ".xlsx")):
        if target is not None:
            check_name(target, suffix)  # before counting: a slip in a name must not cost the run
    points = None
    if weights is not None:  # read first: a slip in it must not cost the count
        from .load.content import SERIES_FILE, load_series

        given = load_series(weights.parent if weights.name == SERIES_FILE else weights)
        points = tuple(given.weights.values())
    folder = archive_to_read(archive)
    with Catalogue(folder) as catalogue:
        tables = catalogue.stats(year, series)
        items = catalogue.contributions(series)
        warnings = list(catalogue.warnings)
    scored = scores(folder, items, year, today, warnings, points)
    saved, failed = [], []
    for target, write, data in ((csv, write_csv, tables), (xlsx, write_xlsx, scored)):
        if target is not None:
            try:
                write(data, target)
                saved.append(target)
            except UserError as exc:  # the counts are still worth showing, and the other file saved
                failed.extend(exc.diagnostics)
    return StatsTables(tables, saved, failed, warnings, scored)


class Site(NamedTuple):
    index: Path
    warnings: Sequence[Diagnostic] = ()


def site(archive: Path | None = None, output: Path | None = None) -> Site:
    """Write the archive's static site; returns its index page."""
    from .archive.layout import archive_to_read
    from .archive.site import build_site

    warnings: list[Diagnostic] = []
    return Site(build_site(archive_to_read(archive), output, warnings), warnings)
