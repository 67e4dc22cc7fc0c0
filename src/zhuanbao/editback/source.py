"""Edits of printed text carried into an item's Markdown, leaving its markup as it was.

The printed text of an item's blocks is aligned, character by character, with the item file's body
(difflib): every printed character that is in the body literally maps to its place there, and what
the body holds besides (``**`` of emphasis, a soft line break, the full-width spaces an editor
indents with, the ``1. `` of a list) maps to nothing and is kept. A changed stretch of print then
replaces its mapped characters in the body and nothing else, so a changed figure inside
``**洞口县：**`` stays bold and the markup around a deleted sentence stays. Printed text that is not
in the body literally — a figure a ``{{ tables.… }}`` expression prints, a list's bullet — cannot
be changed this way; such an edit is refused and said (``problems``).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_EMPTY_EMPHASIS = re.compile(r"(\*\*|__)\1")
_FIGURE = re.compile(r"[0-9.%A-Za-z年月日]")
_MARKDOWN_START = re.compile(r"^(?:[#>+\-*|]|\d+[.)]\s)")
_MARKDOWN_CHARS = re.compile(r"([\\*_`\[\]<|])")


def flat(text: str) -> str:
    """Printed text as compared: without tabs and line breaks (layout, which the Markdown does not hold)."""
    return text.replace("\n", "").replace("\t", "")


def readable(old: str, new: str) -> list[tuple[str, str, str]]:
    """The changes from ``old`` to ``new`` as (kind, old part, new part), kind one of 改 删 加; changes
    with two characters or fewer between them are one change, as a reader sees them."""
    shown = []
    for kind, i1, i2, j1, j2 in changes(old, new):
        i1, i2, j1, j2 = _widened(old, new, i1, i2, j1, j2)
        shown.append(("改" if i1 < i2 and j1 < j2 else kind, old[i1:i2], new[j1:j2]))
    return shown


def _widened(old: str, new: str, i1: int, i2: int, j1: int, j2: int) -> tuple[int, int, int, int]:
    """A change as a reader names it: a figure whole (12 改为 15, not 2 改为 5)."""
    while i1 > 0 and j1 > 0 and old[i1 - 1] == new[j1 - 1] and _FIGURE.match(old[i1 - 1]):
        i1, j1 = i1 - 1, j1 - 1
    while i2 < len(old) and j2 < len(new) and old[i2] == new[j2] and _FIGURE.match(old[i2]):
        i2, j2 = i2 + 1, j2 + 1
    return i1, i2, j1, j2


def table_text(text: str) -> str:
    """A table's text (cells parted by tabs, rows by line ends) as compared: cells parted by |."""
    return "|".join(cell.replace("\n", "") for row in text.split("\n") for cell in row.split("\t"))


def changes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """difflib's changes from ``old`` to ``new`` as (改|删|加, i1, i2, j1, j2), those two characters or fewer
    apart made one (as a reader sees 由12个增至15个), but never across a table's | (one cell each)."""
    ops = [op for op in SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    merged: list[list] = []
    for _, i1, i2, j1, j2 in ops:
        if merged and i1 - merged[-1][2] <= 2 and j1 - merged[-1][4] <= 2 and "|" not in old[merged[-1][2]:i1]:
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append(["", i1, i2, j1, j2])
    for change in merged:
        _, i1, i2, j1, j2 = change
        change[0] = "改" if i1 < i2 and j1 < j2 else "删" if i1 < i2 else "加"
    return [tuple(change) for change in merged]  # type: ignore[misc]


def markdown_of(pieces: list[tuple[str, bool]]) -> str:
    """A paragraph typed in Word as a Markdown paragraph: its bold as ``**…**``, Markdown's characters escaped."""
    out = []
    for text, bold in pieces:
        text = flat(text)
        if not text:
            continue
        escaped = _MARKDOWN_CHARS.sub(r"\\\1", text)
        out.append(f"**{escaped}**" if bold and text.strip() else escaped)
    joined = "".join(out).strip()
    if _MARKDOWN_START.match(joined):
        joined = "\\" + joined
    return joined.replace("****", "")


class Body:
    """An item file's body and the printed text of its blocks, mapped onto each other; edits collected
    and applied together (:meth:`result`)."""

    def __init__(self, body: str, blocks: list) -> None:
        self.body = body
        # a table's cells between the | that part them in the Markdown too, so an edit stays in its cell
        self.texts = [table_text(block.text) if block.kind == "table" else flat(block.text) if block.kind != "picture"
                      else "" for block in blocks]  # fmt: skip
        self.starts: list[int] = []
        printed = ""
        for text in self.texts:
            self.starts.append(len(printed))
            printed += text
        self.map = [-1] * len(printed)
        for a, b, n in SequenceMatcher(None, printed, body, autojunk=False).get_matching_blocks():
            for x in range(n):
                self.map[a + x] = b + x
        self.lines = [getattr(block, "line", 0) for block in blocks]
        self.ops: list[tuple[int, int, str]] = []
        self.inserts: dict[int, list[str]] = {}  # paragraphs typed after a position, in the order typed
        self.problems: list[str] = []

    def _mapped(self, block: int) -> list[int]:
        start = self.starts[block]
        return [m for m in self.map[start:start + len(self.texts[block])] if m >= 0]

    def edit(self, block: int, new: str) -> list[tuple[str, str, str]]:
        """The block's printed text becomes ``new`` (flat); returns the changes taken, as :func:`readable`."""
        old = self.texts[block]
        base = self.starts[block]
        taken = []
        for kind, i1, i2, j1, j2 in changes(old, new):
            replacement = new[j1:j2]
            w1, w2, v1, v2 = _widened(old, new, i1, i2, j1, j2)
            shown = ("改" if w1 < w2 and v1 < v2 else kind, old[w1:w2], new[v1:v2])
            if i1 < i2:
                mapped = self.map[base + i1:base + i2]
                if any(m < 0 for m in mapped):
                    self.problems.append(f"第 {block + 1} 段的“{old[w1:w2]}”不是稿件中原样写的文字（由数据或 {{{{ }}}} 生成），"
                                         f"没有改为“{new[v1:v2]}”：请改数据，或在稿件中改写这句")
                    continue
                start, end = mapped[0], mapped[-1] + 1
                own = set(mapped)
                kept = "".join(self.body[y] for y in range(start, end) if y not in own)
                kept = _EMPTY_EMPHASIS.sub("", kept)
                self.ops.append((start, end, replacement + kept))
                taken.append(shown)
            else:
                before = self.map[base + i1 - 1] if i1 > 0 else -1
                after = self.map[base + i1] if i1 < len(old) else -1
                if before >= 0:
                    self.ops.append((before + 1, before + 1, replacement))
                elif after >= 0:
                    self.ops.append((after, after, replacement))
                else:
                    self.problems.append(f"加入的“{replacement}”紧挨着由数据生成的文字，没有写入")
                    continue
                taken.append(shown)
        return taken

    def delete(self, block: int) -> None:
        """The block is gone: its lines go, with the blank line after them."""
        mapped = self._mapped(block)
        if not mapped:
            self.problems.append(f"删去的“{self.texts[block][:20]}”不是稿件中原样写的文字，没有删除")
            return
        start, end = mapped[0], mapped[-1] + 1
        others = {m for b in range(len(self.texts)) if b != block for m in self._mapped(b)}
        line_start = self.body.rfind("\n", 0, start) + 1
        line_end = self.body.find("\n", end)
        line_end = len(self.body) if line_end < 0 else line_end + 1
        if any(line_start <= m < line_end for m in others):  # a line it shares: only its own characters go
            for m in sorted(mapped, reverse=True):
                self.ops.append((m, m + 1, ""))
            return
        if self.body[line_end:line_end + 1] == "\n":
            line_end += 1
        self.ops.append((line_start, line_end, ""))

    def insert_after(self, block: int | None, pieces: list[tuple[str, bool]]) -> None:
        """A paragraph typed after ``block`` (None: before the first)."""
        text = markdown_of(pieces)
        if not text:
            return
        if block is None:
            first = next((m for b in range(len(self.texts)) for m in self._mapped(b)), 0)
            at = self.body.rfind("\n", 0, first) + 1
            self.inserts.setdefault(at, []).append(text + "\n\n")
            return
        mapped = self._mapped(block)
        if not mapped:
            self.problems.append(f"加入的段落“{flat(text)[:20]}”前面的文字不在稿件中，没有写入")
            return
        end = self.body.find("\n", mapped[-1])
        end = len(self.body) if end < 0 else end
        self.inserts.setdefault(end, []).append("\n\n" + text)

    def result(self) -> str:
        """The body with every edit applied (later ones first, so earlier offsets hold)."""
        body = self.body
        last = len(body) + 1
        ops = self.ops + [(at, at, "".join(texts)) for at, texts in self.inserts.items()]
        for start, end, text in sorted(ops, key=lambda op: (op[0], op[1]), reverse=True):
            if end > last:
                self.problems.append(f"两处改动重叠，“{text[:20]}”没有写入")
                continue
            body = body[:start] + text + body[end:]
            last = start
        return body
