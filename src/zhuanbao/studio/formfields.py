"""What the forms over issue.yaml (本期设置, a table's settings) share: findings beside their fields in the
form's own words, the base a form carries, and a conflict's rows field by field.

The loader names YAML keys on purpose — the command line's user edits the file ("“number”（本年第几期）应不小于 1",
"“tables.第5项.id”只能由…", "按 as_of 计算") — but beside a form field the editor has only the field's label,
so the studio says "期号应不小于 1". The base is the text each field had when the form was loaded: a save
writes only what differs from it (``issuefile.edited``), and a conflict shows whose each change is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from ..diagnostics import Diagnostic
from .pages import finding

BASE = "base_"  # a form's hidden copy of a field as loaded: base_number, base_title …
_OUTSIDE_QUOTES = re.compile(r"(“[^”]*”)")  # a message quotes what was typed: never rewritten


def spoken(diagnostic: Diagnostic, field: str, label: str) -> Diagnostic:
    """``diagnostic`` speaking of the field ``field`` (a YAML key) as the form labels it."""
    key = tuple(diagnostic.location.key)
    rest = key[key.index(field) + 1 :] if field in key else ()
    said = label + "".join(f"第{part + 1}项" if isinstance(part, int) else f"“{part}”" for part in rest)
    path = ".".join(f"第{part + 1}项" if isinstance(part, int) else str(part) for part in key)
    message = re.sub(rf"“{re.escape(path)}”(?:（[^）]*）)?", lambda _: said, diagnostic.message, count=1)
    message = re.sub(rf"^缺少必填项 “{re.escape(field)}”(?:（[^）]*）)?", lambda _: f"缺少{said}", message)
    hint = _words(diagnostic.hint, field, label) if diagnostic.hint else diagnostic.hint
    return diagnostic.at(message=_words(message, field, label), hint=hint)


def _words(text: str, field: str, label: str) -> str:
    """The bare key in ``text`` (“表的 section”, “按 as_of 计算”) as the label, leaving quoted text alone."""
    bare = re.compile(rf"(?<![A-Za-z0-9_.]) ?{re.escape(field)} ?(?![A-Za-z0-9_.])")
    parts = _OUTSIDE_QUOTES.split(text)
    return "".join(part if index % 2 else bare.sub(lambda _: label, part) for index, part in enumerate(parts))


def in_form_words(diagnostic: Diagnostic, field_of: Callable[[tuple], str | None], labels: Mapping[str, str]):
    """``diagnostic`` and the form field it concerns (None: one the form does not show), in the form's words."""
    field = field_of(tuple(diagnostic.location.key))
    return (spoken(diagnostic, field, labels[field]) if field else diagnostic), field


def field_findings(diagnostics, root: Path, field_of: Callable[[tuple], str | None],
                   labels: Mapping[str, str]) -> tuple[dict[str, list], list]:  # fmt: skip
    """Each diagnostic beside its form field (``field_of(key) -> field or None``) in the form's words;
    the others, about what the form does not show, in one list as the loader says them."""
    by_field: dict[str, list] = {}
    others = []
    for diagnostic in diagnostics:
        said, field = in_form_words(diagnostic, field_of, labels)
        if field:
            by_field.setdefault(field, []).append(finding(said, root))
        else:
            others.append(finding(said, root))
    return by_field, others


def posted_base(posted: Mapping) -> dict[str, str] | None:
    """The base a posted form carried (None: the form had none, a new table's)."""
    base = {str(key)[len(BASE) :]: str(value) for key, value in posted.items() if str(key).startswith(BASE)}
    return base or None


def hidden_base(base: Mapping[str, str] | None) -> dict[str, str]:
    """The base as a form's hidden fields."""
    return {BASE + key: value for key, value in (base or {}).items()}


def conflict_rows(labels: Mapping[str, str], boxes: Mapping[str, tuple[str, ...]], base: Mapping[str, str] | None,
                  disk: Mapping[str, str] | None, mine: Mapping[str, str],
                  shown: Callable[[str, Mapping[str, str]], str]) -> list[dict]:  # fmt: skip
    """A conflict field by field: as loaded, on disk now, as posted, and what "keep mine" writes; whose
    each change is: ``mine`` (the editor changed it), ``theirs`` (it changed on disk), ``both``."""
    from ..issuefile import edited

    ours = edited(mine, base, dict(boxes))
    theirs = edited(disk, base, dict(boxes)) if disk is not None and base is not None else set()
    rows = []
    for field in boxes:
        whose = ("both" if field in theirs else "mine") if field in ours else "theirs" if field in theirs else ""
        on_disk = shown(field, disk) if disk is not None else "—"
        rows.append({"field": field, "label": labels[field], "base": shown(field, base) if base is not None else "—",
                     "disk": on_disk, "mine": shown(field, mine), "whose": whose,
                     "after": shown(field, mine) if field in ours else on_disk})  # fmt: skip
    return rows
