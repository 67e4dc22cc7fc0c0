"""The pictures of a submitted Word file, where they stand in its text (word.py reads the text).

A photo is a DrawingML picture (``pic:pic`` with an ``a:blip`` naming the image part), inline in a run or
floating, anchored to a paragraph; Word 2003 and some converters write VML (``v:imagedata``) instead. The
picture's crop (``a:srcRect``) and quarter turns (``a:xfrm rot``) are how the author sees it, and are kept:
what was cropped away may have been cropped for a reason.

Not taken, and said: pictures in tables (the table's cells are the table reader's), Word charts (data, not
pictures), pictures linked to a file outside the document, pictures set in front of or behind the text
(wrapNone: seals, watermarks, logos laid over a page, not photos of the work), and formats the bulletin
cannot print (EMF/WMF drawings pasted from other programs).
"""

from __future__ import annotations

from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HIDDEN = {W + "del", W + "moveFrom", _MC_FALLBACK}
_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
#: Word's style name for captions (its built-in names are stored in English), and WPS's
CAPTION_STYLES = {"caption", "题注"}


@dataclass(frozen=True)
class WordPicture:
    """A picture as the author sees it: the image part's bytes and name, and its crop (left, top, right,
    bottom, as fractions of the image) and clockwise quarter turns."""

    data: bytes
    part: str
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    turns: int = 0


def run_pictures(r, p, document) -> list[WordPicture | str]:
    """The pictures run ``r`` of paragraph ``p`` shows, in order; what cannot be taken as a short reason
    (counted by :func:`left_out`)."""
    found: list[WordPicture | str] = []
    for element in r.iter(A + "blip", V + "imagedata"):
        owner = next((a for a in element.iterancestors() if a.tag in (W + "p",) or a.tag in _HIDDEN), None)
        if owner is not p:  # in a text box's own paragraph, deleted, or the second copy for older readers
            continue
        if element.tag == A + "blip" and not any(a.tag == PIC + "pic" for a in element.iterancestors()):
            continue  # a shape filled with a picture, not a picture
        anchor = next((a for a in element.iterancestors() if a.tag == WP + "anchor"), None)
        if anchor is not None and anchor.find(WP + "wrapNone") is not None:
            found.append("over")
            continue
        rid = element.get(R + "embed") if element.tag == A + "blip" else element.get(R + "id")
        part = document.part.related_parts.get(rid) if rid else None
        if part is None or not hasattr(part, "blob"):
            found.append("linked")
            continue
        found.append(WordPicture(part.blob, str(part.partname), *_look(element)))
    return found


def _look(element) -> tuple[tuple[float, float, float, float], int]:
    """The crop and quarter turns of a DrawingML picture (VML's: none taken)."""
    if element.tag != A + "blip":
        return (0.0, 0.0, 0.0, 0.0), 0
    fill = element.getparent()
    rect = fill.find(A + "srcRect") if fill is not None else None
    crop = tuple(_fraction(rect.get(side)) if rect is not None else 0.0 for side in ("l", "t", "r", "b"))
    pic = next((a for a in element.iterancestors() if a.tag == PIC + "pic"), None)
    xfrm = pic.find(f"{PIC}spPr/{A}xfrm") if pic is not None else None
    turns = 0
    if xfrm is not None:
        try:
            degrees = int(xfrm.get("rot", "0")) / 60000
        except ValueError:
            degrees = 0
        turns = round(degrees / 90) % 4 if abs(degrees / 90 - round(degrees / 90)) < 0.05 else 0
    return crop, turns  # type: ignore[return-value]


def _fraction(value: str | None) -> float:
    """A crop side as DrawingML writes it (thousandths of a percent), as a fraction between 0 and 0.99."""
    try:
        return min(max(int(value or 0) / 100_000, 0.0), 0.99)
    except ValueError:
        return 0.0


def is_caption(p, styles: dict) -> bool:
    """Whether paragraph ``p`` is set in Word's (or WPS's) caption style; ``styles``: style id → element."""
    ppr = p.find(W + "pPr")
    ref = ppr.find(W + "pStyle") if ppr is not None else None
    style = styles.get(ref.get(W + "val")) if ref is not None else None
    name = style.find(W + "name") if style is not None else None
    return name is not None and (name.get(W + "val") or "").strip().lower() in CAPTION_STYLES


def left_out(body, reasons: list[str]) -> list[str]:
    """What of the pictures the import could not take, said for the editor: ``reasons`` as
    :func:`run_pictures` gave them, and the pictures and charts of ``body`` it never looks at."""
    said = []
    in_tables = sum(1 for blip in body.iter(A + "blip", V + "imagedata")
                    if any(a.tag == W + "tbl" for a in blip.iterancestors()))  # fmt: skip
    charts = sum(1 for data in body.iter(A + "graphicData") if data.get("uri") == _CHART)
    if in_tables:
        said.append(f"稿件的表格中有 {in_tables} 张图片没有导入：需要时请把图片移到表格外再导入")
    if charts:
        said.append(f"稿件中有 {charts} 个 Word 图表没有导入：请在 Word 中把图表复制后“选择性粘贴”为图片，或把数据做成指标表")
    if reasons.count("over"):
        said.append(f"稿件中有 {reasons.count('over')} 张浮于文字上方或衬于文字下方的图片（多为印章、水印、标志）没有导入")
    if reasons.count("linked"):
        said.append(f"稿件中有 {reasons.count('linked')} 张图片只是链接到别处的文件，不在 Word 文件中，没有导入")
    return said
