"""Validating what a YAML file holds against its model, with Chinese messages at the right line.

pydantic says "Input should be a valid integer" at ``('tables', 0, 'decimals')``;
an editor needs "“tables.第1项.decimals”应为整数，现在是“两位”" at line 7 of
issue.yaml, all the problems of a file at once, and a "did you mean" for a
misspelt key. The same machinery serves the content files (series.yaml,
issue.yaml, front matter) and the style sheet.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from ..diagnostics import UserError, raise_all, suggest
from ..located import YamlDoc

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
        hint = suggest(name, allowed) or f"可用的键：{', '.join(allowed)}"
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
        raise_all(errors)
        raise  # pragma: no cover - raise_all always raises for a non-empty list
