"""A submitted Word file (.docx) read as the author sees it on screen.

python-docx's ``paragraph.runs`` and ``document.paragraphs`` hold only the
plain case: text inside a hyperlink, a tracked insertion, a field result, a
content control, a smart tag or a text box is not in them, and Word's
automatic numbering is not text at all. Submissions have all of these (a
figure typed with Track Changes on, a link to a notice, numbering 一、（一）),
so this module walks the XML itself, using python-docx only to open the
package and read run formatting.

What comes out is (text, bold) pieces per paragraph, the paragraph's
number as Word shows it, and its pictures (word_pictures.py) where they stand
among the pieces, and each table as a grid of cells with its merges; turning
that into Markdown is the importer's job.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ContentError, os_reason
from .word_pictures import WordPicture, is_caption, run_pictures
from .word_pictures import left_out as pictures_left_out

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text that is not on the page: deleted or moved-away revisions, the second
# copy of a shape Word writes for older readers; and a table's paragraphs,
# read with their table (WordTable), not as paragraphs of the body.
_NOT_SHOWN = {W + "del", W + "moveFrom", _MC_FALLBACK}
_SKIPPED_BLOCKS = {W + "tbl", _MC_FALLBACK, W + "del", W + "moveFrom"}


# A .docx is a zip of XML parts that python-docx inflates whole when it opens
# one, so a submission from outside is measured first: a 3 MB file can hold a
# part that inflates to 3 GB. Real submissions are a few MB of text and photos.
#: the .docx file itself
MAX_DOCX_BYTES = 100 * 2**20
#: any one part (word/document.xml, an image), inflated
MAX_PART_BYTES = 32 * 2**20
#: all parts together, inflated
MAX_TOTAL_BYTES = 128 * 2**20
#: inflated size / compressed size of a part over RATIO_FROM_BYTES; Word's own
#: XML reaches ~200 (thousands of identical paragraphs), a zip bomb ~1000
MAX_RATIO = 400
RATIO_FROM_BYTES = 2 * 2**20
#: parts in the package (Word writes a dozen, plus one per image), and the bytes
#: of the zip directory that lists them (read whole before any limit applies)
MAX_PARTS = 5_000
MAX_DIRECTORY_BYTES = 2 * 2**20
# The XML parts are parsed whole into trees (python-docx, at about a dozen
# times their size in memory) and walked paragraph by paragraph, so text is bounded
# far below pictures: 30 MB of one-line paragraphs took 1.6 GB and 51 s.
# The bulletin zhuanbao itself writes (180 paragraphs, 2,000 characters) has
# a 50 KB document.xml; Word's own markup for a long report is a few MB.
#: any one XML part (word/document.xml, a header, styles …), inflated; a part
#: is XML by its name (.xml, .rels) or by its first bytes (a "<")
MAX_XML_PART_BYTES = 8 * 2**20
#: all XML parts together, inflated
MAX_XML_BYTES = 16 * 2**20
#: paragraphs read (those in tables and text boxes included)
MAX_PARAGRAPHS = 20_000

_DAMAGED = "无法打开 Word 文件：文件已损坏，或是 .doc 等其他格式；请用 Word 或 WPS 另存为 .docx"
_ENCRYPTED = "无法打开 Word 文件：其中的内容设了密码；请去掉密码，用 Word 或 WPS 另存为 .docx 再导入"
_RESAVE = "文件可能已损坏或是恶意构造的；请用 Word 或 WPS 打开后另存为 .docx 再导入"
_TOO_LONG = (
    "一篇稿件很少有这么多文字，请分成几篇分别导入；如果稿件并不长，"
    "文件可能已损坏或是恶意构造的，请用 Word 或 WPS 打开后另存为 .docx 再导入"
)
# An OLE compound file: a Word 97–2003 .doc, or a .docx with an opening password
# (Office encrypts the whole package into one)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class WordParagraph:
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold)
    number: str | None = None  # "一、", "（一）", "1.", "1.1"; "•" for a bullet
    number_format: str | None = None  # Word's numFmt: decimal, chineseCounting, bullet …
    level: int = 0
    #: the paragraph's pictures, each with the number of pieces before it
    pictures: list[tuple[int, WordPicture]] = field(default_factory=list)
    caption: bool = False  # set in Word's caption style (题注)


@dataclass(eq=False)
class WordCell:
    """A table cell as the reader sees it: its paragraphs, and how many grid columns and rows it covers
    (Word's gridSpan, and a vertical merge: the cells below it marked vMerge continue). One object at every
    place of the grid it covers, so compared by identity."""

    paragraphs: list[WordParagraph]
    row: int  # where it starts in its table's grid, from 0
    column: int
    span: int = 1
    down: int = 1
    tables: int = 0  # tables inside it, whose text is in ``paragraphs``


@dataclass
class WordTable:
    """A table as a grid: ``grid[r][c]`` is the cell covering row r, column c (a merged cell at each place it
    covers), or None where the row has no cell (Word's gridBefore/gridAfter, a short row)."""

    grid: list[list[WordCell | None]]
    repeated: int = 0  # leading rows Word repeats at the top of each page (w:tblHeader): a header

    def cells(self) -> list[WordCell]:
        """Each cell once, in reading order."""
        return [c for r, row in enumerate(self.grid) for i, c in enumerate(row) if c and (c.row, c.column) == (r, i)]


#: Word's own limit on a table's columns
MAX_COLUMNS = 63


def read_word(path: Path) -> tuple[list[WordParagraph | WordTable], list[str]]:
    """The paragraphs and tables of a .docx in reading order (text boxes after
    the paragraph they sit in), and what was left out, said for the editor."""
    import zipfile
    import zlib

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError, XMLSyntaxError

    path = Path(path)
    try:
        package = unpacked(path)
        try:
            document = docx.Document(package)
        except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError):
            raise ContentError(_DAMAGED, path) from None
        del package  # python-docx has read every part it needs
        return _read(document, path)
    except XMLSyntaxError:
        raise ContentError(_DAMAGED, path) from None
    except (LxmlError, MemoryError):  # lxml out of memory says "XPathEvalError: unknown error"
        raise ContentError(f"无法读取 Word 文件：内容太多或结构异常，读取时出错；{_RESAVE}", path) from None


def _read(document, path: Path) -> tuple[list[WordParagraph | WordTable], list[str]]:
    body = document.element.body
    numbers = _Numbering(document)
    paragraphs: list[WordParagraph | WordTable] = []
    untaken: list[str] = []  # why pictures were not taken (word_pictures.run_pictures)
    count = 0
    for element in body.iter(W + "p", W + "tbl"):
        if element.tag == W + "p":
            count += 1
            if count > MAX_PARAGRAPHS:
                raise ContentError(f"Word 文件的段落太多（超过 {MAX_PARAGRAPHS:,} 段）：{_TOO_LONG}", path)
        if any(a.tag in _SKIPPED_BLOCKS for a in _ancestors(element, body)):
            continue  # a table's own paragraphs (and tables in it) are read with the table
        if element.tag == W + "tbl":
            paragraphs.append(_table(element, document, numbers))
            continue
        found: list = []
        paragraph = WordParagraph(pieces=list(_pieces(element, document, found)),
                                  caption=is_caption(element, numbers.styles))  # fmt: skip
        paragraph.pictures = [(at, picture) for at, picture in found if isinstance(picture, WordPicture)]
        untaken += [reason for _, reason in found if isinstance(reason, str)]
        numbers.apply(element, paragraph)
        paragraphs.append(paragraph)
    left_out = pictures_left_out(body, untaken)
    notes = _notes(document, path)
    if notes:
        left_out.append(f"稿件中有 {notes} 条脚注或尾注没有导入：需要时请把内容写进正文")
    return paragraphs, left_out


def _table(tbl, document, numbers: _Numbering) -> WordTable:
    """A table's grid as Word lays it out: each row's cells after the grid columns it skips (gridBefore),
    a cell as wide as its gridSpan (or an old-style hMerge), a cell marked vMerge continue part of the cell
    above it; rows deleted with Track Changes left out. A table inside a cell is that cell's text."""
    grid: list[list[WordCell | None]] = []
    repeated = 0
    for tr in _own(tbl, "tr"):
        trpr = tr.find(W + "trPr")
        if trpr is not None and trpr.find(W + "del") is not None:
            continue
        if repeated == len(grid) and trpr is not None and trpr.find(W + "tblHeader") is not None \
                and _val(trpr, "tblHeader") not in ("0", "false", "off"):  # fmt: skip
            repeated += 1
        index = len(grid)
        row: list[WordCell | None] = [None] * _int(_val(trpr, "gridBefore"), 0, 0, MAX_COLUMNS)
        above = grid[-1] if grid else []
        for tc in _own(tr, "tc"):
            tcpr = tc.find(W + "tcPr")
            span = _int(_val(tcpr, "gridSpan"), 1, 1, MAX_COLUMNS)
            column = len(row)
            if column + span > MAX_COLUMNS:
                break
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            origin = above[column] if column < len(above) else None
            if vmerge is not None and vmerge.get(W + "val", "continue") == "continue" and origin is not None \
                    and origin.row + origin.down == index:  # fmt: skip
                origin.down += 1
                row.extend([origin] * span)
                continue
            if _val(tcpr, "hMerge") == "continue" and row and row[-1] is not None:
                row[-1].span += span
                row.extend([row[-1]] * span)
                continue
            cell = WordCell(_cell_paragraphs(tc, document, numbers), index, column, span,
                            tables=sum(1 for t in tc.iter(W + "tbl")))  # fmt: skip
            row.extend([cell] * span)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return WordTable(grid, repeated)


def _own(parent, tag: str):
    """``parent``'s ``tag`` elements of ``table`` itself: through content controls and custom XML that wrap
    rows or cells, but not into a table nested in a cell, nor into deleted or fallback content."""
    for element in parent.iter(W + tag):
        between = list(_ancestors(element, parent))
        if not any(a.tag in _SKIPPED_BLOCKS or a.tag in (W + "tc", W + "tr") for a in between):
            yield element


def _val(props, name: str) -> str | None:
    found = props.find(W + name) if props is not None else None
    return found.get(W + "val") if found is not None else None


def _cell_paragraphs(tc, document, numbers: _Numbering) -> list[WordParagraph]:
    """A cell's paragraphs in reading order, those of a table inside it too (its text is the cell's)."""
    paragraphs = []
    for p in tc.iter(W + "p"):
        if any(a.tag in _NOT_SHOWN for a in _ancestors(p, tc)):
            continue
        paragraph = WordParagraph(pieces=list(_pieces(p, document)))
        numbers.apply(p, paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def unpacked(path: Path) -> io.BytesIO:
    """The .docx at ``path`` inflated into an uncompressed zip in memory, for
    python-docx to open; refused when its zip is damaged or encrypted or would
    inflate past the limits above — from the zip directory first, then while
    inflating each part in small reads, at most one byte past its limit, so a
    directory that lies is caught too, as is a part whose checksum is wrong.

    python-docx must not inflate the original itself: zipfile's ``read()``
    asks zlib for up to 2 GB at once, whatever the directory says."""
    import zipfile
    import zlib

    out = io.BytesIO()
    try:
        size = path.stat().st_size
        with open(path, "rb") as file:
            if file.read(len(_OLE)) == _OLE:
                raise ContentError("无法打开 Word 文件：这是 .doc 格式（把扩展名改为 .doc 即可导入），"
                                   "或设了打开密码（请在 Word 或 WPS 中去掉密码并另存为 .docx）", path)  # fmt: skip
            if size > MAX_DOCX_BYTES:
                raise ContentError(f"Word 文件太大（{_size(size)}，上限 {_size(MAX_DOCX_BYTES)}）：请压缩其中的图片后再导入", path)
            directory = _directory_bytes(file, size)
            if directory is not None and directory > MAX_DIRECTORY_BYTES:
                raise ContentError(f"Word 文件的目录太大（{_size(directory)}，上限 {_size(MAX_DIRECTORY_BYTES)}）：{_RESAVE}", path)
            file.seek(0)
            with zipfile.ZipFile(file) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
                _check_directory(package.infolist(), path)
                total = xml = 0
                for info in package.infolist():
                    count, is_xml = _inflate(package, info, copy, path)
                    total += count
                    xml += count if is_xml else 0
                    if total > MAX_TOTAL_BYTES:  # only if the directory lied
                        raise ContentError(f"Word 文件解压后超过 {_size(MAX_TOTAL_BYTES)} 的上限：{_RESAVE}", path)
                    if xml > MAX_XML_BYTES:  # XML not named .xml, or a directory that lied
                        raise ContentError(
                            f"Word 文件中的文字部件解压后共超过 {_size(MAX_XML_BYTES)} 的上限：{_TOO_LONG}", path
                        )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError):
        raise ContentError(_DAMAGED, path) from None  # not a zip, cut short, a wrong checksum, an unknown compression
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required for extraction"
        if "encrypted" not in str(exc):
            raise
        raise ContentError(_ENCRYPTED, path) from None
    except OSError as exc:
        raise ContentError(f"无法读取 Word 文件：{os_reason(exc)}", path) from None
    out.seek(0)
    return out


def _check_directory(infos, path: Path) -> None:
    """The limits, as the zip directory states each part's size."""
    if len(infos) > MAX_PARTS:
        raise ContentError(f"Word 文件中的部件太多（{len(infos):,} 个，上限 {MAX_PARTS:,} 个）：{_RESAVE}", path)
    total = xml = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ContentError(_ENCRYPTED, path)
        if _named_xml(info.filename):
            if info.file_size > MAX_XML_PART_BYTES:
                raise ContentError(
                    f"Word 文件中的“{info.filename}”解压后有 {_size(info.file_size)}，"
                    f"超过文字部件每个 {_size(MAX_XML_PART_BYTES)} 的上限：{_TOO_LONG}", path,
                )  # fmt: skip
            xml += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise ContentError(
                f"Word 文件中的“{info.filename}”解压后有 {_size(info.file_size)}，"
                f"超过每个部件 {_size(MAX_PART_BYTES)} 的上限：{_RESAVE}", path,
            )  # fmt: skip
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size / max(info.compress_size, 1)
            raise ContentError(
                f"Word 文件中的“{info.filename}”压缩比异常（解压后是压缩时的 {ratio:,.0f} 倍，上限 {MAX_RATIO} 倍）：{_RESAVE}",
                path,
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ContentError(f"Word 文件解压后共 {_size(total)}，超过 {_size(MAX_TOTAL_BYTES)} 的上限：{_RESAVE}", path)
    if xml > MAX_XML_BYTES:
        raise ContentError(
            f"Word 文件中的文字部件解压后共 {_size(xml)}，超过 {_size(MAX_XML_BYTES)} 的上限：{_TOO_LONG}", path
        )


def _named_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _looks_like_xml(head: bytes) -> bool:
    """XML by its first bytes: "<" after a byte order mark, whitespace (or
    UTF-16's zero bytes). No picture format Word embeds starts so."""
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<")


def _inflate(package, info, copy, path: Path) -> tuple[int, bool]:
    """Copy one part inflated, a megabyte at a time and at most one byte past its
    limit (MAX_XML_PART_BYTES for XML, MAX_PART_BYTES for others); its true
    size, and whether it is XML."""
    import zipfile

    count, limit, xml = 0, MAX_PART_BYTES, _named_xml(info.filename)
    with package.open(info) as part, copy.open(zipfile.ZipInfo(info.filename, info.date_time), "w") as target:
        while chunk := part.read(min(2**20, limit + 1 - count)):
            if count == 0:
                xml = xml or _looks_like_xml(chunk[:64])
                limit = MAX_XML_PART_BYTES if xml else MAX_PART_BYTES
            count += len(chunk)
            if count > limit:
                what = "文字部件每个" if xml else "每个部件"
                raise ContentError(
                    f"Word 文件中的“{info.filename}”解压后超过{what} {_size(limit)} 的上限：{_TOO_LONG if xml else _RESAVE}",
                    path,
                )
            target.write(chunk)
    return count, xml


def _directory_bytes(file, size: int) -> int | None:
    """The size of the zip directory as its end record states it (zip64
    included), or None when there is no end record (zipfile will say so)."""
    tail_size = min(size, 22 + 0xFFFF)  # the end record, and a comment of at most 64 KB
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    directory = struct.unpack("<I", tail[at + 12 : at + 16])[0]
    if directory != 0xFFFFFFFF or at < 20 or tail[at - 20 : at - 16] != b"PK\x06\x07":
        return directory
    file.seek(struct.unpack("<Q", tail[at - 12 : at - 4])[0])  # the zip64 end record
    record = file.read(56)
    return struct.unpack("<Q", record[40:48])[0] if len(record) == 56 and record[:4] == b"PK\x06\x06" else None


def _size(count: int) -> str:
    if count >= 2**30:
        return f"{count / 2**30:.1f} GB"
    return f"{count / 2**20:.0f} MB" if count >= 10 * 2**20 else f"{count / 2**20:.1f} MB"


_INTEGER = re.compile(r"[+-]?[0-9]{1,10}")


def _int(value: str | None, default: int, low: int, high: int) -> int:
    """A number Word wrote in an attribute; absent, not a number ("x") or out
    of the range Word itself uses: ``default``."""
    if value is None or not _INTEGER.fullmatch(value.strip()):
        return default
    number = int(value)
    return number if low <= number <= high else default


def _notes(document, path: Path) -> int:
    """Footnotes and endnotes with text (ids -1 and 0 are Word's separator lines)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    count = 0
    for part in document.part.package.iter_parts():
        if part.partname in ("/word/footnotes.xml", "/word/endnotes.xml"):
            try:
                root = etree.fromstring(part.blob, parser)
            except etree.XMLSyntaxError:
                raise ContentError(_DAMAGED, path) from None
            for note in root:
                if _int(note.get(W + "id"), 0, -(2**31), 2**31) > 0 and "".join(note.itertext()).strip():
                    count += 1
    return count


def _ancestors(element, stop):
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return
        yield ancestor


def _pieces(p, document, pictures: list | None = None):
    """Every run shown in this paragraph, in order — through hyperlinks,
    insertions, fields, content controls and smart tags, but not into a text
    box (its paragraphs are paragraphs of their own) or deleted text.
    ``pictures`` receives (pieces before it, picture or why not taken) for each picture of the runs."""
    from docx.exceptions import InvalidXmlError
    from docx.text.run import Run

    count = 0
    for r in p.iter(W + "r"):
        between = list(_ancestors(r, p))
        if any(a.tag in _NOT_SHOWN or a.tag == W + "txbxContent" for a in between):
            continue
        if pictures is not None:
            pictures.extend((count, picture) for picture in run_pictures(r, p, document))
        run = Run(r, document)
        try:
            text = run.text
        except (InvalidXmlError, ValueError):  # <w:br w:type="x"/>: the text as typed, without the oddity
            text = "".join(t.text or "" for t in r.iter(W + "t"))
        if text:
            try:
                bold = bool(run.bold)
            except (InvalidXmlError, ValueError):  # <w:b w:val="x"/>
                bold = False
            count += 1
            yield text, bold


def _chinese(number: int) -> str:
    from ..cn import cn_num

    return cn_num(number) if number < 10000 else str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalFullWidth": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


#: Word's list levels are 0–8, and it starts a list at most at 32767: larger
#: values (ilvl="99999999") would loop or print a number of a million letters
MAX_LEVEL = 8
MAX_START = 32767


class _Numbering:
    """Word's automatic numbering as the reader sees it: each level's format
    and text pattern (%1、 （%2） %1.%2), start values, counters that restart
    below a level that moves on, numId 0 meaning "numbering switched off", and
    numbering that comes with a paragraph style (List Number, a numbered Heading)."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (fmt, text, start)
        # Word counts per list definition: two numIds sharing one abstractNum
        # continue one list, unless a numId restarts a level (startOverride)
        # where it is first used.
        self.abstract_of: dict[str, str] = {}
        self.restarts: dict[str, dict[int, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        # paragraph styles by id, read once (a lookup per paragraph through
        # python-docx's style list made thousands of styles take minutes);
        # the first of two styles with one id wins, as it did
        self.styles: dict[str, object] = {}
        for style in document.styles.element.iterchildren(W + "style"):
            self.styles.setdefault(style.get(W + "styleId"), style)
        self._style_numprs: dict[str, object] = {}  # style id → the numPr it brings, or None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
        for num in numbering.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            definition = abstract.get(ref.get(W + "val")) if ref is not None else None
            num_id = num.get(W + "numId")
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in definition.iter(W + "lvl") if definition is not None else ():
                levels[_int(lvl.get(W + "ilvl"), 0, 0, MAX_LEVEL)] = _level(lvl)
            self.restarts[num_id] = {}
            for override in num.iter(W + "lvlOverride"):
                start = override.find(W + "startOverride")
                if start is not None:
                    level = _int(override.get(W + "ilvl"), 0, 0, MAX_LEVEL)
                    self.restarts[num_id][level] = _int(start.get(W + "val"), 1, 0, MAX_START)
            self.levels[num_id] = levels
            self.abstract_of[num_id] = ref.get(W + "val") if ref is not None else num_id

    def apply(self, p, paragraph: WordParagraph) -> None:
        num_id, ilvl = self._reference(p)
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return
        levels = self.levels[num_id]
        fmt, pattern, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters.setdefault(self.abstract_of[num_id], {})
        for level, restart in self.restarts.pop(num_id, {}).items():  # only where the numId is first used
            counters[level] = restart - 1
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # 一、 after （二）: the next （一） starts again
        paragraph.number_format, paragraph.level = fmt, ilvl
        if fmt == "bullet":
            paragraph.number = "•"
            return
        if fmt == "none":
            return
        text = pattern
        for level in range(ilvl + 1):
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, level_start)
            text = text.replace(f"%{level + 1}", _FORMATS.get(level_fmt, str)(value))
        paragraph.number = text

    def _reference(self, p) -> tuple[str | None, int]:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style_id = None
        if ppr is not None and ppr.find(W + "pStyle") is not None:
            style_id = ppr.find(W + "pStyle").get(W + "val")
        style_numpr = self._style_numpr(style_id)
        if numpr is None:
            numpr = style_numpr
        if numpr is None:
            return None, 0
        num = numpr.find(W + "numId")
        level = numpr.find(W + "ilvl")
        if num is None and style_numpr is not None:
            num = style_numpr.find(W + "numId")
        return (num.get(W + "val") if num is not None else None), _int(
            level.get(W + "val") if level is not None else None, 0, 0, MAX_LEVEL
        )

    def _style_numpr(self, style_id: str | None):
        """numPr a paragraph style (or the style it is based on) carries;
        remembered per style, so a long basedOn chain is walked once."""
        if not style_id:
            return None
        if style_id in self._style_numprs:
            return self._style_numprs[style_id]
        chain, found = [], None
        while style_id and style_id not in chain:
            if style_id in self._style_numprs:
                found = self._style_numprs[style_id]
                break
            chain.append(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            ppr = style.find(W + "pPr")
            if ppr is not None and ppr.find(W + "numPr") is not None:
                found = ppr.find(W + "numPr")
                break
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        for walked in chain:
            self._style_numprs[walked] = found
        return found


def _level(lvl) -> tuple[str, str, int]:
    fmt = lvl.find(W + "numFmt")
    text = lvl.find(W + "lvlText")
    start = lvl.find(W + "start")
    return (
        fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
        text.get(W + "val", "") if text is not None else "",
        _int(start.get(W + "val"), 1, 0, MAX_START) if start is not None else 1,
    )
