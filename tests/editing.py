"""A leader's edits made to a built bulletin, as Word stores them: typed over (no trace) or with Track
Changes on (w:ins / w:del, a deleted paragraph mark, a moved paragraph) — for the tests of apply."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

W_AUTHOR = "李华"
_DATE = dt.datetime(2024, 3, 14, 9, 30).isoformat() + "Z"
_ids = iter(range(1000, 100000))


class Leader:
    """The .docx opened for edits; :meth:`save` writes it as Word would."""

    def __init__(self, path: Path, tracked: bool = False) -> None:
        self.doc = Document(str(path))
        self.tracked = tracked

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path

    # --- finding ---------------------------------------------------------------

    def paragraphs(self):
        return list(self.doc.element.body.iter(qn("w:p")))

    def paragraph(self, containing: str):
        found = [p for p in self.paragraphs() if containing in _text(p)]
        assert found, f"no paragraph holds {containing!r}"
        return found[0]

    def run_with(self, containing: str):
        for r in self.doc.element.body.iter(qn("w:r")):
            if any(containing in (t.text or "") for t in r.iter(qn("w:t"))):
                return r
        raise AssertionError(f"no run holds {containing!r}")

    # --- edits -------------------------------------------------------------------

    def replace(self, old: str, new: str) -> None:
        """``old`` (within one run) becomes ``new``; tracked: the old text deleted, the new inserted."""
        r = self.run_with(old)
        t = next(t for t in r.iter(qn("w:t")) if old in (t.text or ""))
        before, after = t.text.split(old, 1)
        if not self.tracked:
            t.text = before + new + after
            return
        t.text = before
        parent = r.getparent()
        index = parent.index(r)
        deleted = _revision("w:del", _run(r, old, deleted=True))
        inserted = _revision("w:ins", _run(r, new)) if new else None
        tail = _run(r, after)
        for offset, element in enumerate([e for e in (deleted, inserted, tail) if e is not None], start=1):
            parent.insert(index + offset, element)

    def delete_paragraph(self, containing: str) -> None:
        p = self.paragraph(containing)
        if not self.tracked:
            p.getparent().remove(p)
            return
        _strike(p, "w:del")

    def insert_after(self, containing: str, text: str, bold: str = "") -> None:
        """A new paragraph after the one holding ``containing``, in its style; ``bold`` a bold lead-in."""
        p = self.paragraph(containing)
        new = copy.deepcopy(p)
        for child in list(new):
            if child.tag != qn("w:pPr"):
                new.remove(child)
        ppr = new.find(qn("w:pPr"))
        if ppr is not None:
            for name in ("w:tabs", "w:widowControl", "w:keepNext"):
                for found in ppr.findall(qn(name)):
                    ppr.remove(found)
        for piece, is_bold in ((bold, True), (text, False)):
            if piece:
                r = _plain_run(piece, is_bold)
                new.append(_revision("w:ins", r) if self.tracked else r)
        if self.tracked:
            _mark(new, "w:ins")
        p.addnext(new)

    def join_with_next(self, containing: str) -> None:
        """The paragraph holding ``containing`` and the next made one (Delete pressed at its end)."""
        p = self.paragraph(containing)
        if self.tracked:
            _mark(p, "w:del")
            return
        following = p.getnext()
        for child in list(following):
            if child.tag != qn("w:pPr"):
                p.append(child)
        following.getparent().remove(following)

    def split(self, containing: str, after: str) -> None:
        """Enter typed after ``after`` in the run holding ``containing``: the rest of the paragraph
        goes into a new one, in the same style."""
        p = self.paragraph(containing)
        r = self.run_with(containing)
        t = next(t for t in r.iter(qn("w:t")) if after in (t.text or ""))
        head, rest = t.text.split(after, 1)
        t.text = head + after
        new = copy.deepcopy(p)
        for child in list(new):
            if child.tag != qn("w:pPr"):
                new.remove(child)
        moved = _run(r, rest)
        new.append(moved)
        for sibling in list(r.itersiblings()):  # the runs after it (the credit) go along
            new.append(sibling)
        if self.tracked:
            _mark(p, "w:ins")
        p.addnext(new)

    def move_before(self, moving: list[str], before: str) -> None:
        """The paragraphs holding ``moving`` put before the one holding ``before`` (cut and paste)."""
        target = self.paragraph(before)
        for containing in moving:
            p = self.paragraph(containing)
            if not self.tracked:
                target.addprevious(p)
                continue
            copied = copy.deepcopy(p)
            _wrap_runs(copied, "w:moveTo")
            _mark(copied, "w:ins")
            target.addprevious(copied)
            _strike(p, "w:moveFrom")

    def font(self, containing: str, name: str = "宋体") -> None:
        """A font set by hand on the run holding ``containing``."""
        self.run_property(containing, "w:rFonts", {"w:ascii": name, "w:eastAsia": name, "w:hAnsi": name})

    def run_property(self, containing: str, tag: str, attributes: dict[str, str]) -> None:
        r = self.run_with(containing)
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = r.makeelement(qn("w:rPr"), {})
            r.insert(0, rpr)
        rpr.insert(0, rpr.makeelement(qn(tag), {k if k.startswith("{") else qn(k): v for k, v in attributes.items()}))

    def line_break(self, containing: str, after: str) -> None:
        """A manual line break (Shift+Enter) typed after ``after`` in the run holding ``containing``."""
        r = self.run_with(containing)
        t = next(t for t in r.iter(qn("w:t")) if after in (t.text or ""))
        head, rest = t.text.split(after, 1)
        t.text = head + after
        br = t.makeelement(qn("w:br"), {})
        t.addnext(br)
        tail = t.makeelement(qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        tail.text = rest
        br.addnext(tail)

    def cell(self, old: str, new: str) -> None:
        for t in self.doc.element.body.iter(qn("w:t")):
            if t.text == old and any(a.tag == qn("w:tc") for a in t.iterancestors()):
                t.text = new
                return
        raise AssertionError(f"no cell holds {old!r}")


def _strike(p, tag: str) -> None:
    """Every run of ``p`` tracked as deleted (w:del) or moved away (w:moveFrom), and its mark deleted."""
    for r in p.iter(qn("w:r")):
        for t in r.iter(qn("w:t")):
            t.tag = qn("w:delText")
    _wrap_runs(p, tag)
    _mark(p, "w:del")


def _wrap_runs(p, tag: str) -> None:
    for r in list(p.iter(qn("w:r"))):
        wrapper = _revision(tag, None)
        r.addprevious(wrapper)
        wrapper.append(r)


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _run(model, text: str, deleted: bool = False):
    r = copy.deepcopy(model)
    for child in list(r):
        if child.tag != qn("w:rPr"):
            r.remove(child)
    t = r.makeelement(qn("w:delText" if deleted else "w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    t.text = text
    r.append(t)
    return r


def _plain_run(text: str, bold: bool):
    from docx.oxml import parse_xml

    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return parse_xml(f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{props}'
                     f'<w:t xml:space="preserve">{text}</w:t></w:r>')  # fmt: skip


def _revision(tag: str, child):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag, {qn("w:id"): str(next(_ids)), qn("w:author"): W_AUTHOR, qn("w:date"): _DATE})
    if child is not None:
        element.append(child)
    return element


def _mark(p, tag: str) -> None:
    """The paragraph mark tracked as inserted or deleted (w:pPr/w:rPr/w:ins|w:del)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = p.makeelement(qn("w:pPr"), {})
        p.insert(0, ppr)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = ppr.makeelement(qn("w:rPr"), {})
        ppr.append(rpr)
    rpr.append(_revision(tag, None))
