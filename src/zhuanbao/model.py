"""The content model: what series.yaml, issue.yaml and an item's front matter may hold.

One pydantic model per file kind, each field documented, unknown keys
forbidden, and the values the loader makes of them (:class:`Item`,
:class:`Edition`). Validating a file against these and saying what is wrong in
Chinese at the right line is the loader's part (``load/validate.py``): the
model knows nothing of files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .cn import issue_name
from .diagnostics import suggest
from .fsio import safe_name
from .located import YamlDoc


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


ANNEX = "附件"  # where a table may go instead of a section: after the body, each on a page of its own

#: how far an item went after it was printed, lowest first (供稿统计 scores each): every published item was
#: 被采用; the other two are recorded beside the archived issue (zhuanbao.archive.uptake)
LEVELS = ("被采用", "被上级刊物采用", "领导批示")
#: points per item at each level when series.yaml has no ``contribution_weights`` (or leaves a level out)
DEFAULT_WEIGHTS = {"被采用": Decimal(1), "被上级刊物采用": Decimal(3), "领导批示": Decimal(5)}
MAX_WEIGHT = Decimal(1000)


def _weight(value: Any) -> Decimal:
    """A level's points: a number of at most two decimals (0.5, 3), as an assessment scheme writes it."""
    if isinstance(value, bool):
        raise ValueError(f"应是一个数，如 3 或 0.5，现在是 {str(value).lower()}（YAML 把 yes、no 读作真假值）")
    if not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("应是一个数，如 3 或 0.5")
    try:
        weight = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"应是一个数，如 3 或 0.5，现在是“{value}”") from None
    if not weight.is_finite() or weight < 0 or weight > MAX_WEIGHT:
        raise ValueError(f"应在 0 到 {MAX_WEIGHT} 之间，现在是“{value}”")
    if weight != weight.quantize(Decimal("0.01")):
        raise ValueError(f"最多两位小数，现在是“{value}”")
    return weight


Weight = Annotated[Decimal, BeforeValidator(_weight)]


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
    headline_sections: list[str] | None = Field(
        None, description="用“标题式”排的栏目（标题单独成行居中）；其余栏目标题作首句接排。默认：重要新闻"
    )
    distribution: dict[str, list[str]] = Field(default_factory=dict, description="报尾发送范围：标签 → 单位列表")
    contact: dict[str, str] = Field(default_factory=dict, description="联系方式（可选），印在报尾")
    copies: Count | None = Field(None, ge=1, description="印数（可选），印为（共印N份）")
    marks: list[str] = Field(default_factory=list, description="报头左上角标注（可选），如 内部资料、注意保存")
    signoff: dict[str, str] = Field(default_factory=dict, description="签发、审核、编辑等署名（可选）")
    templates: str | None = Field(None, description="本刊模板文件夹（可选），相对 series.yaml 所在文件夹")
    lint: LintConfig = Field(default_factory=LintConfig, description="检查规则设置（可选）")
    archive: str | None = Field(None, description="归档文件夹（可选），相对 series.yaml；默认为刊物文件夹旁的 archive/")
    database_passwords: dict[str, str] = Field(
        default_factory=dict, description="数据库密码所在的环境变量（可选）：主机名或 用户名@主机名 → 环境变量名"
    )
    contribution_weights: dict[str, Weight] = Field(
        default_factory=dict, description="供稿统计每条稿件的分数（可选）：被采用、被上级刊物采用、领导批示 → 分数"
    )

    _blank_title = field_validator("title", "issuer", "program")(_no_blank)

    @property
    def headline(self) -> frozenset[str]:
        """The sections printed headline-style (the title on a line of its own)."""
        return frozenset(DEFAULT_HEADLINE_SECTIONS if self.headline_sections is None else self.headline_sections)

    @field_validator("headline_sections")
    @classmethod
    def _headline_sections_are_sections(cls, names: list[str] | None, info: ValidationInfo) -> list[str] | None:
        sections = info.data.get("sections") or []
        for name in names or ():
            if sections and name not in sections:
                hint = suggest(name, sections)
                raise ValueError(f"“{name}”不是本刊的栏目（sections 中没有）" + (f"，{hint}" if hint else ""))
        return names

    @field_validator("contribution_weights")
    @classmethod
    def _known_levels(cls, weights: dict[str, Decimal]) -> dict[str, Decimal]:
        for level in weights:
            if level not in LEVELS:
                hint = suggest(level, LEVELS)
                raise ValueError(f"“{level}”不是计分的级别，只能写 {'、'.join(LEVELS)}" + (f"（{hint}）" if hint else ""))
        return weights

    @property
    def weights(self) -> dict[str, Decimal]:
        """Points per item at each level, in :data:`LEVELS` order: series.yaml's, else the defaults."""
        return {level: self.contribution_weights.get(level, DEFAULT_WEIGHTS[level]) for level in LEVELS}

    @field_validator("database_passwords")
    @classmethod
    def _variable_names(cls, passwords: dict[str, str]) -> dict[str, str]:
        for where, variable in passwords.items():
            if not ENV_NAME.fullmatch(variable):
                raise ValueError(f"“{where}”后应写环境变量的名称（英文字母、数字、下划线，如 ZHUANBAO_DB_PASSWORD），"
                                 "不要把密码本身写在这里")  # fmt: skip
        return passwords

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in sections:
            if not name.strip():
                raise ValueError("栏目名称不能为空")
            if name == ANNEX:
                raise ValueError(f"“{ANNEX}”不能作栏目名：它是指标表放在正文之后（附件1、附件2……）时写的位置")
            if name in seen:
                raise ValueError(f"栏目“{name}”重复")
            seen.add(name)
        return sections


DEFAULT_HEADLINE_SECTIONS = ("重要新闻",)  # what a series that does not say prints headline-style
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # an environment variable's name, as every platform takes it


def _names(value: Any) -> Any:
    """One column name or a list of them (``group_by: 区县`` or ``sum: [户数, 金额]``), always as a list."""
    return [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


def _condition(value: Any, what: str) -> Any:
    """What a ``where:`` filter (or a conditional ``count:``) may say of one column: a value (equal), a list of
    values (one of them), or a range ``{from: …, to: …}`` (both ends included)."""
    def scalar(item: Any) -> bool:
        return isinstance(item, (str, int, float, dt.date)) and not isinstance(item, bool)

    if isinstance(value, dict):
        unknown = [str(key) for key in value if key not in ("from", "to")]
        if unknown or not value:
            raise ValueError(f"{what}的范围只能写 from（起）和 to（止），如 {{from: 2025-09-01, to: 2025-09-30}}")
        if not all(scalar(item) for item in value.values()):
            raise ValueError(f"{what}的 from、to 应是一个数字、日期或文字")
        return value
    if isinstance(value, list):
        if not value or not all(scalar(item) for item in value):
            raise ValueError(f"{what}的列表中应是要保留的值（数字、日期或文字），不能为空")
        return value
    if not scalar(value):
        kind = "true/false" if isinstance(value, bool) else "空的" if value is None else "这样的值"
        raise ValueError(f"{what}应是一个值、值的列表或 {{from: …, to: …}} 范围，不能是{kind}（要写成文字请加引号）")
    return value


def _conditions(value: Any) -> Any:
    if not isinstance(value, dict):
        return value  # the type check says what it should be
    return {key: _condition(item, f"列“{key}”") for key, item in value.items()}


def _counts(value: Any) -> Any:
    """``count: 项目数`` (records per group) or ``count: {项目数: true, 已完工: {进度: 已完工}}``."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return {str(value): True}
    if not isinstance(value, dict):
        return value
    counted = {}
    for name, rule in value.items():
        if rule is True:
            counted[name] = True
        elif isinstance(rule, dict) and rule:
            counted[name] = {key: _condition(item, f"“{name}”的条件中列“{key}”") for key, item in rule.items()}
        else:
            raise ValueError(f"计数列“{name}”后应写 true（数每组的全部记录）或条件，如 {{进度: 已完工}}")
    return counted


def _params(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    for name, item in value.items():
        if not isinstance(name, str) or not ENV_NAME.fullmatch(name):
            raise ValueError(f"参数名“{name}”只能由英文字母、数字和下划线组成（查询中写作 :{name}）")
        if isinstance(item, bool) or not isinstance(item, (str, int, float, dt.date)):
            raise ValueError(f"参数“{name}”的值应是数字、日期或文字")
    return value


Names = Annotated[list[str], BeforeValidator(_names)]


class TableSpec(_Strict):
    """One indicator table declared in issue.yaml under ``tables:``."""

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="表的代号，稿件中用 tables.代号 引用")
    file: str | None = Field(None, description="数据文件（.csv 或 .xlsx），相对本期文件夹")
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
    # a sheet made for people (issue 17): where its header is, and which of its columns print
    header_row: Count | list[Count] | None = Field(
        None, description="表头在表格的第几行（两层表头写 [3, 4]）；不写则自动找：标题行、单位行之下第一行文字表头")
    skip_rows: Count | list[Count] | None = Field(None, description="不作数据读的行（行号），如表头下的栏次行")
    columns: list[str | dict[str, str]] | None = Field(
        None, description="印出的列及其顺序；写成“原列名: 新列名”则改名印出。不写则印出全部列")
    rate: str | None = Field(None, description="表中自带的完成率（或进度）列：用它作完成率，不再由目标、完成计算")
    # the data from a database instead of a file (load/database.py)
    query: str | None = Field(None, description="数据库查询（SQL），与 database 同写；可用参数 :year :month :as_of 等")
    database: str | None = Field(None, description="数据库地址（SQLAlchemy URL），如 sqlite:///数据/统计.sqlite（相对刊物文件夹）")
    params: Annotated[dict[str, Any], BeforeValidator(_params)] = Field(
        default_factory=dict, description="查询的其他参数或覆盖的参数，如 {month: 9}"
    )
    # raw records (one per project, per household) summed up per group (load/records.py)
    where: Annotated[dict[str, Any], BeforeValidator(_conditions)] = Field(
        default_factory=dict, description="只用符合条件的记录：列名 → 值、值的列表或 {from: …, to: …}"
    )
    group_by: Names = Field(default_factory=list, description="按哪一列（或几列）分组，每组印一行")
    count: Annotated[dict[str, Any], BeforeValidator(_counts)] = Field(
        default_factory=dict, description="计数列：列名 → true（每组的记录数）或条件"
    )
    sum: Names = Field(default_factory=list, description="按组求和的列")

    @model_validator(mode="after")
    def _source(self) -> TableSpec:
        if self.file is not None and self.query is not None:
            raise ValueError("file 和 query 只能写一个：数据来自表格文件，或者来自数据库查询")
        if (self.query is None) != (self.database is None):
            raise ValueError("query 和 database 要同时写（查询语句和数据库地址）")
        if self.query is not None and self.sheet is not None:
            raise ValueError("sheet 是 Excel 文件的工作表，数据库查询不用写")
        if self.query is not None and (self.header_row is not None or self.skip_rows is not None):
            raise ValueError("header_row、skip_rows 说的是表格文件中的行，数据库查询不用写")
        if self.params and self.query is None:
            raise ValueError("params 是数据库查询的参数，只能与 query 同写")
        if (self.sum or self.count) and not self.group_by:
            raise ValueError("sum、count 是每组的合计和记录数，须同时写 group_by（按哪一列分组）")
        if self.group_by and not (self.sum or self.count):
            raise ValueError("group_by 分组后要写 sum（求和的列）或 count（计数列），否则每组只剩一个名称")
        made = [*self.group_by, *self.count, *self.sum]
        repeated = sorted({name for name in made if made.count(name) > 1}, key=made.index)
        if repeated:
            raise ValueError(f"列“{repeated[0]}”在 group_by、count、sum 中出现了不止一次：汇总后每列只能有一个名称")
        return self

    @model_validator(mode="after")
    def _pair(self) -> TableSpec:
        if (self.actual is None) != (self.target is None):
            raise ValueError("target 和 actual 要同时写（目标数列和完成数列）")
        if self.target is None and self.rate is None and (self.rank or self.as_of or self.chart):
            raise ValueError("rank、as_of、chart 要按完成率计算，须同时写 target 和 actual（或用 rate 指明表中的完成率列）")
        return self

    @field_validator("header_row")
    @classmethod
    def _header_rows(cls, value: int | list[int] | None) -> int | list[int] | None:
        rows = [value] if isinstance(value, int) else value or []
        if any(n < 1 for n in rows):
            raise ValueError("行号从 1 起（表格左边显示的行号）")
        if isinstance(value, list) and not 1 <= len(rows) <= 3:
            raise ValueError("两层表头写两个相邻的行号，如 [3, 4]（最多三层）")
        if rows and rows != list(range(rows[0], rows[0] + len(rows))):
            raise ValueError("表头的各层要是相邻的行，如 [3, 4]")
        return value

    @field_validator("skip_rows")
    @classmethod
    def _skip_rows(cls, value: int | list[int] | None) -> int | list[int] | None:
        if any(n < 1 for n in ([value] if isinstance(value, int) else value or [])):
            raise ValueError("行号从 1 起（表格左边显示的行号）")
        return value

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: list | None) -> list | None:
        for entry in value or []:
            pairs = list(entry.items()) if isinstance(entry, dict) else [(entry, entry)]
            if len(pairs) != 1:
                raise ValueError("每一项写一列：“列名”或“原列名: 新列名”")
            if not all(str(text).strip() for text in pairs[0]):
                raise ValueError("列名不能为空")
        if value == []:
            raise ValueError("columns 不能是空的：不写则印出全部列")
        return value

    @property
    def header_lines(self) -> list[int] | None:
        """The sheet rows of the header's levels issue.yaml names (None: found by the reader)."""
        return [self.header_row] if isinstance(self.header_row, int) else self.header_row

    @property
    def skip_lines(self) -> frozenset[int]:
        return frozenset([self.skip_rows] if isinstance(self.skip_rows, int) else self.skip_rows or [])

    @property
    def printed_columns(self) -> list[tuple[str, str]] | None:
        """``columns:`` as (the column's name, the heading to print it under), in order."""
        if self.columns is None:
            return None
        return [next(iter(e.items())) if isinstance(e, dict) else (e, e) for e in self.columns]


class Issue(_Strict):
    """issue.yaml: this issue's number and date, plus optional overrides of series fields."""

    number: Count = Field(ge=1, le=999, description="本年第几期（每年从1开始，最多 999）")
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


RECORDED_LEVELS = LEVELS[1:]  # the levels recorded after publication (被采用 is publication itself)


class Uptake(_Strict):
    """One record of how far a published item went after it was printed."""

    item: str = Field(description="稿件的文件名，如 03-xiangzhen.md（发布时 items/ 中的名字）")
    level: Literal["被上级刊物采用", "领导批示"] = Field(description="级别：被上级刊物采用 或 领导批示")
    by: str = Field(description="采用的刊物（及期号），或作批示的领导")
    date: dt.date = Field(description="采用或批示的日期，计入这一年的统计")
    note: str | None = Field(None, description="备注（可选），如批示的要点")

    _blank = field_validator("item", "by", "note")(_no_blank)


class UptakeFile(_Strict):
    """An archived issue's 采用记录.yaml: the records of its items, added after publication."""

    records: list[Uptake] = Field(default_factory=list, description="采用和批示的记录，每条一项")


@dataclass
class Item:
    """One news item: its front matter, Markdown body and where it came from."""

    path: Path
    meta: ItemMeta
    body: str
    body_line: int
    meta_doc: YamlDoc
    #: the pictures the body shows, read (zhuanbao.load.pictures.ItemPicture)
    pictures: tuple = ()

    @property
    def sort_key(self) -> tuple[int, str]:
        return printed_order(self.meta.order, self.path.name)


def printed_order(order: int | None, file_name: str) -> tuple[int, str]:
    """Where an item prints in its section: by ``order:`` (items without one after those with one), then by
    file name. The studio's cards and its moves sort by this too, so what the page shows is what prints."""
    return (order if order is not None else 10**9, file_name)


@dataclass
class Edition:
    """One issue with the series' fields resolved: everything a template needs."""

    series_dir: Path
    issue_dir: Path
    series: Series
    issue: Issue
    items: list[Item]
    distribution: list[tuple[str, list[str]]] = field(default_factory=list)
    #: the tables issue.yaml declares, as read: (TableSpec, zhuanbao.load.tables.RawTable) pairs
    tables: list = field(default_factory=list)
    #: the same tables computed (zhuanbao.indicators.Indicator), in issue.yaml order; empty until the build computes them
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
        return issue_name(self.series.title, self.year, self.issue.number)

    @property
    def file_name(self) -> str:
        """The document's file name people expect: 工作专报2023年第8期.docx."""
        return f"{safe_name(self.name)}.docx"


def resolve_distribution(series: Series, issue: Issue) -> list[tuple[str, list[str]]]:
    """The issue's distribution list: the series', replaced or extended by the issue."""
    base = issue.distribution if issue.distribution is not None else series.distribution
    merged = {label: list(names) for label, names in base.items()}
    for label, names in issue.extra_distribution.items():
        merged.setdefault(label, [])
        merged[label].extend(n for n in names if n not in merged[label])
    return [(label, names) for label, names in merged.items() if names]
