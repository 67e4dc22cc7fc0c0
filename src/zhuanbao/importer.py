"""``zhuanbao import``: a submission (Word, text, Markdown) turned into an item file.

Submissions arrive as Word files or text pasted from a chat. We keep the
paragraphs and bold, and drop what Word pastes leave: manual line breaks
inside paragraphs, full-width spaces used as indents, control characters,
empty paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import ContentError, OutputError
from .load.content import ISSUE_FILE, ITEMS_DIR, SERIES_FILE, load_series
from .load.text import clean, read_text

_INDENT = re.compile(r"^[\s\u3000]+")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\u3000，。、；：？！（）“”《》【】]+')
_CJK = "\u3400-\u9fff\uf900-\ufaff"


def _join_lines(text: str) -> str:
    """A manual line break inside a paragraph: nothing between Chinese, a space between words."""
    text = re.sub(rf"(?<=[{_CJK}，。；：！？、）”])\n(?=\S)|\n(?=[{_CJK}（“])", "", text)
    return text.replace("\n", " ")


def _tidy(text: str) -> str:
    return _INDENT.sub("", clean(text)).strip()


def docx_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a .docx as Markdown, bold runs kept as **bold**."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ContentError(f"无法打开 Word 文件（{type(exc).__name__}）；.doc 请先另存为 .docx", path) from None
    paragraphs = []
    for paragraph in document.paragraphs:
        pieces = []
        for run in paragraph.runs:
            text = clean(run.text)
            if not text:
                continue
            if run.bold and text.strip():
                lead = text[: len(text) - len(text.lstrip())]
                core = text.strip()
                tail = text[len(lead) + len(core) :]
                pieces.append(f"{lead}**{core}**{tail}")
            else:
                pieces.append(text)
        markdown = _tidy(_join_lines("".join(pieces)).replace("****", ""))
        if markdown:
            paragraphs.append(markdown)
    return paragraphs


def text_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a .txt (one per line, as chats paste) or .md (blank-line separated)."""
    text = read_text(path)
    if path.suffix.lower() == ".md":
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            text = text[end + 4 :] if end != -1 else text
        blocks = re.split(r"\n\s*\n", text)
        return [p for p in (_tidy(_join_lines(b.strip())) for b in blocks) if p]
    return [p for p in (_tidy(line) for line in text.split("\n")) if p]


def _slug(title: str) -> str:
    slug = _UNSAFE.sub("-", title).strip("-")
    return slug[:20].rstrip("-") or "gaojian"


def import_submission(
    source_file: Path, issue_dir: Path, section: str, unit: str | None = None, title: str | None = None
) -> Path:
    """Write ``items/NN-slug.md`` for a submission; never overwrites; returns the new file."""
    if not (issue_dir / ISSUE_FILE).is_file():
        raise ContentError(f"这里没有 {ISSUE_FILE}，不是某一期的文件夹", issue_dir)
    series = load_series(issue_dir.parent) if (issue_dir.parent / SERIES_FILE).is_file() else None
    if series is not None and section not in series.sections:
        raise ContentError(f"栏目“{section}”不在 series.yaml 的 sections 中（{'、'.join(series.sections)}）", issue_dir.parent / SERIES_FILE)
    if not source_file.is_file():
        raise ContentError("稿件文件不存在", source_file)
    suffix = source_file.suffix.lower()
    if suffix == ".docx":
        paragraphs = docx_paragraphs(source_file)
    elif suffix in (".txt", ".md"):
        paragraphs = text_paragraphs(source_file)
    else:
        raise ContentError(f"不支持的稿件类型“{source_file.suffix}”（支持 .docx、.txt、.md）", source_file)
    if title is None:
        if len(paragraphs) < 2:
            raise ContentError("稿件只有一段，无法把首段当作标题；请用 --title 指定标题", source_file)
        title = paragraphs.pop(0).replace("**", "").rstrip("。")
    if not paragraphs:
        raise ContentError("稿件没有正文", source_file)
    meta = {"section": section, "title": title}
    if unit:
        meta["source"] = unit
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join(paragraphs)
    items = issue_dir / ITEMS_DIR
    items.mkdir(exist_ok=True)
    numbers = [int(m.group(1)) for p in items.glob("*.md") if (m := re.match(r"^(\d+)-", p.name))]
    number = max(numbers, default=0) + 1
    while True:
        target = items / f"{number:02d}-{_slug(title)}.md"
        try:
            with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(f"---\n{front}---\n{body}\n")
            return target
        except FileExistsError:
            number += 1
        except OSError as exc:
            raise OutputError(f"无法写入：{exc.strerror or exc}", target) from None
