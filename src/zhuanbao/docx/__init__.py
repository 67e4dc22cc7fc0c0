"""Writing the document tree as a .docx package (the pipeline's write stage)."""

from __future__ import annotations

import io
import zipfile

from .. import __version__
from ..doctree import Document
from ..style import StyleSheet
from . import parts
from .body import BodyWriter

#: Every zip entry gets this timestamp: identical input, identical bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _fonts_used(sheet: StyleSheet) -> list[str]:
    names: set[str] = set()
    for fmt in list(sheet.paragraphs.values()) + list(sheet.characters.values()):
        names.update(n for n in (fmt.east_asia, fmt.latin) if n)
    return sorted(names)


def docx_bytes(doc: Document, sheet: StyleSheet) -> bytes:
    """The complete .docx file for ``doc`` laid out with ``sheet``."""
    entries = [
        ("[Content_Types].xml", parts.CONTENT_TYPES),
        ("_rels/.rels", parts.PACKAGE_RELS),
        ("docProps/core.xml", parts.core_xml(doc.title, doc.author, doc.date, doc.keywords)),
        ("docProps/app.xml", parts.app_xml(__version__)),
        ("word/document.xml", BodyWriter(sheet, doc.media).document(doc)),
        ("word/_rels/document.xml.rels", parts.document_rels(sorted(doc.media), doc.media)),
        ("word/styles.xml", parts.styles_xml(sheet)),
        ("word/settings.xml", parts.SETTINGS),
        ("word/fontTable.xml", parts.font_table(_fonts_used(sheet))),
        ("word/theme/theme1.xml", parts.THEME),
        ("word/footer1.xml", parts.footer_xml(sheet, sheet.folio_odd)),
        ("word/footer2.xml", parts.footer_xml(sheet, sheet.folio_even)),
    ]
    names = sorted(doc.media)
    entries.extend((f"word/media/{part}", doc.media[name])
                   for name, part in zip(names, parts.media_part_names(names, doc.media)))  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries:
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            # JPEG and PNG are compressed already: deflating them again costs time and saves nothing
            info.compress_type = zipfile.ZIP_STORED if name.startswith("word/media/") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()
