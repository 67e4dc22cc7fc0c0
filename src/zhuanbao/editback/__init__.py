"""Leaders' edits in the Word document brought back into the issue's sources (``zhuanbao apply``).

The edited .docx (read.py: as Word shows it after 接受所有修订) is compared line by line with the issue
as zhuanbao prints it now (printed.py: each line knowing its item, block or setting). Lines are aligned
with difflib on their text; a changed line is paired with the printed line it is most like, and a line
that moved (two items swapped) is found again by its text. From the pairs come, per item, the edits to
its Markdown (source.py), its title and credit (front matter), its section and order (``order:``), or
its deletion (to the bin); what no item holds — the masthead, the 版记, a table's cells, a section
marker — is reported with the file to change; a paragraph typed between two items is reported for the
editor to place; and what the sources cannot hold (a font set by hand, a manual line break) is listed.

:func:`review` changes nothing; :func:`write` writes a review's changes, each file only if it still
holds the bytes the review read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import ContentError
from .printed import Printed, Slot
from .read import Edited, Line
from .source import Body, flat, readable

#: a paragraph changed by a leader is still paired with the printed one when this much of it is the same
SIMILAR = 0.5
#: below this share of the items' paragraphs found in it, a document is not an edit of this issue
SAME_ISSUE = 0.5
#: a paragraph with more changes than this is shown as rewritten, with its new text
REWRITTEN = 5
#: at most this many pairs of lines are weighed for likeness in one step (a bulletin has a few hundred
#: lines; a long unrelated document must not take minutes before it is refused)
MAX_WEIGHED = 40_000
_ISSUE_LINE = re.compile(r"\d{4}年第\d+期")
_CREDIT = re.compile(r"^\[(.+)供稿\]$")
_SECTION = re.compile(r"^【(.+)】$")


@dataclass
class ItemChange:
    """What the edited document changed in one item, and the file it makes."""

    path: Path
    title: str
    data: bytes  # the file as the review read it
    changes: list[str] = field(default_factory=list)  # readable, in Chinese
    problems: list[str] = field(default_factory=list)  # edits that cannot be written
    fields: dict[str, str] = field(default_factory=dict)  # title, source
    keys: dict[str, str | int] = field(default_factory=dict)  # section, order
    body: str | None = None  # the new body, when it changed
    deleted: bool = False


@dataclass
class Review:
    """An edited document compared with its issue."""

    document: Path
    issue_dir: Path
    name: str  # the issue, 2024年第3期
    items: list[ItemChange]  # only items with a change
    to_place: list[str]  # paragraphs typed between items
    elsewhere: list[str]  # masthead, 版记, tables, sections: where to change them
    unheld: list[str]  # what the sources cannot hold
    comments: list[str] = field(default_factory=list)  # the leaders' comments (批注), for the editor

    @property
    def unchanged(self) -> bool:
        return not (self.items or self.to_place or self.elsewhere or self.unheld or self.comments)


def review(document: Path, printed: Printed, edited: Edited) -> Review:
    """Compare the ``edited`` document with the issue as ``printed``; raises ContentError when the
    document is not an edit of this issue."""
    lines = edited.lines
    slots = printed.slots
    new_of, old_of = align([s.line.key for s in slots], [line.key for line in lines])
    _same_issue(document, printed, lines, new_of)
    edition = printed.edition
    changes: dict[int, ItemChange] = {}
    bodies: dict[int, Body] = {}

    def change(index: int) -> ItemChange:
        if index not in changes:
            item = printed.items[index].item
            changes[index] = ItemChange(item.path, printed.items[index].title, item.path.read_bytes())
        return changes[index]

    def body(index: int) -> Body:
        if index not in bodies:
            bodies[index] = Body(printed.items[index].item.body, printed.items[index].blocks)
        return bodies[index]

    elsewhere: list[str] = []
    unheld: list[str] = []
    to_place: list[str] = []

    deleted, first, section_of = _placed(printed, lines, new_of, old_of)
    for index in sorted(deleted):
        own = [slot for slot in slots if slot.item == index and slot.role in ("body", "headline", "lead")]
        if edited.tracked and own and not any(flat(s.line.key)[:20] in edited.deleted for s in own):
            # revisions tracked, yet none deleted this item: it is newer than the document the leaders had
            change(index).problems.append("这篇稿件不在文档中，文档的修订中也没有删除它：多半是送审之后才加的，没有移入回收站")
            continue
        item = change(index)
        item.deleted = True
        item.changes.append("整篇已在文档中删除：移入回收站")
    deleted = {index for index in deleted if changes[index].deleted}
    _reorder(printed, first, section_of, deleted, change)
    for i, slot in enumerate(slots):
        name = _SECTION.sub(r"\1", flat(slot.line.text).strip())
        if slot.part == "section" and new_of[i] is not None and name not in section_of.values() \
                and not any(spec is not None and spec.section == name for spec, _ in printed.indicators):  # fmt: skip
            elsewhere.append(f"{slot.label}：栏目中的稿件都删去了，重新生成时这个栏目不再印出")

    # each printed line: changed, deleted, or as it was
    for i, slot in enumerate(slots):
        j = new_of[i]
        if slot.item is not None and slot.item in deleted:
            continue
        if j is None:
            if slot.part == "section" and _SECTION.sub(r"\1", flat(slot.line.text).strip()) not in section_of.values():
                continue  # its items are gone too: the rebuilt issue leaves the section out
            _deleted_line(slot, printed, change, body, elsewhere)
            continue
        line = lines[j]
        _formatting(slot, line, unheld)
        if line.key == slot.line.key:
            continue
        if slot.part != "item":
            elsewhere.append(_elsewhere(slot, line))
        else:
            _changed_line(slot, line, printed, change, body)

    for j, line in enumerate(lines):  # lines typed anew
        if old_of[j] is None:
            _formatting(None, line, unheld)
            _typed(j, line, slots, old_of, edition.series.sections, change, body, to_place)

    for index, text in bodies.items():
        new = text.result()
        if new != text.body:
            change(index).body = new
        change(index).problems += text.problems
    items = [changes[index] for index in sorted(changes)]
    comments = [f"{author or '批注'}：{text}" + (f"（在“{_cut(flat(on))}”处）" if on else "")
                for author, text, on in edited.comments]  # fmt: skip
    return Review(document, edition.issue_dir, edition.name,
                  [c for c in items if c.changes or c.problems or c.keys or c.fields or c.body is not None or c.deleted],
                  to_place, elsewhere, unheld, comments)  # fmt: skip


def _placed(printed: Printed, lines: list[Line], new_of: list, old_of: list) -> tuple[set, dict, dict]:
    """Items deleted whole (none of their lines found), and for the others the first edited line they are on
    and the section they are in there (after which section marker)."""
    slots = printed.slots
    by_item: dict[int, list[int]] = {}
    for i, slot in enumerate(slots):
        if slot.item is not None:
            by_item.setdefault(slot.item, []).append(i)
    deleted = {index for index, own in by_item.items() if all(new_of[i] is None for i in own)}
    first: dict[int, int] = {}
    section_of: dict[int, str] = {}
    current = None
    for j, line in enumerate(lines):
        i = old_of[j]
        if i is not None and slots[i].part == "section":
            current = _SECTION.sub(r"\1", flat(slots[i].line.text).strip())
        elif i is None and _SECTION.match(line.key) and _SECTION.sub(r"\1", line.key) in printed.edition.series.sections:
            current = _SECTION.sub(r"\1", line.key)  # a marker typed anew: the items after it go there
        elif i is not None and slots[i].item is not None and slots[i].item not in first:
            first[slots[i].item] = j
            section_of[slots[i].item] = current or printed.items[slots[i].item].section
    return deleted, first, section_of


def _typed(j: int, line: Line, slots: list[Slot], old_of: list, sections: list[str], change, body,
           to_place: list[str]) -> None:  # fmt: skip
    """A line typed anew: a paragraph of the item around it, or one for the editor to place."""
    if _SECTION.match(line.key) and _SECTION.sub(r"\1", line.key) in sections:
        return  # a section marker: items after it went there (_placed)
    before = next((old_of[b] for b in range(j - 1, -1, -1) if old_of[b] is not None), None)
    after = next((old_of[b] for b in range(j + 1, len(old_of)) if old_of[b] is not None), None)
    prev = slots[before] if before is not None else None
    following = slots[after] if after is not None else None
    if prev is None or following is None or prev.item is None or prev.item != following.item:
        to_place.append(f"{_between(prev, following)}加入了一段：“{_cut(flat(line.text), 60)}”——请放进相应的稿件"
                        "（或用 zhuanbao import 作为新稿件）")  # fmt: skip
    elif line.kind == "table":
        change(prev.item).problems.append(f"加入了一个表格（“{_cut(line.text)}”）：请在稿件中用 Markdown 表格写入")
    else:
        anchor = prev.block if prev.role in ("body", "picture", "caption", "table") else None  # None: before the first
        body(prev.item).insert_after(anchor, line.pieces)
        change(prev.item).changes.append(f"加入一段：“{_cut(flat(line.text))}”")


def align(old: list[str], new: list[str]) -> tuple[list[int | None], list[int | None]]:
    """Pairs of printed and edited lines (their indices each way; None: no partner): equal runs by
    difflib, a changed run paired by likeness in order, then moved lines found by their text."""
    new_of: list[int | None] = [None] * len(old)
    old_of: list[int | None] = [None] * len(new)

    def pair(i: int, j: int) -> None:
        new_of[i], old_of[j] = j, i

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            for d in range(i2 - i1):
                pair(i1 + d, j1 + d)
        elif tag == "replace" and (i2 - i1) * (j2 - j1) <= MAX_WEIGHED:
            for i, j in _pair_in_order(old[i1:i2], new[j1:j2]):
                pair(i1 + i, j1 + j)
    # moved: an unpaired printed line found elsewhere, same or alike
    free_new = [j for j in range(len(new)) if old_of[j] is None]
    free_old = [i for i in range(len(old)) if new_of[i] is None]
    if len(free_old) * len(free_new) > MAX_WEIGHED:
        return new_of, old_of
    candidates = []
    for i in free_old:
        for j in free_new:
            score = _likeness(old[i], new[j])
            if score >= SIMILAR:
                candidates.append((-score, i, j))
    for _, i, j in sorted(candidates):
        if new_of[i] is None and old_of[j] is None:
            pair(i, j)
    return new_of, old_of


def _likeness(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _pair_in_order(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """The pairing in order with the greatest total likeness (each pair at least SIMILAR alike)."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            alike = _likeness(old[i], new[j])
            best = max(score[i + 1][j], score[i][j + 1])
            if alike >= SIMILAR:
                best = max(best, alike + score[i + 1][j + 1])
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        alike = _likeness(old[i], new[j])
        if alike >= SIMILAR and abs(score[i][j] - (alike + score[i + 1][j + 1])) < 1e-9:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _same_issue(document: Path, printed: Printed, lines: list[Line], new_of: list[int | None]) -> None:
    own = [i for i, slot in enumerate(printed.slots) if slot.part == "item"]
    found = sum(1 for i in own if new_of[i] is not None)
    if own and found >= SAME_ISSUE * len(own):
        return
    name = printed.edition.name
    issue = next((m.group(0) for line in lines[:8] for m in [_ISSUE_LINE.search(line.text)] if m), None)
    if issue and issue not in name:
        raise ContentError(f"这份文档是{issue}的专报，不是本期（{name}）的修改稿：没有读入任何改动", document,
                           hint="请确认文档和期文件夹是否对应。")  # fmt: skip
    raise ContentError(f"这份文档与本期（{name}）的稿件对不上（{len(own)} 段中只找到 {found} 段），不像是本期专报的修改稿："
                       "没有读入任何改动", document, hint="请确认文档和期文件夹是否对应。")  # fmt: skip


def _reorder(printed: Printed, first: dict[int, int], section_of: dict[int, str], deleted: set[int], change) -> None:
    """Items now in another section or another order: ``section:`` and ``order:`` for the sections they are in."""
    from ..arrange import STEP

    for name in printed.edition.series.sections:
        was = [i for i, item in enumerate(printed.items) if item.section == name and i not in deleted]
        now = sorted((i for i in first if section_of[i] == name and i not in deleted), key=lambda i: first[i])
        if was == now:
            continue
        for position, index in enumerate(now, start=1):
            item = printed.items[index]
            moved = item.section != name
            if moved:
                change(index).keys["section"] = name
                change(index).changes.append(f"从【{item.section}】移到【{name}】")
            if item.item.meta.order != position * STEP:
                change(index).keys["order"] = position * STEP
            if not moved and (was.index(index) if index in was else -1) != position - 1:
                change(index).changes.append(f"在【{name}】中的位置：第 {was.index(index) + 1} 篇改为第 {position} 篇")


def _deleted_line(slot: Slot, printed: Printed, change, body, elsewhere: list[str]) -> None:
    if slot.part != "item":
        elsewhere.append(f"{slot.label}：删去了“{_cut(flat(slot.line.text))}”。这部分不在稿件中，请在 {slot.where} 中修改")
        return
    index = slot.item
    if slot.role == "body":
        body(index).delete(slot.block)
        change(index).changes.append(f"删去第 {slot.block + 1} 段：“{_cut(slot.body)}”")
        if slot.tail and not printed.items[index].credit_moved:
            change(index).problems.append(f"末段删去时其中的“{slot.tail}”也删去了：供稿单位仍保留，重新生成时印在新的末段后；"
                                          "确要去掉时请删去头信息中的 source")  # fmt: skip
    elif slot.role == "credit":
        change(index).fields["source"] = ""
        change(index).changes.append(f"删去供稿单位“{slot.tail}”")
    else:
        what = {"headline": "标题", "lead": "标题", "picture": "图片", "caption": "图片说明", "table": "表格"}[slot.role]
        change(index).problems.append(f"{what}“{_cut(flat(slot.line.text))}”在文档中删除了：请在稿件中处理（没有自动删除）")


def _changed_line(slot: Slot, line: Line, printed: Printed, change, body) -> None:
    index = slot.item
    item = printed.items[index]
    new = flat(line.text)
    if slot.role in ("body", "lead", "credit"):
        lead, text, tail = split_like([slot.lead, flat(slot.body), slot.tail], new)
        credit = f"[{item.item.meta.source}供稿]" if item.item.meta.source else ""
        if not slot.tail and credit and text.endswith(credit):  # the paragraph after it joined on, credit and all
            text, tail = text[: -len(credit)], ""
            item.credit_moved = True
        if lead != slot.lead:
            _title(index, item, slot.lead, lead, change)
        if text != flat(slot.body) and slot.role == "body":
            taken = body(index).edit(slot.block, text)
            if len(taken) > REWRITTEN:  # a paragraph rewritten: its new text says more than its pieces
                change(index).changes.append(f"第 {slot.block + 1} 段改写（{len(taken)} 处），现为：“{_cut(text, 80)}”")
            else:
                for described in _described(taken):
                    change(index).changes.append(f"第 {slot.block + 1} 段：{described}")
        elif text.strip() and slot.role != "body":
            change(index).problems.append(f"在{'标题' if slot.role == 'lead' else '供稿单位'}旁加入了“{_cut(text)}”：请在稿件中写入")
        if tail != slot.tail:
            found = _CREDIT.match(tail.strip())
            if found or not tail.strip():
                change(index).fields["source"] = found.group(1).strip() if found else ""
                change(index).changes.append(f"供稿单位改为“{found.group(1).strip()}”" if found else f"删去供稿单位“{slot.tail}”")
            else:
                change(index).problems.append(f"供稿单位“{slot.tail}”改成了“{tail}”，不是[XX供稿]的写法：请在稿件头信息的 source 中修改")
    elif slot.role == "headline":
        _title(index, item, slot.line.text, new, change)
    elif slot.role == "caption":
        change(index).problems.append(f"图片说明“{_cut(flat(slot.line.text))}”改为“{_cut(new)}”：请在稿件中图片的说明里修改")
    elif slot.role == "table":
        cells = _cell_changes(slot.line.rows, line.rows)
        at = item.blocks[slot.block].line
        same_shape = [len(row) for row in slot.line.rows] == [len(row) for row in line.rows]
        if not same_shape or any("|" in cell for row in line.rows for cell in row):
            change(index).problems.append(f"稿件中的表格（第 {at} 行）改了行列：{cells}；请在稿件的表格中修改")
            return
        problems = len(body(index).problems)
        body(index).edit(slot.block, "|".join(cell for row in line.rows for cell in row))
        if len(body(index).problems) == problems:
            change(index).changes.append(f"第 {at} 行的表格：{cells}")


def _title(index: int, item, printed_title: str, new: str, change) -> None:
    """The title as printed (with the 。 the template adds after a lead title) changed to ``new``."""
    title = item.item.meta.title
    if not title:
        change(index).problems.append(f"无标题稿件的“{printed_title}”改成了“{new}”：请在稿件中修改")
        return
    added = printed_title[len(title):] if printed_title.startswith(title) else ""
    if added and new.endswith(added):
        new = new[: len(new) - len(added)]
    new = new.strip()
    if not new:
        change(index).problems.append(f"标题“{title}”在文档中删除了：稿件需要标题时请在头信息的 title 中修改")
        return
    change(index).fields["title"] = new
    change(index).changes.append(f"标题：“{title}”改为“{new}”")


def split_like(parts: list[str], new: str) -> list[str]:
    """``new`` cut where the printed ``parts`` (lead title, body, credit) meet, as the edit moved them:
    text typed where two parts meet belongs to the body."""
    old = "".join(parts)
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def where(x: int, prefer_start: bool) -> int:
        found = None
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal" and i1 <= x <= i2:
                found = j1 + x - i1
                if not prefer_start:
                    return found
                if x == i1:
                    return found
            elif tag != "equal" and i1 < x < i2:
                return j1 + round((x - i1) * (j2 - j1) / (i2 - i1))
        if found is not None:
            return found
        for tag, i1, i2, j1, j2 in ops:  # at the edge of a change: its far side
            if i1 <= x <= i2:
                return j2 if not prefer_start else j1
        return len(new)

    a = where(len(parts[0]), False) if parts[0] else 0
    b = where(len(parts[0]) + len(parts[1]), True) if parts[2] else len(new)
    b = max(a, b)
    return [new[:a], new[a:b], new[b:]]


def _described(taken: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for kind, was, now in taken:
        if kind == "改":
            out.append(f"“{_cut(was)}”改为“{_cut(now)}”")
        elif kind == "删":
            out.append(f"删去“{_cut(was)}”")
        else:
            out.append(f"加入“{_cut(now)}”")
    return out


def _cell_changes(old: list[list[str]], new: list[list[str]]) -> str:
    found = []
    if len(old) != len(new):
        found.append(f"行数由 {len(old)} 行变为 {len(new)} 行")
    for r, (a, b) in enumerate(zip(old, new)):
        for c, (x, y) in enumerate(zip(a, b)):
            if x != y:
                row = a[0] if a else ""
                column = old[0][c] if old and c < len(old[0]) else f"第 {c + 1} 列"
                found.append(f"“{row}”行“{column}”列：“{x}”改为“{y}”")
        if len(a) != len(b):
            found.append(f"第 {r + 1} 行的列数变了")
    shown = "；".join(found[:6])
    return shown + (f"；等 {len(found)} 处" if len(found) > 6 else "")


def _elsewhere(slot: Slot, line: Line) -> str:
    if slot.line.kind == "table" and line.kind == "table":
        what = _cell_changes(slot.line.rows, line.rows)
    else:
        what = "，".join(_described(readable(flat(slot.line.text), flat(line.text))))
        what = f"“{_cut(flat(slot.line.text))}”中{what}"
    return f"{slot.label}：{what}。这部分不在稿件中，请在 {slot.where} 中修改，再重新生成"


def _formatting(slot: Slot | None, line: Line, unheld: list[str]) -> None:
    """Hand formatting and manual breaks the edited line has and the printed one had not."""
    label = slot.label if slot is not None else "新加的段落"
    had = Counter(kind for kind, _ in slot.line.hand) if slot is not None else Counter()
    for kind, text in line.hand:
        if had[kind] > 0:
            had[kind] -= 1
            continue
        unheld.append(f"{label}：“{_cut(flat(text))}”手工设了{kind}；源文件不保存手工格式，重新生成时按样式表排")
    breaks = line.text.count("\n") - (slot.line.text.count("\n") if slot is not None else 0)
    if breaks > 0 and line.kind == "p":
        unheld.append(f"{label}：“{_cut(flat(line.text))}”中加了 {breaks} 处手动换行（Shift+Enter）；重新生成时按段落自然换行")
    if line.page_break and not (slot is not None and slot.line.page_break):
        unheld.append(f"{label}：“{_cut(flat(line.text))}”前加了分页；重新生成时按排版规则分页")
    if slot is not None and line.kind == "p":
        for text, bold in _bold_changes(slot.line, line):
            how = "设为加粗" if bold else "取消了加粗"
            hint = "要印成加粗，请在稿件中写成 **…**" if bold else "要取消，请去掉稿件中它两边的 **"
            unheld.append(f"{label}：“{_cut(text)}”{how}，没有写入；{hint}")


def _bold_changes(old: Line, new: Line) -> list[tuple[str, bool]]:
    """Text kept from ``old`` whose bold was switched in ``new`` (text typed anew is not counted): each
    stretch with whether it is bold now."""

    def chars(line: Line) -> tuple[str, list[bool]]:
        text, flags = "", []
        for piece, bold in line.pieces:
            piece = "".join(piece.split())
            text += piece
            flags += [bold] * len(piece)
        return text, flags

    (a, was), (b, now) = chars(old), chars(new)
    found: list[tuple[str, bool]] = []
    last = -2
    for i, j, n in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for d in range(n):
            if was[i + d] != now[j + d]:
                if found and last == j + d - 1 and found[-1][1] == now[j + d]:
                    found[-1] = (found[-1][0] + b[j + d], now[j + d])
                else:
                    found.append((b[j + d], now[j + d]))
                last = j + d
    return found


def _between(prev: Slot | None, following: Slot | None) -> str:
    if prev is None:
        return "在文档开头"
    name = lambda s: f"“{s.label}”" if s.part == "item" else s.label  # noqa: E731
    if following is None:
        return f"在{name(prev)}之后"
    return f"在{name(prev)}之后、{name(following)}之前"


def _cut(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[: size - 1] + "……"


def compare(document: Path, issue_dir: Path, templates_dir: Path | None = None, workspace=None) -> Review:
    """The edited ``document`` compared with the issue in ``issue_dir`` as it builds now."""
    from ..build import load
    from ..load.content import locate
    from ..workspace import Workspace
    from .printed import printed
    from .read import read_document

    document = Path(document)
    if not document.is_file():
        raise ContentError("找不到这个文件", document)
    edited = read_document(document)
    series_dir, issue_dirs = locate(Path(issue_dir))
    if len(issue_dirs) != 1:
        raise ContentError("请给出修改稿对应的那一期的文件夹（含 issue.yaml），而不是整个刊物", Path(issue_dir))
    editions, series_templates = load(series_dir, issue_dirs)
    workspace = workspace or Workspace()
    renderer = workspace.renderer(workspace.templates(templates_dir or series_templates))
    return review(document, printed(editions[0], renderer), edited)


class Written(NamedTuple):
    """What :func:`write` did: the item files rewritten, and where deleted items went in the bin."""

    rewritten: list[Path]
    binned: list[Path]


def new_bytes(change: ItemChange) -> bytes | None:
    """The item file as the change makes it (None when only its deletion is asked)."""
    from ..itemfile import rewritten, with_keys
    from ..load.text import clean, decode, encode_like

    if change.deleted:
        return None
    data = change.data
    if change.fields or change.body is not None:
        raw = decode(data, change.path)
        text = rewritten(clean(raw), change.path, dict(change.fields), change.body)
        if "\r\n" in raw:
            text = text.replace("\n", "\r\n")
        try:
            data = encode_like(text, data, change.path)
        except UnicodeEncodeError:
            raise ContentError("改动中有文字无法用这个文件原来的编码（GBK）保存，没有写入任何稿件", change.path,
                               hint="请把文件另存为 UTF-8 后再运行。") from None  # fmt: skip
    if change.keys:
        data = with_keys(data, change.path, dict(change.keys))
    return data


def fingerprint(result: Review) -> str:
    """A digest of what :func:`write` would do with ``result`` (each file's bytes now and after), so that a
    page can ask to write exactly the changes it showed."""
    import hashlib

    digest = hashlib.sha256()
    for change in result.items:
        after = new_bytes(change)
        for part in (change.path.name.encode(), change.data, b"deleted" if change.deleted else after or b""):
            digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def write(result: Review) -> Written:
    """Write the review's changes: every file checked first (unchanged since the review, not a link), then
    each rewritten only over the bytes the review read, deleted items moved to the issue's bin."""
    from ..diagnostics import ConflictError
    from ..fsio import FileChanged, refuse_held_open, replace_if_unchanged
    from ..itemfile import digest, refuse_link
    from ..recyclebin import to_bin

    planned = []
    for change in result.items:
        refuse_link(change.path, "没有写入任何稿件")
        try:
            now = change.path.read_bytes()
        except OSError:
            now = b""
        if now != change.data:
            raise ConflictError("这篇稿件在比对之后被修改过，没有写入任何稿件：请重新运行 zhuanbao apply", change.path)
        planned.append((change, new_bytes(change)))
    refuse_held_open([change.path for change in result.items])  # Windows: all or none, not half the items
    rewritten, binned = [], []
    for change, data in planned:
        if change.deleted:
            binned.append(to_bin(change.path, digest(change.data)))
        elif data is not None and data != change.data:
            try:
                replace_if_unchanged(change.path, data, change.data)
            except FileChanged:
                raise ConflictError("这篇稿件在写入时正好被修改，没有写入；已写入的稿件见上", change.path) from None
            rewritten.append(change.path)
    return Written(rewritten, binned)
