"""``zhuanbao site``: a static HTML archive that opens from disk or any web server.

An index by series and year, a page per issue with its items and links to
the .docx and .pdf, and a search page that works offline: the index is a
JavaScript file (browsers refuse to fetch() JSON from file://), searched by
substring, so two-character terms such as 低保 are found like any other.
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path

from ..cn import cn_iso
from ..diagnostics import OutputError, os_reason
from .catalogue import Catalogue

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
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function mark(text, terms) {
    // marked on the plain text, then escaped: a term never matches inside <mark> or &amp;
    var hit = [];
    terms.forEach(function (t) {
      var lower = text.toLowerCase(), term = t.toLowerCase();  // APP found by app, as in zhuanbao search
      for (var i = lower.indexOf(term); i >= 0; i = lower.indexOf(term, i + 1)) {
        for (var k = i; k < i + t.length; k++) { hit[k] = true; }
      }
    });
    var html = '', open = false;
    for (var j = 0; j < text.length; j++) {
      if (!!hit[j] !== open) { open = !open; html += open ? '<mark>' : '</mark>'; }
      html += esc(text.charAt(j));
    }
    return html + (open ? '</mark>' : '');
  }
  function run() {
    var terms = box.value.normalize('NFKC').trim().split(/\\s+/).filter(Boolean);  // ＡＰＰ finds APP
    if (!terms.length) { out.innerHTML = ''; return; }
    var hits = SEARCH_INDEX.filter(function (it) {
      var hay = (it.title + '\\n' + it.text).toLowerCase();
      return terms.every(function (t) { return hay.indexOf(t.toLowerCase()) >= 0; });
    });
    out.innerHTML = '<p>找到 ' + hits.length + ' 条</p>' + hits.map(function (it) {
      var at = Math.max(0, it.text.toLowerCase().indexOf(terms[0].toLowerCase()) - 20);
      var passage = (at ? '…' : '') + it.text.substr(at, 80);
      return '<div class="hit"><a href="' + it.url + '">' + esc(it.issue) + ' · ' + esc(it.section) + ' · ' +
        esc(it.title || '（无标题）') + '</a><br>' + mark(passage, terms) + '</div>';
    }).join('');
  }
  box.addEventListener('input', run);
  var q = new URLSearchParams(location.search).get('q');
  if (q) { box.value = q; }
  run();
})();
"""


def _page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><link rel=\"stylesheet\" href=\"{up}style.css\"></head><body>"
        f'<nav><a href="{up}index.html">全部期刊</a> · <a href="{up}search.html">检索</a></nav>\n{body}\n</body></html>\n'
    )


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def build_site(archive: Path, outdir: Path | None = None) -> Path:
    """Write the static site (default ``archive/site``); returns its index.html."""
    outdir = outdir or archive / SITE_DIR
    with Catalogue(archive) as catalogue:  # (re)built from the files if missing or damaged
        issues = catalogue.issues()
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入网站文件夹：{os_reason(exc)}", outdir) from None
    (outdir / "style.css").write_text(CSS, "utf-8")
    index: list[str] = ["<h1>专报归档</h1>"]
    search_index = []
    by_series: dict[str, dict[int, list[dict]]] = {}
    for issue in issues:
        by_series.setdefault(issue["series"], {}).setdefault(issue["year"], []).append(issue)
    for series, years in by_series.items():
        index.append(f"<h2>{escape(series)}</h2>")
        for year in sorted(years, reverse=True):
            index.append(f"<h3>{year}年</h3><ul class=\"issues\">")
            for issue in sorted(years[year], key=lambda i: i["number"], reverse=True):
                page = Path("issues") / issue["series_key"] / f"{issue['folder']}.html"
                index.append(
                    f'<li><a href="{page.as_posix()}">{escape(issue["name"])}</a>'
                    f'（{cn_iso(issue["date"])}，{len(issue["items"])}篇）</li>'
                )
                _issue_page(archive, outdir, page, issue)
                for position, item in enumerate(issue["items"]):
                    search_index.append({"issue": issue["name"], "section": item["section"], "title": item["title"],
                                         "text": item["text"], "url": f"{page.as_posix()}#item{position + 1}"})  # fmt: skip
            index.append("</ul>")
    (outdir / "index.html").write_text(_page("专报归档", "\n".join(index)), "utf-8")
    data = json.dumps(search_index, ensure_ascii=False, separators=(",", ":"))
    (outdir / "search-index.js").write_text(f"var SEARCH_INDEX = {data};\n", "utf-8")
    (outdir / "search.js").write_text(SEARCH_JS, "utf-8")
    body = (
        '<h1>检索</h1><input type="search" id="q" placeholder="输入词语，如：低保、敬老院（多个词用空格分开）" autofocus>'
        '<div id="results"></div><script src="search-index.js"></script><script src="search.js"></script>'
    )
    (outdir / "search.html").write_text(_page("检索 · 专报归档", body), "utf-8")
    return outdir / "index.html"


def _issue_page(archive: Path, outdir: Path, page: Path, issue: dict) -> None:
    target = outdir / page
    target.parent.mkdir(parents=True, exist_ok=True)
    version = archive / issue["path"]
    links = " · ".join(
        f'<a href="{escape(_rel(version / name, target.parent))}">{escape(name)}</a>' for name in issue["documents"]
    )
    total = f"（总第{issue['total']}期）" if issue["total"] else ""
    body = [
        f"<h1>{escape(issue['series'])}</h1>",
        f'<p class="meta">{issue["year"]}年第{issue["number"]}期{total} · {cn_iso(issue["date"])} · 第{issue["version"]}版</p>',
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
    target.write_text(_page(issue["name"], "\n".join(body), depth=len(page.parts) - 1), "utf-8")
