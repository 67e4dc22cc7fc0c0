"""``zhuanbao site``: a static HTML archive that opens from disk or any web server.

An index by series and year, a page per issue with its items and links to
the .docx and .pdf, and a search page that works offline: the index is a
JavaScript file (browsers refuse to fetch() JSON from file://), searched by
substring, so two-character terms such as 低保 are found like any other.
Text and query are folded alike (NFKC, then case), so ＡＰＰ, ⼈ or ① in a
text are found by app, 人 or 1, and the printed characters are marked.

Everything on the pages comes from the catalogue, which is a file anyone
with the folder can edit, so it is treated as untrusted: every field is
escaped for where it goes (HTML text, a quoted attribute, a URL's path
segments, a JavaScript literal that no ``</script>`` can end), and a page
is written only under a name made of checked parts (plain names, no
separators or ``..``) that stays inside the output folder; a row that fails
is left out with a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..cn import cn_iso
from ..diagnostics import Diagnostic, Location, OutputError, os_reason
from .catalogue import Catalogue
from .layout import CATALOGUE

SITE_DIR = "site"

CSS = """\
:root { --red: #c00000; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46em; padding: 1em 1.2em 3em; line-height: 1.8; color: #222;
  font-family: "FangSong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 18px; }
h1, h2, h3 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; line-height: 1.4; }
h1 { color: var(--red); text-align: center; border-bottom: 3px double var(--red); padding-bottom: .4em; }
a { color: #1a4f9c; }
nav { font-size: .9em; margin-bottom: 1em; }
.section { margin-top: 1.6em; color: var(--red); }
.item p { text-indent: 2em; margin: .3em 0; text-align: justify; }
.item .title { font-weight: bold; }
.source { color: #555; font-size: .9em; }
.meta { text-align: center; color: #555; }
ul.issues { list-style: none; padding: 0; }
ul.issues li { padding: .3em 0; border-bottom: 1px solid #eee; }
input[type=search] { width: 100%; font-size: 1.1em; padding: .5em; }
mark { background: #ffe08a; }
.hit { padding: .6em 0; border-bottom: 1px solid #eee; }
@media (max-width: 600px) { body { font-size: 17px; padding: .6em .8em 2em; } }
"""


SEARCH_JS = """\
(function () {
  var box = document.getElementById('q');
  var out = document.getElementById('results');
  var ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  // The one fold of the index and the query, as zhuanbao search folds: NFKC, then case
  // (upper then lower, as close to Python's casefold as JavaScript gets: ß finds SS).
  function fold(s) { return String(s).normalize('NFKC').toUpperCase().toLowerCase(); }
  // characters fold() leaves as they are (as in catalogue.py), and combining marks
  var STABLE = /[\\u0000-\\u0040\\u005b-\\u007f\\u00b7\\u2014\\u2018-\\u201d\\u3001-\\u3011\\u3014-\\u301f\\u3400-\\u4dbf\\u4e00-\\u9fff]/;
  var MARK = /[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\u3099\\u309a\\ufe20-\\ufe2f]/;
  function folded(text) {
    // text folded piece by piece (a character with its combining marks), and for each
    // folded code unit the span [from, to) of the printed text it came from
    var parts = [], from = [], to = [], i = 0;
    while (i < text.length) {
      var code = text.charCodeAt(i), j = i + ((code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) ? 2 : 1);
      while (j < text.length && MARK.test(text.charAt(j))) { j++; }
      var piece = (j === i + 1 && STABLE.test(text.charAt(i))) ? text.charAt(i) : fold(text.slice(i, j));
      for (var k = 0; k < piece.length; k++) { from.push(i); to.push(j); }
      parts.push(piece);
      i = j;
    }
    return {text: parts.join(''), from: from, to: to};
  }
  function marked(text, terms) {
    // which printed characters a term covers: found in the folded text, marked on the printed one
    var map = folded(text), hit = [];
    terms.forEach(function (t) {
      for (var i = map.text.indexOf(t); i >= 0; i = map.text.indexOf(t, i + 1)) {
        for (var k = map.from[i]; k < map.to[i + t.length - 1]; k++) { hit[k] = true; }
      }
    });
    return hit;
  }
  function render(text, hit, start, end) {
    // marked on the plain text, then escaped: a term never matches inside <mark> or &amp;
    var html = '', open = false;
    for (var j = start; j < end; j++) {
      if (!!hit[j] !== open) { open = !open; html += open ? '<mark>' : '</mark>'; }
      html += esc(text.charAt(j));
    }
    return html + (open ? '</mark>' : '');
  }
  SEARCH_INDEX.forEach(function (it) { it.hay = fold(it.title) + '\\n' + fold(it.text); });
  function run() {
    var terms = fold(box.value).trim().split(/\\s+/).filter(Boolean);  // ＡＰＰ finds APP, 1 finds ①
    if (!terms.length) { out.innerHTML = ''; return; }
    var hits = SEARCH_INDEX.filter(function (it) {
      return terms.every(function (t) { return it.hay.indexOf(t) >= 0; });
    });
    out.innerHTML = '<p>找到 ' + hits.length + ' 条</p>' + hits.map(function (it) {
      var text = String(it.text), hit = marked(text, terms), first = hit.indexOf(true);
      var at = Math.max(0, first - 20), end = Math.min(text.length, at + 80);
      return '<div class="hit"><a href="' + esc(it.url) + '">' + esc(it.issue) + ' · ' + esc(it.section) + ' · ' +
        esc(it.title || '（无标题）') + '</a><br>' + (at ? '…' : '') + render(text, hit, at, end) + '</div>';
    }).join('');
  }
  box.addEventListener('input', run);
  var q = new URLSearchParams(location.search).get('q');
  if (q) { box.value = q; }
  run();
})();
"""


_DRIVE = re.compile(r"[A-Za-z]:")


def plain_name(name) -> bool:
    """A name that is one path segment: text, not empty, . or .., with no separator,
    NUL or drive letter, so joined to a folder it stays in that folder."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in "/\\\0")
        and not _DRIVE.match(name)
    )


def script_json(value) -> str:
    """``value`` as a JavaScript literal no text can break out of: JSON with < > & and
    the line separators U+2028/2029 escaped, so ``</script>`` or ``<!--`` in a title stays text."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


# in a path segment as it is: unreserved ASCII and printable non-ASCII (an IRI keeps 工作专报 legible)
_URL_UNSAFE = re.compile("[^A-Za-z0-9._~\\-\u00a0-\U0010ffff]|[\u2028\u2029\ud800-\udfff]")


def _url(*segments: str) -> str:
    """A relative URL of path segments, every ASCII character but letters, digits and
    ``-._~`` percent-encoded: no scheme (``javascript:``), ``?``, ``#``, quote or
    separator can come of a name."""
    return "/".join(
        _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe="", errors="surrogatepass"), segment) for segment in segments
    )


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="{up}style.css"></head><body>'
        f'<nav><a href="{up}index.html">全部期刊</a> · <a href="{up}search.html">检索</a></nav>\n{body}\n</body></html>\n'
    )


def _link(target: Path, start: Path) -> str:
    """The href from a page in ``start`` to ``target``: relative, so the site and
    the archive can be copied together; an absolute file URI when they are on
    different drives (the site on D:, the archive on the file server), where
    no relative path exists."""
    try:
        relative = os.path.relpath(target, start)
    except ValueError:  # Windows: path is on mount 'D:', start on mount '\\\\server\\share'
        return target.resolve().as_uri()
    return _url(*Path(relative).as_posix().split("/"))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked(issue: dict) -> str | None:
    """What is wrong with an issue row of the catalogue for the site, or None; fills in empty item fields."""
    for key in ("series", "name", "date", "series_key", "folder", "path"):
        if not isinstance(issue[key], str):
            return f"{key} 不是文本"
    for key in ("year", "number", "version"):
        if not _is_int(issue[key]):
            return f"{key} 不是整数"
    if issue["total"] is not None and not _is_int(issue["total"]):
        return "total 不是整数"
    try:
        dt.date(*(int(part) for part in issue["date"].split("-")))
    except (TypeError, ValueError):
        return f"日期“{issue['date']}”不是“年-月-日”"
    if not plain_name(issue["series_key"]) or not plain_name(issue["folder"]):
        return "刊物或期的文件夹名不是单纯的名字（含 /、\\、..、盘符或为空）"
    if not all(plain_name(part) for part in issue["path"].split("/")):
        return f"版本路径“{issue['path']}”不是归档中的文件夹"
    documents = issue["documents"]
    if not isinstance(documents, list) or not all(plain_name(d) for d in documents):
        return "文档列表不是单纯的文件名"
    for item in issue["items"]:
        for key, value in item.items():
            item[key] = "" if value is None else str(value)
    return None


def build_site(archive: Path, outdir: Path | None = None, warnings: list[Diagnostic] | None = None) -> Path:
    """Write the static site (default ``archive/site``); returns its index.html.
    What was left out (a damaged version, an untrustworthy catalogue row) is added to ``warnings``."""
    outdir = outdir or archive / SITE_DIR
    warnings = [] if warnings is None else warnings
    with Catalogue(archive) as catalogue:  # (re)built from the files if missing or damaged
        issues = catalogue.issues()
        warnings.extend(catalogue.warnings)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        root = outdir.resolve()
    except OSError as exc:
        raise OutputError(f"无法写入网站文件夹：{os_reason(exc)}", outdir) from None
    _write(outdir / "style.css", CSS)
    index: list[str] = ["<h1>专报归档</h1>"]
    search_index = []
    by_series: dict[str, dict[int, list[dict]]] = {}
    for issue in issues:
        problem = _checked(issue)
        target = None
        if problem is None:
            target = outdir / "issues" / issue["series_key"] / f"{issue['folder']}.html"
            if not target.resolve().is_relative_to(root):  # a link inside the site folder pointing out of it
                problem = "其网页会写到网站文件夹之外"
        if problem is not None:
            warnings.append(_skipped(archive, issue, problem))
            continue
        issue["target"] = target
        by_series.setdefault(issue["series"], {}).setdefault(issue["year"], []).append(issue)
    for series, years in by_series.items():
        index.append(f"<h2>{escape(series)}</h2>")
        for year in sorted(years, reverse=True):
            index.append(f'<h3>{escape(str(year))}年</h3><ul class="issues">')
            for issue in sorted(years[year], key=lambda i: i["number"], reverse=True):
                url = _url("issues", issue["series_key"], f"{issue['folder']}.html")
                index.append(
                    f'<li><a href="{_attr(url)}">{escape(issue["name"])}</a>'
                    f"（{escape(cn_iso(issue['date']))}，{len(issue['items'])}篇）</li>"
                )
                _issue_page(archive, issue["target"], issue)
                for position, item in enumerate(issue["items"]):
                    search_index.append({"issue": issue["name"], "section": item["section"], "title": item["title"],
                                         "text": item["text"], "url": f"{url}#item{position + 1}"})  # fmt: skip
            index.append("</ul>")
    _write(outdir / "index.html", _page("专报归档", "\n".join(index)))
    _write(outdir / "search-index.js", f"var SEARCH_INDEX = {script_json(search_index)};\n")
    _write(outdir / "search.js", SEARCH_JS)
    body = (
        '<h1>检索</h1><input type="search" id="q" placeholder="输入词语，如：低保、敬老院（多个词用空格分开）" autofocus>'
        '<div id="results"></div><script src="search-index.js"></script><script src="search.js"></script>'
    )
    _write(outdir / "search.html", _page("检索 · 专报归档", body))
    return outdir / "index.html"


def _skipped(archive: Path, issue: dict, problem: str) -> Diagnostic:
    name = issue.get("name")
    what = f"“{name}”" if isinstance(name, str) and name else f"第 {issue.get('id')} 行"
    return Diagnostic(f"检索目录中的一期{what}{problem}，网站中未列出（运行 zhuanbao reindex 可按归档文件重建检索目录）",
                      Location(archive / CATALOGUE), severity="warning", rule="site")  # fmt: skip


def _write(path: Path, text: str) -> None:
    """Whole or not at all: someone may be reading the site from the shared drive."""
    from ..fsio import write_atomic

    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"无法写入网站文件：{os_reason(exc)}", path) from None


def _issue_page(archive: Path, target: Path, issue: dict) -> None:
    version = archive.joinpath(*issue["path"].split("/"))
    links = " · ".join(
        f'<a href="{_attr(_link(version / name, target.parent))}">{escape(name)}</a>'
        for name in issue["documents"]
    )
    total = f"（总第{issue['total']}期）" if issue["total"] else ""
    meta = f"{issue['year']}年第{issue['number']}期{total} · {cn_iso(issue['date'])} · 第{issue['version']}版"
    body = [
        f"<h1>{escape(issue['series'])}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        f'<p class="meta">下载：{links}</p>',
    ]
    section = None
    for position, item in enumerate(issue["items"], start=1):
        if item["section"] != section:
            section = item["section"]
            body.append(f'<h2 class="section">【{escape(section)}】</h2>')
        paragraphs = item["text"].split("\n")
        title = f'<span class="title">{escape(item["title"])}。</span>' if item["title"] else ""
        html = [f"<p>{title}{escape(paragraphs[0])}</p>"] + [f"<p>{escape(p)}</p>" for p in paragraphs[1:]]
        source = f'<p class="source">[{escape(item["source"])}供稿]</p>' if item["source"] else ""
        body.append(f'<div class="item" id="item{position}">{"".join(html)}{source}</div>')
    _write(target, _page(issue["name"], "\n".join(body), depth=2))
