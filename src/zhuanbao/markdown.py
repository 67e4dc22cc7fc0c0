"""An item's Markdown body → blocks of inline markup for the templates.

We use markdown-it-py rather than Python-Markdown because its tokens carry
source line numbers (errors and lint findings must name the line the editor
sees) and it follows CommonMark, so what editors type behaves predictably.

Bulletin conventions layered on top of Markdown:

* Plain-text numbering keeps its heading look: a paragraph opening with
  一、 （一） 1. （1） gets the character style h1…h4 on its heading part (the
  whole paragraph when it is a heading line, else up to the first 。！？).
* Chinese lines joined by a soft line break get no space between them.
* Indented paragraphs (spaces or full-width spaces) are paragraphs, not code.
* A picture (``![说明](images/….jpg)``) is a block of its own, wherever it stands in a paragraph, its
  说明 the caption printed under it; the text around it goes on as paragraphs before and after it.
* A table (GFM's pipe table) is a block of its own, printed as a bulletin
  table: a cell holds text and bold (italics, links and code print as their
  text); figures are right-aligned unless the delimiter row says otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from .cjk import column_widths, em_width
from .doctree import Text, plain
from .figures import parse_number
from .load.pictures import source_of

HEADING_PATTERNS = [
    ("h1", re.compile(r"^[一二三四五六七八九十百]+、")),
    ("h2", re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
    ("h3", re.compile(r"^\d+[.．](?!\d)")),
    ("h4", re.compile(r"^[（(]\d+[）)]")),
]
_SENTENCE_END = re.compile(r"[。！？]")
_LEADING_SPACE = re.compile(r"^[\s\u3000]+")


@dataclass(frozen=True, slots=True)
class TableCell:
    text: Text  # what a data table cell holds (doctree.Text): plain, or with bold pieces
    align: str  # left | center | right


@dataclass(frozen=True, slots=True)
class ItemTable:
    """A table in an item, shaped as a template's ``<table data="…">`` reads an indicator table."""

    id: str  # the item file and line: what the template names it by
    header: list[Text]
    cells: list[list[TableCell]]
    widths: list[float]  # natural widths in ems (docx/body.py fits them to the page)
    min_widths: list[float]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph (or picture, or table) of an item body, ready for a template."""

    kind: str  # paragraph | heading | list | picture | table
    style: str  # paragraph style id
    inline: Markup  # inline markup: text, <b>, <i>, <r style="…">; a picture's <image name=… width=…/>;
    # a table's rows, for a template that prints no tables
    text: str  # plain text, for search and lint (a picture's: its caption)
    line: int  # 1-based line in the item file
    level: str | None = None  # h1…h4 when the paragraph opens with numbering
    caption: str = ""  # a picture's caption, printed under it (plain text: the template escapes it)
    table: ItemTable | None = None  # the table, when kind is table


def _cjk_friendly_punct(original):
    """CommonMark's flanking rules treat full-width punctuation like ASCII
    punctuation, so ``**东岭区：**该区`` (a bold unit name, the most common
    emphasis in a bulletin) is not bold: the closing ``**`` sits between "："
    and a letter. Treating East Asian wide punctuation as ordinary characters
    fixes this, as the "CJK-friendly emphasis" extension to CommonMark does.
    """

    def is_punct(ch: str) -> bool:
        if unicodedata.east_asian_width(ch) in "WF":
            return False
        return original(ch)

    return is_punct


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import state_inline

    if not getattr(state_inline.isPunctChar, "zhuanbao", False):
        state_inline.isPunctChar = _cjk_friendly_punct(state_inline.isPunctChar)
        state_inline.isPunctChar.zhuanbao = True

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Editors indent paragraphs with spaces; in a bulletin that is never code.
    md.disable(["code"])
    # "[注]: 本表数据…" would be a link reference definition and vanish from
    # the print; offices never define links, so such a line is text.
    md.disable(["reference"])
    md.enable(["table"])  # GFM's pipe tables: what import writes a Word table as
    return md


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


Segment = tuple[str, frozenset[str]]  # text, flags among {"b", "i"}


def _segments(children, flags: frozenset[str] = frozenset()) -> list[Segment]:
    out: list[Segment] = []
    active = set(flags)
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append((token.content, frozenset(active)))
        elif kind == "softbreak":
            out.append(("\x00soft", frozenset(active)))
        elif kind == "hardbreak":
            out.append(("\n", frozenset(active)))
        elif kind == "strong_open":
            active.add("b")
        elif kind == "strong_close":
            active.discard("b")
        elif kind == "em_open":
            active.add("i")
        elif kind == "em_close":
            active.discard("i")
        elif kind == "image":  # left here only in a table cell, which prints its caption (check says so)
            out.append((token.content, frozenset(active)))
        # link_open/close: keep the link text, drop the address
    return out


def _join_soft_breaks(segments: list[Segment]) -> list[Segment]:
    """A soft break joins Chinese lines directly and Latin words with a space."""
    result: list[Segment] = []
    for index, (text, flags) in enumerate(segments):
        if text != "\x00soft":
            result.append((text, flags))
            continue
        before = next((t for t, _ in reversed(result) if t), "")
        after = next((t for t, _ in segments[index + 1 :] if t and t != "\x00soft"), "")
        if before and after and not _wide(before[-1]) and not _wide(after[0]):
            result.append((" ", flags))
    return result


def _strip_leading(segments: list[Segment]) -> list[Segment]:
    while segments:
        text, flags = segments[0]
        stripped = _LEADING_SPACE.sub("", text)
        if stripped:
            segments[0] = (stripped, flags)
            break
        segments.pop(0)
    if segments:
        text, flags = segments[-1]
        segments[-1] = (text.rstrip(), flags)
    return segments


def _split_at(segments: list[Segment], position: int) -> tuple[list[Segment], list[Segment]]:
    head: list[Segment] = []
    tail: list[Segment] = []
    count = 0
    for text, flags in segments:
        if count >= position:
            tail.append((text, flags))
        elif count + len(text) <= position:
            head.append((text, flags))
        else:
            cut = position - count
            head.append((text[:cut], flags))
            tail.append((text[cut:], flags))
        count += len(text)
    return head, tail


def _markup(segments: list[Segment], style: str | None = None) -> str:
    parts = []
    for text, flags in segments:
        if not text:
            continue
        piece = str(escape(text)).replace("\n", "<br/>")  # a hard break; bare newlines are template layout
        if "i" in flags:
            piece = f"<i>{piece}</i>"
        if "b" in flags:
            piece = f"<b>{piece}</b>"
        parts.append(piece)
    inner = "".join(parts)
    if style and inner:
        return f'<r style="{style}">{inner}</r>'
    return inner


def _block(segments: list[Segment], line: int, kind: str, prefix: str = "", whole_style: str | None = None) -> Block:
    segments = _strip_leading(_join_soft_breaks(segments))
    if prefix:
        first = next((t for t, _ in segments if t), "")
        if prefix.endswith(".") and first[:1].isascii() and first[:1].isalnum():
            prefix += " "  # "1. 6月底前", not "1.6月底前"
        segments.insert(0, (prefix, frozenset()))
    text = "".join(t for t, _ in segments)
    if whole_style:
        return Block("heading", "body", Markup(_markup(segments, whole_style)), text, line, whole_style)
    if prefix:  # a list item: its number is the list's, not a heading level
        return Block(kind, "body", Markup(_markup(segments)), text, line)
    for level, pattern in HEADING_PATTERNS:
        if not pattern.match(text):
            continue
        end = _SENTENCE_END.search(text)
        if end and end.end() < len(text):
            head, tail = _split_at(segments, end.end())
            inline = _markup(head, level) + _markup(tail)
            return Block(kind, "body", Markup(inline), text, line, level)
        return Block("heading", "body", Markup(_markup(segments, level)), text, line, level)
    return Block(kind, "body", Markup(_markup(segments)), text, line)


def _indented_paragraphs(segments: list[Segment], line: int) -> list[tuple[list[Segment], int]]:
    """Split a paragraph where a line opens with a full-width space.

    Editors who learnt on Word start every paragraph with "　　" and do not
    leave blank lines; Markdown would join those lines into one paragraph and
    print the spaces mid-line. A line opening with U+3000 can only mean a new
    paragraph, so it starts one.
    """
    pieces: list[tuple[list[Segment], int]] = [([], line)]
    for index, (text, flags) in enumerate(segments):
        if text == "\x00soft":
            line += 1
            following = next((t for t, _ in segments[index + 1 :] if t), "")
            if following.startswith("\u3000"):
                pieces.append(([], line))
                continue
        pieces[-1][0].append((text, flags))
    return [(piece, at) for piece, at in pieces if "".join(t for t, _ in piece).strip()]


def _list_marker(ordered: bool, number: int, depth: int, bullet: str) -> str:
    if not ordered:
        return bullet
    return f"{number}." if depth == 0 else f"（{number}）"


#: what the renderer made of a picture: its media name and printed width in points
Placed = tuple[str, float]


def _split_at_pictures(children, line: int):
    """An inline token's children cut at its pictures: (line, text children) and (line, image token) in
    order, each with the file line it starts on."""
    part: list = []
    start = line
    for token in children:
        if token.type == "image":
            if part:
                yield start, part
            yield line, token
            part, start = [], line
            continue
        if token.type in ("softbreak", "hardbreak"):
            line += 1
            if not part:  # the line break after a picture: the text after it starts on the next line
                start = line
                continue
        part.append(token)
    if part:
        yield start, part


def _picture(token, line: int, pictures: Mapping[str, Placed] | None) -> Block | None:
    """A picture's block; None when the renderer has none for it (missing, unreadable: check says so).
    ``pictures`` None: not placed at all (check's rendering of the bodies), a block without markup."""
    caption = _LEADING_SPACE.sub("", "".join(t for t, _ in _segments(token.children or []))).strip()
    inline = Markup("")
    if pictures is not None:
        placed = pictures.get(source_of(token))
        if placed is None:
            return None
        inline = Markup('<image name="{}" width="{:.2f}pt"/>').format(placed[0], placed[1])
    return Block("picture", "picture", inline, caption, line, caption=caption)


def to_blocks(body: str, first_line: int = 1, bullet: str = "●",
              pictures: Mapping[str, Placed] | None = None, name: str = "") -> list[Block]:  # fmt: skip
    """Parse a Markdown body into blocks; ``first_line`` is the body's line in its file; ``pictures``: each
    picture path as written → what the renderer made of it; ``name`` the file's name (a table's id is its
    name and line)."""
    tokens = _parser().parse(body)
    blocks: list[Block] = []
    lists: list[list] = []  # stack of [ordered, next_number]
    pending_marker: str | None = None
    heading_level: str | None = None
    table: _TableBuilder | None = None
    for token in tokens:
        kind = token.type
        if table is not None:  # a table's tokens are its own
            if kind == "table_close":
                blocks.append(table.block(name))
                table = None
            else:
                table.add(token)
            continue
        if kind == "table_open":
            table = _TableBuilder(first_line + (token.map[0] if token.map else 0))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            pending_marker = _list_marker(ordered, number, len(lists) - 1, bullet)
            lists[-1][1] += 1
        elif kind == "list_item_close":
            pending_marker = None  # an empty item's number must not fall onto the next paragraph
        elif kind == "heading_open":
            heading_level = token.tag if token.tag in ("h1", "h2", "h3") else "h4"
        elif kind == "heading_close":
            heading_level = None
        elif kind == "inline":
            for line, part in _split_at_pictures(token.children or [], first_line + (token.map[0] if token.map else 0)):
                if not isinstance(part, list):
                    picture = _picture(part, line, pictures)
                    if picture is not None:
                        blocks.append(picture)
                    continue
                segments = _segments(part)
                if not "".join(t for t, _ in segments).replace("\x00soft", "").strip():
                    continue
                if heading_level:
                    blocks.append(_block(segments, line, "heading", whole_style=heading_level))
                elif pending_marker is not None:
                    blocks.append(_block(segments, line, "list", prefix=pending_marker))
                    pending_marker = None
                else:
                    for piece, at in _indented_paragraphs(segments, line):
                        blocks.append(_block(piece, at, "paragraph"))
        elif kind in ("fence", "code_block", "html_block"):
            line = first_line + (token.map[0] if token.map else 0)
            for offset, text in enumerate(token.content.split("\n")):
                if text.strip():
                    blocks.append(_block([(text, frozenset())], line + offset, "paragraph"))
    return blocks


def table_rows(body: str) -> dict[int, str]:
    """The lines of ``body`` (from 0) that are rows of a table: "header", "delimiter" (| --- |) or "row" —
    what ``check`` lints cell by cell."""
    if "|" not in body:
        return {}
    rows: dict[int, str] = {}
    header = False
    for token in _parser().parse(body):
        if token.type in ("thead_open", "tbody_open"):
            header = token.type == "thead_open"
        elif token.type == "tr_open" and token.map:
            rows[token.map[0]] = "header" if header else "row"
            if header:
                rows[token.map[0] + 1] = "delimiter"
    return rows


_ALIGNS = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}
#: text a figure column may hold besides figures: the dashes and slashes of "no figure"
_NO_FIGURE = {"—", "——", "-", "–", "/", "－", "／"}
#: a text column whose every cell is at most this many ems wide is centred (区县, 已完成), as indicator tables do
_SHORT = 6.0


class _TableBuilder:
    """Collects a table's cells from markdown-it's tokens (th/td inline tokens, each cell's alignment)."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.rows: list[list[tuple[list[Segment], str | None]]] = []
        self.align: str | None = None

    def add(self, token) -> None:
        if token.type == "tr_open":
            self.rows.append([])
        elif token.type in ("th_open", "td_open"):
            self.align = _ALIGNS.get(str(token.attrs.get("style", "")))
        elif token.type == "inline" and self.rows:
            self.rows[-1].append((_segments(token.children or []), self.align))

    def block(self, name: str) -> Block:
        header = [_cell_text(segments) for segments, _ in self.rows[0]] if self.rows else []
        body = [[_cell_text(segments) for segments, _ in row] for row in self.rows[1:]]
        given = [align for _, align in self.rows[0]] if self.rows else []
        aligns = [given[c] or _column_align(c, [row[c] for row in body if c < len(row)]) for c in range(len(header))]
        cells = [[TableCell(text, aligns[c]) for c, text in enumerate(row)] for row in body]
        sample = [[(plain(cell.text), cell.align) for cell in row] for row in cells[:500]]
        widths, minimum = column_widths([plain(h) for h in header], sample)
        table = ItemTable(f"{name}:{self.line}", header, cells, widths, minimum)
        lines = [header] + body
        text = "\n".join("\t".join(plain(t) for t in row) for row in lines)
        shown = Markup("<br/>").join(Markup("\u3000").join(escape(plain(t)) for t in row) for row in lines)
        return Block("table", "body", shown, text, self.line, table=table)


def _cell_text(segments: list[Segment]) -> Text:
    """A cell's text: plain when nothing in it is bold, else (text, bold) pieces (italics print plain)."""
    pieces: list[tuple[str, bool]] = []
    for text, flags in segments:
        text = text.replace("\x00soft", " ").replace("\n", " ")
        if not text:
            continue
        bold = "b" in flags
        if pieces and pieces[-1][1] == bold:
            pieces[-1] = (pieces[-1][0] + text, bold)
        else:
            pieces.append((text, bold))
    if not any(bold for _, bold in pieces):
        return "".join(text for text, _ in pieces).strip()
    return tuple(pieces)


def _column_align(index: int, column: list[Text]) -> str:
    """Figures right, as in indicator tables; the first column left; other short text centred, long text left."""
    texts = [plain(t).strip() for t in column]
    filled = [t for t in texts if t and t not in _NO_FIGURE]
    if filled and all(parse_number(t) is not None for t in filled):
        return "right"
    if index == 0 or any(em_width(t) > _SHORT for t in texts):
        return "left"
    return "center"
