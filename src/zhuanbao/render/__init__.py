"""Rendering: an edition through its templates into a document tree.

Templates decide the bulletin's words and order (masthead lines, section
headings, item forms, distribution block); the style sheet decides the look.
Both arrive as one value read by the loader (``load/templates.py``): this
stage reads no file and changes nothing it is handed, so a document can be
rendered from values that were never saved (the studio's preview of a form).

:func:`render` is the whole stage; :class:`Renderer` is the same with the
templates compiled once, for a process that renders many issues or the same
issue many times (a series build, ``watch``, the studio).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ContentError, Location, TemplateError, raise_all, suggest
from ..doctree import Document, Origin, PrintedItem, PrintedTable, Table, plain
from ..load.templates import MAIN_TEMPLATE, Templates
from ..markdown import Block, to_blocks
from ..model import ANNEX, Edition, Item
from .filters import FILTERS
from .markup import parse_markup, written_where
from .messages import explain
from .sandbox import MAX_BODY_OUTPUT, MAX_TEMPLATE_OUTPUT, bound_filters, bounded_environment, render_bounded


def _environment(templates: Templates, cache_dir: str | None = None):
    """A sandboxed Jinja environment over the set's files as read (no file is opened here)."""
    from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound

    from .cache import bytecode_cache

    class SetLoader(BaseLoader):
        """Any file of the set by name (as FileSystemLoader would find it), decoded when first used."""

        def get_source(self, environment, template):
            text = templates.text(template)
            if text is None:
                raise TemplateNotFound(template)
            # the file's path as the compiled code's file name: a runtime error's
            # traceback then names the template and line the editor must open
            return text, str(templates.file(template).path), lambda: True

    env = bounded_environment(
        loader=SetLoader(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        bytecode_cache=bytecode_cache(cache_dir),
    )
    env.filters.update(FILTERS)
    env.filters = bound_filters(env.filters)
    return env


def _body_environment():
    """Item bodies are templates too (data-driven sentences), in a sandbox:
    an item can quote figures but cannot reach Python internals."""
    from jinja2 import StrictUndefined

    env = bounded_environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    env.filters = bound_filters(env.filters)
    return env


class Renderer:
    """A template set compiled for rendering; holds no state between editions but the charts it drew,
    by everything they show (drawing one is most of a warm rebuild: the studio's preview, ``watch``)."""

    def __init__(self, templates: Templates, cache_dir: str | None = None) -> None:
        """``cache_dir``: where compiled templates are kept between processes (Jinja's private temp folder by default)."""
        self.templates = templates
        self.cache_dir = cache_dir
        self._env = None
        self._body_env = None
        self._charts: dict[tuple, bytes] = {}
        self._pictures: dict[tuple, object] = {}  # prepared pictures by content and settings (zhuanbao.picture.Printed)

    @property
    def env(self):
        if self._env is None:
            self._env = _environment(self.templates, self.cache_dir)
        return self._env

    @property
    def body_env(self):
        if self._body_env is None:
            self._body_env = _body_environment()
        return self._body_env

    def context(self, edition: Edition, pictures: dict | None = None) -> dict:
        """The variables every template can use (documented in docs/templates.md); ``pictures``: see :func:`context`."""
        return context(edition, self.body_env, pictures)

    def render(self, edition: Edition) -> Document:
        """The edition as a document tree, with its pictures and its items' text as printed."""
        from jinja2 import TemplateError as JinjaError
        from jinja2 import TemplateSyntaxError, UndefinedError

        templates = self.templates
        placed, pictures = _place_pictures(edition, templates.sheet, self._pictures)
        context = self.context(edition, placed)
        try:
            text = render_bounded(self.env.get_template(MAIN_TEMPLATE), context, MAX_TEMPLATE_OUTPUT)
        except TemplateSyntaxError as exc:
            path = Path(exc.filename) if exc.filename else templates.main
            raise TemplateError(f"模板语法错误：{explain(exc)}", path, exc.lineno) from None
        except UndefinedError as exc:
            path, line = _template_location(exc, templates.main)
            raise TemplateError(f"模板使用了不存在的变量：{explain(exc)}", path, line) from None
        except (JinjaError, ArithmeticError, TypeError, ValueError) as exc:
            path, line = _template_location(exc, templates.main)
            raise TemplateError(f"模板出错：{explain(exc)}", path, line) from None
        tables = {t.id: t for t in edition.indicators} | _item_tables(context)
        blocks = parse_markup(text, templates.sheet, templates.main, tables, templates)
        blocks = [_with_origin(block, edition, templates) for block in blocks]
        media = _charts(edition, self._charts)
        used = _images_used(blocks)
        media.update((name, data) for name, data in pictures.items() if name in used)  # not those of an unprinted item
        media.update(_template_images(used, media, templates))
        return Document(
            blocks=blocks,
            title=edition.name,
            author=edition.setting("issuer"),
            date=edition.issue.date,
            keywords="、".join(edition.series.sections),
            media=media,
            items=_printed(edition, context),
            tables=printed_tables(context),
        )


def render(edition: Edition, templates: Templates) -> Document:
    """Render an edition into a document tree."""
    return Renderer(templates).render(edition)


def context(edition: Edition, body_env=None, pictures: dict | None = None) -> dict:
    """The variables every template can use. Rendering the item bodies here
    finds their data mistakes, which is what ``check`` asks of it. ``pictures``: each item's (by its path)
    pictures as placed in the document (see :func:`_place_pictures`); None when no document is made, the
    pictures then being blocks without markup."""
    data = item_data(edition)
    if body_env is None and any("{" in item.body for item in edition.items):
        body_env = _body_environment()
    errors, views = [], {}
    for item in edition.items:
        placed = None if pictures is None else pictures.get(item.path, {})
        try:
            views[id(item)] = _item_view(item, render_body(item, data, body_env), placed)
        except ContentError as exc:
            errors.append(exc)
    raise_all(errors)
    sections = []
    for name in edition.series.sections:
        # an item whose body prints nothing (its {% if %} sentence does not apply
        # this month) is left out whole, title and [供稿] too; so is an emptied section
        items = [views[id(i)] for i in edition.items if i.meta.section == name and views[id(i)].blocks]
        tables = [t for t in edition.indicators if t.section == name]
        if items or tables:
            sections.append({"name": name, "items": items, "tables": tables, "headline": name in edition.series.headline})
    annexes = [t for t in edition.indicators if t.section == ANNEX]
    return {**data, "sections": sections, "annexes": annexes, "distribution": edition.distribution}


def render_body(item: Item, data: dict, env=None) -> str:
    """The item's Markdown with ``{{ … }}`` filled in from the issue's data."""
    if "{{" not in item.body and "{%" not in item.body and "{#" not in item.body:
        return item.body
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError

    env = env or _body_environment()
    try:
        return render_bounded(env.from_string(item.body), data, MAX_BODY_OUTPUT)
    except TemplateSyntaxError as exc:
        line = item.body_line + (exc.lineno or 1) - 1
        raise ContentError(f"正文中的 {{{{ }}}} 写法有误：{explain(exc)}", item.path, line) from None
    except UndefinedError as exc:
        _, line = _template_location(exc, item.path, "<template>")
        at = item.body_line + line - 1 if line else item.body_line
        hint = _data_hint(exc, data)
        raise ContentError(f"正文引用了不存在的数据：{explain(exc)}", item.path, at, hint=hint) from None
    except (JinjaError, ArithmeticError, TypeError, ValueError) as exc:
        _, line = _template_location(exc, item.path, "<template>")
        at = item.body_line + line - 1 if line else item.body_line
        raise ContentError(f"正文中的 {{{{ }}}} 无法计算：{explain(exc)}", item.path, at) from None


# What an item can quote of a table (docs: README, 指标表).
TABLE_NAMES = ["count", "done", "lagging", "rows", "total", "as_of", "progress", "title"]


def _data_hint(exc: BaseException, data: dict) -> str | None:
    """"是否想写 count？" for tables.targets.cont, or the tables this issue has."""
    import re

    found = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
    if not found or str(exc).startswith("'None'"):  # an empty value: no spelling to suggest
        return None
    name = found.group(1) or found.group(2)
    tables = list(data.get("tables", {}))
    # a table's fields (count, rows …) are a spelling to suggest only where there are tables
    known = [*data, *tables, *(TABLE_NAMES if tables else []), "number", "date", "year", "total", "name", "issuer",
             "program"]  # fmt: skip
    guess = suggest(name, known)
    if guess and guess != suggest("tables", ["tables"]):  # "table.x" meant a table: list the tables instead
        return guess
    return f"本期的表：{'、'.join(tables)}" if tables else "本期的 issue.yaml 中没有 tables（指标表）"


@dataclass(frozen=True)
class ItemView:
    """What templates see of an item."""

    title: str | None
    source: str | None
    section: str
    blocks: list[Block]
    file: str


def _item_view(item: Item, body: str, pictures: dict | None = None) -> ItemView:
    return ItemView(
        title=item.meta.title,
        source=item.meta.source,
        section=item.meta.section,
        blocks=to_blocks(body, item.body_line, pictures=pictures, name=item.path.name),
        file=item.path.name,
    )


def _item_tables(context: dict) -> dict:
    """The tables in the items, by the id their template names them with (``<table data="{{ block.table.id }}">``,
    the item file and line: no indicator table's id has a colon)."""
    return {block.table.id: block.table for section in context["sections"] for view in section["items"]
            for block in view.blocks if block.table is not None}  # fmt: skip


def _printed(edition: Edition, context: dict) -> tuple[PrintedItem, ...]:
    """Each printed item's section, title, source and plain text (figures filled
    in), in the bulletin's order: what the archive indexes and counts."""
    return tuple(
        PrintedItem(view.file, view.section, view.title or "", view.source or "",
                    "\n".join(block.text for block in view.blocks))  # fmt: skip
        for section in context["sections"]
        for view in section["items"]
    )


def printed_tables(context: dict) -> tuple[PrintedTable, ...]:
    """Each indicator table as the shipped templates print it (a section's tables after its items, then
    the annexes, 附件1 …), its cells as printed text: what the archive indexes and its site shows."""
    from .. import cn

    placed = [(table, "") for section in context["sections"] for table in section["tables"]]
    placed += [(table, f"附件{number}") for number, table in enumerate(context["annexes"], start=1)]
    out = []
    for table, label in placed:
        if table.as_of:
            note = f"注：统计截至{cn.cn_date(table.as_of)}，时间进度{table.progress_text}。{table.note or ''}"
        else:
            note = f"注：{table.note}" if table.note else ""
        out.append(PrintedTable(table.id, table.section, label, table.title, table.unit or "",
                                tuple(plain(h) for h in table.header),
                                tuple(tuple(plain(cell.text) for cell in row) for row in table.cells),
                                note, table.chart or "", tuple(tuple(cell.align for cell in row) for row in table.cells)))  # fmt: skip
    return tuple(out)


def item_data(edition: Edition) -> dict:
    """What item bodies can quote: the series, the issue and the computed tables."""
    series, issue = edition.series, edition.issue
    return {
        "tables": {t.id: t for t in edition.indicators},
        "series": {
            "title": series.title,
            "program": edition.setting("program"),
            "issuer": edition.setting("issuer"),
            "marks": edition.setting("marks"),
            "copies": edition.setting("copies"),
            "contact": list(edition.setting("contact").items()),
            "signoff": list(edition.setting("signoff").items()),
        },
        "issue": {
            "number": issue.number,
            "total": issue.total,
            "date": issue.date,
            "year": issue.date.year,
            "name": edition.name,
        },
    }


def _template_location(exc: BaseException, fallback: Path, suffix: str = ".j2") -> tuple[Path, int | None]:
    """The template file and line a Jinja runtime error came from."""
    tb = exc.__traceback__
    found: tuple[Path, int | None] = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(suffix):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _with_origin(block, edition: Edition, templates: Templates):
    """A table pinned to the foot of the page (the 版记) is made of the
    distribution lists: if it cannot fit, the writer names the file they came from."""
    if not isinstance(block, Table):
        return block
    fmt = templates.sheet.tables.get(block.style)
    if fmt is None or fmt.position != "bottom":
        return block
    overridden = edition.issue.distribution is not None or bool(edition.issue.extra_distribution)
    path = edition.issue_dir / "issue.yaml" if overridden else edition.series_dir / "series.yaml"
    from dataclasses import replace

    origin = Origin(Location(path), "报尾（报、送、发等）", "请合并发送范围（如写“各区县（市）人民政府”），或把名单作为附件。")
    return replace(block, origin=origin)


def _charts(edition: Edition, drawn: dict[tuple, bytes]) -> dict[str, bytes]:
    """The edition's charts by name; ``drawn`` keeps the last few drawn, so an unchanged table is not drawn again."""
    media = {}
    for indicator in edition.indicators:
        if indicator.chart:
            from ..chart import bar_chart, chart_key

            key = chart_key(indicator)
            if key not in drawn:
                if len(drawn) >= 8:
                    drawn.pop(next(iter(drawn)))
                drawn[key] = bar_chart(indicator)
            media[indicator.chart] = drawn[key]
    return media


#: prepared pictures a renderer keeps (a warm rebuild of the studio's preview does not scale its photos again)
KEPT_PICTURES = 32


def _place_pictures(edition: Edition, sheet, kept: dict) -> tuple[dict, dict[str, bytes]]:
    """Each item's pictures (by the item's path: {path as written: (media name, printed width)}) and their
    bytes by media name, scaled and compressed for print (zhuanbao.picture); ``kept`` holds those prepared
    before, by content and settings. A picture that is missing or cannot be decoded is not placed: the item
    prints without it, and ``check`` says so at its line."""
    if not any(item.pictures for item in edition.items):
        return {}, {}
    import hashlib

    from ..picture import PictureError, prepare

    own = sheet.paragraphs.get("picture")
    width = sheet.page.text_width - (own.indent_left + own.indent_right if own is not None else 0.0)
    placed: dict = {}
    media: dict[str, bytes] = {}
    for item in edition.items:
        mine = placed[item.path] = {}
        for picture in item.pictures:
            if picture.data is None:
                continue
            key = (hashlib.sha256(picture.data).digest(), width, sheet.pictures)
            if key not in kept:
                if len(kept) >= KEPT_PICTURES:
                    kept.pop(next(iter(kept)))
                try:
                    kept[key] = prepare(picture.data, width, sheet.pictures)
                except PictureError:
                    kept[key] = None
            printed = kept[key]
            if printed is not None:
                mine[picture.src] = (printed.name, printed.width)
                media[printed.name] = printed.data
    return placed, media


def _images_used(blocks: list) -> set[str]:
    """The media names the document's paragraphs (table cells' included) show."""
    from ..doctree import Paragraph

    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    paragraphs += [p for b in blocks if isinstance(b, Table) for r in b.rows for c in r.cells for p in c.paragraphs]
    return {run.image for p in paragraphs for run in p.runs if run.image}


def _template_images(used: set[str], media: dict[str, bytes], templates: Templates) -> dict[str, bytes]:
    """Pictures a template names that are not charts — an office's logo — come
    from the template folders, as PNG; a name found nowhere is an error at the
    template line that wrote it."""
    found: dict[str, bytes] = {}
    for name in sorted(used - set(media)):
        plain = Path(name).name == name and not name.startswith(".")  # a file in the folder, not a path out of it
        file = templates.file(name) if plain else None
        if file is not None and file.data is None:
            raise TemplateError(f"<image name=“{name}”>：无法读取图片：{file.problem}", file.path)
        if file is None or not file.data.startswith(b"\x89PNG\r\n\x1a\n"):
            path, line = written_where(templates, f'"{name}"') or (templates.main, None)
            what = "不是 PNG 图片" if file is not None else "在模板文件夹中找不到（图表名为 chart-表代号.png）"
            raise TemplateError(f"<image name=“{name}”>：{what}", path, line)
        found[name] = file.data
    return found
