"""Rendering: an Edition through the Jinja templates into a document tree.

Templates decide the bulletin's words and order (masthead lines, section
headings, item forms, distribution block); the style sheet decides the look.
Both come from a template folder: the user's (``templates:`` in series.yaml
or ``--templates``), with the default templates filling in any file the
user's folder does not have, so an office can override just one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..doctree import Document
from ..errors import ContentError, TemplateError, raise_all
from ..markdown import Block, to_blocks
from ..model import Edition, Item
from ..style import StyleSheet, load_style_sheet
from .filters import FILTERS
from .markup import parse_markup
from .messages import explain

MAIN_TEMPLATE = "bulletin.xml.j2"
STYLE_FILE = "style.yaml"


def default_template_dir() -> Path:
    """The shipped templates: inside the installed package, or the repository's."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class TemplateSet:
    """The template folders in lookup order, and the style sheet they give."""

    dirs: tuple[Path, ...]
    sheet: StyleSheet

    @property
    def main(self) -> Path:
        for directory in self.dirs:
            if (directory / MAIN_TEMPLATE).is_file():
                return directory / MAIN_TEMPLATE
        return self.dirs[-1] / MAIN_TEMPLATE


def template_set(user_dir: Path | None) -> TemplateSet:
    """Resolve the template folders; ``user_dir`` first when given."""
    dirs: list[Path] = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise TemplateError("这是一个文件，不是模板文件夹" if user_dir.exists() else "模板文件夹不存在", user_dir)
        _check_template_folder(user_dir)
        dirs.append(user_dir.resolve())
    default = default_template_dir()
    if default not in dirs:
        dirs.append(default)
    style = next((d / STYLE_FILE for d in dirs if (d / STYLE_FILE).is_file()), None)
    if style is None:
        raise TemplateError(f"找不到样式表 {STYLE_FILE}", dirs[0])
    return TemplateSet(tuple(dirs), _cached_sheet(style, style.stat().st_mtime_ns))


def _check_template_folder(folder: Path) -> None:
    """A template folder zhuanbao would take nothing from is a mistake, not the defaults."""
    names = {p.name for p in folder.iterdir() if p.is_file()}
    if STYLE_FILE not in names:
        near = sorted(n for n in names if n.lower().startswith("style.") and n != STYLE_FILE)
        if near:
            raise TemplateError(f"样式表应命名为 {STYLE_FILE}，这里是“{near[0]}”，不会被读取", folder / near[0])
    if not names & ({STYLE_FILE} | {p.name for p in default_template_dir().iterdir()}) and not any(
        n.endswith(".j2") for n in names
    ):
        raise TemplateError(
            "模板文件夹中没有 zhuanbao 认识的文件（style.yaml、*.xml.j2），会全部用默认模板", folder,
            hint="先把默认模板整个复制过来再修改：cp -r templates 我的模板",
        )  # fmt: skip


@lru_cache(maxsize=8)
def _cached_sheet(path: Path, mtime: int) -> StyleSheet:
    return load_style_sheet(path)


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]):
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from .cache import bytecode_cache

    class OfficeFileLoader(FileSystemLoader):
        """Templates saved by Notepad or WPS: UTF-8, GBK or UTF-16, read like every other file."""

        def get_source(self, environment, template):
            import os

            from jinja2.loaders import split_template_path

            from ..load.text import read_text

            for folder in self.searchpath:
                path = Path(folder, *split_template_path(template))
                if path.is_file():
                    mtime = os.path.getmtime(path)
                    return read_text(path), str(path), lambda: path.is_file() and os.path.getmtime(path) == mtime
            return super().get_source(environment, template)  # raises TemplateNotFound

    env = SandboxedEnvironment(
        loader=ChoiceLoader([OfficeFileLoader(str(d)) for d in dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=1)
def _body_environment():
    """Item bodies are templates too (data-driven sentences), in a sandbox:
    an item can quote figures but cannot reach Python internals."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def render_body(item: Item, data: dict) -> str:
    """The item's Markdown with ``{{ … }}`` filled in from the issue's data."""
    if "{{" not in item.body and "{%" not in item.body and "{#" not in item.body:
        return item.body
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError

    env = _body_environment()
    try:
        return env.from_string(item.body).render(data)
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
    import difflib
    import re

    found = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
    if not found or str(exc).startswith("'None'"):  # an empty value: no spelling to suggest
        return None
    name = found.group(1) or found.group(2)
    tables = list(data.get("tables", {}))
    # without tables, a table's fields (count, rows …) are no spelling to suggest
    known = [*data, *tables, *(TABLE_NAMES if tables else []), "number", "date", "year", "total", "name", "issuer",
             "program"]  # fmt: skip
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if guess and guess[0] != "tables":
        return f"是否想写“{guess[0]}”？"
    return f"本期的表：{'、'.join(tables)}" if tables else "本期的 issue.yaml 中没有 tables（指标表）"


@dataclass(frozen=True)
class ItemView:
    """What templates see of an item."""

    title: str | None
    source: str | None
    section: str
    blocks: list[Block]
    file: str


def _item_view(item: Item, data: dict) -> ItemView:
    return ItemView(
        title=item.meta.title,
        source=item.meta.source,
        section=item.meta.section,
        blocks=to_blocks(render_body(item, data), item.body_line),
        file=item.path.name,
    )


def context(edition: Edition) -> dict:
    """The variables every template can use (documented in docs/templates.md)."""
    from ..model import ANNEX

    series = edition.series
    data = item_data(edition)
    sections = []
    errors = []
    views = {}
    for item in edition.items:
        try:
            views[id(item)] = _item_view(item, data)
        except ContentError as exc:
            errors.append(exc)
    raise_all(errors)
    for name in series.sections:
        # an item whose body prints nothing (its {% if %} sentence does not apply
        # this month) is left out whole, title and [供稿] too; so is an emptied section
        items = [views[id(i)] for i in edition.items if i.meta.section == name and views[id(i)].blocks]
        tables = [t for t in edition.indicators if t.section == name]
        if items or tables:
            sections.append({"name": name, "items": items, "tables": tables})
    annexes = [t for t in edition.indicators if t.section == ANNEX]
    return {
        **data,
        "sections": sections,
        "annexes": annexes,
        "distribution": edition.distribution,
    }


def item_texts(edition: Edition) -> list[dict]:
    """Each item's section, title, source and plain text as printed (figures filled in)."""
    data = item_data(edition)
    out = []
    order = {name: index for index, name in enumerate(edition.series.sections)}
    for item in sorted(edition.items, key=lambda i: order.get(i.meta.section, len(order))):
        view = _item_view(item, data)
        if not view.blocks:  # not printed: not archived, searched or counted in 供稿统计
            continue
        text = "\n".join(block.text for block in view.blocks)
        out.append({"file": view.file, "section": view.section, "title": view.title or "",
                    "source": view.source or "", "text": text})  # fmt: skip
    return out


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


def _add_template_images(blocks: list, media: dict[str, bytes], templates: TemplateSet) -> None:
    """Pictures a template names that are not charts — an office's logo — come
    from the template folders, as PNG; a name found nowhere is an error at the
    template line that wrote it."""
    from ..doctree import Paragraph, Table
    from .markup import _written_where

    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    paragraphs += [p for b in blocks if isinstance(b, Table) for r in b.rows for c in r.cells for p in c.paragraphs]
    for name in sorted({run.image for p in paragraphs for run in p.runs if run.image and run.image not in media}):
        plain = Path(name).name == name and not name.startswith(".")  # a file in the folder, not a path out of it
        found = next((d / name for d in templates.dirs if plain and (d / name).is_file()), None)
        try:
            data = found.read_bytes() if found is not None else b""
        except OSError as exc:
            raise TemplateError(f"<image name=“{name}”>：无法读取图片：{exc.strerror or exc}", found) from None
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            path, line = _written_where(templates.dirs, f'"{name}"') or (templates.main, None)
            what = "不是 PNG 图片" if found is not None else "在模板文件夹中找不到（图表名为 chart-表代号.png）"
            raise TemplateError(f"<image name=“{name}”>：{what}", path, line)
        media[name] = data


def render(edition: Edition, templates: TemplateSet) -> Document:
    """Render an edition into a document tree."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError

    env = _environment(templates.dirs)
    media = {}
    for indicator in edition.indicators:
        if indicator.spec.chart == "bar":
            from ..chart import bar_chart

            indicator.chart = f"chart-{indicator.id}.png"
            media[indicator.chart] = bar_chart(indicator)
    try:
        template = env.get_template(MAIN_TEMPLATE)
        text = template.render(context(edition))
    except TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else templates.main
        raise TemplateError(f"模板语法错误：{explain(exc)}", path, exc.lineno) from None
    except UndefinedError as exc:
        path, line = _template_location(exc, templates.main)
        raise TemplateError(f"模板使用了不存在的变量：{explain(exc)}", path, line) from None
    except (JinjaError, ArithmeticError, TypeError, ValueError) as exc:
        path, line = _template_location(exc, templates.main)
        raise TemplateError(f"模板出错：{explain(exc)}", path, line) from None
    except RecursionError:
        raise TemplateError("模板的 include 或宏互相调用，形成了循环", templates.main) from None
    blocks = parse_markup(text, templates.sheet, templates.main, {t.id: t for t in edition.indicators}, templates.dirs)
    _add_template_images(blocks, media, templates)
    return Document(
        blocks=blocks,
        title=edition.name,
        author=edition.setting("issuer"),
        date=edition.issue.date,
        keywords="、".join(edition.series.sections),
        media=media,
    )

