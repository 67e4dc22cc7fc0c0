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

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def page(template: str, status: int = 200, **values) -> HTMLResponse:
    """A page from ``templates/<template>``; ``csrf`` and the other shared values are passed by the caller."""
    values.setdefault("csrf", "")
    html = _environment.get_template(template).render(**values)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


#: No framing by other sites, no sniffing, scripts and styles only from the studio itself.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it, browsers send "Origin: null" on every form POST, which the guard must refuse
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",
}


def finding(diagnostic: Diagnostic, root: Path | None = None) -> dict:
    """A diagnostic as a page shows it: the file relative to the series, line, rule, message, hint, field."""
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
    return {
        "file": shown,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "rule": diagnostic.rule or "",
        "message": diagnostic.message,
        "hint": diagnostic.hint or "",
        "word": word,
        "severity": diagnostic.severity,
        "field": str(key[0]) if key else "",
    }
