"""The indicator tables of a version published before the archive kept tables.json, read back from
the .docx it archived: the document is what was printed, so its tables are the tables as printed.

Only tables the shipped templates mark as indicator tables are taken: a table right after a paragraph
of the style ``table-title`` (its title), with the ``table-unit`` line between them when the sheet had
one, the ``table-note`` paragraph after it, under the last ``section`` (【工作简讯】) or ``annex-label``
(附件1) paragraph before it. A document made with templates that use other styles yields no tables,
and its items are indexed as before. The file is read through :func:`zhuanbao.load.word.unpacked`
(sizes and zip bombs bounded, as for a submitted .docx) and parsed without entities or network.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..diagnostics import ContentError
from ..load.text import MAX_TEXT_BYTES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ANNEX = "附件"
_ALIGN = {"center": "center", "right": "right", "end": "right"}  # anything else (left, both, start): left


def _style(paragraph) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return "" if style is None else style.get(f"{W}val", "")


def _text(element) -> str:
    """The text of a paragraph or cell as Word shows it (tabs as spaces, no breaks)."""
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts).strip()


def _align(cell) -> str:
    jc = cell.find(f"{W}p/{W}pPr/{W}jc")
    return _ALIGN.get("" if jc is None else jc.get(f"{W}val", ""), "left")


def tables_from_document(path: Path) -> list[dict]:
    """The indicator tables printed in the .docx at ``path``, as tables.json holds them (no chart: the
    version kept none beside the document); [] when the document cannot be read or has none."""
    from lxml import etree

    from ..load.word import unpacked

    try:
        with zipfile.ZipFile(unpacked(path)) as package:
            xml = package.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        body = etree.fromstring(xml, parser).find(f"{W}body")
    except (ContentError, KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return []  # a damaged document: verify reports it by its checksum
    if body is None:
        return []
    tables: list[dict] = []
    section = label = unit = ""
    title: str | None = None
    after_table = False
    for element in body:
        if element.tag == f"{W}p":
            style = _style(element)
            if style == "section":
                section, label = _text(element).strip("【】"), ""
            elif style == "annex-label":
                section, label = ANNEX, _text(element)
            elif style == "table-title":
                title, unit = _text(element), ""
            elif style == "table-unit" and title is not None:
                unit = _text(element)
            elif style == "table-note" and after_table:
                tables[-1]["note"] = _text(element)
            after_table = False
        elif element.tag == f"{W}tbl" and title is not None:
            rows = [tr.findall(f"{W}tc") for tr in element.findall(f"{W}tr")]
            if rows:
                tables.append({"id": "", "section": section, "label": label, "title": title, "unit": unit,
                               "header": [_text(tc) for tc in rows[0]],
                               "rows": [[_text(tc) for tc in row] for row in rows[1:]],
                               "align": [[_align(tc) for tc in row] for row in rows[1:]],
                               "note": "", "chart": ""})  # fmt: skip
                after_table = True
            title = None
            if sum(len(str(table)) for table in tables) > MAX_TEXT_BYTES:
                return []  # no document the build writes has tables this long
    return tables
