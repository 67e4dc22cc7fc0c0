"""One issue's printed pages as images, made again only when what the issue is built from changed.

The studio shows them beside the editor's work, so they are made from the
files as saved: the document is rendered in memory (a :class:`Workspace`
keeps the templates compiled), converted by whichever PDF converter the
caller holds (a resident LibreOffice, or one run per conversion), and each
page drawn as a PNG. The images of one state of the inputs live in a folder
named by its fingerprint under ``<output>/.preview/<issue>/``, written in a
private folder and renamed into place whole, so a page set is never seen
half made; the newest two sets are kept (a browser may still be fetching
the one before), older ones removed. The output folder holds only what a
build makes, never an editor's file, and the series folder is not written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .build import document_bytes, issue_hash, load, shared_inputs_hash
from .diagnostics import OutputError, UserError, os_reason
from .load.content import SERIES_FILE, load_series, locate
from .load.templates import load_templates

PREVIEW_DIR = ".preview"
MANIFEST = "pages.json"
DPI = 96  # an A4 page 794 pixels wide: sharp in a 500-pixel column on a high-density screen too
KEEP = 2
ABANDONED = 3600  # seconds: a private work folder older than this belongs to a run that was killed


class Pages(NamedTuple):
    """The page images of one state of an issue's inputs, in page order."""

    fingerprint: str
    pages: list[Path]


def fingerprint(issue_dir: Path, templates_dir: Path | None = None, dpi: int = DPI) -> str:
    """A digest of every file the issue's document is made from (as ``build --changed`` counts them).

    Read as raw files, so it can be taken while they do not load: when an
    editor fixes a broken series.yaml or template, the digest changes and
    the preview is made again.
    """
    series_dir = issue_dir.parent
    user_dir = templates_dir
    try:
        series = load_series(series_dir)
        user_dir = templates_dir or ((series_dir / series.templates) if series.templates else None)
        shared = shared_inputs_hash(series_dir, load_templates(user_dir, lambda path, data: None))
    except UserError:  # the build will say what is wrong; the digest need only change with the files
        digest = hashlib.sha256(b"unloadable")
        for path in (series_dir / SERIES_FILE, *(sorted(user_dir.rglob("*")) if user_dir else ())):
            try:
                digest.update(str(path).encode() + b"\0" + path.read_bytes())
            except OSError:
                pass
        shared = digest.hexdigest()
    return issue_hash(issue_dir, hashlib.sha256(f"{shared} {dpi}".encode()).hexdigest())


def folder(output: Path, issue_dir: Path) -> Path:
    """Where the page sets of ``issue_dir`` are kept."""
    return output / PREVIEW_DIR / issue_dir.name


def render_pages(issue_dir: Path, output: Path, to_pdf: Callable[[Path, Path], Path], workspace,
                 templates_dir: Path | None = None, dpi: int = DPI) -> Pages:  # fmt: skip
    """The issue's pages as PNG files: the set already made for these inputs, or a new one.

    Raises the build's :class:`UserError` (with the file and line) when the
    issue does not build, and the converter's when LibreOffice fails; the
    sets made before are left as they were.
    """
    from .export import to_png

    digest = fingerprint(issue_dir, templates_dir, dpi)
    home = folder(output, issue_dir)
    done = home / digest[:24]
    kept = _read_manifest(done)
    if kept is not None:
        return Pages(digest, kept)
    series_dir, issue_dirs = locate(issue_dir)
    editions, series_templates = load(series_dir, issue_dirs)
    template_set = workspace.templates(templates_dir or series_templates)
    data, _ = document_bytes(editions[0], workspace.renderer(template_set))
    try:
        home.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".work-", dir=home))
    except OSError as exc:
        raise OutputError(f"无法在输出文件夹中保存预览图：{os_reason(exc)}", home) from None
    try:
        docx = work / "issue.docx"
        docx.write_bytes(data)
        pages = to_png(to_pdf(docx, work), work / "pages", dpi)
        (work / "pages" / MANIFEST).write_text(json.dumps([p.name for p in pages]), "utf-8")
        try:
            os.replace(work / "pages", done)
        except OSError:  # another studio on this output folder made the same set meanwhile
            if _read_manifest(done) is None:
                raise
    except OSError as exc:
        raise OutputError(f"无法在输出文件夹中保存预览图：{os_reason(exc)}", home) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(home, done)
    return Pages(digest, [done / p.name for p in pages])


def _read_manifest(done: Path) -> list[Path] | None:
    """The pages of a complete set (its manifest is written last), or None."""
    try:
        names = json.loads((done / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    pages = [done / name for name in names if isinstance(name, str) and "/" not in name and "\\" not in name]
    return pages if pages and len(pages) == len(names) and all(p.is_file() for p in pages) else None


def _prune(home: Path, newest: Path) -> None:
    """Remove all but the newest sets, and work folders a killed run left."""
    sets = sorted((p for p in home.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: (p == newest, p.stat().st_mtime), reverse=True)  # fmt: skip
    for old in sets[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    for work in home.glob(".work-*"):
        try:
            if time.time() - work.stat().st_mtime > ABANDONED:
                shutil.rmtree(work, ignore_errors=True)
        except OSError:
            pass
