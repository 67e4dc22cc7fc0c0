"""The content model: what series.yaml, issue.yaml and an item's front matter may hold.

One pydantic model per file kind, each field documented, unknown keys
forbidden. :func:`validate` turns pydantic's errors into Chinese messages that
point at the line in the user's file, with a "did you mean" for typos.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .errors import ContentError, UserError
from .load.yamlfile import YamlDoc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "a count, not true/false")
    return value


# A count (number, total, copies, order, decimals, a sheet's index). YAML reads
# `number: yes` as true, which pydantic would quietly take as 1; "8" in quotes
# is still accepted.
Count = Annotated[int, BeforeValidator(_not_bool)]


def _no_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("不能为空")
    return value.strip() if value is not None else None


def _off(value: Any) -> Any:
    return "off" if value is False else value  # YAML reads an unquoted off as false


Severity = Annotated[Literal["error", "warning", "off"], BeforeValidator(_off)]


class LintConfig(_Strict):
    """series.yaml ``lint:``: how strict ``zhuanbao check`` is for this series."""

    rules: dict[str, Severity] = Field(default_factory=dict, description="规则 → error / warning / off")
    require_source: list[str] = Field(default_factory=list, description="这些栏目的稿件必须写 source")
    required_sections: list[str] = Field(default_factory=list, description="这些栏目每期必须有稿件")
    range_dash: Literal["—", "至", "-"] = Field("—", description="数字范围的写法：1—7月、1至7月，或允许 1-7月")


class Series(_Strict):
    """series.yaml: what every issue of the bulletin shares."""

    title: str = Field(description="报头中的刊物名称，如“工作专报”")
    program: str | None = Field(None, description="报头中与刊名同列的工作名称（可选）")
    issuer: str = Field(description="编发单位，印在报头日期左侧")
    sections: list[str] = Field(min_length=1, description="栏目，按固定顺序；无稿件的栏目不印")
    distribution: dict[str, list[str]] = Field(default_factory=dict, description="报尾发送范围：标签 → 单位列表")
    contact: dict[str, str] = Field(default_factory=dict, description="联系方式（可选），印在报尾")
    copies: Count | None = Field(None, ge=1, description="印数（可选），印为（共印N份）")
    marks: list[str] = Field(default_factory=list, description="报头左上角标注（可选），如 内部资料、注意保存")
    signoff: dict[str, str] = Field(default_factory=dict, description="签发、审核、编辑等署名（可选）")
    templates: str | None = Field(None, description="本刊模板文件夹（可选），相对 series.yaml 所在文件夹")
    lint: LintConfig = Field(default_factory=LintConfig, description="检查规则设置（可选）")
    archive: str | None = Field(None, description="归档文件夹（可选），相对 series.yaml；默认为刊物文件夹旁的 archive/")

    _blank_title = field_validator("title", "issuer", "program")(_no_blank)

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in sections:
            if not name.strip():
                raise ValueError("栏目名称不能为空")
            if name in seen:
                raise ValueError(f"栏目“{name}”重复")
            seen.add(name)
        return sections


ANNEX = "附件"


class TableSpec(_Strict):
    """One indicator table declared in issue.yaml under ``tables:``."""

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="表的代号，稿件中用 tables.代号 引用")
    file: str = Field(description="数据文件（.csv 或 .xlsx），相对本期文件夹")
    sheet: str | Count | None = Field(None, description="Excel 工作表名称或序号（从 0 起），默认第一个")
    title: str = Field(description="表题")
    section: str = Field(description="放在哪个栏目之后，或“附件”")
    target: str | None = Field(None, description="目标数所在列")
    actual: str | None = Field(None, description="完成数所在列")
    rank: bool = Field(False, description="是否按完成率排名")
    as_of: dt.date | None = Field(None, description="统计截止日期：据此计算时间进度，低于时间进度的行为“滞后”")
    chart: Literal["bar"] | None = Field(None, description="完成率柱状图")
    decimals: Count = Field(1, ge=0, le=4, description="百分比的小数位数")
    note: str | None = Field(None, description="表下注释")
    total: bool = Field(True, description="单位一致时是否加“合计”行")

    @model_validator(mode="after")
    def _pair(self) -> TableSpec:
        if (self.actual is None) != (self.target is None):
            raise ValueError("target 和 actual 要同时写（目标数列和完成数列）")
        if self.target is None and (self.rank or self.as_of or self.chart):
            raise ValueError("rank、as_of、chart 要按完成率计算，须同时写 target 和 actual")
        return self


class Issue(_Strict):
    """issue.yaml: this issue's number and date, plus optional overrides of series fields."""

    number: Count = Field(ge=1, description="本年第几期（每年从1开始）")
    date: dt.date = Field(description="印发日期，如 2023-05-24")
    total: Count | None = Field(None, ge=1, description="总期号（可选），印为（总第N期）")
    program: str | None = Field(None, description="覆盖 series.yaml 的 program")
    issuer: str | None = Field(None, description="覆盖 series.yaml 的 issuer")
    distribution: dict[str, list[str]] | None = Field(None, description="覆盖整个发送范围")
    extra_distribution: dict[str, list[str]] = Field(
        default_factory=dict, description="在发送范围上追加：标签 → 追加的单位（新标签排在最后）"
    )
    contact: dict[str, str] | None = Field(None, description="覆盖联系方式")
    copies: Count | None = Field(None, ge=1, description="覆盖印数")
    marks: list[str] | None = Field(None, description="覆盖报头标注")
    signoff: dict[str, str] | None = Field(None, description="覆盖署名")
    tables: list[TableSpec] = Field(default_factory=list, description="指标表")

    _blank = field_validator("issuer", "program")(_no_blank)

    @field_validator("tables")
    @classmethod
    def _unique_tables(cls, tables: list[TableSpec]) -> list[TableSpec]:
        seen: set[str] = set()
        for table in tables:
            if table.id in seen:
                raise ValueError(f"表的代号“{table.id}”重复")
            seen.add(table.id)
        return tables


class ItemMeta(_Strict):
    """An item's front matter."""

    section: str = Field(description="所属栏目，须是 series.yaml 中 sections 之一")
    title: str | None = Field(None, description="标题（可选：无标题稿件也可以）")
    source: str | None = Field(None, description="供稿单位（可选），印为[XX供稿]")
    order: Count | None = Field(None, description="栏目内排序（可选），默认按文件名")

    _blank = field_validator("title", "source", "section")(_no_blank)


M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "int": "整数",
    "string": "文字",
    "list": "列表（[a, b] 或每行一个“- 项”）",
    "dict": "“键: 值”的映射",
    "model": "“键: 值”的设置（写了键却没写内容？）",
    "date": "日期（如 2023-05-24）",
    "bool": "是/否（true/false）",
}


def _field_label(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    if info is not None and info.description:
        return f"“{name}”（{info.description.split('，')[0].split('（')[0]}）"
    return f"“{name}”"


def _loc_part(part: Any) -> str:
    return f"第{part + 1}项" if isinstance(part, int) else str(part)


def _owner(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The (nested) model whose field the last part of ``loc`` names, e.g. TableSpec for tables.0.tittle."""
    for part in loc[:-1]:
        info = model.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            continue  # a list index
        candidates = [info.annotation, *get_args(info.annotation)]
        sub = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if sub is None:
            break
        model = sub
    return model


def _shown(value: Any) -> str:
    """A value as the user typed it in YAML (true, not Python's True; [报, 送], not ['报', '送'])."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_shown(k)}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _message(model: type[BaseModel], error: dict[str, Any], data: Any) -> tuple[str, str | None]:
    loc = error["loc"]
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    top = str(loc[0]) if loc else ""
    label = _field_label(model, top) if len(loc) == 1 else f"“{'.'.join(_loc_part(p) for p in loc)}”"
    value = error.get("input")
    owner = _owner(model, tuple(loc))
    if kind == "missing":
        return f"缺少必填项 {_field_label(owner, name)}", None
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields)
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"是否想写“{guess[0]}”？" if guess else f"可用的键：{', '.join(allowed)}"
        return f"未知的键“{name}”", hint
    if kind == "string_pattern_mismatch" and name == "id":
        return f"{label}只能由英文字母、数字和下划线组成，且不以数字开头，现在是“{value}”", None
    if kind == "string_pattern_mismatch" and name == "color":
        return f"{label}应为六位十六进制颜色，如 FF0000，现在是“{value}”", None
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace(" or ", ", ").replace("'", "").replace(", ", "、")
        shown = "空的" if value is None else f"“{_shown(value)}”"
        return f"{label}应为 {expected} 之一，现在是{shown}", None
    if kind == "union_type":
        return f"{label}应为{'或'.join(error['type_names'])}，现在是“{_shown(value)}”", None
    for prefix, type_name in _TYPE_NAMES.items():
        if kind.startswith(prefix + "_") or kind == prefix + "_type":
            shown = "空" if value is None else f"“{_shown(value)}”"
            # YAML reads yes/no/on/off as true/false: say why "yes" shows as "true"
            hint = "YAML 把 yes、no、on、off、true、false 读作真假值；要写成文字请加引号，如 'yes'" if isinstance(
                value, bool) else None  # fmt: skip
            return f"{label}应为{type_name}，现在是{shown}", hint
    if kind == "greater_than_equal":
        return f"{label}应不小于 {error['ctx']['ge']}，现在是“{value}”", None
    if kind == "less_than_equal":
        return f"{label}应不大于 {error['ctx']['le']}，现在是“{value}”", None
    if kind == "too_short":
        return f"{label}不能为空", None
    if kind == "value_error":
        where = f"{label}：" if loc else ""
        return f"{where}{error['ctx']['error']}", None
    return f"{label}：{error['msg']}", None


# pydantic reports a value that fits no member of a union (``str | Count``) once
# per member, with the member's name appended to the location: "str", "int",
# or "function-before[_not_bool(), int]" for an annotated member.
_UNION_MEMBER = re.compile(r"^(?:function-\w+\[.*, )?(str|int|bool|date)\]?$")
_UNION_TYPES = {"str": "string", "int": "int", "bool": "bool", "date": "date"}


def _merge_union_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One "应为文字或整数" error instead of one per union member."""
    merged: list[dict[str, Any]] = []
    by_loc: dict[tuple[Any, ...], dict[str, Any]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        member = _UNION_MEMBER.match(loc[-1]) if loc and isinstance(loc[-1], str) else None
        if member and error["type"].endswith("_type"):
            name = _TYPE_NAMES[_UNION_TYPES[member.group(1)]]
            if loc[:-1] in by_loc:
                by_loc[loc[:-1]]["type_names"].append(name)
                continue
            error = {**error, "loc": loc[:-1], "type": "union_type", "type_names": [name]}
            by_loc[loc[:-1]] = error
        merged.append(error)
    return merged


def validate(model: type[M], doc: YamlDoc, what: str) -> M:
    """Validate a YAML document against ``model``; every problem is reported at once."""
    data = doc.data
    if data is None:
        raise doc.error(f"{what}是空的")
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else f"一个值“{_shown(data)}”"
        raise doc.error(f"{what}应是“键: 值”的映射，而不是{kind}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: list[UserError] = []
        for error in _merge_union_errors(exc.errors()):
            message, hint = _message(model, error, data)
            errors.append(doc.error(message, error["loc"], hint))
        from .errors import raise_all

        raise_all(errors)
        raise  # pragma: no cover - raise_all always raises for a non-empty list


@dataclass
class Item:
    """One news item: its front matter, Markdown body and where it came from."""

    path: Path
    meta: ItemMeta
    body: str
    body_line: int
    meta_doc: YamlDoc

    @property
    def sort_key(self) -> tuple[int, str]:
        order = self.meta.order if self.meta.order is not None else 10**9
        return (order, self.path.name)


@dataclass
class Edition:
    """One issue with the series' fields resolved: everything a template needs."""

    series_dir: Path
    issue_dir: Path
    series: Series
    issue: Issue
    items: list[Item]
    distribution: list[tuple[str, list[str]]] = field(default_factory=list)
    #: computed indicator tables (zhuanbao.indicators.Indicator), in issue.yaml order
    indicators: list = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.issue.date.year

    def setting(self, name: str) -> Any:
        """An issue-level override if present, else the series' value."""
        value = getattr(self.issue, name, None)
        return value if value is not None else getattr(self.series, name)

    @property
    def name(self) -> str:
        """The name people use for this issue, e.g. 工作专报2023年第8期."""
        return f"{self.series.title}{self.year}年第{self.issue.number}期"


def resolve_distribution(series: Series, issue: Issue) -> list[tuple[str, list[str]]]:
    """The issue's distribution list: the series', replaced or extended by the issue."""
    base = issue.distribution if issue.distribution is not None else series.distribution
    merged = {label: list(names) for label, names in base.items()}
    for label, names in issue.extra_distribution.items():
        merged.setdefault(label, [])
        merged[label].extend(n for n in names if n not in merged[label])
    return [(label, names) for label, names in merged.items() if names]


def check_section(item_doc: YamlDoc, meta: ItemMeta, series: Series) -> ContentError | None:
    """An error if the item names a section the series does not have."""
    if meta.section in series.sections:
        return None
    guess = difflib.get_close_matches(meta.section, series.sections, n=1, cutoff=0.3)
    hint = f"是否想写“{guess[0]}”？" if guess else None
    return item_doc.error(
        f"栏目“{meta.section}”不在 series.yaml 的 sections 中（{'、'.join(series.sections)}）",
        ("section",),
        hint,
    )
