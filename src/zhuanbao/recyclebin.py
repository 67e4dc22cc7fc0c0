"""An issue's bin: where a deleted item goes, whole, and whence it comes back.

The bin is the folder ``.回收站`` in the issue folder. Its name starts with a dot, the project's one rule
for "not content": the build's fingerprint, ``publish`` (which archives the issue folder) and ``check``
pass over dot names, so a binned item is never printed, archived or checked, and nothing else has to
know about the bin. It is a plain folder on disk: it survives a restart of the studio, Windows'
Explorer shows it, and a command-line user restores an item by moving the file back into items/.

A binned file keeps its bytes and its name; only if the bin already holds that name is the moment of
deletion added (01-gaizao.20250826-103000.md). The file's modification time is set to the moment of
deletion, which is what the bin's page shows. Nothing is ever replaced, neither in the bin nor when an
item comes back to items/ (a name taken there gets -2, -3 …), and there is no emptying of the bin here:
an editor who wants the space deletes its files by hand.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import NamedTuple

from .diagnostics import ConflictError, ContentError, OutputError, UserError, os_reason
from .fsio import move_without_replacing
from .itemfile import digest, read_form
from .load.content import ITEMS_DIR, leads_out, refuse_link_out

BIN_DIR = ".回收站"
_STAMPED = re.compile(r"\.\d{8}-\d{6}(?:-\d+)?(?=\.[^.]+$)")
MAX_TRIES = 1000
LINKED_OUT = "是指向刊物文件夹之外的链接，不会读取，也不能恢复"


class Binned(NamedTuple):
    """An item in the bin, as its page lists it."""

    name: str  # its name in the bin
    original: str  # the name it had (and gets back, if free) in items/
    title: str
    section: str
    deleted: dt.datetime
    problem: str = ""  # why it cannot be restored here (a link out of the series)


def to_bin(path: Path, expected_sha: str, now: dt.datetime | None = None) -> Path:
    """Move the item file ``path`` into its issue's bin, if it still is what the editor saw (its sha256).
    A link goes to the bin as a link (what it points to stays where it is); a link out of the series is
    neither read nor moved, and nothing is moved into a bin folder that links out of the series."""
    series_dir = path.parent.parent.parent
    refuse_link_out(path, series_dir, "稿件", "不会读取或移动，没有删除")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"无法读取：{os_reason(exc)}", path) from None
    if digest(data) != expected_sha:
        raise ConflictError("这篇稿件在你打开页面之后被修改过，这次没有删除。请刷新页面，看过最新内容后再删除。", path)
    now = now or dt.datetime.now()
    folder = path.parent.parent / BIN_DIR
    refuse_link_out(folder, series_dir, f"回收站文件夹“{BIN_DIR}”", "不会把稿件移到那里，没有删除")
    stamp = now.strftime("%Y%m%d-%H%M%S")
    names = [path.name] + [f"{path.stem}.{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}" for n in range(1, MAX_TRIES)]
    try:
        folder.mkdir(exist_ok=True)
        for name in names:
            if move_without_replacing(path, folder / name):
                _stamp(folder / name, now)
                return folder / name
    except OSError as exc:
        raise OutputError(f"无法移到回收站：{os_reason(exc)}，稿件没有删除", path) from None
    raise OutputError("回收站中同名的文件太多，稿件没有删除", folder)


def restore(issue_dir: Path, name: str) -> Path:
    """Move ``name`` from the bin back into items/ under the name it had, or that name with -2, -3 … when
    another item has it now; returns where it went."""
    source = issue_dir / BIN_DIR / name
    refuse_link_out(source, issue_dir.parent, "回收站中的这个文件", "不会读取或恢复")
    if not source.is_file():
        raise ContentError("回收站中没有这个文件（可能已经恢复过）", source)
    original = original_name(name)
    stem, suffix = os.path.splitext(original)
    items = issue_dir / ITEMS_DIR
    refuse_link_out(items, issue_dir.parent, f"稿件文件夹“{ITEMS_DIR}”", "不会把稿件恢复到那里")
    try:
        items.mkdir(exist_ok=True)
        for n in range(1, MAX_TRIES):
            target = items / (original if n == 1 else f"{stem}-{n}{suffix}")
            if move_without_replacing(source, target):
                return target
    except OSError as exc:
        raise OutputError(f"无法恢复：{os_reason(exc)}，文件仍在回收站中", source) from None
    raise OutputError("稿件文件夹中同名的文件太多，没有恢复", items)


def original_name(name: str) -> str:
    """The name an item had in items/ before it was binned (without the moment of deletion, if added)."""
    return _STAMPED.sub("", name)


def listing(issue_dir: Path) -> list[Binned]:
    """The bin's items, the last deleted first; a bin folder that links out of the series is refused (its
    files are not even listed), a file in it that does is listed by its name, with why it stays there."""
    folder = issue_dir / BIN_DIR
    refuse_link_out(folder, issue_dir.parent, f"回收站文件夹“{BIN_DIR}”")
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix.lower() != ".md":
            continue  # a move under way (.name.…moving), or something put there by hand
        if leads_out(path, issue_dir.parent):  # listed by its name, never read
            deleted = dt.datetime.fromtimestamp(path.lstat().st_mtime)
            found.append(Binned(path.name, original_name(path.name), "", "", deleted, LINKED_OUT))
            continue
        if not path.is_file():
            continue
        try:
            form = read_form(path)
            title, section = form.title, form.section
        except UserError:  # not text at all: listed by its name, restorable like any other
            title = section = ""
        deleted = dt.datetime.fromtimestamp(path.lstat().st_mtime)  # a link's own: when it was binned
        found.append(Binned(path.name, original_name(path.name), title, section, deleted))
    return sorted(found, key=lambda b: (b.deleted, b.name), reverse=True)


def _stamp(path: Path, now: dt.datetime) -> None:
    """Make the moment of deletion ``path``'s modification time — a link's own, not that of what it points to."""
    own = os.utime in os.supports_follow_symlinks
    os.utime(path, (now.timestamp(), now.timestamp()), **({"follow_symlinks": False} if own else {}))
