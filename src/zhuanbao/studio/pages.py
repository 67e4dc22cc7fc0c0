"""Pages as HTML: the package's Jinja templates, autoescaped, and diagnostics as a page shows them.

Every value reaches the page through Jinja with autoescape on for every
template, so a title ``<script>alert(1)</script>`` prints as text; no
template marks anything ``|safe``. StrictUndefined makes a misspelt name in a
template an error in the tests, not an empty space on the page.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from ..diagnostics import SEVERITY_WORD, Diagnostic
from ..itemfile import Places
from ..lint.rules import RULES

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True)  # fmt: skip


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
        "message": diagnostic.message,
        "hint": diagnostic.hint or "",
        "word": word,
        "severity": diagnostic.severity,
        "field": field,
        "body_line": body_line,
        "elsewhere": elsewhere,
    }
