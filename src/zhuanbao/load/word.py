"""A submitted Word file (.docx) read as the author sees it on screen.

python-docx's ``paragraph.runs`` and ``document.paragraphs`` hold only the
plain case: text inside a hyperlink, a tracked insertion, a field result, a
content control, a smart tag or a text box is not in them, and Word's
automatic numbering is not text at all. Submissions have all of these (a
figure typed with Track Changes on, a link to a notice, numbering 一、（一）),
so this module walks the XML itself, using python-docx only to open the
package and read run formatting.

What comes out is (text, bold) pieces per paragraph and the paragraph's
number as Word shows it; turning that into Markdown is the importer's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text that is not on the page: deleted or moved-away revisions, the second
# copy of a shape Word writes for older readers, and tables (warned about).
_NOT_SHOWN = {W + "del", W + "moveFrom", _MC_FALLBACK}
_SKIPPED_BLOCKS = {W + "tbl", _MC_FALLBACK, W + "del", W + "moveFrom"}


@dataclass
class WordParagraph:
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold)
    number: str | None = None  # "一、", "（一）", "1.", "1.1"; "•" for a bullet
    number_format: str | None = None  # Word's numFmt: decimal, chineseCounting, bullet …
    level: int = 0


def read_word(path: Path) -> tuple[list[WordParagraph], list[str]]:
    """The paragraphs of a .docx in reading order (text boxes after the
    paragraph they sit in), and what was left out, said for the editor."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError):
        raise ContentError("无法打开 Word 文件：文件已损坏，或是 .doc 等其他格式；请用 Word 或 WPS 另存为 .docx", path) from None
    body = document.element.body
    numbers = _Numbering(document)
    paragraphs = []
    for p in body.iter(W + "p"):
        if any(a.tag in _SKIPPED_BLOCKS for a in _ancestors(p, body)):
            continue
        paragraph = WordParagraph(pieces=list(_pieces(p, document)))
        numbers.apply(p, paragraph)
        paragraphs.append(paragraph)
    left_out = []
    tables = sum(1 for t in body.iter(W + "tbl") if not any(a.tag == W + "tbl" for a in _ancestors(t, body)))
    if tables:
        left_out.append(f"稿件中有 {tables} 个表格没有导入：表格请另存为 CSV 或 Excel，在 issue.yaml 的 tables 中登记")
    notes = _notes(document)
    if notes:
        left_out.append(f"稿件中有 {notes} 条脚注或尾注没有导入：需要时请把内容写进正文")
    return paragraphs, left_out


def _notes(document) -> int:
    """Footnotes and endnotes with text (ids -1 and 0 are Word's separator lines)."""
    from lxml import etree

    count = 0
    for part in document.part.package.iter_parts():
        if part.partname in ("/word/footnotes.xml", "/word/endnotes.xml"):
            root = etree.fromstring(part.blob)
            for note in root:
                if int(note.get(W + "id", "0")) > 0 and "".join(note.itertext()).strip():
                    count += 1
    return count


def _ancestors(element, stop):
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return
        yield ancestor


def _pieces(p, document):
    """Every run shown in this paragraph, in order — through hyperlinks,
    insertions, fields, content controls and smart tags, but not into a text
    box (its paragraphs are paragraphs of their own) or deleted text."""
    from docx.text.run import Run

    for r in p.iter(W + "r"):
        between = list(_ancestors(r, p))
        if any(a.tag in _NOT_SHOWN or a.tag == W + "txbxContent" for a in between):
            continue
        run = Run(r, document)
        text = run.text
        if text:
            yield text, bool(run.bold)


def _chinese(number: int) -> str:
    from ..cn import cn_num

    return cn_num(number) if number < 10000 else str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalFullWidth": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


class _Numbering:
    """Word's automatic numbering as the reader sees it: each level's format
    and text pattern (%1、 （%2） %1.%2), start values, counters that restart
    below a level that moves on, numId 0 meaning "numbering switched off", and
    numbering that comes with a paragraph style (List Number, a numbered Heading)."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (fmt, text, start)
        # Word counts per list definition: two numIds sharing one abstractNum
        # continue one list, unless a numId restarts a level (startOverride)
        # where it is first used.
        self.abstract_of: dict[str, str] = {}
        self.restarts: dict[str, dict[int, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles = document.styles
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
        for num in numbering.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            definition = abstract.get(ref.get(W + "val")) if ref is not None else None
            num_id = num.get(W + "numId")
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in definition.iter(W + "lvl") if definition is not None else ():
                levels[int(lvl.get(W + "ilvl", "0"))] = _level(lvl)
            self.restarts[num_id] = {}
            for override in num.iter(W + "lvlOverride"):
                start = override.find(W + "startOverride")
                if start is not None:
                    self.restarts[num_id][int(override.get(W + "ilvl", "0"))] = int(start.get(W + "val", "1"))
            self.levels[num_id] = levels
            self.abstract_of[num_id] = ref.get(W + "val") if ref is not None else num_id

    def apply(self, p, paragraph: WordParagraph) -> None:
        num_id, ilvl = self._reference(p)
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return
        levels = self.levels[num_id]
        fmt, pattern, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters.setdefault(self.abstract_of[num_id], {})
        for level, restart in self.restarts.pop(num_id, {}).items():  # only where the numId is first used
            counters[level] = restart - 1
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # 一、 after （二）: the next （一） starts again
        paragraph.number_format, paragraph.level = fmt, ilvl
        if fmt == "bullet":
            paragraph.number = "•"
            return
        if fmt == "none":
            return
        text = pattern
        for level in range(ilvl + 1):
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, level_start)
            text = text.replace(f"%{level + 1}", _FORMATS.get(level_fmt, str)(value))
        paragraph.number = text

    def _reference(self, p) -> tuple[str | None, int]:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style_id = None
        if ppr is not None and ppr.find(W + "pStyle") is not None:
            style_id = ppr.find(W + "pStyle").get(W + "val")
        style_numpr = self._style_numpr(style_id)
        if numpr is None:
            numpr = style_numpr
        if numpr is None:
            return None, 0
        num = numpr.find(W + "numId")
        level = numpr.find(W + "ilvl")
        if num is None and style_numpr is not None:
            num = style_numpr.find(W + "numId")
        return (num.get(W + "val") if num is not None else None), int(level.get(W + "val", "0")) if level is not None else 0

    def _style_numpr(self, style_id: str | None):
        """numPr a paragraph style (or the style it is based on) carries."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = next((s for s in self.styles if s.style_id == style_id), None)
            if style is None:
                return None
            ppr = style.element.find(W + "pPr")
            if ppr is not None and ppr.find(W + "numPr") is not None:
                return ppr.find(W + "numPr")
            based = style.element.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return None


def _level(lvl) -> tuple[str, str, int]:
    fmt = lvl.find(W + "numFmt")
    text = lvl.find(W + "lvlText")
    start = lvl.find(W + "start")
    return (
        fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
        text.get(W + "val", "") if text is not None else "",
        int(start.get(W + "val", "1")) if start is not None else 1,
    )
