"""Every path the browser names, resolved inside the series folder or refused.

A folder or file name arrives from a URL. Names are single components (no
``/`` or ``\\``, no ``..``, no drive letters such as ``C:``), and what they
resolve to, links followed, must still be inside the series folder: a link
in items/ pointing at a confidential file elsewhere is never read or written.
"""

from __future__ import annotations

from pathlib import Path

from ..load.content import ISSUE_FILE, ITEMS_DIR, leads_out


class NotFound(Exception):
    """No such issue or item (or a name that could not be one); shown as 404 in Chinese."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class LinkOut(NotFound):
    """A name that is a link, or lies in a linked folder, leading out of the folder it was looked up in:
    refused (404, never read), said as what it is rather than as missing."""

    def __init__(self, path: Path, root: Path) -> None:
        super().__init__("路径")
        which = "是一个链接" if path.is_symlink() else "所在的文件夹是一个链接"
        self.reason = f"“{path.name}”{which}，指向“{root.resolve().name}”文件夹之外：编辑器不会读取或改动它。"


def is_plain_name(name: str) -> bool:
    """One path component that means the same on Windows, macOS and Linux."""
    return (
        bool(name) and name not in (".", "..") and not any(c in name for c in '/\\:\x00')
        and name == name.strip() and not name.endswith(".")
    )  # fmt: skip


def inside(root: Path, *names: str) -> Path:
    """``root / names…`` when every name is plain and the result, links resolved, stays in ``root``."""
    if not all(is_plain_name(n) for n in names):
        raise NotFound("路径")
    path = root.joinpath(*names)
    if leads_out(path, root):  # plain names: only a link leads out (or round in a loop)
        raise LinkOut(path, root)
    return path


def issue_dir(series_dir: Path, name: str) -> Path:
    """An issue folder of the series (one holding issue.yaml)."""
    folder = inside(series_dir, name)
    if not (folder / ISSUE_FILE).is_file():
        raise NotFound("这一期")
    return folder


def item_path(series_dir: Path, issue: str, name: str) -> Path:
    """An item file (.md, drafts included) of an issue."""
    return _md_file(series_dir, issue, ITEMS_DIR, name, "这篇稿件")


def binned_path(series_dir: Path, issue: str, name: str) -> Path:
    """An item file in an issue's bin (recyclebin.py)."""
    from ..recyclebin import BIN_DIR

    return _md_file(series_dir, issue, BIN_DIR, name, "回收站中的这篇稿件")


def _md_file(series_dir: Path, issue: str, subfolder: str, name: str, what: str) -> Path:
    """A .md file directly in ``subfolder`` of an issue, links resolved (a link elsewhere is not found)."""
    folder = issue_dir(series_dir, issue)
    path = inside(series_dir, issue, subfolder, name)
    if path.suffix.lower() != ".md" or not path.is_file() or path.parent.resolve() != (folder / subfolder).resolve():
        raise NotFound(what)
    return path
