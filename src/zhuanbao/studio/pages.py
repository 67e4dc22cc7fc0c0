"""Pages as HTML: the package's Jinja templates, autoescaped, and diagnostics as a page shows them.

Every value reaches the page through Jinja with autoescape on for every
template, so a title ``<script>alert(1)</script>`` prints as text; no
template marks anything ``|safe``. StrictUndefined makes a misspelt name in a
template an error in the tests, not an empty space on the page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from ..diagnostics import SEVERITY_WORD, Diagnostic
from ..fsio import BUILD_BUSY_HINT
from ..importer import TITLE_HINT
from ..itemfile import Places
from ..lint import WORD_FILE_HINT
from ..lint.rules import RULES

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def address(*names: str) -> str:
    """A studio address from folder and file names, each quoted whole: a name may hold # or ? (东岭区1#楼)."""
    return "/" + "/".join(quote(name, safe="") for name in names)


def card_address(issue: str, name: str) -> str:
    """The issue page at an item's card (its id is ``item-`` and the name quoted as the template quotes it)."""
    return address("issue", issue) + "#item-" + quote(name, safe="")


def page(template: str, status: int = 200, **values) -> HTMLResponse:
    """A page from ``templates/<template>``; ``csrf`` and the other shared values are passed by the caller."""
    values.setdefault("csrf", "")
    html = _environment.get_template(template).render(**values)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


#: No framing by other sites, no sniffing, scripts and styles only from the studio itself. The referrer
#: stays within the studio: under "no-referrer" a browser sends ``Origin: null`` with a form's POST, which
#: the guard must refuse (a sandboxed frame of another site sends the same), so no form could be saved.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it, Chromium sends "Origin: null" on the page's own form POSTs, which the guard refuses
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",
}


#: Hints the core words for the command line, and what an editor does in the studio instead.
STUDIO_HINTS = {
    WORD_FILE_HINT: "Word 稿件请把它拖到本期页面的栏目上导入（导入后可把这个文件从 items 文件夹中移走）",
    TITLE_HINT: "请在稿件开头加一段标题后再导入，或用“新增稿件”把正文贴进去",
    BUILD_BUSY_HINT: "等它完成后再试一次。",
}


def studio_hint(hint: str) -> str:
    """``hint`` with the command line's advice replaced by the studio's."""
    for cli, studio in STUDIO_HINTS.items():
        hint = hint.replace(cli, studio)
    return hint


def unrepeated(message: str, line: int | None) -> str:
    """``message`` without the mention of ``line`` it may open with (第3行：…, as the table reader words it),
    which the page shows beside it: “第 3 行 … 第3行” would say it twice."""
    if line is None:
        return message
    for said in (f"第{line}行", f"第 {line} 行", f"第{line:,}行", f"第 {line:,} 行"):
        if said in message:
            rest = message.replace(said, "", 1)
            return rest.lstrip("：:，, ") if message.startswith(said) else rest
    return message


def findings(diagnostics, root: Path | None = None, item: tuple[Path, Places] | None = None) -> list[dict]:
    """Diagnostics as a page lists them (see :func:`finding`), each said once: check repeats as a build
    finding what the page's own reading found (series.yaml that cannot be read, at line 1 when the error
    had none), two tables can name one missing file. The same file, line and message is one finding, the
    first one kept; one without a line is left out when the same message about the file has one."""
    mapped = [finding(diagnostic, root, item) for diagnostic in diagnostics]
    placed = {(one["file"], one["message"]) for one in mapped if one["line"] is not None}
    shown, seen = [], set()
    for one in mapped:
        key = (one["file"], one["line"], one["message"])
        if key not in seen and (one["line"] is not None or (one["file"], one["message"]) not in placed):
            seen.add(key)
            shown.append(one)
    return shown


def finding(diagnostic: Diagnostic, root: Path | None = None, item: tuple[Path, Places] | None = None) -> dict:
    """A diagnostic as a page shows it: the file relative to the series, line, rule, message, hint, and the
    field it concerns — by its key path, or on an item's page (``item``: its file, and where its form shows
    each line) by its line too, with the line of the form's body box. A finding about another file there
    (series.yaml, issue.yaml) concerns no field: ``elsewhere`` names its file."""
    path = diagnostic.path
    shown = ""
    if path is not None:
        shown = str(path)
        if root is not None:
            try:
                shown = path.resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError):
                shown = path.name
    word = SEVERITY_WORD["warning"] if diagnostic.severity == "warning" else diagnostic.kind
    key = diagnostic.location.key
    field, body_line, elsewhere = (str(key[0]) if key else ""), None, ""
    if item is not None:
        if path is not None and path.resolve() == item[0].resolve():
            field, body_line = item[1].of(diagnostic.line, key)
        else:
            field, elsewhere = "", shown
    rule = RULES.get(diagnostic.rule or "")
    return {
        "file": shown,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "rule": diagnostic.rule or "",
        "rule_summary": rule.summary if rule else "",
        "fixable": bool(rule and rule.fixable),
        "message": unrepeated(diagnostic.message, diagnostic.line),
        "hint": studio_hint(diagnostic.hint or ""),
        "word": word,
        "severity": diagnostic.severity,
        "field": field,
        "body_line": body_line,
        "elsewhere": elsewhere,
    }
