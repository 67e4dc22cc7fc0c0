"""The document as issued (``publish --document``): does its text match a rebuild, and if not, what it says.

An office prints and sends the file its leaders signed, not the one zhuanbao built. Before that file is
archived as the issued bulletin it is compared with the issue as it builds now, the way ``apply`` compares
(read.py as after 接受所有修订, printed.py, :func:`~zhuanbao.editback.review`): it *matches* when no item,
no paragraph between items and nothing outside the items (masthead, 版记, a table's cells) differs. Hand
formatting, manual line breaks and comments are layout, not text: they do not make a mismatch.

When it does not match and is archived as sent all the same, search and 供稿统计 must read what was sent:
:func:`issued_items` takes each item's text from the document through apply's alignment — the lines
paired with the item's printed lines (an unchanged line keeps the printed block's text, a changed one the
document's, without its lead title and credit), and lines typed after one of them, in the document's
order (a line typed between two items goes with the item before it); title, unit and section as the
review reads them from the document. An item the document deleted was not issued and is left out; an item
none of whose lines is found otherwise keeps the rebuilt text. The indicator tables stay as rebuilt
(tables.json). Each such decision is said in a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..doctree import PrintedItem
from . import _SECTION, Review, _cut, align, review, split_like
from .printed import Printed
from .read import Edited, Line
from .source import flat


@dataclass
class Issued:
    """A sent document compared with the rebuilt issue, and the items' text as it issued them."""

    review: Review
    items: tuple[PrintedItem, ...]  # what search and 供稿统计 index if it is archived as sent
    notes: list[str] = field(default_factory=list)  # items whose text is not the document's, and why

    @property
    def matches(self) -> bool:
        """Its text is the rebuild's: no item, no paragraph between items, no masthead, 版记 or cell differs."""
        return not (self.review.items or self.review.to_place or self.review.elsewhere)

    def differences(self) -> list[str]:
        """What differs, per item and then outside the items, as lines for the editor."""
        return differences(self.review)


def differences(result: Review) -> list[str]:
    """A review's text differences, one heading line per item with its changes indented under it."""
    out = []
    for item in result.items:
        name = f"{item.path.name}《{item.title}》" if item.title else item.path.name
        if item.deleted:
            out.append(f"{name}：在文档中整篇删去")
            continue
        out.append(f"{name}：改动 {len(item.changes)} 处" if item.changes else
                   f"{name}：" + ("有改动" if item.problems else "在栏目中的顺序随别的稿件变了"))
        out += [f"  · {line}" for line in item.changes]
        out += [f"  ！ {line}" for line in item.problems]
    for title, lines in (("稿件之间新加的段落", result.to_place), ("稿件之外（报头、版记、栏目、表格）", result.elsewhere)):
        if lines:
            out.append(f"{title}，共 {len(lines)} 处：")
            out += [f"  · {line}" for line in lines]
    return out


def compare_issued(document: Path, printed: Printed, edited: Edited, rebuilt: tuple[PrintedItem, ...]) -> Issued:
    """``document`` (read as ``edited``) against the issue as ``printed``; ``rebuilt``: the items as the
    rebuild prints them (what the archive indexes when the two match). A ContentError when the document is
    not this issue's (as for ``apply``)."""
    result = review(document, printed, edited)
    items, notes = issued_items(printed, edited.lines, result, rebuilt)
    return Issued(result, items, notes)


def issued_items(printed: Printed, lines: list[Line], result: Review,
                 rebuilt: tuple[PrintedItem, ...]) -> tuple[tuple[PrintedItem, ...], list[str]]:  # fmt: skip
    """Each item's file, section, title, unit and text as the sent document has them (see the module's doc)."""
    slots = printed.slots
    _, old_of = align([s.line.key for s in slots], [line.key for line in lines])
    by_file = {item.file: item for item in rebuilt}
    changes = {change.path.name: change for change in result.items}
    texts: dict[int, list[str]] = {}
    first: dict[int, int] = {}
    shown: set[tuple[int, int]] = set()  # (item, block) of a picture already given its caption
    owner: int | None = None  # the item the last paired line belongs to
    unowned: list[str] = []  # lines typed before the first item (in the masthead)
    for j, line in enumerate(lines):
        i = old_of[j]
        if i is None:
            if _SECTION.match(line.key):
                continue  # a section marker typed anew: no item's text
            if owner is not None:
                texts.setdefault(owner, []).append(_line_text(line))
            else:
                unowned.append(_line_text(line))
            continue
        slot = slots[i]
        if slot.item is None:
            continue  # the masthead, a section marker, an indicator table, the 版记: the owner stays the item before
        owner = slot.item
        first.setdefault(owner, j)
        block = printed.items[owner].blocks[slot.block] if slot.block is not None else None
        if slot.role == "body" and block is not None:
            same = line.key == slot.line.key
            texts.setdefault(owner, []).append(block.text if same else
                                               split_like([slot.lead, flat(slot.body), slot.tail], flat(line.text))[1])
        elif slot.role == "table" and block is not None:
            texts.setdefault(owner, []).append(block.text if line.key == slot.line.key else _line_text(line))
        elif slot.role in ("picture", "caption") and block is not None and (owner, slot.block) not in shown:
            shown.add((owner, slot.block))
            texts.setdefault(owner, []).append(block.text)

    out: list[tuple[float, PrintedItem]] = []
    notes: list[str] = []
    last = -1.0
    for index, entry in enumerate(printed.items):
        name = entry.item.path.name
        was = by_file.get(name)
        if was is None:
            continue
        change = changes.get(name)
        label = f"{name}《{was.title}》" if was.title else name
        if change is not None and change.deleted:
            notes.append(f"{label}在印发的文档中整篇删去：没有印发，不编入检索和供稿统计")
            continue
        if index not in first:
            notes.append(f"{label}在印发的文档中找不到：检索和供稿统计用重新生成的文字")
            last += 0.001
            out.append((last, was))
            continue
        last = float(first[index])
        fields = change.fields if change is not None else {}
        section = str(change.keys.get("section", was.section)) if change is not None else was.section
        out.append((last, PrintedItem(name, section, fields.get("title", was.title), fields.get("source", was.source),
                                      "\n".join(t for t in texts.get(index, []) if t))))  # fmt: skip
    attached = len(result.to_place) - len(unowned)
    if attached > 0:
        notes.append(f"稿件之间新加的 {attached} 段编入了文档中它前面那篇稿件的检索文字")
    notes += [f"第一篇稿件之前新加的段落“{_cut(text)}”不属于哪篇稿件，没有编入检索" for text in unowned]
    if result.elsewhere:
        notes.append(f"稿件之外的 {len(result.elsewhere)} 处改动（报头、版记、栏目、表格）没有编入检索："
                     "指标表按重新生成的样子检索和显示")  # fmt: skip
    return tuple(item for _, item in sorted(out, key=lambda pair: pair[0])), notes


def _line_text(line: Line) -> str:
    if line.kind == "table":
        return "\n".join(" ".join(row) for row in line.rows)
    return flat(line.text)
