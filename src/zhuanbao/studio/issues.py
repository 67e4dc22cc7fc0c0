"""What the series page lists: each issue's numbers, date, items and state.

The state is read from the files the CLI writes, so it is the same whoever
made them: 已发布 vN from the archive's ``current`` (archive/layout.py), else
已生成 when the output folder holds the issue's document, else 草稿 when
items/ holds drafts only (what ``new`` made), else 编辑中.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import NamedTuple

from ..archive.layout import current_name, default_archive, normal_key, version_number
from ..cn import issue_name
from ..diagnostics import UserError
from ..fsio import safe_name
from ..load.content import ISSUE_DIR_NAME, ISSUE_FILE, ITEMS_DIR, issue_facts, issue_order, item_files, only_drafts
from ..model import Series


class IssueRow(NamedTuple):
    folder: str
    number: int | None
    total: int | None
    date: dt.date | None
    items: int
    state: str


def issue_folders(series_dir: Path) -> list[Path]:
    """The series' issue folders, newest first."""
    folders = [p for p in series_dir.iterdir() if p.is_dir() and (p / ISSUE_FILE).is_file()]
    return sorted(folders, key=issue_order, reverse=True)


def published_version(archive: Path, series_dir: Path, folder: Path) -> int | None:
    """The version in force of this issue in the archive, found as publish names it (NFKC-equal names)."""
    key = normal_key(unicodedata.normalize("NFC", series_dir.resolve().name))
    try:
        homes = [s / h.name for s in archive.iterdir() if normal_key(s.name) == key
                 for h in s.iterdir() if normal_key(h.name) == normal_key(folder.name)]  # fmt: skip
    except OSError:
        return None
    for home in homes:
        name = current_name(home)
        if name and (number := version_number(name)):
            return number
    return None


def issue_rows(series_dir: Path, series: Series | None, output: Path) -> list[IssueRow]:
    archive = default_archive(series_dir, series.archive if series else None)
    rows = []
    for folder in issue_folders(series_dir):
        facts = issue_facts(folder)
        number, total, date = facts[:3] if facts else (None, None, None)
        state = "编辑中"
        version = published_version(archive, series_dir, folder) if archive.is_dir() else None
        if version:
            state = f"已发布 v{version}"
        elif series and number and date and ISSUE_DIR_NAME.match(folder.name) and (
            output / f"{safe_name(issue_name(series.title, date.year, number))}.docx"
        ).is_file():
            state = "已生成"
        elif only_drafts(folder):
            state = "草稿"
        rows.append(IssueRow(folder.name, number, total, date, len(item_files(folder / ITEMS_DIR)), state))
    return rows


def series_or_error(series_dir: Path) -> tuple[Series | None, list]:
    """series.yaml read, or its problems (the page still opens, and says what is wrong)."""
    from ..load.content import load_series

    try:
        return load_series(series_dir), []
    except UserError as exc:
        return None, list(exc.diagnostics)
