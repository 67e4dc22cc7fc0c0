"""Changing a YAML file the way an editor would: only the lines of what changed.

A form in the studio changes a few values of issue.yaml (the number, a
table's ``as_of``); the file also holds what the editor wrote by hand —
comments above keys and at the ends of lines, blank lines, quoting, the
indentation of ``- id:`` — and a colleague reads it in Notepad. So
:func:`patch` takes the whole new data and rewrites only the lines whose
values differ, recursing into block mappings and lists (one table's
``as_of`` is one line); every other line keeps its bytes and its own line
ending. A value that cannot be changed in place (a flow ``{…}`` mapping, a
merge key) is rewritten whole, and only it.

Hand-written over the composed node tree (PyYAML's marks give each key's
line and each value's end) rather than ruamel.yaml's round trip, which
re-indents every list of the file and moves end-of-line comments when it
writes anything at all (docs/architecture.md, "Editing YAML").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import ContentError
from .load.text import clean

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_BREAKS = re.compile(r"(\r\n|\r|\n)")  # the breaks clean() turns into "\n": line indices agree with the loader's
_COMMENT = re.compile(r"^\s+#.*$")

#: the order keys of a mapping are written in, by its place: () for the top, ("tables", None) for each table
Orders = dict[tuple, list[str]]


class _Opaque(Exception):
    """This node cannot be changed in place: its parent rewrites it whole."""


def same(a: Any, b: Any) -> bool:
    """Equal as YAML values: true is not 1, 1 is not 1.0, a date is not its text."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def dumped(key: Any, value: Any, indent: int = 0, order: Callable[[tuple], list[str] | None] | None = None,
           place: tuple = ()) -> list[str]:  # fmt: skip
    """``key: value`` as lines of block YAML at ``indent``: lists of words in [a, b] form, as offices write
    them; lists of mappings as ``- key: …`` items indented under their key; every word quoted where YAML
    would read it as something else (yes, 1.0, a: b, #)."""
    pad = " " * indent
    head = _scalar(key)
    if isinstance(value, dict) and value:
        lines = [f"{pad}{head}:"]
        for sub in _ordered(value, order(place) if order else None):
            lines += dumped(sub, value[sub], indent + 2, order, place + (sub,))
        return lines
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        lines = [f"{pad}{head}:"]
        for item in value:
            lines += _item(item, indent + 2, indent + 4, order, place + (None,))
        return lines
    first, *rest = f"{head}: {_scalar(value) if not isinstance(value, (list, dict)) else _flow(value)}".split("\n")
    return [pad + first, *(pad + "  " + line.lstrip(" ") if line else "" for line in rest)]


def _item(value: Any, dash: int, column: int, order, place: tuple) -> list[str]:
    """One list item: ``- `` at ``dash``, its mapping's keys at ``column``."""
    lead = " " * dash + "-" + " " * (column - dash - 1)
    if isinstance(value, dict) and value:
        lines = []
        for key in _ordered(value, order(place) if order else None):
            lines += dumped(key, value[key], column, order, place + (key,))
        return [lead + lines[0][column:], *lines[1:]]
    text = yaml.safe_dump([value], allow_unicode=True, width=10**6, default_flow_style=False).rstrip("\n")
    return [" " * dash + line for line in text.split("\n")]


def _flow(value: list | dict) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10**6, default_flow_style=True).rstrip("\n")


def _scalar(value: Any) -> str:
    return _flow([value])[1:-1]


def _ordered(mapping: dict, order: list[str] | None) -> list:
    if not order:
        return list(mapping)
    known = [k for k in order if k in mapping]
    return known + [k for k in mapping if k not in order]


class _Lines:
    """A text as lines, each with the ending it was written with, so an untouched line is written back as it was."""

    def __init__(self, text: str) -> None:
        parts = _BREAKS.split(text)
        self.lines = parts[0::2]
        self.ends = parts[1::2] + [""]
        counts = {end: self.ends.count(end) for end in ("\r\n", "\n", "\r")}
        self.newline = max(counts, key=lambda end: (counts[end], end == "\n"))
        if not any(counts.values()):
            self.newline = "\n"

    def apply(self, edits: list[tuple[int, int, list[str]]]) -> str:
        """Replace lines [start, end) by new ones, from the bottom up (edits at one place keep their order)."""
        for _, (start, end, new) in sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True):
            if start == len(self.lines):  # after a last line that has no line end: it gets one
                self.ends[-1] = self.newline
            ends = [self.newline] * len(new)
            if new and end > start:
                ends[-1] = self.ends[end - 1]  # the replaced lines' own ending
            self.lines[start:end] = new
            self.ends[start:end] = ends
        return "".join(line + end for line, end in zip(self.lines, self.ends))


class _Patcher:
    def __init__(self, text: str, order: Callable[[tuple], list[str] | None]) -> None:
        self.raw = _Lines(text)
        self.lines = clean(text).split("\n")  # what the nodes' marks count in; as many lines as the raw text
        if len(self.lines) != len(self.raw.lines):  # pragma: no cover - clean() keeps the line count
            raise AssertionError("line count changed by clean()")
        self.order = order
        self.edits: list[tuple[int, int, list[str]]] = []

    # --- where things are -------------------------------------------------------------------------

    def end(self, node: yaml.Node) -> int:
        """The line after the last line of ``node``'s own text (not the comments and blank lines after it)."""
        if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
            mark = node.end_mark
            end = mark.line + 1 if mark.column > 0 else mark.line
            while end > node.start_mark.line + 1 and not self.lines[end - 1].strip():
                end -= 1  # the blank lines a block scalar (|) swallows are the next key's
            return max(end, node.start_mark.line + 1)
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        return max([node.start_mark.line + 1, *(self.end(child) for child in children)])

    def comment_after(self, value: yaml.Node, line: int) -> str:
        """`` # …`` after a one-line value, to keep on the line that replaces it."""
        if value.end_mark.line != line:
            return ""
        rest = self.lines[line][value.end_mark.column :]
        return rest if _COMMENT.match(rest) else ""

    def dash_line(self, item: yaml.Node) -> int:
        line = item.start_mark.line
        if "-" in self.lines[line][: item.start_mark.column]:
            return line
        while line > 0:  # "-" alone on a line, the item below it
            line -= 1
            if self.lines[line].strip() == "-":
                return line
        raise _Opaque()

    def comments_above(self, line: int) -> int:
        while line > 0 and self.lines[line - 1].lstrip().startswith("#"):
            line -= 1
        return line

    # --- changes ----------------------------------------------------------------------------------

    def mapping(self, node: yaml.Node, old: dict, new: dict, place: tuple, in_item: bool = False) -> None:
        """Make the block mapping ``node`` (holding ``old``) hold ``new``."""
        if not isinstance(node, yaml.MappingNode) or node.flow_style or len(node.value) != len(old):
            raise _Opaque()
        pairs = dict(zip(old, node.value))
        if any(k.tag == "tag:yaml.org,2002:merge" or not isinstance(k, yaml.ScalarNode) for k, _ in node.value):
            raise _Opaque()
        for key, (key_node, value_node) in pairs.items():
            start, stop = key_node.start_mark.line, self.end(value_node)
            prefix = self.lines[start][: key_node.start_mark.column]
            if key not in new:
                if prefix.strip():  # "- key:" starts a list item: the item is rewritten instead
                    raise _Opaque()
                self.edits.append((start, stop, []))
            elif not same(old[key], new[key]):
                self.change(key, key_node, value_node, old[key], new[key], place + (key,))
        order = self.order(_shape(place)) or []
        spans = {key: (k.start_mark.line, self.end(v)) for key, (k, v) in pairs.items() if key in new}
        for key in _ordered({k: None for k in new if k not in old}, order):
            before = [k for k in order[: order.index(key)] if k in spans] if key in order else []
            after = [k for k in order[order.index(key) + 1 :] if k in spans] if key in order else []
            if before:
                at = spans[before[-1]][1]
            elif after and not (in_item and spans[after[0]][0] == min(s for s, _ in spans.values())):
                at = self.comments_above(spans[after[0]][0])
            elif spans:
                at = max(stop for _, stop in spans.values())
            else:
                raise _Opaque()  # every key removed, one added: the whole mapping is rewritten
            column = pairs[next(iter(pairs))][0].start_mark.column
            self.edits.append((at, at, dumped(key, new[key], column, self.order, _shape(place + (key,)))))

    def change(self, key: Any, key_node: yaml.Node, value_node: yaml.Node, old: Any, new: Any, place: tuple) -> None:
        mark = len(self.edits)
        try:
            if isinstance(old, dict) and isinstance(new, dict) and new:
                return self.mapping(value_node, old, new, place)
            if isinstance(old, list) and isinstance(new, list) and new and not getattr(value_node, "flow_style", True):
                return self.sequence(value_node, old, new, place)
        except _Opaque:
            del self.edits[mark:]
        start, stop = key_node.start_mark.line, self.end(value_node)
        column = key_node.start_mark.column
        lines = dumped(key, new, column, self.order, _shape(place))
        lines[0] = self.lines[start][:column] + lines[0][column:]
        if stop == start + 1:
            lines[0] += self.comment_after(value_node, start)
        self.edits.append((start, stop, lines))

    def sequence(self, node: yaml.SequenceNode, old: list, new: list, place: tuple) -> None:
        items = node.value
        if len(items) != len(old):
            raise _Opaque()
        spans = [(self.dash_line(item), self.end(item)) for item in items]
        first = items[0]
        dash = self.lines[spans[0][0]].index("-")
        column = first.start_mark.column if first.start_mark.line == spans[0][0] else dash + 2
        item_place = _shape(place + (None,))
        matcher = SequenceMatcher(a=[repr(x) for x in old], b=[repr(x) for x in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    self.item(items[i], spans[i], old[i], new[j], dash, column, item_place)
                continue
            for i in range(i1, i2):
                self.edits.append((*spans[i], []))
            at = spans[i1 - 1][1] if i1 > 0 else spans[0][0]
            for j in range(j1, j2):
                self.edits.append((at, at, _item(new[j], dash, column, self.order, item_place)))

    def item(self, node, span, old, new, dash: int, column: int, place: tuple) -> None:
        mark = len(self.edits)
        if isinstance(old, dict) and isinstance(new, dict) and new:
            try:
                return self.mapping(node, old, new, place, in_item=True)
            except _Opaque:
                del self.edits[mark:]
        self.edits.append((*span, _item(new, dash, column, self.order, place)))


def _shape(place: tuple) -> tuple:
    """A place with its list indices left out: every table has the same key order."""
    return tuple(None if isinstance(part, int) else part for part in place)


def patch(text: str, old: dict, new: dict, orders: Orders | None = None, path: Path | None = None) -> str:
    """``text`` (a YAML mapping whose data is ``old``, as the loader reads it) changed to hold ``new``:
    only the lines of values that differ are rewritten; a new key goes after the key before it in
    ``orders`` (the model's field order), so ``total`` lands under ``date``."""
    orders = orders or {}
    patcher = _Patcher(text, lambda place: orders.get(place))
    root = yaml.compose(clean(text), Loader=_Loader)
    if root is None or not old:
        lines = [line for key in _ordered(new, orders.get(())) for line in dumped(key, new[key], 0, patcher.order, (key,))]
        kept = [line for line in patcher.lines if line.strip()]  # only comments: kept above
        return "\n".join([*kept, *lines]).replace("\n", patcher.raw.newline) + patcher.raw.newline
    try:
        patcher.mapping(root, old, new, ())
    except _Opaque:
        raise ContentError("这个文件写成了一行的 {…} 形式（或用了 << 合并键），表单无法只改其中几项", path,
                           hint="请在文本编辑器中改成每行一个“键: 值”，再用表单修改。") from None  # fmt: skip
    return patcher.raw.apply(patcher.edits)
