"""An item file as the edit form sees it, and the file a saved form becomes.

The form shows three front-matter keys (section, title, source) and the body.
Saving rewrites only the lines of those keys and the body: every other key,
comment and blank line of the front matter stays byte for byte, a key whose
value did not change is not touched at all, and the file keeps its encoding
(GBK stays GBK) and its line ends (CRLF stays CRLF). The form carries the
sha256 of the bytes it was made from; a save over other bytes is refused
(:class:`Stale`), so what another editor or the CLI saved meanwhile is never
silently overwritten.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import yaml

from .diagnostics import ContentError, Diagnostic, Location, UserError
from .fsio import FileChanged, replace_if_unchanged
from .load.content import refuse_link_out
from .load.frontmatter import front_matter_end, split_front_matter
from .load.text import clean, decode, encode_like

FIELDS = ("section", "title", "source")  # the keys the form shows, in the order new ones are added
LINKED_HINT = "要修改，请编辑它指向的那个文件，或把链接换成文件本身（把那个文件复制到这里）。"


class Places(NamedTuple):
    """Where the form shows each line of an item file's text, so a message about a line or a key can
    stand by its field: the lines (1-based) each key the form shows takes, the front matter's lines
    (its --- included), and the file line the body box shows first. ``front`` is empty when the front
    matter cannot be read: the body box then holds the whole file, line for line."""

    keys: dict[str, range]
    front: range
    body_start: int

    def of(self, line: int | None, key: tuple = ()) -> tuple[str, int | None]:
        """The field a message at ``line`` about ``key`` concerns — section, title, source, body (with
        the body box's line), front (front matter the form does not show) or "" (the whole file) —
        and the line of the body box it is on."""
        if not self.front:
            return ("body", line) if line else ("", None)
        if key:
            return (str(key[0]), None) if key[0] in (*FIELDS, "body") else ("front", None)
        if line is None:
            return "", None
        name = next((name for name, lines in self.keys.items() if line in lines), None)
        if name is not None:
            return name, None
        if line in self.front:
            return "front", None
        return "body", max(1, line - self.body_start + 1)


#: The form of a file whose front matter it cannot read: the body box holds the whole file.
WHOLE_FILE = Places({}, range(0), 1)


def places(text: str, path: Path) -> Places:
    """Where the form shows the lines of ``text`` (an item file's, LF line ends)."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    try:
        body = split_front_matter(text, path).body
    except UserError:
        return WHOLE_FILE
    spans = {key: _key_span(lines[1:end], key) for key in FIELDS}
    keys = {key: range(span[0] + 2, span[1] + 2) for key, span in spans.items() if span}
    leading = len(body) - len(body.lstrip("\n"))  # the form shows the body without its leading blank lines
    return Places(keys, range(1, end + 2), end + 2 + leading)


class ItemForm(NamedTuple):
    """What the edit form shows: the three fields, the body, and the digest of the file they came from."""

    section: str
    title: str
    source: str
    body: str
    sha256: str
    problem: UserError | None = None  # front matter that cannot be read: the form shows the raw text instead
    order: int | None = None  # ``order:`` (not shown in the form: where the item prints in its section)


class Stale(Exception):
    """The file is not the one the form was loaded from: someone saved it meanwhile."""

    def __init__(self, disk_text: str, disk_sha: str) -> None:
        super().__init__("stale")
        self.disk_text = disk_text
        self.disk_sha = disk_sha


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_form(path: Path) -> ItemForm:
    data = path.read_bytes()
    return form_of(clean(decode(data, path)), path, digest(data))


def form_of(text: str, path: Path, sha: str = "") -> ItemForm:
    """What the form shows of an item file's text (LF line ends), saved or not."""
    try:
        source = split_front_matter(text, path)
    except UserError as exc:
        return ItemForm("", "", "", text, sha, exc)
    meta = source.meta.data
    value = lambda key: "" if meta.get(key) is None else str(meta.get(key))  # noqa: E731
    order = meta.get("order")
    return ItemForm(value("section"), value("title"), value("source"), source.body.strip("\n"), sha,
                    order=order if type(order) is int else None)  # fmt: skip


def form_fields(posted: Mapping) -> dict[str, str]:
    """The form's fields as they are saved: each on one line, a run of spaces as one (a title pasted from Word)."""
    return {key: " ".join(str(posted.get(key, "")).split()) for key in FIELDS}


def form_text(path: Path, fields: Mapping[str, str] | None, body: str) -> str:
    """The text (LF line ends) a form would save over ``path``; ``fields`` None: ``body`` is the whole
    file, as typed where the front matter could not be read (see :func:`save_text`)."""
    if fields is None:
        return whole_text(body)
    return rewritten(clean(decode(path.read_bytes(), path)), path, dict(fields), body)


def whole_text(text: str) -> str:
    """A text box's text as a file's (LF line ends, one final newline); an item or an issue.yaml shown whole."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def _dumped(key: str, value: str | int) -> str:
    """``key: value`` as YAML writes it (quoted when the value would read as something else: yes, 123, a: b)."""
    return yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, sort_keys=False).rstrip("\n")


def _key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    """The lines [start, end) a top-level key's value takes (its own and the indented ones after it)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for start, line in enumerate(lines):
        if pattern.match(line):
            end = start + 1
            while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
                end += 1
            return start, end
    return None


def rewritten(text: str, path: Path, fields: dict[str, str], body: str | None) -> str:
    """``text`` (an item file, LF line ends) with ``fields`` set (an empty value removes its key) and ``body``
    (None: the body as it is)."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:  # no front matter to keep: write a new one
        lines, end = ["---", "---"], 1
    head = lines[1:end]
    try:
        meta = split_front_matter("\n".join(["---", *head, "---", ""]), path).meta.data
    except UserError:  # unreadable front matter: the form's keys replace whatever their lines hold
        meta = {}
    for key in FIELDS:
        if key not in fields:
            continue
        new = fields[key]
        span = _key_span(head, key)
        old = meta.get(key) if span else None
        if span and old is not None and str(old) == new:
            continue  # unchanged: its line, quoting and comment stay as they are
        replacement = [_dumped(key, new)] if new else []
        if span:
            head[span[0]:span[1]] = replacement
        else:
            head += replacement
    if body is None:
        body = "\n".join(lines[end + 1:])
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "\n".join(["---", *head, "---", body]) + "\n"


def with_keys(data: bytes, path: Path, values: dict[str, str | int | None]) -> bytes:
    """An item file's bytes with the front-matter keys ``values`` set (None removes a key) and every other
    byte as it was: the other keys and comments, the body, the encoding, the line ends — so a move in the
    studio (``order:``, ``section:``) changes those lines and nothing else. A key already holding its value
    is not touched. Raises :class:`UserError` when the front matter cannot be read."""
    raw = decode(data, path)
    meta = split_front_matter(clean(raw), path).meta.data  # clean() keeps the lines, so indices match below
    parts = re.split(r"(\r\n|\r|\n)", raw)
    lines, ends = parts[0::2], parts[1::2]
    end = front_matter_end(lines)
    assert end is not None  # split_front_matter found it
    head, head_ends = lines[1:end], ends[1:end]
    eol = ends[0]
    for key, value in values.items():
        span = _key_span(head, key)
        old = meta.get(key) if span else None
        if span and _same(old, value):
            continue
        replacement = [] if value is None else [_dumped(key, value)]
        if span:
            head[span[0]:span[1]] = replacement
            head_ends[span[0]:span[1]] = [eol] * len(replacement)
        else:
            head += replacement
            head_ends += [eol] * len(replacement)
    lines[1:end], ends[1:end] = head, head_ends
    text = "".join(line + sep for line, sep in zip(lines, [*ends, ""]))
    split_front_matter(clean(text), path)  # what is written must read back (it always should)
    return encode_like(text, data, path)


def _same(old: object, new: str | int | None) -> bool:
    if isinstance(new, int):
        return type(old) is int and old == new
    return old is not None and str(old) == new


def changes(posted: ItemForm, base: ItemForm | None) -> tuple[dict[str, str], str | None]:
    """What an editor changed in a form loaded as ``base``: the fields and the body (None: untouched) to write.
    Saved over another editor's version of the file (a conflict the editor chose to settle with theirs),
    only these are written, so the other editor's changes to the rest stay: a field-by-field three-way save."""
    mine = posted._asdict()
    if base is None:
        return {key: mine[key] for key in FIELDS}, posted.body
    was = base._asdict()
    fields = {key: mine[key] for key in FIELDS if mine[key] != was[key]}
    same_body = posted.body.replace("\r\n", "\n").strip("\n") == base.body.replace("\r\n", "\n").strip("\n")
    return fields, None if same_body else posted.body


def linked_to(path: Path) -> str | None:
    """Where the item file ``path`` (series/issue/items/name) links to, relative to the series; None when it
    is a file of its own."""
    if not path.is_symlink():
        return None
    root = path.parent.parent.parent
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return None  # out of the series: refused by refuse_link before anything else


def refuse_link(path: Path, doing: str) -> None:
    """An item file that is a link is never rewritten, ``doing`` says what was not done. A link out of the
    series is not even read; one inside is read as the build reads it, but a write would either replace
    the link with a file or, written through, change the file it shares with another issue — neither is
    the editor's to decide from an item's form."""
    refuse_link_out(path, path.parent.parent.parent, "稿件", f"不会读取或改写，{doing}")
    target = linked_to(path)
    if target is not None:
        raise ContentError(f"稿件 {path.name} 是一个链接，指向刊物文件夹中的 {target}；编辑器不改写链接，{doing}", path,
                           hint=LINKED_HINT)  # fmt: skip


def save(path: Path, expected_sha: str, fields: dict[str, str], body: str | None) -> None:
    """Write the form over the file, only if the file still is the one the form was made from
    (``fields``: the keys to set; ``body`` None keeps the file's body)."""
    refuse_link(path, "没有保存")
    data = _unchanged(path, expected_sha)
    text = rewritten(clean(decode(data, path)), path, fields, body)
    try:
        split_front_matter(text, path)  # what is written must read back (it always should: say so if not)
    except UserError as exc:
        raise ContentError(f"保存后的头信息无法读取，没有保存：{exc.message}", path) from None
    write_like(path, data, text)


def save_text(path: Path, expected_sha: str, text: str) -> None:
    """Write ``text`` as the whole file, only over the bytes the form was made from: the form of a file
    whose front matter it cannot read shows the whole file, and the editor mends it there. What they
    typed is saved even if it still does not read (the file did not either); the page says what is wrong."""
    refuse_link(path, "没有保存")
    write_like(path, _unchanged(path, expected_sha), whole_text(text))


def _unchanged(path: Path, expected_sha: str) -> bytes:
    data = path.read_bytes()
    if digest(data) != expected_sha:
        raise Stale(clean(decode(data, path)), digest(data))
    return data


def write_like(path: Path, data: bytes, text: str) -> None:
    """``text`` (LF line ends) over the file whose bytes were ``data``, in its encoding and line ends
    (:class:`Stale` if it is not those bytes at the rename)."""
    if "\r\n" in decode(data, path):
        text = text.replace("\n", "\r\n")
    try:
        new = encode_like(text, data, path)
    except UnicodeEncodeError:
        raise ContentError("有文字无法用这个文件原来的编码（GBK）保存，没有保存", path,
                           hint="请去掉生僻字或表情符号，或把文件另存为 UTF-8 后再编辑。") from None  # fmt: skip
    try:
        replace_if_unchanged(path, new, data)
    except FileChanged:  # saved by someone between the check above and the rename
        now = path.read_bytes()
        raise Stale(clean(decode(now, path)), digest(now)) from None


def field_errors(section: str, body: str, sections: list[str], path: Path) -> list[Diagnostic]:
    """What the form must not save: a section the series does not have, an empty body (the loader's own rules)."""
    errors = []
    if not section:
        errors.append(Diagnostic("请选择栏目", Location(path, None, None, ("section",))))
    elif section not in sections:
        errors.append(Diagnostic(f"栏目“{section}”不在本刊的栏目中", Location(path, None, None, ("section",))))
    if not body.strip():
        errors.append(Diagnostic("稿件正文是空的", Location(path, None, None, ("body",))))
    return errors


def create(issue_dir: Path, section: str, title: str, source: str, body: str, sections: list[str]) -> Path:
    """A new item from the 新增稿件 form, written as ``import`` writes one (items/NN-slug.md, never over a
    file); a section the series lacks or an empty body is refused next to its field."""
    from .importer import MAX_ITEM_BYTES, item_bytes, write_item
    from .load.content import ITEMS_DIR

    title, source = " ".join(title.split()), " ".join(source.split())
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    errors = field_errors(section, body, sections, issue_dir / ITEMS_DIR)
    if errors:
        raise UserError.of(errors)
    meta = {"section": section, **({"title": title} if title else {}), **({"source": source} if source else {})}
    data = item_bytes(meta, body)
    if len(data) > MAX_ITEM_BYTES:
        raise ContentError(f"稿件有 {len(data) / 2**20:.1f} MB，超过一篇稿件 {MAX_ITEM_BYTES / 2**20:.1f} MB 的上限：请分成几篇",
                           issue_dir / ITEMS_DIR, key=("body",))  # fmt: skip
    return write_item(issue_dir, data, title or section)
