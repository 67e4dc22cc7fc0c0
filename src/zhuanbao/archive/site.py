"""``zhuanbao site``: a static HTML archive that opens from disk or any web server.

An index by series and year under the series' own masthead (its program line
and title, as series.yaml gives them), a page per issue with its items, its
indicator tables and charts as printed and links to the .docx and .pdf, and a
search page that works offline: the index is a
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
from .catalogue import Catalogue, row_text
from .layout import CATALOGUE, CHARTS

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
h1 .program { display: block; font-size: .75em; }
.pdf { font-weight: bold; }
.data { margin: 1.2em 0; }
.data .table-title { text-align: center; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; margin: .3em 0; }
.data .table-unit { text-align: right; font-size: .85em; margin: 0; }
.data .annex { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; margin: 1.6em 0 .3em; }
.data .scroll { overflow-x: auto; }
.data table { border-collapse: collapse; width: 100%; font-size: .8em; line-height: 1.5; }
.data th, .data td { border: 1px solid #444; padding: .15em .4em; }
.data th { font-weight: bold; text-align: center; }
.data .left { text-align: left; } .data .center { text-align: center; } .data .right { text-align: right; }
.data .table-note { font-size: .85em; margin: .3em 0; }
.data img { display: block; max-width: 100%; margin: .6em auto; }
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
    issue["program"] = "" if issue.get("program") is None else str(issue["program"])
    for item in issue["items"]:
        for key, value in item.items():
            item[key] = "" if value is None else str(value)
    for table in issue.get("tables", []):  # (header, rows, align: lists, [] when not JSON)
        for key in ("section", "label", "title", "unit", "note", "chart"):
            table[key] = "" if table[key] is None else str(table[key])
        table["header"] = [str(cell) for cell in table["header"]]
        table["rows"] = [[str(cell) for cell in row] for row in table["rows"] if isinstance(row, list)]
        if not plain_name(table["chart"]):
            table["chart"] = ""
    return None


def masthead(issue: dict) -> str:
    """The series' name as its masthead prints it: the program line, then the title."""
    program = f'<span class="program">{escape(issue["program"])}</span>' if issue["program"] else ""
    return f"{program}{escape(issue['series'])}"


def _pdf(issue: dict) -> str | None:
    """The issue's PDF as archived (publish made one, or it was archived as the issued document), if any."""
    return next((name for name in issue["documents"] if name.lower().endswith(".pdf")), None)


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
    index: list[str] = []
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
    title = "、".join(by_series) or "归档"  # the series' own titles: the site is theirs
    for series, years in by_series.items():
        newest = max((i for issues_of_year in years.values() for i in issues_of_year), key=lambda i: i["date"])
        count = sum(len(issues_of_year) for issues_of_year in years.values())
        if len(by_series) == 1:
            index.append(f'<h1>{masthead(newest)}</h1><p class="meta">归档 · 共{count}期</p>')
        else:
            index.append(f'<h2>{masthead(newest)}</h2><p class="meta">共{count}期</p>')
        for year in sorted(years, reverse=True):
            index.append(f'<h3>{escape(str(year))}年</h3><ul class="issues">')
            for issue in sorted(years[year], key=lambda i: i["number"], reverse=True):
                url = _url("issues", issue["series_key"], f"{issue['folder']}.html")
                version = archive.joinpath(*issue["path"].split("/"))
                pdf = _pdf(issue)
                pdf_link = (f' · <a class="pdf" href="{_attr(_link(version / pdf, outdir))}">PDF</a>' if pdf else "")
                tables = f"，{len(issue['tables'])}个表" if issue.get("tables") else ""
                index.append(
                    f'<li><a href="{_attr(url)}">{escape(issue["name"])}</a>'
                    f"（{escape(cn_iso(issue['date']))}，{len(issue['items'])}篇{tables}）{pdf_link}</li>"
                )
                _issue_page(archive, issue["target"], issue)
                for position, item in enumerate(issue["items"]):
                    search_index.append({"issue": issue["name"], "section": item["section"], "title": item["title"],
                                         "text": item["text"], "url": f"{url}#item{position + 1}"})  # fmt: skip
                for position, table in enumerate(issue.get("tables", [])):
                    lines = [row_text(table["header"], row) for row in table["rows"]]
                    search_index.append({"issue": issue["name"], "section": table["label"] or table["section"],
                                         "title": f"表：{table['title']}", "url": f"{url}#table{position + 1}",
                                         "text": "\n".join(line for line in (table["unit"], *lines, table["note"]) if line)})  # fmt: skip
            index.append("</ul>")
    if not by_series:
        index.append('<h1>归档</h1><p class="meta">归档中还没有发布过任何一期。</p>')
    _write(outdir / "index.html", _page(f"{title} · 归档", "\n".join(index)))
    _write(outdir / "search-index.js", f"var SEARCH_INDEX = {script_json(search_index)};\n")
    _write(outdir / "search.js", SEARCH_JS)
    body = (
        '<h1>检索</h1><input type="search" id="q" placeholder="输入词语，如：低保、敬老院（多个词用空格分开）" autofocus>'
        '<div id="results"></div><script src="search-index.js"></script><script src="search.js"></script>'
    )
    _write(outdir / "search.html", _page(f"检索 · {title}", body))
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
    pdf = _pdf(issue)
    body = [
        f"<h1>{masthead(issue)}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        f'<p class="meta">下载：{links}</p>',
    ]
    if pdf:
        body.append(f'<p class="meta"><a class="pdf" href="{_attr(_link(version / pdf, target.parent))}">'
                    f"查看印发的 PDF（与打印的版面相同）</a></p>")  # fmt: skip
    tables = list(enumerate(issue.get("tables", []), start=1))
    in_sections = [(n, t) for n, t in tables if not t["label"]]
    for section in _sections([i["section"] for i in issue["items"]], [t["section"] for _, t in in_sections]):
        body.append(f'<h2 class="section">【{escape(section)}】</h2>')
        for position, item in enumerate(issue["items"], start=1):
            if item["section"] == section:
                body.append(_item_html(position, item))
        body += [_table_html(n, t, version, target) for n, t in in_sections if t["section"] == section]
    body += [_table_html(n, t, version, target) for n, t in tables if t["label"]]  # 附件1 … after the body
    _write(target, _page(issue["name"], "\n".join(body), depth=2))


def _sections(of_items: list[str], of_tables: list[str]) -> list[str]:
    """The issue's sections in printed order, from the sections of its items and of its tables (each in
    printed order); a section holding only tables goes before the next section with items."""
    items, tables = list(dict.fromkeys(of_items)), list(dict.fromkeys(of_tables))
    out: list[str] = []
    while items or tables:
        if items and tables and items[0] == tables[0]:
            out.append(items.pop(0))
            tables.pop(0)
        elif tables and (not items or tables[0] not in items):
            out.append(tables.pop(0))
        else:
            out.append(items.pop(0))
    return out


def _item_html(position: int, item: dict) -> str:
    paragraphs = item["text"].split("\n")
    title = f'<span class="title">{escape(item["title"])}。</span>' if item["title"] else ""
    html = [f"<p>{title}{escape(paragraphs[0])}</p>"] + [f"<p>{escape(p)}</p>" for p in paragraphs[1:]]
    source = f'<p class="source">[{escape(item["source"])}供稿]</p>' if item["source"] else ""
    return f'<div class="item" id="item{position}">{"".join(html)}{source}</div>'


def _table_html(position: int, table: dict, version: Path, page: Path) -> str:
    """An indicator table as the bulletin prints it: label (附件1), title, unit, header, rows aligned as
    printed, note, chart."""
    html = [f'<div class="data" id="table{position}">']
    if table["label"]:
        html.append(f'<p class="annex">{escape(table["label"])}</p>')
    html.append(f'<p class="table-title">{escape(table["title"])}</p>')
    if table["unit"]:
        html.append(f'<p class="table-unit">{escape(table["unit"])}</p>')
    html.append('<div class="scroll"><table><thead><tr>')
    html += [f'<th scope="col">{escape(cell)}</th>' for cell in table["header"]]
    html.append("</tr></thead><tbody>")
    aligns = table.get("align") or []
    for number, row in enumerate(table["rows"]):
        align = aligns[number] if number < len(aligns) and isinstance(aligns[number], list) else []
        cells = [f'<td class="{_align(align, k)}">{escape(cell)}</td>' for k, cell in enumerate(row)]
        html.append(f"<tr>{''.join(cells)}</tr>")
    html.append("</tbody></table></div>")
    if table["note"]:
        html.append(f'<p class="table-note">{escape(table["note"])}</p>')
    chart = version / CHARTS / table["chart"] if table["chart"] else None
    if chart is not None and chart.is_file() and not chart.is_symlink():
        html.append(f'<img src="{_attr(_link(chart, page.parent))}" alt="{_attr(table["title"])}（完成率图）">')
    html.append("</div>")
    return "".join(html)


def _align(aligns: list, column: int) -> str:
    """A cell's alignment as printed (a class name: only the three known), left when not recorded."""
    value = aligns[column] if column < len(aligns) else "left"
    return value if value in ("left", "center", "right") else "left"
