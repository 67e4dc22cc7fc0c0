"""The fixed parts of the package: styles, settings, fonts, footers, properties."""

from __future__ import annotations

import re

import datetime as dt

from ..style import CharFormat, ParaFormat, StyleSheet
from .xml import NAMESPACES, XML_DECL, border, esc, fonts, half_points, jc, twips

CONTENT_TYPES = (
    XML_DECL
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Default Extension="jpg" ContentType="image/jpeg"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/theme/theme1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    XML_DECL
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

#: Relationship ids of the document part; images follow from rId10 on.
FOOTER_ODD_RID = "rId4"
FOOTER_EVEN_RID = "rId5"
THEME_RID = "rId6"


def image_rid(index: int) -> str:
    return f"rId{10 + index}"


def media_part_names(names: list[str], media: dict[str, bytes] | None = None) -> list[str]:
    """Package part names for the pictures, in the same order: a chart's own
    ASCII name, else imageN.png (.jpg for a JPEG) — a logo called "R&D 徽标.png" would make the
    relationships part malformed, and Word refuses such a file."""
    def kind(name: str) -> str:
        return "jpg" if media is not None and media.get(name, b"")[:2] == b"\xff\xd8" else "png"

    return [name if re.fullmatch(rf"[A-Za-z0-9_.-]+\.{kind(name)}", name) else f"image{index + 1}.{kind(name)}"
            for index, name in enumerate(names)]  # fmt: skip


def document_rels(images: list[str], media: dict[str, bytes] | None = None) -> str:
    rels = [
        f'<Relationship Id="rId1" Type="{_REL}styles" Target="styles.xml"/>',
        f'<Relationship Id="rId2" Type="{_REL}settings" Target="settings.xml"/>',
        f'<Relationship Id="rId3" Type="{_REL}fontTable" Target="fontTable.xml"/>',
        f'<Relationship Id="{FOOTER_ODD_RID}" Type="{_REL}footer" Target="footer1.xml"/>',
        f'<Relationship Id="{FOOTER_EVEN_RID}" Type="{_REL}footer" Target="footer2.xml"/>',
        f'<Relationship Id="{THEME_RID}" Type="{_REL}theme" Target="theme/theme1.xml"/>',
    ]
    for index, name in enumerate(media_part_names(images, media)):
        rels.append(f'<Relationship Id="{image_rid(index)}" Type="{_REL}image" Target="media/{name}"/>')
    return (
        XML_DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )


SETTINGS = (
    XML_DECL + f"<w:settings {NAMESPACES}>"
    '<w:zoom w:percent="100"/>'
    '<w:defaultTabStop w:val="420"/>'
    # Without this flag Word ignores the even-page footer (folio on the left).
    "<w:evenAndOddHeaders/>"
    # Full-width punctuation keeps its full width: the 28-characters grid relies on it.
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    # A line ending in a line break is not stretched to the margin: a credit moved to a line of
    # its own (docx/body.py, BodyWriter.flow) leaves the text line before it as it is.
    '<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    "</w:settings>"
)

_SCHEME_FILL = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
_SCHEME_LINE = f'<a:ln w="9525">{_SCHEME_FILL}</a:ln>'
_NO_EFFECT = "<a:effectStyle><a:effectLst/></a:effectStyle>"

# Current Word requires a theme part (the Open XML SDK's validator reports a
# document without one). Nothing in the document refers to theme fonts or
# colours — every style names its faces and colours — so the theme only
# fills Word's pickers: plain black and white, pure red first, and the
# bulletin's own faces as its heading and body fonts.
THEME = (
    XML_DECL + '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="zhuanbao">'
    '<a:themeElements><a:clrScheme name="zhuanbao">'
    '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
    '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
    '<a:dk2><a:srgbClr val="000000"/></a:dk2><a:lt2><a:srgbClr val="FFFFFF"/></a:lt2>'
    + "".join(f'<a:accent{n}><a:srgbClr val="{rgb}"/></a:accent{n}>'
              for n, rgb in enumerate(("FF0000", "000000", "808080", "C00000", "1F4E79", "548235"), start=1))
    + '<a:hlink><a:srgbClr val="0000FF"/></a:hlink><a:folHlink><a:srgbClr val="800080"/></a:folHlink>'
    '</a:clrScheme><a:fontScheme name="zhuanbao">'
    '<a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/>'
    '<a:font script="Hans" typeface="黑体"/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/>'
    '<a:font script="Hans" typeface="仿宋_GB2312"/></a:minorFont>'
    '</a:fontScheme><a:fmtScheme name="zhuanbao">'
    f"<a:fillStyleLst>{_SCHEME_FILL * 3}</a:fillStyleLst>"
    f"<a:lnStyleLst>{_SCHEME_LINE * 3}</a:lnStyleLst>"
    f"<a:effectStyleLst>{_NO_EFFECT * 3}</a:effectStyleLst>"
    f"<a:bgFillStyleLst>{_SCHEME_FILL * 3}</a:bgFillStyleLst>"
    "</a:fmtScheme></a:themeElements></a:theme>"
)  # fmt: skip

# What Word and WPS use where the named face is missing (ISO/IEC 29500-1
# §17.8.3.1: altName is tried before any substitution by metrics). A Chinese
# Windows 10/11 has 宋体, 黑体, 仿宋 and 楷体 (SimSun, SimHei, FangSong, KaiTi)
# but none of the faces offices install — 仿宋_GB2312, 楷体_GB2312, the 方正
# faces — so each of these falls back to its nearest stock face. No stock face
# is a heavy 宋: 小标宋 falls back to 黑体, whose strokes have the weight of a
# masthead and a title, rather than to 宋体, which prints them thin.
_ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "黑体",
    "方正小标宋_GBK": "黑体",
    "方正仿宋_GBK": "仿宋",
    "方正楷体_GBK": "楷体",
    "方正黑体_GBK": "黑体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}


def font_table(names: list[str]) -> str:
    entries = []
    for name in names:
        alt = _ALT_NAMES.get(name)
        if name == "Times New Roman":
            entries.append(
                '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
                '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
            )
            continue
        entries.append(
            f'<w:font w:name="{esc(name)}">'
            + (f'<w:altName w:val="{esc(alt)}"/>' if alt else "")
            + '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
    return XML_DECL + f"<w:fonts {NAMESPACES}>" + "".join(entries) + "</w:fonts>"


def _run_props(fmt: CharFormat | ParaFormat, lang: bool = False) -> str:
    parts = [fonts(fmt.east_asia, fmt.latin)]
    if fmt.bold:
        parts.append("<w:b/><w:bCs/>")
    if fmt.color:
        parts.append(f'<w:color w:val="{fmt.color}"/>')
    spacing = getattr(fmt, "letter_spacing", 0)
    if spacing:
        parts.append(f'<w:spacing w:val="{twips(spacing)}"/>')
    if fmt.size:
        size = half_points(fmt.size)
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if lang:
        parts.append('<w:lang w:val="en-US" w:eastAsia="zh-CN"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def paragraph_props(fmt: ParaFormat, sheet: StyleSheet) -> str:
    parts = []
    if fmt.keep_next:
        parts.append("<w:keepNext/>")
    # Widow control would leave pages one line short of 22.
    parts.append('<w:widowControl w:val="0"/>')
    if fmt.border_top or fmt.border_bottom:
        parts.append("<w:pBdr>")
        if fmt.border_top:
            parts.append(border("top", fmt.border_top))
        if fmt.border_bottom:
            parts.append(border("bottom", fmt.border_bottom))
        parts.append("</w:pBdr>")
    if fmt.tab_right:
        pos = twips(sheet.page.text_width - fmt.indent_right)
        parts.append(f'<w:tabs><w:tab w:val="right" w:pos="{pos}"/></w:tabs>')
    line = 'w:line="240" w:lineRule="auto"' if fmt.line == 0 else f'w:line="{twips(fmt.line)}" w:lineRule="exact"'
    parts.append(f'<w:spacing w:before="{twips(fmt.space_before)}" w:after="{twips(fmt.space_after)}" {line}/>')
    parts.append(
        f'<w:ind w:left="{twips(fmt.indent_left)}" w:right="{twips(fmt.indent_right)}" '
        f'w:firstLine="{twips(fmt.indent_first)}"/>'
    )
    parts.append(jc(fmt.align))
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


#: Declared on the styles part for the alternate content below.
MC_NAMESPACES = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
)

# Hanging punctuation off in Word and in LibreOffice alike, so that the
# preview breaks lines, and so pages, as the printed copy: a closing mark that
# would fall past the margin takes the character before it to the next line.
# Word reads overflowPunct as written; LibreOffice's DOCX import reads it
# inverted (writerfilter DomainMapper: hanging = val == 0), and does not draw a
# mark it hangs in our justified, condensed lines. So Word 2013+ takes the w15
# Choice, "0"; LibreOffice, which takes Choices only for wps/wpg/w14/wpc, the
# Fallback, "1", which it reads as off. docs/architecture.md, "Punctuation at
# the line end"; tests/test_docx.py and tests/test_e2e.py check both readings.
OVERFLOW_PUNCT = (
    '<mc:AlternateContent><mc:Choice Requires="w15"><w:overflowPunct w:val="0"/></mc:Choice>'
    '<mc:Fallback><w:overflowPunct w:val="1"/></mc:Fallback></mc:AlternateContent>'
)


def styles_xml(sheet: StyleSheet) -> str:
    body = sheet.paragraphs.get("body") or next(iter(sheet.paragraphs.values()))
    out = [XML_DECL, f"<w:styles {NAMESPACES} {MC_NAMESPACES}>"]
    # Defaults carry fonts, size and language only: an indent here would leak
    # into titles, table cells and footers.
    out.append(
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        + fonts(body.east_asia, body.latin)
        + f'<w:kern w:val="2"/><w:sz w:val="{half_points(body.size)}"/><w:szCs w:val="{half_points(body.size)}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        # no hanging punctuation, for Word and for LibreOffice: see OVERFLOW_PUNCT
        + '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>'
        + OVERFLOW_PUNCT
        + '<w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
    )
    out.append(
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    )
    for fmt in sheet.paragraphs.values():
        out.append(
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{esc(fmt.id)}">'
            f'<w:name w:val="{esc(fmt.name)}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
            + paragraph_props(fmt, sheet)
            + _run_props(fmt, lang=True)
            + "</w:style>"
        )
    for fmt in sheet.characters.values():
        out.append(
            f'<w:style w:type="character" w:customStyle="1" w:styleId="{esc(fmt.id)}">'
            f'<w:name w:val="{esc(fmt.name)}"/><w:basedOn w:val="DefaultParagraphFont"/>'
            + _run_props(fmt)
            + "</w:style>"
        )
    out.append("</w:styles>")
    return "".join(out)


def footer_xml(sheet: StyleSheet, style_id: str) -> str:
    """A footer with the folio: — PAGE — in the given paragraph style."""
    before, _, after = sheet.folio_format.partition("{page}")

    def text(value: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{esc(value)}</w:t></w:r>' if value else ""

    return (
        XML_DECL + f"<w:ftr {NAMESPACES}>"
        f'<w:p><w:pPr><w:pStyle w:val="{esc(style_id)}"/></w:pPr>'
        + text(before)
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + text(after)
        + "</w:p></w:ftr>"
    )


def core_xml(title: str, author: str, date: dt.date, keywords: str) -> str:
    stamp = f"{date.isoformat()}T00:00:00Z"
    return (
        XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title>"
        f"<dc:creator>{esc(author)}</dc:creator>"
        f"<cp:keywords>{esc(keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{esc(author)}</cp:lastModifiedBy>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml(version: str) -> str:
    return (
        XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>zhuanbao {esc(version)}</Application></Properties>"
    )
