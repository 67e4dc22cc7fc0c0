"""The style sheet (templates/style.yaml): every layout number in one place.

The sheet is user-editable, so it is validated like content (unknown keys are
errors with a suggestion) and lengths are written the way typesetters say them:
``37mm``, ``16pt``, ``2ch`` (characters of the style's own size), ``1line``
(the page's line pitch), and Chinese font sizes (三号, 小二).

Everything is resolved here into points, so the writer never parses units.
Reading the file is the loader's part (``load/templates.py``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import TemplateError
from .located import YamlDoc

MM = 72 / 25.4  # points per millimetre

#: Chinese type sizes (字号) in points, as Word and WPS define them.
CN_SIZES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
    "六号": 7.5, "小六": 6.5, "七号": 5.5, "八号": 5,
}  # fmt: skip

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|pt|ch|line|cm)?\s*$")


class _Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class Border(_Sheet):
    """A rule drawn by a paragraph or table border."""

    style: Literal["single", "double", "thickThin", "thinThick", "thick"] = "single"
    width: str = Field("0.75pt", description="线宽")
    color: str = Field("000000", pattern=r"^[0-9A-Fa-f]{6}$")
    space: str = Field("0pt", description="线与文字的距离")


class Page(_Sheet):
    width: str = "210mm"
    height: str = "297mm"
    margin_top: str = "37mm"
    margin_bottom: str = "35mm"
    margin_left: str = "28mm"
    margin_right: str = "26mm"
    lines: int = Field(22, ge=1, description="每页行数")
    chars: int = Field(28, ge=1, description="每行字数")
    footer: str = Field("21mm", description="页脚底边距纸张下边缘")


class Font(_Sheet):
    east_asia: str
    latin: str = "Times New Roman"


class ParagraphStyle(_Sheet):
    name: str
    base: str | None = None
    font: str | None = None
    size: str | None = None
    bold: bool | None = None
    color: str | None = Field(None, pattern=r"^[0-9A-Fa-f]{6}$")
    line: str | None = None
    space_before: str | None = None
    space_after: str | None = None
    indent_first: str | None = None
    indent_left: str | None = None
    indent_right: str | None = None
    align: Literal["left", "center", "right", "justify", "distribute"] | None = None
    letter_spacing: str | None = None
    grid: bool | None = None
    fit: bool | None = None
    keep_next: bool | None = None
    keep_previous: bool | None = Field(None, description="与上一段（或表格末行）同页")
    widow_chars: int | None = Field(None, ge=0, description="末行不超过这么多字时不单独排在页首")
    tab_right: bool | None = None
    border_top: Border | None = None
    border_bottom: Border | None = None


class CharacterStyle(_Sheet):
    name: str
    font: str | None = None
    size: str | None = None
    bold: bool | None = None
    color: str | None = Field(None, pattern=r"^[0-9A-Fa-f]{6}$")


class TableStyle(_Sheet):
    name: str
    position: Literal["inline", "bottom"] = "inline"
    border_top: Border | None = None
    border_bottom: Border | None = None
    border_inside: Border | None = None
    border_vertical: Border | None = None
    border_sides: Border | None = None
    cell_margin: str = Field("0pt", description="单元格左右留白")
    shrink_to: str | None = Field(None, description="列多、放不下时表中文字最小可缩到的字号")
    keep_rows: int = Field(0, ge=0, description="表格跨页时，表头后和表尾各至少连排几行")


class Folio(_Sheet):
    format: str = "— {page} —"
    odd: str = "folio-odd"
    even: str = "folio-even"


class Pictures(_Sheet):
    """How the pictures of items are printed (the defaults are templates/style.yaml's, so that an office's own
    older style.yaml without this part prints pictures alike)."""

    max_height: str = Field("120mm", description="图片最高多少（宽不超过版心）")
    dpi: int = Field(300, ge=72, le=1200, description="图片按印出的大小保留多少 dpi，多余的像素去掉")
    jpeg_quality: int = Field(85, ge=30, le=95, description="照片重新压缩为 JPEG 时的质量")


class SheetModel(_Sheet):
    page: Page = Page()
    fonts: dict[str, Font]
    paragraph: dict[str, ParagraphStyle]
    character: dict[str, CharacterStyle] = {}
    table: dict[str, TableStyle] = {}
    folio: Folio = Folio()
    pictures: Pictures = Pictures()


# --- resolved form -----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    style: str
    width: float  # pt
    color: str
    space: float  # pt


@dataclass(frozen=True)
class ParaFormat:
    """A paragraph style with every length in points and inheritance applied."""

    id: str
    name: str
    east_asia: str
    latin: str
    size: float
    bold: bool
    color: str | None
    line: float
    space_before: float
    space_after: float
    indent_first: float
    indent_left: float
    indent_right: float
    align: str
    letter_spacing: float
    fit: bool
    keep_next: bool
    tab_right: bool
    border_top: Rule | None
    border_bottom: Rule | None
    #: kept on the page of the block before it (a table's note, a credit on a line of its own)
    keep_previous: bool = False
    #: a last line of at most this many characters is never alone at the top of a page (0: no rule)
    widow_chars: int = 0


@dataclass(frozen=True)
class CharFormat:
    id: str
    name: str
    east_asia: str | None
    latin: str | None
    size: float | None
    bold: bool | None
    color: str | None


@dataclass(frozen=True)
class TableFormat:
    id: str
    name: str
    position: str
    border_top: Rule | None
    border_bottom: Rule | None
    border_inside: Rule | None
    border_vertical: Rule | None
    border_sides: Rule | None
    cell_margin: float
    shrink_to: float | None = None  # smallest text size a too-wide table may be set in
    keep_rows: int = 0  # rows kept together after the header and at the end when the table breaks


@dataclass(frozen=True)
class PageFormat:
    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    footer: float
    line_pitch: float
    chars: int

    @property
    def text_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def text_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom


@dataclass(frozen=True)
class PictureFormat:
    max_height: float  # pt
    dpi: int
    jpeg_quality: int


@dataclass(frozen=True)
class StyleSheet:
    """The resolved style sheet the writer works from."""

    path: Path
    page: PageFormat
    paragraphs: dict[str, ParaFormat]
    characters: dict[str, CharFormat]
    tables: dict[str, TableFormat]
    folio_format: str
    folio_odd: str
    folio_even: str
    pictures: PictureFormat = PictureFormat(120 * MM, 300, 85)


#: Word's largest font size.
MAX_SIZE = 1638.0


def _find(data, value: str, key: tuple = ()) -> tuple | None:
    """The key under which ``value`` is written, to put an error on its line."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return key if str(data) == str(value) else None
    for name, child in items:
        found = _find(child, value, key + (name,))
        if found is not None:
            return found
    return None


#: the paragraph styles of items' pictures and of a table's unit line, for a style.yaml copied before they
#: existed: made from its body style as templates/style.yaml makes them (仿宋 小四, no indent), so they print alike
_ADDED_STYLES = {
    "picture": ParagraphStyle(name="专报图片", base="body", size="小四", line="auto", space_before="0.5line",
                              space_after="3pt", indent_first="0pt", indent_left="0pt", indent_right="0pt",
                              align="center", grid=False, widow_chars=0),
    "picture-caption": ParagraphStyle(name="专报图片说明", base="body", size="小四", line="18pt", space_before="0pt",
                                      space_after="0.5line", indent_first="0pt", indent_left="0pt",
                                      indent_right="0pt", align="center", grid=False, widow_chars=0),
    "table-unit": ParagraphStyle(name="专报表格单位", base="body", size="小四", line="18pt", space_before="0pt",
                                 space_after="0pt", indent_first="0pt", indent_left="0pt", indent_right="0pt",
                                 align="right", grid=False, widow_chars=0, keep_next=True),
}  # fmt: skip


class _Resolver:
    def __init__(self, sheet: SheetModel, path: Path, doc=None) -> None:
        self.sheet = sheet
        self.path = path
        self.doc = doc
        self.pitch = 0.0
        self.within: tuple = ()  # the part of style.yaml being resolved: ("paragraph", "body")

    def fail(self, message: str, value: str | None = None, key: tuple | None = None) -> TemplateError:
        """An error at ``key``, or where ``value`` is written (in the part being resolved, else anywhere)."""
        line = column = None
        if self.doc is not None:
            node = self.doc.data
            for part in self.within:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            if key is None:
                key = self.within if value is None else _find(node, value, self.within) or _find(self.doc.data, value)
            if key:
                line, column = self.doc.where(key)
        return TemplateError(message, self.path, line, column, key=tuple(key or ()))

    def size(self, text: str, where: str) -> float:
        if text in CN_SIZES:
            return float(CN_SIZES[text])
        size = self.length(text, where, em=None, positive=True)
        if size > MAX_SIZE:
            raise self.fail(f"{where}：字号“{text}”超过 Word 的上限 {MAX_SIZE:g}pt", text)
        return size

    def length(self, text: str, where: str, em: float | None, positive: bool = False) -> float:
        match = _LENGTH.match(str(text))
        if not match:
            hint = "（字号还可写 三号、小四 等）" if "号" in str(text) else ""
            raise self.fail(f"{where}：无法识别的长度“{text}”（应写如 37mm、16pt、2ch、1line）{hint}", text)
        if match.group(2) is None and float(match.group(1)) != 0:
            raise self.fail(f"{where}：“{text}”缺少单位（应写如 {text}mm 或 {text}pt）", text)
        if positive and float(match.group(1)) <= 0:
            raise self.fail(f"{where}：“{text}”应大于 0", text)
        value, unit = float(match.group(1)), match.group(2) or "pt"
        if unit == "mm":
            return value * MM
        if unit == "cm":
            return value * 10 * MM
        if unit == "pt":
            return value
        if unit == "line":
            return value * self.pitch
        if em is None:
            raise self.fail(f"{where}：此处不能用“ch”作单位")
        return value * em

    def font(self, alias: str, where: str) -> Font:
        try:
            return self.sheet.fonts[alias]
        except KeyError:
            raise self.fail(f"{where}：字体“{alias}”没有在 fonts 中定义（已定义：{'、'.join(self.sheet.fonts)}）", alias) from None

    def rule(self, border: Border | None, where: str) -> Rule | None:
        if border is None:
            return None
        return Rule(
            border.style,
            self.length(border.width, where, None),
            border.color.upper(),
            self.length(border.space, where, None),
        )

    def merged(self, style_id: str, seen: tuple[str, ...] = ()) -> dict:
        styles = self.sheet.paragraph
        if style_id in seen:
            raise self.fail(f"段落样式 {style_id} 的 base 形成了循环", style_id)
        style = styles[style_id]
        values = {}
        if style.base is not None:
            if style.base not in styles:
                raise self.fail(f"段落样式 {style_id}：base“{style.base}”不存在", style.base)
            values = self.merged(style.base, seen + (style_id,))
        values.update({k: v for k, v in style.model_dump(exclude_unset=True).items() if v is not None})
        for key in ("border_top", "border_bottom"):
            if getattr(style, key) is not None:
                values[key] = getattr(style, key)
        values["name"] = style.name
        return values

    def paragraph(self, style_id: str) -> ParaFormat:
        self.within = ("paragraph", style_id)
        v = self.merged(style_id)
        where = f"段落样式 {style_id}"
        if "font" not in v or "size" not in v or "line" not in v:
            missing = [k for k in ("font", "size", "line") if k not in v]
            raise self.fail(f"{where}：缺少 {'、'.join(missing)}")
        font = self.font(v["font"], where)
        size = self.size(v["size"], where)
        spacing = self.length(v.get("letter_spacing", "0pt"), where, size)
        if v.get("grid"):
            # GB/T 9704: 28 characters a line. Condense each character so that
            # exactly `chars` fit the text width, rounded down to Word's 1/20 pt.
            pitch = self.page.text_width / self.page.chars
            if pitch < size * 0.75:
                raise self.fail(f"page.chars 为 {self.page.chars}：每行 {self.page.chars} 个 {v['size']} 的字排不下"
                                f"（每字只有 {pitch:.1f}pt）", key=("page", "chars"))  # fmt: skip
            spacing = math.floor((pitch - size) * 20) / 20
        return ParaFormat(
            id=style_id,
            name=v["name"],
            east_asia=font.east_asia,
            latin=font.latin,
            size=size,
            bold=bool(v.get("bold", False)),
            color=v.get("color"),
            # "auto": single spacing that grows with its content (a picture's paragraph)
            line=0.0 if v["line"] == "auto" else self.length(v["line"], where, size),
            space_before=self.length(v.get("space_before", "0pt"), where, size),
            space_after=self.length(v.get("space_after", "0pt"), where, size),
            indent_first=self.length(v.get("indent_first", "0pt"), where, size + spacing),
            indent_left=self.length(v.get("indent_left", "0pt"), where, size + spacing),
            indent_right=self.length(v.get("indent_right", "0pt"), where, size + spacing),
            align=v.get("align", "left"),
            letter_spacing=spacing,
            fit=bool(v.get("fit", False)),
            keep_next=bool(v.get("keep_next", False)),
            tab_right=bool(v.get("tab_right", False)),
            border_top=self.rule(v.get("border_top"), where),
            border_bottom=self.rule(v.get("border_bottom"), where),
            keep_previous=bool(v.get("keep_previous", False)),
            widow_chars=int(v.get("widow_chars") or 0),
        )

    def character(self, style_id: str, style: CharacterStyle) -> CharFormat:
        self.within = ("character", style_id)
        where = f"字符样式 {style_id}"
        font = self.font(style.font, where) if style.font else None
        return CharFormat(
            id=style_id,
            name=style.name,
            east_asia=font.east_asia if font else None,
            latin=font.latin if font else None,
            size=self.size(style.size, where) if style.size else None,
            bold=style.bold,
            color=style.color,
        )

    def resolve(self) -> StyleSheet:
        p = self.sheet.page
        where = "page"
        self.within = ("page",)
        height = self.length(p.height, where, None, positive=True)
        width = self.length(p.width, where, None, positive=True)
        margins = [self.length(m, where, None) for m in (p.margin_top, p.margin_bottom, p.margin_left, p.margin_right)]
        for text, value in zip((p.margin_top, p.margin_bottom, p.margin_left, p.margin_right), margins):
            if value < 0:
                raise self.fail(f"page：页边距“{text}”不能是负数", text)
        margin_top, margin_bottom = margins[0], margins[1]
        text_height = height - margin_top - margin_bottom
        if text_height < 72 or width - margins[2] - margins[3] < 72:  # less than an inch of text block
            raise self.fail("page：页边距太大，纸上剩下的版心不到 1 英寸")
        # Word stores line spacing in twips: round the pitch down so that
        # `lines` lines always fit the text block.
        self.pitch = math.floor(text_height / p.lines * 20) / 20
        self.page = PageFormat(
            width=width,
            height=height,
            margin_top=margin_top,
            margin_bottom=margin_bottom,
            margin_left=margins[2],
            margin_right=margins[3],
            footer=self.length(p.footer, where, None),
            line_pitch=self.pitch,
            chars=p.chars,
        )
        missing = {sid: style for sid, style in _ADDED_STYLES.items() if sid not in self.sheet.paragraph}
        if missing and "body" in self.sheet.paragraph:
            self.sheet = self.sheet.model_copy(update={"paragraph": {**self.sheet.paragraph, **missing}})
        paragraphs = {sid: self.paragraph(sid) for sid in self.sheet.paragraph}
        characters = {sid: self.character(sid, s) for sid, s in self.sheet.character.items()}
        self.within = ("table",)
        tables = {
            sid: TableFormat(
                sid,
                s.name,
                s.position,
                self.rule(s.border_top, sid),
                self.rule(s.border_bottom, sid),
                self.rule(s.border_inside, sid),
                self.rule(s.border_vertical, sid),
                self.rule(s.border_sides, sid),
                self.length(s.cell_margin, sid, None),
                self.size(s.shrink_to, sid) if s.shrink_to else None,
                s.keep_rows,
            )
            for sid, s in self.sheet.table.items()
        }
        folio = self.sheet.folio
        self.within = ("folio",)
        for name, role in (("odd", folio.odd), ("even", folio.even)):
            if role not in paragraphs:
                raise self.fail(f"folio：段落样式“{role}”不存在", key=("folio", name))
        if "{page}" not in folio.format:
            raise self.fail("folio.format 中应含有 {page}", key=("folio", "format"))
        shown = self.sheet.pictures
        self.within = ("pictures",)
        pictures = PictureFormat(self.length(shown.max_height, "pictures", None, positive=True), shown.dpi,
                                 shown.jpeg_quality)  # fmt: skip
        return StyleSheet(self.path, self.page, paragraphs, characters, tables, folio.format, folio.odd, folio.even,
                          pictures)  # fmt: skip


def resolve(sheet: SheetModel, doc: YamlDoc) -> StyleSheet:
    """The validated style.yaml ``sheet`` (read from ``doc``) with every unit
    resolved to points and every inheritance applied; errors at their line."""
    return _Resolver(sheet, doc.path, doc).resolve()
