"""document.xml: the document tree as WordprocessingML."""

from __future__ import annotations

import dataclasses
import math

from ..cjk import em_width
from ..doctree import DataTable, Document, Paragraph, Run, Table
from ..diagnostics import LayoutError, TemplateError
from ..style import ParaFormat, StyleSheet
from .linebreak import TAIL_MARGIN, WIDOW_MARGIN, last_lines, text_width
from .parts import FOOTER_EVEN_RID, FOOTER_ODD_RID, image_rid
from .xml import DOCUMENT_NAMESPACES, XML_DECL, border, emu, esc, half_points, jc, twips


def split_last_glyph(runs: list[Run]) -> tuple[list[Run], Run | None]:
    """``runs`` with their last character in a run of its own, to be written
    without letter spacing (and that run), or ``runs`` as they are and None.

    Word adds a run's letter spacing after each of its characters, the last one
    too (ISO/IEC 29500-1 §17.3.2.35), so a centred title set wide sits half a
    spacing left of centre — 6 pt, about 2 mm, for the masthead's 12 pt —
    while LibreOffice centres the glyphs. With no spacing after the last glyph
    both centre them. The caller's runs are left as they were.
    """
    last = runs[-1] if runs else None
    if last is None or last.image or not last.text or last.text[-1].isspace():
        return runs, None
    glyph = dataclasses.replace(last, text=last.text[-1])
    head = [dataclasses.replace(last, text=last.text[:-1])] if len(last.text) > 1 else []
    return runs[:-1] + head + [glyph], glyph


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}  # SOFn markers


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """Width and height in pixels of a PNG (its IHDR) or JPEG (its frame header), read from the bytes
    without decoding them; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        size = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return size if min(size) > 0 else None
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker in _JPEG_FRAMES and at + 9 <= len(data):
            size = int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
            return size if min(size) > 0 else None
        at += 2 + length
    return None


#: What the pinned block leaves free of its whole lines: the 1 pt anchor paragraph after the body must fit above it.
_ANCHOR_ROOM = 2.0
_NO_INDENT = '<w:ind w:left="0" w:right="0" w:firstLine="0"/>'
_TINY_MARK = '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'


class BodyWriter:
    def __init__(self, sheet: StyleSheet, media: dict[str, bytes] | None = None) -> None:
        self.sheet = sheet
        self.media = media or {}
        self.image_ids = {name: image_rid(i) for i, name in enumerate(sorted(self.media))}
        self.out: list[str] = []
        self.shapes = 0  # DrawingML ids must be unique; counted, never random
        self._pstyles: dict[str, str] = {}

    def fmt(self, style_id: str) -> ParaFormat:
        return self.sheet.paragraphs[style_id]

    def pstyle(self, style_id: str) -> str:
        cached = self._pstyles.get(style_id)
        if cached is None:
            cached = self._pstyles[style_id] = f'<w:pStyle w:val="{esc(style_id)}"/>'
        return cached

    # --- runs --------------------------------------------------------------

    def picture(self, run: Run, width: float) -> None:
        """An inline PNG or JPEG, scaled to ``run.image_width`` (or the column width), never wider than the column."""
        data = self.media.get(run.image or "")
        size = pixel_size(data) if data is not None else None
        if size is None:
            raise TemplateError(f"图片“{run.image}”不存在或不是 PNG、JPEG", self.sheet.path)
        pixels_w, pixels_h = size
        shown = min(run.image_width or width, width)
        cx, cy = emu(shown), emu(shown * pixels_h / pixels_w)
        self.shapes += 1
        n, rid = self.shapes, self.image_ids[run.image]
        self.out.append(
            '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{n}" name="{esc(run.image)}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{n}" name="{esc(run.image)}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )

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

    def paragraph(
        self, para: Paragraph, width: float | None = None, align: str | None = None, keep_next: bool = False,
        frame: str = "", line: float | None = None,
    ) -> None:
        """One paragraph; ``align`` is its cell's, used when the paragraph sets none; ``keep_next``: the
        block after it asks to be on the same page (a table's note); ``frame`` (a w:framePr) and ``line``
        (an exact line height) are the pinned block's (see pinned_table)."""
        fmt = self.fmt(para.style)
        width = self.sheet.page.text_width if width is None else width
        alone, widow = self.flow(para, fmt, width)
        ppr = [self.pstyle(para.style)]
        if keep_next or para.keep_next:
            ppr.append("<w:keepNext/>")
        if para.page_break_before:
            ppr.append("<w:pageBreakBefore/>")
        ppr.append(frame)
        if widow or alone:  # the style says widowControl 0 (22 lines a page); this paragraph needs it on
            ppr.append("<w:widowControl/>")
        if alone:  # the tail on a line of its own, flush right
            ppr.append(f'<w:tabs><w:tab w:val="right" w:pos="{twips(width - fmt.indent_right)}"/></w:tabs>')
        if line is not None:
            ppr.append(f'<w:spacing w:line="{twips(line)}" w:lineRule="exact"/>')
        if para.hang:
            # A label (报：) whose list wraps aligned after it: hanging indent
            # exactly as wide as the label.
            hanging = em_width(para.hang) * (fmt.size + fmt.letter_spacing)
            ppr.append(
                f'<w:ind w:left="{twips(fmt.indent_left + hanging)}" w:right="{twips(fmt.indent_right)}" '
                f'w:hanging="{twips(hanging)}"/>'
            )
        if para.align or align:
            ppr.append(jc(para.align or align))
        self.out.append(f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>")
        size = spacing = None
        if fmt.fit:
            size, spacing = self.fitted(fmt, para.text, width)
        runs = para.runs + ([Run("\n\t", para.tail[0].style)] if alone else []) + para.tail
        unspaced = None
        if spacing is None and fmt.letter_spacing > 0 and (para.align or align or fmt.align) in ("center", "right"):
            runs, unspaced = split_last_glyph(runs)
        for run in runs:
            if run.image:
                self.picture(run, width - fmt.indent_left - fmt.indent_right)
            else:
                self.run(run, size, 0.0 if run is unspaced else spacing)
        self.out.append("</w:p>")

    def flow(self, para: Paragraph, fmt: ParaFormat, width: float) -> tuple[bool, bool]:
        """Whether the paragraph's tail goes on a line of its own, and whether the paragraph needs
        widow control: its last line may hold no more than ``widow_chars`` characters of its own.

        Word, WPS and LibreOffice can only be asked to keep a paragraph's last two lines together
        (w:widowControl), which leaves the page before one line short; so it is switched on only
        for paragraphs whose last line is short, estimated as docx/linebreak.py explains. A tail
        (the credit, [XX供稿]) has no line-breaking property all three honour, so it stays on the
        last line only where it fits there with room to spare; otherwise it goes after a line
        break, flush right at a tab stop (settings.xml's doNotExpandShiftReturn keeps the line
        before the break from being stretched), and widow control keeps it from starting a page
        alone. A separate paragraph kept with the text before it would not do: LibreOffice moves
        the whole text paragraph to the next page to honour w:keepNext, Word only its last line.
        """
        if not para.tail and not fmt.widow_chars:
            return False, False
        available = width - fmt.indent_left - fmt.indent_right
        if any(run.image for run in para.runs):  # a picture's width is not text: assume the worst
            return bool(para.tail), bool(fmt.widow_chars)
        last = last_lines(para.text, available, fmt.indent_first, fmt.size, fmt.letter_spacing)
        alone = False
        if para.tail:
            need = text_width("".join(run.text for run in para.tail), fmt.size, fmt.letter_spacing)
            alone = last.room[0] < need + TAIL_MARGIN * (fmt.size + fmt.letter_spacing)
        widow = bool(fmt.widow_chars) and last.chars[0] <= fmt.widow_chars + WIDOW_MARGIN
        return alone, widow

    def fitted(self, fmt: ParaFormat, text: str, width: float) -> tuple[float | None, float | None]:
        """Shrink a one-line masthead so that it never wraps."""
        available = width - fmt.indent_left - fmt.indent_right
        # a tab (issuer ⇥ date) must leave a visible gap: two ems at least
        ems = em_width(text.replace("\t", "")) + 2.0 * text.count("\t")
        count = len(text)
        needed = ems * fmt.size + count * fmt.letter_spacing
        if needed <= available or not count:
            return None, None
        spacing = 0.0
        size = math.floor(available / ems * 2) / 2  # half-point steps, as Word stores sizes
        return size, spacing

    # --- tables ------------------------------------------------------------

    def table(self, table: Table, keep_next: bool = False) -> None:
        fmt = self.sheet.tables.get(table.style)
        if fmt is not None and fmt.position == "bottom":
            self.pinned_table(table)
        else:
            headers = next((i for i, row in enumerate(table.rows) if not row.header), len(table.rows))
            self.out.append(self.table_xml(table, self.kept_rows(table.style, headers, len(table.rows), keep_next)))

    def kept_rows(self, style: str, headers: int, count: int, keep_next: bool) -> set[int]:
        """Indexes of the rows whose paragraphs keep with the next row (w:keepNext, which Word, WPS
        and LibreOffice all apply to table rows): the header rows and the first ``keep_rows`` rows
        after them, the last ``keep_rows`` rows, and the very last when the block after it asks
        to stay with the table. A page then never holds a table's title and header with one or
        two rows, nor its last row or two with the note and nothing else."""
        fmt = self.sheet.tables.get(style)
        keep = fmt.keep_rows if fmt is not None else 0
        kept = set()
        if keep:
            kept.update(range(min(headers + keep - 1, count - 1)))
            kept.update(range(max(headers, count - keep), count - 1))
        if keep_next and count:
            kept.add(count - 1)
        return kept

    def table_start(self, style: str, grid: list[int]) -> str:
        """<w:tbl> with its properties and grid, for a table of style ``style``."""
        fmt = self.sheet.tables.get(style)
        props = ['<w:tblStyle w:val="TableNormal"/>', f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/><w:jc w:val="center"/>']
        if fmt is not None:
            props.append(
                "<w:tblBorders>"
                + border("top", fmt.border_top)
                + border("left", fmt.border_sides)
                + border("bottom", fmt.border_bottom)
                + border("right", fmt.border_sides)
                + border("insideH", fmt.border_inside)
                + border("insideV", fmt.border_vertical)
                + "</w:tblBorders>"
            )
        margin = self.cell_margin(style)
        props.append(
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
            f'<w:left w:w="{margin}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
            f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
            # no conditional formatting (noHBand 0x0200 + noVBand 0x0400), written as the bit mask
            # alone: Word 2007's schema has no firstRow … noVBand attributes
            '<w:tblLook w:val="0600"/>'
        )
        columns = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
        return f"<w:tbl><w:tblPr>{''.join(props)}</w:tblPr><w:tblGrid>{columns}</w:tblGrid>"

    def cell_margin(self, style: str) -> int:
        fmt = self.sheet.tables.get(style)
        return twips(fmt.cell_margin) if fmt is not None else 0

    def data_table(self, table: DataTable, keep_next: bool = False) -> None:
        """The fast path for large tables of text cells (its row 0 is the header)."""
        grid, size = self.fit_columns(table)
        kept = self.kept_rows(table.style, 1, 1 + len(table.rows), keep_next)
        self.out.append(self.table_start(table.style, grid))
        widths = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in grid]
        head, cell = self.pstyle(table.head_style), self.pstyle(table.cell_style)
        jcs = {a: jc(a) for a in ("left", "center", "right", "justify")}
        sized = f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>' if size else ""
        rpr = f"<w:rPr>{sized}</w:rPr>" if size else ""
        keep = "<w:keepNext/>"

        def runs(text) -> str:
            """A cell's text as runs: one of plain text (the indicator tables'), or one per bold or plain piece."""
            if isinstance(text, str):
                return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>' if text else ""
            return "".join(f'<w:r><w:rPr>{"<w:b/><w:bCs/>" if bold else ""}{sized}</w:rPr>'
                           f'<w:t xml:space="preserve">{esc(piece)}</w:t></w:r>' for piece, bold in text)  # fmt: skip

        empty = f'<w:r>{rpr}<w:t xml:space="preserve"></w:t></w:r>'  # a header cell keeps its run
        parts = ["<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"]
        for width, text in zip(widths, table.header):
            parts.append(
                f'<w:tc><w:tcPr>{width}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>{head}'
                f'{keep if 0 in kept else ""}{jcs["center"]}</w:pPr>{runs(text) or empty}</w:p></w:tc>'
            )
        parts.append("</w:tr>")
        for index, row in enumerate(table.rows, start=1):
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            cell_keep = cell + keep if index in kept else cell
            for width, (text, align) in zip(widths, row):
                run = runs(text)
                parts.append(
                    f'<w:tc><w:tcPr>{width}<w:vAlign w:val="center"/></w:tcPr>'
                    f"<w:p><w:pPr>{cell_keep}{jcs[align]}</w:pPr>{run}</w:p></w:tc>"
                )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.out.append("".join(parts))

    def table_xml(self, table: Table, kept: set[int] = frozenset()) -> str:
        grid = self.grid(table)
        margin = self.cell_margin(table.style)
        outer, self.out = self.out, [self.table_start(table.style, grid)]
        for index, row in enumerate(table.rows):
            self.out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if row.header else "") + "</w:trPr>")
            column = 0
            for cell in row.cells:
                cell_width = sum(grid[column : column + cell.span])
                column += cell.span
                span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
                self.out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>{span}<w:vAlign w:val="center"/></w:tcPr>'
                )
                for para in cell.paragraphs or [Paragraph(style="body")]:
                    self.paragraph(para, (cell_width - 2 * margin) / 20, cell.align, index in kept)
                self.out.append("</w:tc>")
            self.out.append("</w:tr>")
        self.out.append("</w:tbl>")
        xml, self.out = "".join(self.out), outer
        return xml

    def grid(self, table: Table) -> list[int]:
        """Column widths in twips: the text width shared by the relative widths."""
        columns = max(sum(cell.span for cell in row.cells) for row in table.rows)
        return self.grid_for(table.widths, columns)

    def fit_columns(self, table: DataTable) -> tuple[list[int], float | None]:
        """Column widths in twips, and a smaller text size if the table needs one.

        Natural widths when they fit (stretched to the text width). When they
        do not, every column first gives up what it can spare down to its
        minimum (text wraps, figures never do); if even the minimums do not
        fit, the text is set smaller, half a point at a time, down to the
        style's ``shrink_to``.
        """
        natural = table.widths
        minimum = table.min_widths or natural
        fmt = self.sheet.tables.get(table.style)
        margin = 2 * (fmt.cell_margin if fmt is not None else 0)
        usable = self.sheet.page.text_width - margin * len(natural)  # points for the cells' text
        size = self.fmt(table.cell_style).size
        smallest = fmt.shrink_to if fmt is not None and fmt.shrink_to else size
        shrunk = None
        while sum(minimum) * size > usable and size - 0.5 >= smallest:
            size -= 0.5
            shrunk = size
        room = usable / size  # ems
        if sum(natural) <= room:
            ems = [w * room / sum(natural) for w in natural]
        elif sum(minimum) < room:
            spare = [n - m for n, m in zip(natural, minimum)]
            share = (room - sum(minimum)) / sum(spare)
            ems = [m + s * share for m, s in zip(minimum, spare)]
        else:  # the style allows no smaller text: columns in proportion, some text wraps
            ems = [m * room / sum(minimum) for m in minimum]
        return [twips(e * size + margin) for e in ems], shrunk

    def grid_for(self, widths: list[float] | None, columns: int) -> list[int]:
        weights = widths or [1.0] * columns
        total = sum(weights)
        return [twips(self.sheet.page.text_width * w / total) for w in weights]

    def lines(self, para: Paragraph, width: float) -> int:
        """How many lines ``para`` takes in a column ``width`` points wide.

        CJK characters are one em and digits half an em in every face we map
        to, so for the short, plain paragraphs of a distribution block this
        count is exact; it sets the pinned block's line height (pinned_table).
        """
        fmt = self.fmt(para.style)
        pitch = fmt.size + fmt.letter_spacing
        available = width - fmt.indent_left - fmt.indent_right
        hang = em_width(para.hang) * pitch if para.hang else 0.0
        first = available - (fmt.indent_first if not para.hang else 0.0)
        following = available - hang
        count = 0
        for line in para.text.split("\n"):
            needed = em_width(line.replace("\t", "　")) * pitch
            count += 1 if needed <= first + 0.01 else 1 + math.ceil((needed - first) / following - 0.001)
        return count

    def pinned_table(self, table: Table) -> None:
        """A table whose last line is the last line of the page it lands on (GB/T 9704 版记).

        Its rows are set as one frame (paragraphs sharing a w:framePr) aligned to the bottom of the
        text block, as wide as it, with no text beside it. Every client finds the bottom itself from
        the frame's content as it measures it, so the last line stays on the last line of the page
        whatever the fonts; the earlier text box was placed at an offset computed from our
        predicted height, and a client measuring differently moved its last line off the bottom.
        Readers that know no frames (pandoc, mammoth, AbiWord, docx-preview) keep the rows as
        ordinary paragraphs after the body, where a text box was dropped or drawn over the body
        (docs/distribution-block.md has the measurements).

        The rules are empty paragraphs shaded in the rule's colour, as tall as the rule is thick:
        LibreOffice 7.4 makes no frame of paragraphs that carry borders (it leaves them in the
        flow), and a border would be drawn at the paragraph's indent, not the text block's width.
        Rows are set slightly closer than the page's line pitch so that rows and rules take whole
        lines less 2 pt (room for the empty anchor paragraph that ends the document): a block of
        n lines goes on a page with n free lines instead of starting a page of its own.
        """
        page = self.sheet.page
        fmt = self.sheet.tables.get(table.style)
        width = page.text_width
        paragraphs = [(para, cell.align) for row in table.rows for cell in row.cells[:1] for para in cell.paragraphs]
        lines = sum(self.lines(para, width) for para, _ in paragraphs)
        spaces = sum(self.fmt(p.style).space_before + self.fmt(p.style).space_after for p, _ in paragraphs)
        rules = [fmt.border_top] + [fmt.border_inside] * (len(table.rows) - 1) + [fmt.border_bottom] if fmt else []
        thickness = sum(rule.width for rule in rules if rule is not None)
        height = lines * page.line_pitch - _ANCHOR_ROOM
        if height > page.text_height:  # it would run into the folio and off the page
            origin = table.origin
            what = origin.what if origin else "页底的表格"
            raise LayoutError(
                f"{what}排出来约 {lines} 行，一页只排得下 {round(page.text_height / page.line_pitch)} 行",
                origin.location.path if origin else None,
                hint=origin.hint if origin else None,
            )
        line = (height - thickness - spaces) / max(lines, 1)
        frame = (
            f'<w:framePr w:w="{twips(width)}" w:wrap="notBeside" w:vAnchor="margin" w:hAnchor="margin" '
            'w:xAlign="center" w:yAlign="bottom"/>'
        )

        def rule(index: int) -> None:
            drawn = rules[index] if index < len(rules) else None
            if drawn is not None:
                self.out.append(
                    f'<w:p><w:pPr>{frame}<w:shd w:val="clear" w:color="auto" w:fill="{drawn.color}"/>'
                    f'<w:spacing w:before="0" w:after="0" w:line="{twips(drawn.width)}" w:lineRule="exact"/>'
                    f"{_NO_INDENT}{_TINY_MARK}</w:pPr></w:p>"
                )

        rule(0)
        for index, row in enumerate(table.rows, start=1):
            for cell in row.cells[:1]:  # the block is one column wide
                for para in cell.paragraphs:
                    self.paragraph(para, width, cell.align, frame=frame, line=line)
            rule(index)
        # the frame's anchor: frame paragraphs cannot end a document
        self.out.append(
            f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>{_NO_INDENT}'
            f"{_TINY_MARK}</w:pPr></w:p>"
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
        self.out = [XML_DECL, f"<w:document {DOCUMENT_NAMESPACES}><w:body>"]
        blocks = doc.blocks
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            keep = isinstance(following, Paragraph) and self.fmt(following.style).keep_previous
            if isinstance(block, DataTable):
                self.data_table(block, keep)
            elif isinstance(block, Table):
                self.table(block, keep)
            else:
                self.paragraph(block, keep_next=keep)
        self.out.append(self.section_props())
        self.out.append("</w:body></w:document>")
        return "".join(self.out)
