"""Where Word, WPS and LibreOffice will break the lines of a body paragraph: an estimate.

The writer cannot see pages, but a few decisions need to know how full a
paragraph's last line is: whether a credit such as [XX供稿] still fits on it
(a credit must never be split), and whether that line is so short that it must
not be left alone at the top of a page. On the 28-characters grid this is
close to arithmetic: a CJK character or full-width mark is one em, digits and
Latin letters have Times New Roman's widths (Liberation Serif, which
LibreOffice uses for it, has the same metrics), every character carries the
style's letter spacing, and all three programs put a little space between a
Chinese character and a Latin letter or digit.

Where they differ is a closing mark that falls just past a line's end: Word
and WPS hang it in the margin (``w:overflowPunct``), LibreOffice moves the
character before it down to the next line with it. :func:`last_lines` lays the
paragraph out both ways; callers allow for the difference and for what is not
modelled (the exact autospace, a font's own punctuation widths) with a margin.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Advance widths of ASCII (33…126) in Times New Roman, in thousandths of an em.
_LATIN = dict(zip(
    "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500,
     500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722,
     611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444,
     500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722,
     500, 500, 444, 480, 200, 480, 541],
))  # fmt: skip

#: Marks that may not begin a line (kinsoku): they stay with the character before them.
CLOSING = set("，。、；：？！）》〉」』】〕｝］’”…—·％‰,.;:?!)]}%")
#: Marks that may not end a line: they go down with the character after them.
OPENING = set("（《〈「『【〔｛［‘“([{")

#: The space Word and LibreOffice put between a Chinese character and a Latin
#: letter or digit (autospace), in ems. 0.22 matches LibreOffice's line breaks
#: best (measured on 160 paragraphs cut from the example items: the estimate
#: put every character on the line LibreOffice did in 148, and the rest were a
#: fraction of a point from the line's end).
AUTOSPACE = 0.22

#: How far the estimate may be off, Word's and WPS's autospace and marks that
#: fall just past a line end included: a credit goes on the last line only if
#: it fits with this many ems to spare, and a last line estimated to hold up
#: to ``widow_chars`` + WIDOW_MARGIN characters is treated as short.
TAIL_MARGIN = 2.0
WIDOW_MARGIN = 2


def char_ems(ch: str) -> float:
    """Width of one character in ems of its run (the East Asian face for anything wide or ambiguous:
    the document's w:hint="eastAsia" makes “” — … take it)."""
    if ch == " ":
        return 0.25
    width = _LATIN.get(ch)
    if width is not None:
        return width / 1000
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


def _ideograph(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch).startswith("L")


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class _Box:
    """An unbreakable piece: one CJK character, or a Latin word or number."""

    text: str
    width: float  # points, letter spacing and autospace included
    lead: float = 0.0  # of which autospace before it: none at the start of a line


def _word(ch: str) -> bool:
    """Part of a Latin word: letters, digits and the marks inside numbers (11.42, 60%, 0745-2288123)."""
    return ch in _LATIN and ch not in OPENING


def _boxes(text: str, size: float, spacing: float) -> list[_Box]:
    pieces: list[str] = []
    for ch in text:
        if _word(ch) and pieces and _word(pieces[-1][-1]):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    boxes = []
    for index, piece in enumerate(pieces):
        width = sum(char_ems(ch) * size + spacing for ch in piece)
        lead = AUTOSPACE * size if _latin(piece[0]) and index and _ideograph(pieces[index - 1][-1]) else 0.0
        if _latin(piece[-1]) and index + 1 < len(pieces) and _ideograph(pieces[index + 1][0]):
            width += AUTOSPACE * size
        boxes.append(_Box(piece, width + lead, lead))
    return boxes


def _may_break_before(boxes: list[_Box], index: int) -> bool:
    return boxes[index].text[0] not in CLOSING and boxes[index - 1].text[-1] not in OPENING


def _line(boxes: list[_Box]) -> tuple[str, float]:
    return "".join(b.text for b in boxes), sum(b.width for b in boxes) - (boxes[0].lead if boxes else 0.0)


def break_lines(text: str, width: float, first: float, size: float, spacing: float,
                hang: bool) -> list[tuple[str, float]]:  # fmt: skip
    """The lines of ``text`` as (text, points used), in a column ``width`` points wide whose first line
    is ``first`` points narrower. ``hang``: a closing mark past the end hangs in the margin (Word, WPS);
    otherwise the character before it goes down with it (LibreOffice)."""
    return _broken(_boxes(text, size, spacing), width, first, hang)


def _broken(boxes: list[_Box], width: float, first: float, hang: bool) -> list[tuple[str, float]]:
    lines: list[tuple[str, float]] = []
    start, used, room = 0, 0.0, width - first
    index = 0
    while index < len(boxes):
        box = boxes[index]
        need = box.width - box.lead if index == start else box.width
        if used + need <= room + 0.01 or index == start:
            used += need
            index += 1
            continue
        if hang and box.text[0] in CLOSING and len(box.text) == 1:
            index += 1  # hangs in the margin: printed, but takes no room on the line
        else:
            cut = index
            while cut > start + 1 and not _may_break_before(boxes, cut):
                cut -= 1
            index = cut
        lines.append(_line(boxes[start:index]))
        start, used, room = index, 0.0, width
    lines.append(_line(boxes[start:]))
    return lines


@dataclass(frozen=True, slots=True)
class LastLine:
    """The last line of a paragraph as the two line-breaking policies leave it."""

    chars: tuple[int, int]  # characters on it: least, most
    room: tuple[float, float]  # points left free at its end: least, most


def last_lines(text: str, width: float, first: float, size: float, spacing: float) -> LastLine:
    """The paragraph's last line both ways (see the module's docstring); a hard line break
    (``\\n``) starts the last line afresh, as it does in the document."""
    before, _, last = text.rpartition("\n")
    first = first if not before else 0.0
    chars, rooms = [], []
    boxes = _boxes(last, size, spacing)  # measured once for both policies: every body paragraph comes here
    for hang in (True, False):
        lines = _broken(boxes, width, first, hang)
        line, used = lines[-1]
        chars.append(len(line))
        rooms.append((width - (first if len(lines) == 1 else 0.0)) - used)
    return LastLine((min(chars), max(chars)), (min(rooms), max(rooms)))


def text_width(text: str, size: float, spacing: float) -> float:
    """Points ``text`` takes on a line by itself."""
    return sum(box.width for box in _boxes(text, size, spacing))
