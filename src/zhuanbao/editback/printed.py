"""The issue as zhuanbao prints it now, line by line, each line knowing where it came from.

The edited document is compared with this: the issue rendered and written again (the same
document the editor sent for sign-off, while the sources are unchanged), read back with the same
reader as the edited copy (read.py), so both sides show tabs, line breaks and hand formatting
alike. Each line is attributed from the document tree the renderer made: the masthead, a section
marker, a paragraph of an item (its headline, its lead title, its body block, its credit), an
indicator table and its title or note, the 版记 — and for the parts an item file cannot hold, where
an editor changes them instead.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..doctree import DataTable, Document, Paragraph, Table, plain
from ..model import Edition, Item
from .read import Line, lines_of

#: paragraph styles of an indicator table's parts: those before the table, those after it
_TABLE_BEFORE = {"table-title", "table-unit", "annex-label"}
_TABLE_AFTER = {"table-note", "chart"}
_LEAD_STYLES = {"lead-title", "untitled-mark"}
_MASTHEAD_WHERE = {
    "masthead-marks": "series.yaml 的 marks（左上角标注）",
    "masthead-program": "series.yaml 的 program（工作名称）",
    "masthead-title": "series.yaml 的 title（刊名）",
    "masthead-issue": "issue.yaml 的 number、total（期号、总期号）",
    "masthead-issuer": "series.yaml 的 issuer（编发单位）和 issue.yaml 的 date（日期）",
}


@dataclass
class Slot:
    """One printed line and where it came from."""

    line: Line
    part: str  # masthead | section | item | table | distribution | template
    label: str  # how the report names it: 报头, 【区县动态】, a table's title …
    where: str = ""  # where to change it, for a part no item holds
    item: int | None = None  # index into Printed.items
    role: str = ""  # an item's: headline | lead | body | credit | picture | caption | table
    block: int | None = None  # the item block it prints (markdown.Block index)
    lead: str = ""  # an item paragraph's lead title (lead-title, ☆) as printed
    body: str = ""  # … its block's text
    tail: str = ""  # … its credit, [XX供稿]


@dataclass
class PrintedItem:
    """An item as this issue prints it: its file, its section, its blocks."""

    item: Item
    section: str
    blocks: list  # markdown.Block
    title: str
    headline: bool
    credit_moved: bool = False  # the comparison found its credit at the end of an earlier paragraph


@dataclass
class Printed:
    edition: Edition
    slots: list[Slot]
    items: list[PrintedItem]
    sections: list[str]  # the sections printed, in order
    indicators: list = field(default_factory=list)  # (TableSpec, Indicator) in the order printed


def printed(edition: Edition, renderer) -> Printed:
    """The issue rendered by ``renderer`` (a render.Renderer), as lines attributed to their sources."""
    from ..docx import docx_bytes

    document = renderer.render(edition)
    return printed_from(edition, document, docx_bytes(document, renderer.templates.sheet), renderer)


def printed_from(edition: Edition, document: Document, data: bytes, renderer) -> Printed:
    """:func:`printed` of a document already rendered and written (``data``: its .docx), as publish has it."""
    import docx

    return _attribute(edition, document, renderer.context(edition), lines_of(docx.Document(io.BytesIO(data))))


def _attribute(edition: Edition, document: Document, context: dict, lines: list[Line]) -> Printed:
    by_name = {item.path.name: item for item in edition.items}
    items: list[PrintedItem] = []
    entries: list[tuple[int, str, int | None, str]] = []  # (item, role, block, text) in print order
    for section in context["sections"]:
        for view in section["items"]:
            index = len(items)
            headline = bool(section["headline"] and view.title)
            items.append(PrintedItem(by_name[view.file], section["name"], view.blocks, view.title or "", headline))
            if headline:
                entries.append((index, "headline", None, view.title))
            for number, block in enumerate(view.blocks):
                if block.kind == "picture":
                    entries.append((index, "picture", number, ""))
                    if block.caption:
                        entries.append((index, "caption", number, block.caption))
                else:
                    entries.append((index, "table" if block.kind == "table" else "body", number, block.text))
    specs = {spec.id: spec for spec, _ in edition.tables}
    order = [t for s in context["sections"] for t in s["tables"]] + list(context["annexes"])
    indicators = [(specs.get(t.id), t) for t in order]

    slots: list[Slot] = []
    at = 0  # the next line of the written document
    k = 0  # the next item entry expected
    current: int | None = None  # the item printed last
    table = 0  # the next indicator table

    def take(written, part: str, label: str, where: str = "", **item) -> None:
        """The line ``written`` (a block of the tree) became: the next one, or one of the next few whose text is
        the block's (lines written for nothing in the tree are passed over as the template's)."""
        nonlocal at
        key = _key(written)
        ahead = next((n for n in range(at, min(at + WINDOW, len(lines))) if lines[n].key == key), at)
        for extra in lines[at:ahead]:
            slots.append(Slot(extra, "template", extra.text[:20], "模板文件"))
        if ahead < len(lines):
            slots.append(Slot(lines[ahead], part, label, where, **item))
        at = ahead + 1

    for block in document.blocks:
        if isinstance(block, Table):
            origin = block.origin
            paragraphs = [p for row in block.rows for cell in row.cells for p in cell.paragraphs]
            if origin is not None:  # the 版记 pinned to the foot: a frame of paragraphs
                where = f"{origin.location.path.name} 的 distribution（报、送、发）、contact、signoff、copies"
                for para in paragraphs:
                    if _shown(para):
                        take(para, "distribution", "版记", where)
            else:
                take(block, "template", "模板中的表格", "模板文件")
            continue
        if isinstance(block, DataTable):
            if k < len(entries) and entries[k][1] == "table" and _same_table(block, items[entries[k][0]].blocks[entries[k][2]]):
                index, _, number, _ = entries[k]
                take(block, "item", _title(items[index]), item=index, role="table", block=number)
                k, current = k + 1, index
            else:
                take(block, "table", _table_label(indicators, table), _table_where(edition, indicators, table))
                table += 1
            continue
        if not _shown(block):
            continue
        style = block.style
        if style.startswith("masthead"):
            take(block, "masthead", "报头", _MASTHEAD_WHERE.get(style, "series.yaml 和 issue.yaml"))
        elif style == "section":
            take(block, "section", block.text, "series.yaml 的 sections（栏目）")
        elif style in _TABLE_BEFORE or style in _TABLE_AFTER:
            near = table if style in _TABLE_BEFORE else table - 1
            if style == "annex-label":
                take(block, "template", block.text, "模板 bulletin.xml.j2（附件编号按顺序生成）")
            else:
                take(block, "table", _table_label(indicators, near), _table_where(edition, indicators, near, style))
        else:
            lead = "".join(r.text for r in block.runs if r.style in _LEAD_STYLES)
            body = "".join(r.text for r in block.runs if r.style not in _LEAD_STYLES)
            tail = "".join(r.text for r in block.tail)
            found = _entry(entries, k, block, body)
            if found is not None:
                index, role, number, _ = entries[found]
                take(block, "item", _title(items[index]), item=index, role=role, block=number, lead=lead, body=body,
                     tail=tail)  # fmt: skip
                k, current = found + 1, index
            elif lead and not body.strip() and k < len(entries):  # a lead title alone, before a table
                index = entries[k][0]
                take(block, "item", _title(items[index]), item=index, role="lead", lead=lead, tail=tail)
            elif tail and not body.strip() and current is not None:  # a credit on a line of its own
                take(block, "item", _title(items[current]), item=current, role="credit", tail=tail)
            else:
                take(block, "template", block.text[:20], "模板文件")
    for line in lines[at:]:  # the writer made more lines than the tree holds: nothing to attribute them to
        slots.append(Slot(line, "template", line.text[:20], "模板文件"))
    return Printed(edition, slots, items, [s["name"] for s in context["sections"]], indicators)


#: how far ahead a block's written line is looked for
WINDOW = 4


def _key(block) -> str:
    """A block's text as read.Line.key has it."""
    if isinstance(block, Paragraph):
        text = "".join(r.text for r in block.runs) + "".join(r.text for r in block.tail)
        return re.sub(r"\s", "", text) + ("\x00图" if any(r.image for r in block.runs) else "")
    if isinstance(block, DataTable):
        cells = [plain(h) for h in block.header] + [plain(text) for row in block.rows for text, _ in row]
    else:
        cells = ["".join(r.text for r in p.runs) for row in block.rows for c in row.cells for p in c.paragraphs]
    return re.sub(r"\s", "", "".join(cells))


def _shown(para: Paragraph) -> bool:
    """Whether the writer's paragraph shows anything (read.py leaves empty ones out)."""
    text = "".join(r.text for r in para.runs) + "".join(r.text for r in para.tail)
    return bool(re.sub(r"\s", "", text)) or any(r.image for r in para.runs)


def _entry(entries: list, k: int, para: Paragraph, body: str) -> int | None:
    """The item entry this paragraph prints: the next one, or a later one when some printed nothing."""
    picture = any(r.image for r in para.runs)
    for found in range(k, len(entries)):
        _, role, _, text = entries[found]
        if picture and role == "picture":
            return found
        if not picture and role in ("body", "headline", "caption") and text == body:
            return found
    return None


def _same_table(table: DataTable, block) -> bool:
    return block.table is not None and [plain(h) for h in table.header] == [plain(h) for h in block.table.header]


def _title(item: PrintedItem) -> str:
    return f"{item.item.path.name}《{item.title}》" if item.title else item.item.path.name


def _table_label(indicators: list, at: int) -> str:
    if 0 <= at < len(indicators):
        return f"表《{indicators[at][1].title}》"
    return "表格"


def _table_where(edition: Edition, indicators: list, at: int, style: str = "") -> str:
    if not 0 <= at < len(indicators) or indicators[at][0] is None:
        return "本期 issue.yaml 的 tables"
    spec = indicators[at][0]
    if style == "table-title":
        return f"issue.yaml 中表 {spec.id} 的 title"
    if style == "table-note":
        return f"issue.yaml 中表 {spec.id} 的 note（统计截至日期来自 as_of）"
    if style in ("table-unit", "chart"):
        return f"表 {spec.id} 的数据文件或 issue.yaml 中的设置"
    if spec.file:
        return f"表 {spec.id} 的数据文件 {Path(edition.issue_dir.name) / spec.file}（完成率、排名、合计由 zhuanbao 计算）"
    if spec.query:
        return f"表 {spec.id} 的数据库（issue.yaml 中的 query）"
    return f"issue.yaml 中表 {spec.id} 的数据"
