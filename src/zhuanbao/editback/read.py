"""An edited bulletin (.docx) read as Word shows it after 接受所有修订 (Accept All Changes).

The leaders' copy comes back with or without Track Changes: insertions (w:ins, w:moveTo) are text,
deletions (w:del, w:moveFrom) are not, a deleted paragraph mark joins the paragraph to the next one
and a deleted table row is gone — what Word prints once every revision is accepted. Each paragraph and
table comes out as a :class:`Line`: its text (``\\n`` a manual line break, ``\\t`` a tab), its bold
pieces, whether it holds a picture, and what was set by hand that an item's Markdown cannot hold
(a font, a size, a colour …). load/word.py reads submissions the same way but keeps less: it
has no use for hand formatting or deleted paragraph marks.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError, os_reason
from ..load.word import _DAMAGED, _MC_FALLBACK, _OLE, MAX_PARAGRAPHS, W, unpacked

_NOT_SHOWN = {W + "del", W + "moveFrom", _MC_FALLBACK}
_PICTURES = {W + "drawing", W + "pict", W + "object"}
#: run properties set by hand (Word's font, size, colour … buttons), as the editor reads them
HAND_FORMAT = {
    "rFonts": "字体",
    "sz": "字号",
    "color": "文字颜色",
    "highlight": "突出显示",
    "u": "下划线",
    "strike": "删除线",
    "dstrike": "双删除线",
    "shd": "底纹",
    "vertAlign": "上标或下标",
    "em": "着重号",
    "w": "字符缩放",
    "position": "字符位置",
    "caps": "大写",
    "vanish": "隐藏文字",
}
_SPACE = re.compile(r"\s+")


@dataclass
class Line:
    """A paragraph or a table of the document, as shown."""

    text: str
    kind: str = "p"  # p | table
    style: str | None = None  # the paragraph style's id (zhuanbao writes its style.yaml ids)
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold), a paragraph's
    picture: bool = False
    rows: list[list[str]] = field(default_factory=list)  # a table's cells
    #: formatting set by hand, each (what, the text it was set on)
    hand: list[tuple[str, str]] = field(default_factory=list)
    page_break: bool = False  # a page starts with it
    break_after: bool = False  # it ends with a page break: the next line starts a page (LibreOffice writes it so)

    @property
    def key(self) -> str:
        """What is compared: the text without spaces, tabs and line breaks (layout, not words)."""
        return _SPACE.sub("", self.text) + ("\x00图" if self.picture else "")

    @property
    def empty(self) -> bool:
        return not self.key


@dataclass
class Edited:
    """An edited document as read: its lines, its comments, and what its revisions deleted."""

    lines: list[Line]
    comments: list[tuple[str, str, str]]  # (author, text, the paragraph it is on)
    tracked: bool  # it holds tracked changes (w:ins, w:del, moves)
    deleted: str  # the text its tracked deletions removed, without spaces


def read_edited(path: Path) -> list[Line]:
    """The non-empty paragraphs and tables of the .docx at ``path``, in reading order (a table as one Line)."""
    return read_document(path).lines


def read_document(path: Path) -> Edited:
    """The .docx at ``path`` as :class:`Edited`; a file that is no .docx refused naming it."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError, XMLSyntaxError

    try:
        with open(path, "rb") as file:
            head = file.read(len(_OLE))
    except OSError as exc:
        raise ContentError(f"无法读取：{os_reason(exc)}", path) from None
    if head == _OLE:
        raise ContentError("这是 .doc 或 .wps 格式的文件，或设了打开密码：请在 Word 或 WPS 中另存为 .docx（去掉密码）后再比对",
                           path)  # fmt: skip
    package = unpacked(path)  # size and zip checks, ContentError naming the file
    try:
        document = docx.Document(package)
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError):
        raise ContentError(_DAMAGED, path) from None
    except LxmlError:
        raise ContentError(_DAMAGED, path) from None
    if "wordprocessingml" not in document.part.content_type:
        raise ContentError(_DAMAGED, path)
    body = document.element.body
    tracked = next(body.iter(W + "ins", W + "del", W + "moveFrom", W + "moveTo"), None) is not None
    deleted = "".join(t.text or "" for t in body.iter(W + "delText"))
    deleted += "".join(t.text or "" for move in body.iter(W + "moveFrom") for t in move.iter(W + "t"))
    return Edited(lines_of(document, path), _comments(document), tracked, _SPACE.sub("", deleted))


def lines_of(document, path: Path | None = None) -> list[Line]:
    """:func:`read_edited` of a python-docx Document."""
    body = document.element.body
    styles = _StyleFacts(document)
    lines: list[Line] = []
    carried: Line | None = None  # a paragraph whose mark was deleted: it runs on into the next
    pending = False  # the line before ended with a page break
    count = 0
    for element in body.iter(W + "p", W + "tbl"):
        if any(a.tag in _NOT_SHOWN or a.tag == W + "tbl" for a in _ancestors(element, body)):
            continue
        if element.tag == W + "tbl":
            if carried is not None:
                lines.append(carried)
                carried = None
            lines.append(_table(element, styles))
            pending = False
            continue
        count += 1
        if count > MAX_PARAGRAPHS:
            raise ContentError(f"Word 文件的段落太多（超过 {MAX_PARAGRAPHS:,} 段），不像是一期专报", path)
        line = _paragraph(element, styles)
        if carried is not None:
            line = _joined(carried, line)
            carried = None
        mark = element.find(f"{W}pPr/{W}rPr")
        if mark is not None and (mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None):
            carried = line
            continue
        if pending and not line.empty:
            line.page_break = True
        pending = line.break_after or (pending and line.empty)
        lines.append(line)
    if carried is not None:
        lines.append(carried)
    return [line for line in lines if not line.empty]


def _ancestors(element, stop):
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return
        yield ancestor


def _joined(first: Line, second: Line) -> Line:
    return Line(first.text + second.text, "p", first.style or second.style, first.pieces + second.pieces,
                first.picture or second.picture, hand=first.hand + second.hand,
                page_break=first.page_break or second.page_break, break_after=second.break_after)  # fmt: skip


def _paragraph(p, styles: _StyleFacts) -> Line:
    style = p.find(f"{W}pPr/{W}pStyle")
    line = Line("", style=style.get(W + "val") if style is not None else None)
    if p.find(f"{W}pPr/{W}pageBreakBefore") is not None:
        line.page_break = True
    texts = []
    for r in p.iter(W + "r"):
        if any(a.tag in _NOT_SHOWN or a.tag == W + "txbxContent" for a in _ancestors(r, p)):
            continue
        text = _run_text(r)
        if any(r.find(tag) is not None for tag in _PICTURES) or r.find(f"{_MC}AlternateContent") is not None:
            line.picture = True
        if not text:
            continue
        texts.append(text)
        props = r.find(W + "rPr")
        bold = _on(props, "b")
        line.pieces.append((text, bold))
        if props is not None:
            own = props.find(W + "rStyle")
            for child in props:
                name = child.tag[len(W):] if child.tag.startswith(W) else ""
                if name in HAND_FORMAT and not styles.holds(child, line.style, own.get(W + "val") if own is not None else None):
                    line.hand.append((HAND_FORMAT[name], text))
    text = "".join(texts)
    if p.find(f"{W}pPr/{W}numPr") is not None:  # Word's own numbering: a number the text does not hold
        line.hand.append(("自动编号或项目符号", text))
    if "\f" in text:  # page breaks: one at the end starts the next line's page
        kept = text.rstrip(" \t\n\f")
        line.break_after = "\f" in text[len(kept):]
        line.page_break = line.page_break or "\f" in kept
        text = text.replace("\f", "")
        line.pieces = [(piece.replace("\f", ""), bold) for piece, bold in line.pieces if piece.replace("\f", "")]
    line.text = text
    return line


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _run_text(r) -> str:
    out = []
    for child in r:
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            if child.get(W + "type") == "page":
                out.append("\f")
            else:
                out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            out.append(chr(int(child.get(W + "char", "20"), 16)) if child.get(W + "char") else "")
    return "".join(out)


def _on(props, name: str) -> bool:
    if props is None:
        return False
    found = props.find(W + name)
    return found is not None and found.get(W + "val", "1") not in ("0", "false", "off")


def _table(tbl, styles: _StyleFacts) -> Line:
    """A table's rows of cell texts (rows deleted with Track Changes left out; a nested table's text is its cell's)."""
    rows: list[list[str]] = []
    hand: list[tuple[str, str]] = []
    for tr in tbl.iter(W + "tr"):
        if any(a.tag == W + "tbl" for a in _ancestors(tr, tbl)) or any(a.tag in _NOT_SHOWN for a in _ancestors(tr, tbl)):
            continue
        props = tr.find(W + "trPr")
        if props is not None and props.find(W + "del") is not None:
            continue
        cells = []
        for tc in tr.iter(W + "tc"):
            if any(a.tag == W + "tc" for a in _ancestors(tc, tr)):
                continue
            paragraphs = [_paragraph(p, styles) for p in tc.iter(W + "p")
                          if not any(a.tag in _NOT_SHOWN for a in _ancestors(p, tc))]  # fmt: skip
            cells.append("\n".join(p.text for p in paragraphs).strip())
            hand += [found for p in paragraphs for found in p.hand]
        rows.append(cells)
    return Line("\n".join("\t".join(row) for row in rows), "table", rows=rows, hand=hand)


#: attributes that say nothing about the look: Word's hint of the script typed, theme links
_NO_LOOK = {W + "hint", W + "asciiTheme", W + "hAnsiTheme", W + "eastAsiaTheme", W + "cstheme"}


class _StyleFacts:
    """Run properties each style sets (through basedOn), so that a run that restates its style's font or
    size — as WPS and Word write on runs they saved — is not taken for a change by hand."""

    def __init__(self, document) -> None:
        self.props: dict[str, dict[str, dict[str, str]]] = {}
        based: dict[str, str] = {}
        try:
            root = document.styles.element
        except (KeyError, ValueError, AttributeError):
            return
        for style in root.iter(W + "style"):
            sid = style.get(W + "styleId")
            if not sid:
                continue
            based_on = style.find(W + "basedOn")
            if based_on is not None and based_on.get(W + "val"):
                based[sid] = based_on.get(W + "val")
            rpr = style.find(W + "rPr")
            self.props[sid] = {child.tag: dict(child.attrib) for child in rpr} if rpr is not None else {}
        for sid in list(self.props):  # merged with what it is based on (a chain of a few)
            chain, seen = sid, set()
            merged: dict[str, dict[str, str]] = {}
            while chain in based and chain not in seen:
                seen.add(chain)
                chain = based[chain]
                merged = {**self.props.get(chain, {}), **merged}
            self.props[sid] = {**merged, **self.props[sid]}

    def holds(self, prop, paragraph_style: str | None, run_style: str | None) -> bool:
        """Whether ``prop`` (a run property element) only restates what the run's styles set."""
        given = {k: v for k, v in prop.attrib.items() if k not in _NO_LOOK}
        if not given:
            return True  # <w:rFonts w:hint="eastAsia"/>: Word's note of the script, no font
        for sid in (run_style, paragraph_style):
            if sid is None:
                continue
            known = self.props.get(sid, {}).get(prop.tag)
            if known is not None and all(known.get(k) == v for k, v in given.items()):
                return True
        return False


def _comments(document) -> list[tuple[str, str, str]]:
    """The document's comments (批注) as (author, text, the paragraph they are on): notes for the editor,
    which no source holds."""
    from lxml import etree

    part = next((p for p in document.part.package.iter_parts() if p.partname == "/word/comments.xml"), None)
    if part is None:
        return []
    try:
        root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    anchored: dict[str, str] = {}
    for reference in document.element.body.iter(W + "commentReference", W + "commentRangeStart"):
        p = next((a for a in reference.iterancestors(W + "p")), None)
        if p is not None:
            anchored.setdefault(reference.get(W + "id", ""), "".join(t.text or "" for t in p.iter(W + "t")))
    found = []
    for comment in root.iter(W + "comment"):
        text = "".join(t.text or "" for t in comment.iter(W + "t")).strip()
        if text:
            found.append((comment.get(W + "author", ""), text, anchored.get(comment.get(W + "id", ""), "")))
    return found
