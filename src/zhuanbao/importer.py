"""``zhuanbao import``: a submission (Word, WPS, RTF, OpenDocument, text, Markdown) turned into an item file.

Submissions arrive as Word files — .docx, and still the older .doc and WPS's
.wps, now and then .rtf or .odt — or text pasted from a chat. The older
formats are converted to .docx by LibreOffice first, so every word-processor
file is read the one way (load/word.py). We keep the paragraphs and bold, and
drop what Word pastes leave: manual line breaks inside paragraphs, full-width
spaces used as indents, control characters, empty paragraphs. Word tables
become Markdown tables (wordtable.py).

A Word file's photos are saved beside the item, in the issue's ``items/images/``, named after the item
(``03-东岭区新建就业帮扶车间5个-1.jpg``, ``-2.png`` …: in the order they stand, never over a file), and
referenced where they stood: ``![图1 检查现场](images/03-….jpg)``, the caption being the paragraph right
under the picture when it is one — set in Word's caption style (题注), or opening like a caption (图1、图 1、
图为、图：、图片：) and short. Word's own alt text is not a caption: Office fills it with machine guesses.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import ContentError, OutputError, ToolMissingError, UserError, os_reason, suggest
from .fsio import safe_name, take_name, write_atomic
from .load.content import ISSUE_FILE, ITEMS_DIR, SERIES_FILE, item_files, load_series, refuse_link_out
from .load.frontmatter import front_matter_end
from .load.text import clean, read_text
from .load.word_pictures import WordPicture
from .render.sandbox import MAX_BODY_OUTPUT

#: the item file an import writes, in UTF-8: far above any real submission, far
#: below what the loaders read (load/text.py MAX_TEXT_BYTES), so that a build
#: can read and print what an import wrote
MAX_ITEM_BYTES = 2 * 2**20

#: the word-processor formats LibreOffice converts to .docx before the import (load/upload.OFFICE_KINDS)
CONVERTED = (".doc", ".wps", ".rtf", ".odt")
#: what ``import`` takes, said in its refusal of anything else
KINDS = ".docx、.doc、.wps、.rtf、.odt、.txt、.md"

#: what to do with a submission of one paragraph, said for the command line (the studio says its own way)
TITLE_HINT = "请用 --title 指定标题"
#: the folder beside the item files where an import saves a submission's pictures
IMAGES_DIR = "images"
#: a paragraph under a picture that opens so, and is no longer than this, is its caption
_CAPTION = re.compile(r"^(?:图\s*[0-9０-９一二三四五六七八九十]+|图[为：:（(\s\u3000]|图片[：:])")
MAX_CAPTION_CHARS = 80
# What a picture file name keeps of an item's: Markdown reads ( ) [ ] < > and spaces in a path as its own marks
_NOT_IN_PICTURE_NAMES = re.compile(r"[()\[\]<>{}#%&^`'\"!+=;,@$~\s]+")

_INDENT = re.compile(r"^[\s\u3000]+")
# What Windows refuses in a name, and the punctuation and spaces a title holds: 东岭区：新建车间5个 → 东岭区-新建车间5个
_SEPARATORS = re.compile(r'[\\/:*?"<>|\s\u3000，。、；：？！（）“”《》【】]+')
_CJK = "\u3400-\u9fff\uf900-\ufaff"


def _join_lines(text: str) -> str:
    """A manual line break inside a paragraph: nothing between Chinese, a space between words."""
    text = re.sub(rf"(?<=[{_CJK}，。；：！？、）”])\n(?=\S)|\n(?=[{_CJK}（“])", "", text)
    return text.replace("\n", " ")


def _tidy(text: str) -> str:
    return _INDENT.sub("", clean(text)).strip()


# What Markdown (and Jinja, since item bodies are templates) would read as
# markup in a submission's plain text: the author typed these as characters.
# &amp; would print as &, <https://…> as a link without its brackets
_INLINE_MARKUP = re.compile(r"([\\*_`\[\]]|&(?=#?\w+;)|<(?=[A-Za-z][\w+.-]*:|[^\s>@]+@))")
# A paragraph opening like a heading, quote, list, rule (---) or code fence (~~~).
_BLOCK_START = re.compile(r"^(#|>|[-+*](?=\s)|-(?=[-\s]*$)|~(?=~~)|\d+(?=[.)](?:\s|$)))")
_TEMPLATE_MARKS = re.compile(r"(\{[{%#])")
_ESCAPED_MARKS = re.compile(r'\{\{ "(\{[{%#])" \}\}')


def escape_markup(text: str) -> str:
    """Plain text made to print as typed: 3*4*5 stays 3*4*5, "# 话题" stays a
    paragraph, {{ }} is not a data reference."""
    return _escape_block_start(_escape_inline(text))


def escape_template(text: str) -> str:
    """Jinja's {{ {% {# printed as typed: an item body is a template, a
    submission's text (Word, .txt or .md) is not, and must not run at build."""
    return _TEMPLATE_MARKS.sub(lambda m: '{{ "' + m.group(1) + '" }}', text)


def _escape_inline(text: str) -> str:
    return escape_template(_INLINE_MARKUP.sub(r"\\\1", text))


def _escape_block_start(text: str) -> str:
    """"1. " stays the author's own numbering (printed in the 1. heading style), not a Markdown list."""
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), text)


@dataclass(frozen=True)
class Picture:
    """A picture of a submission, to be saved in ``items/images/`` and shown where it stood."""

    data: bytes
    suffix: str  # .jpg, .png …
    caption: str = ""

    def markdown(self, name: str) -> str:
        """The picture's paragraph, its file being ``name`` (relative to the item)."""
        return f"![{_escape_inline(self.caption)}]({name})"


def docx_paragraphs(path: Path) -> tuple[list[str | Picture], list[str]]:
    """Paragraphs of a .docx as Markdown (bold runs as **bold**, Word's list
    numbering as typed: bullets and 1. 2. as Markdown lists, 一、（一）1.1 as
    text), its pictures where they stand (a picture splits its paragraph),
    tables as Markdown tables (:class:`TableBlock`, see wordtable.py), and what
    was left out (footnotes, pictures that cannot be taken) or changed (merged
    cells), said for the editor."""
    from .load.word import WordTable, read_word
    from .wordtable import markdown_table

    word, left_out = read_word(path)
    entries: list[tuple[str | WordPicture, str, bool]] = []  # (Markdown or picture, plain text, caption style)
    framed = 0
    for block in word:
        if not isinstance(block, WordTable):
            entries += _paragraph_entries(block)
        elif block.grid and len(block.grid[0]) == 1:  # a frame drawn round text: its paragraphs
            framed += 1
            entries += [entry for cell in block.cells() for p in cell.paragraphs for entry in _paragraph_entries(p)]
        elif (table := markdown_table(block, _cell_markdown)) is not None:
            entries.append((TableBlock(table.text, table.notes), "", False))
    if framed:
        left_out.append(f"稿件中有 {framed} 个只有一列的表格（多半是为了加边框），其中的文字按段落导入")
    paragraphs, unprintable = _with_captions(entries)
    if unprintable:
        left_out.append(f"稿件中有 {unprintable} 张图片是 EMF、WMF 等专报排不了的格式（多为从其他程序粘贴的图表），没有导入："
                        "需要时请在 Word 或 WPS 中把它另存为 PNG 图片，放进稿件旁的 images 文件夹再写入稿件")  # fmt: skip
    return paragraphs, left_out


def _paragraph_entries(paragraph) -> list[tuple[str | WordPicture, str, bool]]:
    """A paragraph as Markdown cut at its pictures: (Markdown or picture, plain text, caption style) each."""
    entries: list[tuple[str | WordPicture, str, bool]] = []
    start, numbered = 0, False
    for at, picture in [*paragraph.pictures, (len(paragraph.pieces), None)]:
        markdown = _escape_block_start(_inline(paragraph.pieces[start:at]))
        if markdown:
            plain = _tidy(_join_lines(clean("".join(raw for raw, _ in paragraph.pieces[start:at]))))
            if not numbered:
                markdown, numbered = _numbered(paragraph.number, paragraph.level, markdown), True
            entries.append((markdown, plain, paragraph.caption))
        if picture is not None:
            entries.append((picture, "", False))
        start = at
    return entries


class TableBlock(str):
    """A Markdown table among an item's paragraphs, with what its notes say about how it was written
    (said with the table's line once the item is put together)."""

    notes: list[str]

    def __new__(cls, text: str, notes: list[str]) -> TableBlock:
        block = super().__new__(cls, text)
        block.notes = notes
        return block


def _inline(pieces) -> str:
    """A paragraph's (text, bold) pieces as Markdown on one line: **bold**, markup characters escaped."""
    out = []
    for raw, bold in pieces:
        text = clean(raw)
        if not text:
            continue
        if bold and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            core = _escape_inline(text.strip())
            tail = text[len(lead) + len(text.strip()) :]
            out.append(f"{lead}**{core}**{tail}")
        else:
            out.append(_escape_inline(text))
    return _tidy(_join_lines("".join(out)).replace("****", ""))


def _with_captions(entries: list[tuple[str | WordPicture, str, bool]]) -> tuple[list[str | Picture], int]:
    """The entries with each picture made a :class:`Picture` taking the paragraph under it as its caption
    when it is one; the same picture shown twice is one file. Also how many pictures are in a format the
    bulletin cannot print."""
    from .picture import as_shown

    out: list[str | Picture] = []
    files: dict[tuple, tuple[bytes, str] | None] = {}
    unprintable, index = 0, 0
    while index < len(entries):
        value, _, _ = entries[index]
        index += 1
        if isinstance(value, str):
            out.append(value)
            continue
        key = (value.part, value.crop, value.turns)
        if key not in files:
            files[key] = as_shown(value.data, value.crop, value.turns)
        if files[key] is None:
            unprintable += 1
            continue
        caption = ""
        if index < len(entries) and isinstance(entries[index][0], str):
            _, plain, styled = entries[index]
            if styled or (_CAPTION.match(plain) and len(plain) <= MAX_CAPTION_CHARS):
                caption, index = plain, index + 1
        out.append(Picture(*files[key], caption=caption))
    return out, unprintable


def _cell_markdown(cell) -> str:
    """A table cell's text on one line: its paragraphs joined (Chinese directly, words with a space), a list
    number as the text it shows, | escaped so that it stays in its cell."""
    lines = []
    for paragraph in cell.paragraphs:
        text = _inline(paragraph.pieces)
        if text and paragraph.number and paragraph.number != "•":
            separator = " " if paragraph.number[-1].isascii() and paragraph.number[-1].isalnum() else ""
            text = _escape_inline(paragraph.number) + separator + text
        if text:
            lines.append(text)
    return _join_lines("\n".join(lines)).replace("|", "\\|")


def office_paragraphs(path: Path, convert: Callable[[Path, Path], Path] | None = None,
                      ) -> tuple[list[str | Picture], list[str]]:
    """:func:`docx_paragraphs` of a .doc, .wps, .rtf or .odt, once its content is found to be what its name
    says (load/upload.check_office) and LibreOffice has converted it to .docx (a .wps that recent WPS
    versions saved as a .docx package is read as one, without LibreOffice).

    The bytes checked are the bytes converted: a private copy under a plain name, so that neither a
    file changed meanwhile nor the editor's file name reaches LibreOffice. Whatever goes wrong is told
    at ``path``, the editor's file, never at the copy."""
    import tempfile

    from . import export
    from .load.upload import check_office
    from .load.word import MAX_DOCX_BYTES

    suffix = path.suffix.lower()
    try:
        if path.stat().st_size > MAX_DOCX_BYTES:
            raise ContentError(f"文件太大（上限 {MAX_DOCX_BYTES // 2**20} MB）：请压缩其中的图片后再导入", path)
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"无法读取稿件：{os_reason(exc)}", path) from None
    is_docx = check_office(data, path.name, suffix, path) == "docx"  # a .wps saved by WPS as OOXML
    with tempfile.TemporaryDirectory(prefix="zhuanbao-import-", ignore_cleanup_errors=True) as folder:
        copy = Path(folder, "submission" + (".docx" if is_docx else suffix))
        try:
            copy.write_bytes(data)
            converted = copy if is_docx else (convert or export.to_docx)(copy, Path(folder))
        except ToolMissingError as exc:
            raise ToolMissingError(f"未找到 LibreOffice，无法导入 {suffix} 文件（需要先把它转换为 .docx）", path,
                                   hint=exc.hint) from None  # fmt: skip
        except UserError as exc:  # LibreOffice could not read it, or timed out
            raise ContentError(f"无法转换为 .docx：{exc.message}", path,
                               hint="如果它在 Word 或 WPS 中能正常打开，请另存为 .docx 再导入。") from None  # fmt: skip
        except OSError as exc:
            raise OutputError(f"无法写入临时文件：{os_reason(exc)}", path) from None
        try:
            return docx_paragraphs(converted)
        except UserError as exc:
            raise type(exc).of(d.at(location=d.location._replace(path=path)) for d in exc.diagnostics) from None


def _numbered(number: str | None, level: int, markdown: str) -> str:
    """A Word list number in front of its paragraph: bullets and a top-level
    1. 2. become Markdown lists (printed ● and 1. by the bulletin's styles);
    any other numbering (一、 （一） 1.1 ①) is kept as the text it shows, which
    the bulletin's heading levels recognise."""
    if number is None:
        return markdown
    if number == "•":
        return f"- {markdown}"
    if level == 0 and re.fullmatch(r"\d+\.", number):
        return f"{number} {markdown}"
    separator = " " if number[-1].isascii() and number[-1].isalnum() else ""
    return _escape_block_start(_escape_inline(number) + separator + markdown)


def text_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a .txt (one per line, as chats paste; plain text, so
    markup characters are escaped) or .md (blank-line separated, kept as
    Markdown); in both, Jinja's {{ }} and {% %} are text, not code to run."""
    text = read_text(path)
    if path.suffix.lower() == ".md":
        lines = text.split("\n")
        end = front_matter_end(lines)
        if end is not None:  # a submission written as an item: its front matter is not text
            text = "\n".join(lines[end + 1 :])
        blocks = re.split(r"\n\s*\n", text)
        return [escape_template(p) for p in (_tidy(_join_lines(b.strip())) for b in blocks) if p]
    return [escape_markup(p) for p in (_tidy(line) for line in text.split("\n")) if p]


def _unescape(text: str) -> str:
    """A paragraph's text without the escapes :func:`escape_markup` added (a title is YAML, not Markdown)."""
    text = _ESCAPED_MARKS.sub(r"\1", text)
    return re.sub(r"\\(.)", r"\1", text)


def _slug(title: str) -> str:
    slug = safe_name(_SEPARATORS.sub("-", title)).strip("-")
    return slug[:20].rstrip("-") or "gaojian"


@dataclass(frozen=True)
class Imported:
    """The item file an import wrote, what of the submission could not be carried over, and the pictures
    it saved beside the item."""

    target: Path
    left_out: list[str] = field(default_factory=list)
    pictures: list[Path] = field(default_factory=list)


def import_submission(
    source_file: Path,
    issue_dir: Path,
    section: str,
    unit: str | None = None,
    title: str | None = None,
    fallback_title: str | None = None,
    convert: Callable[[Path, Path], Path] | None = None,
) -> Imported:
    """Write ``items/NN-slug.md`` for a submission; never overwrites. ``fallback_title`` is the title of a
    submission of one paragraph (the studio passes the uploaded file's name), which is otherwise refused.
    ``convert(source, folder)`` makes ``folder/<stem>.docx`` of a .doc, .wps, .rtf or .odt (the studio's
    resident LibreOffice); by default one LibreOffice run (export.to_docx)."""
    if title is not None and not title.strip():
        raise ContentError("标题不能为空；不写 --title 则用稿件首段作标题", source_file)
    if not (issue_dir / ISSUE_FILE).is_file():
        raise ContentError(f"这里没有 {ISSUE_FILE}，不是某一期的文件夹", issue_dir)
    series = load_series(issue_dir.parent) if (issue_dir.parent / SERIES_FILE).is_file() else None
    if series is not None and section not in series.sections:
        raise ContentError(
            f"--section 写的栏目“{section}”不在 series.yaml 的 sections 中（{'、'.join(series.sections)}）",
            hint=suggest(section, series.sections),
        )
    if not source_file.is_file():
        raise ContentError("这是一个文件夹，请给出其中的稿件文件" if source_file.is_dir() else "稿件文件不存在", source_file)
    suffix = source_file.suffix.lower()
    left_out: list[str] = []
    if suffix == ".docx":
        paragraphs, left_out = docx_paragraphs(source_file)
    elif suffix in CONVERTED:
        paragraphs, left_out = office_paragraphs(source_file, convert)
    elif suffix in (".txt", ".md"):
        paragraphs = text_paragraphs(source_file)
    else:
        raise ContentError(f"不支持的稿件类型“{source_file.suffix}”（支持 {KINDS}）", source_file)
    # what was left out may be why too little is left: said with the refusal
    why = "；".join(left_out) or None
    texts = [p for p in paragraphs if isinstance(p, str)]  # pictures are no title, and no text
    if not texts:
        raise ContentError("稿件是空的（没有任何文字）", source_file, hint=why)
    if title is None and len(texts) == 1 and fallback_title:
        title = fallback_title
    if title is None:
        first = next((i for i, p in enumerate(paragraphs) if isinstance(p, str) and not isinstance(p, TableBlock)), None)
        if len(texts) < 2 or first is None:
            raise ContentError("稿件只有一段，无法把首段当作标题", source_file,
                               hint="；".join(filter(None, [TITLE_HINT, why])))  # fmt: skip
        title = _unescape(paragraphs.pop(first).replace("**", "")).rstrip("。")
        if suffix == ".md":  # a Markdown heading (# 标题) is the title, not its marks
            title = re.sub(r"^#{1,6}\s+|\s+#+\s*$", "", title) or title
    if not paragraphs:
        raise ContentError("稿件没有正文", source_file, hint=why)
    meta = {"section": section, "title": title}
    if unit:
        meta["source"] = unit
    files = list(dict.fromkeys((p.data, p.suffix) for p in paragraphs if isinstance(p, Picture)))  # one each

    def body(names: list[str]) -> str:
        """The item's body, its pictures being the files ``names`` (in the order of ``files``)."""
        named = dict(zip(files, names))
        return "\n\n".join(p if isinstance(p, str) else p.markdown(named[p.data, p.suffix]) for p in paragraphs)

    longest = body([f"{IMAGES_DIR}/{'图' * 40}-{index}-99{suffix}" for index, (_, suffix) in enumerate(files, 1)])
    _check_size(item_bytes(meta, longest), longest, source_file)
    left_out = left_out + _table_notes(paragraphs, item_bytes(meta, "").count(b"\n"))
    target, saved = write_item_with_pictures(issue_dir, lambda names: item_bytes(meta, body(names)), title, files)
    return Imported(target, left_out, saved)


def _table_notes(paragraphs: list[str | Picture], line: int) -> list[str]:
    """Each table's notes, told at the line of the item where the table starts (``line``: the body's first)."""
    notes = []
    for paragraph in paragraphs:
        if isinstance(paragraph, TableBlock) and paragraph.notes:
            notes.append(f"第 {line} 行的表格：" + "；".join(paragraph.notes))
        line += (paragraph.count("\n") if isinstance(paragraph, str) else 0) + 2  # a picture takes one line
    return notes


def item_bytes(meta: dict[str, str], body: str) -> bytes:
    """A new item file: ``meta`` as front matter (YAML quotes what would read as something else), then the body."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n{body}\n".encode("utf-8")


def write_item(issue_dir: Path, data: bytes, title: str) -> Path:
    """Write a new item as ``items/NN-slug.md``, numbered after the issue's items (so it prints last in its
    section unless it is given an ``order:``), the slug made from ``title``; never overwrites. What
    ``import`` and the studio's 新增稿件 and uploads write; never through an items/ that links out of the
    series (the build would not read what was written there)."""
    return write_item_with_pictures(issue_dir, lambda names: data, title, [])[0]


def write_item_with_pictures(issue_dir: Path, data: Callable[[list[str]], bytes], title: str,
                             pictures: list[tuple[bytes, str]]) -> tuple[Path, list[Path]]:  # fmt: skip
    """:func:`write_item` for an item showing ``pictures`` ((bytes, suffix) each): they are written first
    into ``items/images/``, named after the item (``NN-slug-1.jpg`` …, never over a file), and ``data``
    makes the item's bytes from their paths relative to it. Returns the item and the pictures written;
    when the item cannot be written, none of them is left."""
    items = issue_dir / ITEMS_DIR
    refuse_link_out(items, issue_dir.parent, f"稿件文件夹“{ITEMS_DIR}”", "不会往那里写入任何稿件")
    made = [] if items.exists() else [items]
    written: list[Path] = []
    try:
        items.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹：{os_reason(exc)}", items) from None
    number = next_number(items)
    target = items / f"{number:02d}-{_slug(title)}.md"
    try:
        while os.path.lexists(target):
            number += 1
            target = items / f"{number:02d}-{_slug(title)}.md"
        names = _write_pictures(items, target.stem, pictures, written, made)
        content = data(names)
        while not _write_new(target, content):  # another import took the name meanwhile: the pictures keep theirs
            number += 1
            target = items / f"{number:02d}-{_slug(title)}.md"
    except OSError as exc:
        for path in written:  # nothing at all is left of a failed import: not its pictures, not the folders it made
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise OutputError(f"无法写入：{os_reason(exc)}，没有导入任何内容", target) from None
    return target, written


def _write_pictures(items: Path, stem: str, pictures: list[tuple[bytes, str]], written: list[Path],
                    made: list[Path]) -> list[str]:  # fmt: skip
    """Write ``pictures`` into ``items/images/`` as ``<stem>-1.jpg`` … (``-1-2.jpg`` when a file has the
    name), appending each to ``written`` (and the folder to ``made`` if it is new); their paths relative to
    the item files."""
    if not pictures:
        return []
    folder = items / IMAGES_DIR
    refuse_link_out(folder, items.parent.parent, f"图片文件夹“{IMAGES_DIR}”", "不会往那里写入任何图片")
    if not folder.exists():
        folder.mkdir()
        made.append(folder)
    base = _NOT_IN_PICTURE_NAMES.sub("-", stem).strip("-") or "tupian"
    names = []
    for index, (data, suffix) in enumerate(pictures, start=1):
        name, again = f"{base}-{index}{suffix}", 1
        while not _write_new(folder / name, data):
            again += 1
            name = f"{base}-{index}-{again}{suffix}"
        written.append(folder / name)
        names.append(f"{IMAGES_DIR}/{name}")
    return names


def next_number(items: Path) -> int:
    """The number after the highest ``NN-`` of the issue's items (drafts do not count)."""
    numbers = [int(m.group(1)) for p in item_files(items) if (m := re.match(r"^(\d+)-", p.name))]
    return max(numbers, default=0) + 1


def _check_size(data: bytes, body: str, source_file: Path) -> None:
    """Refuse an item the build would refuse: over MAX_ITEM_BYTES, or (when the
    submission had {{ or {%, escaped so that the body is rendered as a template)
    printing more than a render of one item body may."""
    if len(data) > MAX_ITEM_BYTES:
        raise ContentError(
            f"稿件导入后有 {len(data) / 2**20:.1f} MB，超过一篇稿件 {MAX_ITEM_BYTES / 2**20:.1f} MB 的上限："
            "请分成几篇分别导入", source_file,
        )  # fmt: skip
    if _TEMPLATE_MARKS.search(body):
        printed = len(_ESCAPED_MARKS.sub(r"\1", body)) + 1  # the build reads the body with its last line end
        if printed > MAX_BODY_OUTPUT:
            raise ContentError(
                f"稿件正文有 {printed:,} 个字符，其中有 {{{{、{{% 这样的符号，这样的正文最多 {MAX_BODY_OUTPUT:,} 个字符："
                "请分成几篇分别导入", source_file,
            )  # fmt: skip


def _write_new(target: Path, data: bytes) -> bool:
    """Write ``target`` whole, if no file has its name yet (False if one has).

    The item is written under a temporary name and then given its own, so a
    full disk or a killed run leaves no item at all rather than an empty or
    half one, which would break the next build. The name is taken with a
    hard link, which fails rather than replace an item another import wrote
    at the same moment.
    """
    if os.path.lexists(target):
        return False
    # a draft's name (never printed), ours alone: two imports of the studio may run at once in one process
    staging = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    write_atomic(staging, data)
    try:
        return take_name(staging, target)  # never over a file that appeared meanwhile, with or without hard links
    finally:
        staging.unlink(missing_ok=True)
