"""Low-level WordprocessingML helpers: units, escaping, namespaces.

This package is zhuanbao's raw XML layer (python-docx keeps its equivalent in
``oxml/``): the rest of the code speaks in paragraphs, runs and tables and
never builds XML itself. We write the XML as text rather than through
python-docx, because the bulletin needs things python-docx has no API for
(w:eastAsia fonts, odd/even footers, fixed line pitch, floating tables,
repeated header rows), the output must be byte-identical from run to run, and
a warm rebuild must take milliseconds.
"""

from __future__ import annotations

import re

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

NAMESPACES = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

#: document.xml also holds inline pictures (DrawingML).
DOCUMENT_NAMESPACES = (
    NAMESPACES
    + ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Characters XML 1.0 cannot carry; loaders already remove them, this is the
# last line of defence so that no input can make an unreadable document.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def esc(text: str) -> str:
    """Escape text for element content and attribute values."""
    if not _SPECIAL.search(text):  # most text: nothing to do (a large table has tens of thousands)
        return text
    text = _INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def twips(points: float) -> int:
    """Points to twentieths of a point, Word's unit for lengths."""
    return round(points * 20)


def emu(points: float) -> int:
    """Points to English Metric Units, DrawingML's unit (12700 per point)."""
    return round(points * 12700)


def half_points(points: float) -> int:
    """Font sizes are stored in half-points."""
    return round(points * 2)


def eighths(points: float) -> int:
    """Border widths are stored in eighths of a point (2 to 96)."""
    return max(2, min(96, round(points * 8)))


_JC = {"left": "left", "center": "center", "right": "right", "justify": "both", "distribute": "distribute"}


def jc(align: str) -> str:
    return f'<w:jc w:val="{_JC[align]}"/>'


_BORDER = {"single": "single", "double": "double", "thick": "thick", "thickThin": "thickThinSmallGap",
           "thinThick": "thinThickSmallGap"}  # fmt: skip


def border(tag: str, rule) -> str:
    """One border element (w:top, w:bottom, w:insideH …) from a style Rule."""
    if rule is None:
        return f'<w:{tag} w:val="nil"/>'
    space = round(rule.space)
    return (
        f'<w:{tag} w:val="{_BORDER[rule.style]}" w:sz="{eighths(rule.width)}" '
        f'w:space="{space}" w:color="{rule.color}"/>'
    )


def fonts(east_asia: str | None, latin: str | None) -> str:
    """w:rFonts with the East Asian face set explicitly.

    python-docx's ``font.name`` sets only ascii/hAnsi; without w:eastAsia, Word
    and WPS render Chinese in their default face. The hint makes ambiguous
    characters (quotes, dashes) take the East Asian face, as Chinese text expects.
    """
    attrs = []
    if latin:
        attrs.append(f'w:ascii="{esc(latin)}" w:hAnsi="{esc(latin)}" w:cs="{esc(latin)}"')
    if east_asia:
        attrs.append(f'w:eastAsia="{esc(east_asia)}" w:hint="eastAsia"')
    return f'<w:rFonts {" ".join(attrs)}/>' if attrs else ""
