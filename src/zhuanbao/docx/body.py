"""document.xml: the document tree as WordprocessingML."""

from __future__ import annotations

import math
import unicodedata

from ..doctree import Document, Paragraph, Run, Table
from ..style import ParaFormat, StyleSheet
from .parts import FOOTER_EVEN_RID, FOOTER_ODD_RID
from .xml import NAMESPACES, XML_DECL, border, esc, half_points, jc, twips


def em_width(text: str) -> float:
    """Width of ``text`` in ems: CJK and full-width characters 1, others about ½.

    Good enough to size a masthead line or a hanging label; body text is laid
    out by Word, not by us.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


class BodyWriter:
    def __init__(self, sheet: StyleSheet) -> None:
        self.sheet = sheet
        self.out: list[str] = []

    def fmt(self, style_id: str) -> ParaFormat:
        return self.sheet.paragraphs[style_id]

    # --- runs --------------------------------------------------------------

    def run(self, run: Run, size: float | None = None, spacing: float | None = None) -> None:
        props = []
        if run.style:
            props.append(f'<w:rStyle w:val="{esc(run.style)}"/>')
        if run.bold:
            props.append("<w:b/><w:bCs/>")
        if run.italic:
            props.append("<w:i/><w:iCs/>")
        if spacing is not None:
            props.append(f'<w:spacing w:val="{twips(spacing)}"/>')
        if size is not None:
            props.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
        rpr = "<w:rPr>" + "".join(props) + "</w:rPr>" if props else ""
        text = run.text
        if "\t" not in text and "\n" not in text:
            self.out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>')
            return
        pieces = []
        for index, line in enumerate(text.split("\n")):
            if index:
                pieces.append("<w:br/>")
            for tab_index, chunk in enumerate(line.split("\t")):
                if tab_index:
                    pieces.append("<w:tab/>")
                if chunk:
                    pieces.append(f'<w:t xml:space="preserve">{esc(chunk)}</w:t>')
        self.out.append(f"<w:r>{rpr}{''.join(pieces)}</w:r>")

    # --- paragraphs --------------------------------------------------------

    def paragraph(self, para: Paragraph, width: float | None = None) -> None:
        fmt = self.fmt(para.style)
        width = self.sheet.page.text_width if width is None else width
        ppr = [f'<w:pStyle w:val="{esc(para.style)}"/>']
        if para.page_break_before:
            ppr.append("<w:pageBreakBefore/>")
        if para.hang:
            # A label (报：) whose list wraps aligned after it: hanging indent
            # exactly as wide as the label.
            hanging = em_width(para.hang) * (fmt.size + fmt.letter_spacing)
            ppr.append(
                f'<w:ind w:left="{twips(fmt.indent_left + hanging)}" w:right="{twips(fmt.indent_right)}" '
                f'w:hanging="{twips(hanging)}"/>'
            )
        if para.align:
            ppr.append(jc(para.align))
        self.out.append(f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>")
        size = spacing = None
        if fmt.fit:
            size, spacing = self.fitted(fmt, para.text, width)
        for run in para.runs:
            self.run(run, size, spacing)
        self.out.append("</w:p>")

    def fitted(self, fmt: ParaFormat, text: str, width: float) -> tuple[float | None, float | None]:
        """Shrink a one-line masthead so that it never wraps."""
        available = width - fmt.indent_left - fmt.indent_right
        ems = em_width(text)
        count = len(text)
        needed = ems * fmt.size + count * fmt.letter_spacing
        if needed <= available or not count:
            return None, None
        spacing = 0.0
        size = math.floor(available / ems * 2) / 2  # half-point steps, as Word stores sizes
        return size, spacing

    # --- tables ------------------------------------------------------------

    def table(self, table: Table) -> None:
        fmt = self.sheet.tables.get(table.style)
        page = self.sheet.page
        floating = fmt is not None and fmt.position == "bottom"
        # LibreOffice imports a floating table as wide as the text block as an
        # ordinary table (it sees no room to float), losing its position; a
        # table 0.2 mm narrower floats and is still "as wide as the text block".
        width = page.text_width - (0.5 if floating else 0)
        columns = max(sum(cell.span for cell in row.cells) for row in table.rows)
        weights = table.widths or [1.0] * columns
        total = sum(weights)
        grid = [twips(width * w / total) for w in weights]
        props = [f'<w:tblStyle w:val="TableNormal"/>']
        if floating:
            # Pinned to the foot of the text block of the page it lands on
            # (GB/T 9704: the 版记's last line is the page's last line).
            props.append(
                '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
                'w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/>'
                '<w:tblOverlap w:val="never"/>'
            )
        props.append(f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/><w:jc w:val="center"/>')
        if fmt is not None:
            inner = fmt.border_vertical
            props.append(
                "<w:tblBorders>"
                + border("top", fmt.border_top)
                + border("left", None)
                + border("bottom", fmt.border_bottom)
                + border("right", None)
                + border("insideH", fmt.border_inside)
                + border("insideV", inner)
                + "</w:tblBorders>"
            )
        props.append(
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/>'
        )
        self.out.append("<w:tbl><w:tblPr>" + "".join(props) + "</w:tblPr><w:tblGrid>")
        self.out.extend(f'<w:gridCol w:w="{w}"/>' for w in grid)
        self.out.append("</w:tblGrid>")
        for row in table.rows:
            self.out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if row.header else "") + "</w:trPr>")
            column = 0
            for cell in row.cells:
                cell_width = sum(grid[column : column + cell.span])
                column += cell.span
                span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
                self.out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>{span}<w:vAlign w:val="center"/></w:tcPr>'
                )
                paragraphs = cell.paragraphs or [Paragraph(style="body")]
                for para in paragraphs:
                    if cell.align and not para.align:
                        para.align = cell.align
                    self.paragraph(para, cell_width / 20)
                self.out.append("</w:tc>")
            self.out.append("</w:tr>")
        self.out.append("</w:tbl>")
        if floating:
            # A floating table needs a paragraph to anchor to; keep it tiny so
            # that it never pushes a page of its own.
            self.out.append(
                '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                '<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
            )

    # --- document ----------------------------------------------------------

    def section_props(self) -> str:
        page = self.sheet.page
        footer_from_edge = twips(page.footer)
        return (
            "<w:sectPr>"
            f'<w:footerReference w:type="default" r:id="{FOOTER_ODD_RID}"/>'
            f'<w:footerReference w:type="even" r:id="{FOOTER_EVEN_RID}"/>'
            f'<w:pgSz w:w="{twips(page.width)}" w:h="{twips(page.height)}"/>'
            f'<w:pgMar w:top="{twips(page.margin_top)}" w:right="{twips(page.margin_right)}" '
            f'w:bottom="{twips(page.margin_bottom)}" w:left="{twips(page.margin_left)}" '
            f'w:header="851" w:footer="{footer_from_edge}" w:gutter="0"/>'
            '<w:cols w:space="425"/>'
            f'<w:docGrid w:linePitch="{twips(page.line_pitch)}"/>'
            "</w:sectPr>"
        )

    def document(self, doc: Document) -> str:
        self.out = [XML_DECL, f"<w:document {NAMESPACES}><w:body>"]
        for block in doc.blocks:
            if isinstance(block, Table):
                self.table(block)
            else:
                self.paragraph(block)
        self.out.append(self.section_props())
        self.out.append("</w:body></w:document>")
        return "".join(self.out)
