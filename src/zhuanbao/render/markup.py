"""Bulletin markup: what templates write, parsed into the document tree.

Templates produce a tiny XML vocabulary instead of WordprocessingML, so that an
office can reorder the masthead or change an item's form without knowing OOXML:

    <p style="body" align="center" break="page" keep="next">text <b>bold</b> <i>italic</i>
       <r style="lead-title">styled run</r> <hang>报：</hang> <tab/> <br/>
       <tail>never split</tail></p>
    <table style="distribution" widths="1,3">
      <tr header="1"><td span="2" align="right"><p …/></td></tr>
    </table>
    <table style="indicator" data="targets" head="table-head" cell="table-cell"/>

Styles are ids from style.yaml. Newlines (with the indentation around them)
inside a paragraph are template layout, not text: they are dropped, so Chinese
text never gets stray spaces.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..doctree import Block, Cell, DataTable, Paragraph, Row, Run, Table
from ..diagnostics import TemplateError
from ..load.frontmatter import TEMPLATE_CODE
from ..style import MM, StyleSheet

_LAYOUT_SPACE = re.compile(r"[ \t]*\n\s*")
_ALIGNS = {"left", "center", "right", "justify", "distribute"}
# Each tag's attributes: one a template misspells (colour=, alighn=) is an
# error, not a setting silently ignored.
_ATTRIBUTES = {
    "p": {"style", "align", "break", "keep"},
    "table": {"style", "widths", "data", "head", "cell"},
    "tr": {"header"},
    "td": {"span", "align"},
    "r": {"style"},
    "tail": set(),
    "image": {"name", "width"},
    "b": set(), "i": set(), "hang": set(), "tab": set(), "br": set(),
}  # fmt: skip


class _Parser:
    def __init__(self, sheet: StyleSheet, template: Path, data: dict | None = None,
                 sources=None) -> None:  # fmt: skip
        self.sheet = sheet
        self.template = template
        self.data = data or {}
        self.sources = sources  # the template set (load.templates.Templates), to find where a mistake was written

    def fail(self, message: str, *written: str) -> TemplateError:
        """An error in the markup the templates produced. The markup has no
        file lines of its own, so ``written`` (what the template must have
        said, e.g. a style name) is looked up in the template files."""
        path, line = self.template, None
        if written:
            path, line = written_where(self.sources, *written) or (path, None)
        return TemplateError(message, path, line)

    def check(self, element: ET.Element) -> None:
        unknown = sorted(set(element.attrib) - _ATTRIBUTES.get(element.tag, set()))
        if unknown:
            allowed = "、".join(sorted(_ATTRIBUTES.get(element.tag, ()))) or "无"
            raise self.fail(f"<{element.tag}> 没有 {unknown[0]} 这个属性（可用：{allowed}）", f"<{element.tag}", f"{unknown[0]}=")
        align = element.get("align")
        if align is not None and align not in _ALIGNS:
            raise self.fail(f"align=“{align}”无效（可用：{'、'.join(sorted(_ALIGNS))}）", f'"{align}"')

    def style(self, element: ET.Element, kind: str) -> str:
        name = element.get("style")
        known = self.sheet.paragraphs if kind == "段落" else self.sheet.tables
        if name is None and kind == "段落":
            return "body"
        if name is None:
            raise self.fail(f"<{element.tag}> 缺少 style 属性（表格样式，如 style=\"indicator\"）", f"<{element.tag}")
        if name not in known:
            raise self.fail(f"{kind}样式“{name}”没有在样式表 {self.sheet.path.name} 中定义", f'"{name}"')
        return name

    def no_loose_text(self, element: ET.Element, where: str) -> None:
        loose = [t for t in [element.text] + [child.tail for child in element] if t and t.strip()]
        if loose:
            raise self.fail(f"{where}中的文字“{loose[0].strip()[:20]}”要放在 <p> 里，否则不会印出", loose[0].strip()[:20])

    def runs(self, element: ET.Element, para: Paragraph, style: str | None, bold: bool, italic: bool) -> None:
        def text(value: str | None) -> None:
            if value:
                value = _LAYOUT_SPACE.sub("", value)
                if value:
                    para.runs.append(Run(value, style, bold, italic))

        text(element.text)
        for child in element:
            tag = child.tag
            if tag in _ATTRIBUTES:
                self.check(child)
            if tag == "b":
                self.runs(child, para, style, True, italic)
            elif tag == "i":
                self.runs(child, para, style, bold, True)
            elif tag == "r":
                name = child.get("style")
                if name is not None and name not in self.sheet.characters:
                    raise self.fail(f"字符样式“{name}”没有在样式表 {self.sheet.path.name} 中定义", f'"{name}"')
                self.runs(child, para, name or style, bold, italic)
            elif tag == "hang":
                para.hang = "".join(child.itertext())
                self.runs(child, para, style, bold, italic)
            elif tag == "tab":
                para.runs.append(Run("\t", style))
            elif tag == "br":
                para.runs.append(Run("\n", style))
            elif tag == "tail":
                self.tail(child, para, element)
            elif tag == "image":
                name = child.get("name")
                if not name:
                    raise self.fail("<image> 需要 name 属性")
                width = child.get("width")
                para.runs.append(Run("", image=name, image_width=self.length(width) if width else None))
            else:
                raise self.fail(f"段落中不能使用 <{tag}>（可用：b、i、r、hang、tab、br、image、tail）", f"<{tag}")
            text(child.tail)

    def tail(self, element: ET.Element, para: Paragraph, parent: ET.Element) -> None:
        """<tail>: text printed whole at the end of its paragraph (see doctree.Paragraph.tail)."""
        if parent.tag != "p" or element is not parent[-1] or (element.tail or "").strip() or para.tail:
            raise self.fail("<tail> 只能写在 <p> 的最后（其后不能再有文字），每段一个", "<tail")
        holder = Paragraph(para.style)
        self.runs(element, holder, None, False, False)
        if any(run.image or "\t" in run.text or "\n" in run.text for run in holder.runs):
            raise self.fail("<tail> 中只能有文字（可用：b、i、r）", "<tail")
        para.tail = holder.runs

    def length(self, text: str) -> float:
        match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(mm|pt)\s*$", text)
        if not match:
            raise self.fail(f"width=“{text}”应写作如 150mm 或 400pt")
        value = float(match.group(1))
        return value * MM if match.group(2) == "mm" else value

    def paragraph(self, element: ET.Element) -> Paragraph:
        self.check(element)
        align = element.get("align")
        keep = element.get("keep")
        if keep not in (None, "next"):
            raise self.fail(f"keep=“{keep}”无效（可用：next，与下一段同页）", f'"{keep}"')
        para = Paragraph(self.style(element, "段落"), align=align, page_break_before=element.get("break") == "page",
                         keep_next=keep == "next")  # fmt: skip
        self.runs(element, para, None, False, False)
        return para

    def data_table(self, element: ET.Element, name: str) -> DataTable:
        """A table filled from an indicator table, built here rather than cell by
        cell in Jinja: a 2,000-row table would otherwise cost a second to render."""
        indicator = self.data.get(name)
        if indicator is None:
            raise self.fail(f"<table data=“{name}”>：没有代号为“{name}”的指标表")
        head = element.get("head", "table-head")
        body = element.get("cell", "table-cell")
        for style in (head, body):
            if style not in self.sheet.paragraphs:
                raise self.fail(f"段落样式“{style}”没有在样式表 {self.sheet.path.name} 中定义")
        rows = [[(cell.text, cell.align) for cell in cells] for cells in indicator.cells]
        return DataTable(self.style(element, "表格"), head, body, list(indicator.header), rows,
                         list(indicator.widths), list(indicator.min_widths))  # fmt: skip

    def table(self, element: ET.Element) -> Table | DataTable:
        self.check(element)
        if element.get("data"):
            return self.data_table(element, element.get("data"))
        widths = element.get("widths")
        table = Table(self.style(element, "表格"))
        if widths:
            try:
                table.widths = [float(w) for w in widths.split(",")]
            except ValueError:
                table.widths = []
            if not table.widths or min(table.widths) <= 0:
                raise self.fail(f"widths=“{widths}”应是逗号分隔的正数，如 1,3", f'"{widths}"')
        self.no_loose_text(element, "<table> ")
        for tr in element:
            if tr.tag != "tr":
                raise self.fail(f"<table> 中只能有 <tr>，不能有 <{tr.tag}>", f"<{tr.tag}")
            self.check(tr)
            self.no_loose_text(tr, "<tr> ")
            row = Row(header=tr.get("header") == "1")
            for td in tr:
                if td.tag != "td":
                    raise self.fail(f"<tr> 中只能有 <td>，不能有 <{td.tag}>", f"<{td.tag}")
                self.check(td)
                self.no_loose_text(td, "<td> ")
                span = td.get("span", "1")
                if not span.isdigit() or int(span) < 1:
                    raise self.fail(f"span=“{span}”应是 1 以上的整数（合并几列）", f'"{span}"')
                cell = Cell(span=int(span), align=td.get("align"))
                for p in td:
                    if p.tag != "p":
                        raise self.fail(f"<td> 中只能有 <p>，不能有 <{p.tag}>（表格不能嵌套）", "<td", f"<{p.tag}")
                cell.paragraphs = [self.paragraph(p) for p in td]
                row.cells.append(cell)
            if row.cells:
                table.rows.append(row)
        if table.widths and table.rows:
            columns = max(sum(c.span for c in r.cells) for r in table.rows)
            if len(table.widths) != columns:
                raise self.fail(f"widths 给了 {len(table.widths)} 列，表格却有 {columns} 列", f'"{widths}"')
        return table

    def document(self, root: ET.Element) -> list[Block]:
        blocks: list[Block] = []
        self.no_loose_text(root, "")
        for element in root:
            if element.tag == "p":
                blocks.append(self.paragraph(element))
            elif element.tag == "table":
                table = self.table(element)
                if isinstance(table, DataTable) or table.rows:
                    blocks.append(table)
            else:
                raise self.fail(f"文档中不能使用 <{element.tag}>（可用：p、table）", f"<{element.tag}")
        return blocks


def _template_lines(templates):
    """(folder index, file, line number, line) of every template in effect at the
    top of its folder (a backup copy in a subfolder is no suspect), as rendering
    reads them, {# comments #} blanked."""
    from ..diagnostics import UserError

    if templates is None:
        return
    for file in templates.templates:
        if "/" in file.name:
            continue
        try:
            text = templates.text(file.name)
        except UserError:  # unreadable: it cannot have written the markup
            continue
        text = re.sub(r"\{#.*?#\}", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
        for number, line in enumerate(text.split("\n"), start=1):
            yield file.folder, file.path, number, line


def _one_place(matches: list[tuple[int, Path, int]]) -> tuple[Path, int] | None:
    """The place a mistake was written, if the matches name one file: the user's
    own folder first (defaults rarely hold the slip); several files: unknown."""
    if matches and min(m[0] for m in matches) == 0 and any(m[0] > 0 for m in matches):
        matches = [m for m in matches if m[0] == 0]
    files = {m[1] for m in matches}
    return (matches[0][1], matches[0][2]) if len(files) == 1 else None


def written_where(templates, *written: str) -> tuple[Path, int] | None:
    """The template line holding every string of ``written`` (e.g. "<td", "style=")."""
    matches = [(i, path, n) for i, path, n, line in _template_lines(templates) if all(w in line for w in written)]
    return _one_place(matches)


def _most_like(templates, produced: str, column: int) -> tuple[Path, int] | None:
    """The template line that wrote a line of broken output: its fixed text
    (everything but the {{ }} and {% %} filled in when rendering) shows up
    verbatim near where the parser stopped. The longest such line wins; a tie
    between files names none."""
    window = produced[max(0, column - 80) : column + 20]
    best: list[tuple[int, Path, int]] = []
    longest = 0
    for index, path, number, line in _template_lines(templates):
        pieces = [p for p in TEMPLATE_CODE.split(line.strip()) if p.strip()]
        fixed = sum(len(p) for p in pieces)
        words = "".join(re.sub(r"<[^>]*>", "", p) for p in pieces).strip()
        if fixed < 8 or len(words) < 2 or not all(p in window for p in pieces):
            continue  # too little of its own, bare markup (</p></td>), or not there
        if fixed > longest:
            best, longest = [(index, path, number)], fixed
        elif fixed == longest:
            best.append((index, path, number))
    return _one_place(best)


def parse_markup(text: str, sheet: StyleSheet, template: Path, data: dict | None = None,
                 sources=None) -> list[Block]:  # fmt: skip
    """Parse rendered template output into document blocks (``sources``: the
    template set, to point an error at the template line that wrote it)."""
    try:
        root = ET.fromstring(f"<doc>{text}</doc>")
    except ET.ParseError as exc:
        line, column = exc.position
        lines = text.split("\n")
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        raw = lines[line - 1] if 0 < line <= len(lines) else ""
        path, at = _most_like(sources, raw, column) or (template, None)
        raise TemplateError(
            f"模板生成的标记有误（生成结果第 {line} 行第 {column} 列附近：{shown[:60]}）",
            path,
            at,
            hint="检查标签是否成对闭合，文字中的 & < > 是否经过转义（模板中用 {{ 变量 }} 输出的文字会自动转义）。",
        ) from None
    return _Parser(sheet, template, data, sources).document(root)
