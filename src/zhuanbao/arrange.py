"""Where an issue's items print: the section each is in and the order within it.

An item prints by its ``order:`` and then its file name (``model.printed_order``). A move writes the
target section's order as ``order:`` keys 10, 20, 30 … and, when the item changes section, its
``section:`` — through :func:`itemfile.with_keys`, so those lines change and no other byte; an item
whose key already holds its number is not touched. Steps of ten leave room for a hand edit (order: 15
puts an item between the first two) without renumbering the rest; the section an item leaves keeps
its numbers, whose gaps change nothing.

A move is made from what the editor saw: the page carries :func:`items_state`, a digest of every item
file it was rendered from, and a move over any other state is refused (:class:`ConflictError`), else a
drop "before this item" could land among items another editor had just moved or added.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from .diagnostics import ConflictError, ContentError, UserError, suggest
from .fsio import FileChanged, replace_if_unchanged
from .itemfile import refuse_link, with_keys
from .load.content import ITEMS_DIR, item_files, leads_out, load_series, refuse_link_out
from .load.frontmatter import split_front_matter
from .load.text import clean, decode
from .model import printed_order

STEP = 10
STALE = ("本期的稿件在你打开页面之后有改动（另一位编辑、命令行或编辑页保存过），为了不弄乱顺序，这次没有移动。"
         "请刷新页面，看过最新的顺序后再移动。")  # fmt: skip


class Placed(NamedTuple):
    """Where a move put an item, and the files it rewrote (none when the item was already there)."""

    path: Path
    section: str
    rewritten: list[Path]


def items_state(issue_dir: Path) -> str:
    """A digest of the issue's item files (names and contents), drafts left out as they never print; a
    link out of the series counts by its name alone (it is not read)."""
    digest = hashlib.sha256()
    for path in item_files(issue_dir / ITEMS_DIR):
        try:
            content = b"link out" if leads_out(path, issue_dir.parent) else hashlib.sha256(path.read_bytes()).digest()
        except OSError:
            content = b"unreadable"
        digest.update(os.fsencode(path.name) + b"\0" + content)
    return digest.hexdigest()


def _placement(data: bytes, path: Path) -> tuple[str | None, int | None]:
    """(section, order) as the front matter says; raises UserError when it cannot be read."""
    meta = split_front_matter(clean(decode(data, path)), path).meta.data
    section, order = meta.get("section"), meta.get("order")
    return (section if isinstance(section, str) else None, order if type(order) is int else None)


def move(issue_dir: Path, name: str, seen: str, section: str | None = None, before: str | None = None,
         offset: int = 0) -> Placed:  # fmt: skip
    """Put the item ``name`` into ``section`` (default: its own) before the item ``before`` (default: last),
    or ``offset`` places up (−1) or down (+1) within its section; ``seen`` is the :func:`items_state` the
    editor's page was made from."""
    series = load_series(issue_dir.parent)
    if items_state(issue_dir) != seen:
        raise ConflictError(STALE, issue_dir / ITEMS_DIR)
    listed = item_files(issue_dir / ITEMS_DIR)
    if name in (path.name for path in listed):
        refuse_link_out(issue_dir / ITEMS_DIR / name, issue_dir.parent, "稿件", "不会读取或移动，这次没有移动")
    files = {path.name: path for path in listed if not leads_out(path, issue_dir.parent)}  # the others: in no section
    if name not in files:
        raise ContentError("找不到这篇稿件（以“_”开头的草稿不排入专报，不能排序）", issue_dir / ITEMS_DIR / name)
    data = {n: path.read_bytes() for n, path in files.items()}
    try:
        own_section, _ = _placement(data[name], files[name])
    except UserError:
        raise ContentError("这篇稿件的头信息无法读取，不能移动；请先在编辑页中修正", files[name]) from None
    target = own_section if section is None else section
    if target is None:
        raise ContentError("这篇稿件没有写栏目：请选择要移到的栏目", files[name], key=("section",))
    if target not in series.sections:
        raise ContentError(f"栏目“{target}”不在本刊的栏目中（{'、'.join(series.sections)}），没有移动",
                           files[name], hint=suggest(target, series.sections), key=("section",))  # fmt: skip
    orders: dict[str, int | None] = {}
    for other, path in files.items():
        try:
            where, orders[other] = _placement(data[other], path)
        except UserError:
            continue  # its front matter cannot be read: it is in no section
        if where != target:
            orders.pop(other)
    others = sorted((n for n in orders if n != name), key=lambda n: printed_order(orders[n], n))
    now = sorted(orders, key=lambda n: printed_order(orders[n], n)) if own_section == target else None
    if offset:
        if now is None:
            raise ContentError("上移、下移只在稿件所在的栏目内进行", files[name])
        index = min(max(now.index(name) + offset, 0), len(others))
    elif before is not None and before != name:
        if before not in others:
            raise ConflictError(STALE, files[name])
        index = others.index(before)
    else:
        index = now.index(name) if before == name and now is not None else len(others)
    placed = [*others[:index], name, *others[index:]]
    if placed == now:
        return Placed(files[name], target, [])
    writes = []
    for position, item in enumerate(placed, start=1):
        values: dict[str, str | int | None] = {}
        if item == name and own_section != target:
            values["section"] = target
        if orders.get(item) != position * STEP:
            values["order"] = position * STEP
        if values:
            refuse_link(files[item], "这次没有移动")  # before anything is written
            writes.append((files[item], data[item], with_keys(data[item], files[item], values)))
    written = []
    for path, old, new in writes:
        try:
            replace_if_unchanged(path, new, old)
        except FileChanged:
            raise ConflictError(STALE if not written else "移动时有稿件正好被别人保存，顺序只改了一部分；请刷新页面，看过后再移动。",
                                path) from None  # fmt: skip
        written.append(path)
    return Placed(files[name], target, written)
