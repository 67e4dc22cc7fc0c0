"""The content model: every required field, every error path, in Chinese, at the right line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhuanbao.errors import ContentError, UserError, UserErrors
from zhuanbao.load.yamlfile import parse_yaml
from zhuanbao.model import Issue, ItemMeta, Series, check_section, resolve_distribution, validate

SERIES = "title: 工作专报\nissuer: 专班\nsections: [重要新闻, 工作简讯]\n"


def check(model, source: str):
    return validate(model, parse_yaml(source, Path("f.yaml")), "文件")


def errors(model, source: str) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(UserError) as caught:
        check(model, source)
    found = caught.value.errors if isinstance(caught.value, UserErrors) else [caught.value]
    return [(e.message, e.line, e.hint) for e in found]


def test_minimal_files_are_valid():
    series = check(Series, SERIES)
    assert series.sections == ["重要新闻", "工作简讯"] and series.distribution == {} and series.copies is None
    issue = check(Issue, "number: 8\ndate: 2023-05-24\n")
    assert issue.date == dt.date(2023, 5, 24) and issue.total is None
    assert check(ItemMeta, "section: 工作简讯\n").title is None


@pytest.mark.parametrize(
    ("model", "source", "missing", "line"),
    [
        (Series, "issuer: 专班\nsections: [甲]\n", "title", 1),
        (Series, "title: 工作专报\nsections: [甲]\n", "issuer", 1),
        (Series, "title: 工作专报\nissuer: 专班\n", "sections", 1),
        (Issue, "date: 2023-05-24\n", "number", 1),
        (Issue, "number: 8\n", "date", 1),
        (ItemMeta, "title: 甲\n", "section", 1),
    ],
)
def test_every_required_field(model, source, missing, line):
    [(message, at, _)] = errors(model, source)
    assert message.startswith(f"缺少必填项 “{missing}”") and at == line


@pytest.mark.parametrize(
    ("model", "source", "typo", "suggestion", "line"),
    [
        (ItemMeta, "section: 工作简讯\ntittle: 甲\n", "tittle", "title", 2),
        (ItemMeta, "sectoin: 工作简讯\n", "sectoin", "section", 1),
        (Issue, "number: 8\ndate: 2023-05-24\ntotl: 56\n", "totl", "total", 3),
        (Series, SERIES + "copys: 80\n", "copys", "copies", 4),
    ],
)
def test_unknown_keys_get_a_did_you_mean(model, source, typo, suggestion, line):
    found = [e for e in errors(model, source) if "未知的键" in e[0]]
    assert found == [(f"未知的键“{typo}”", line, f"是否想写“{suggestion}”？")]


def test_unknown_key_without_a_close_match_lists_the_keys():
    [(_, _, hint)] = errors(ItemMeta, "section: 工作简讯\nxyz: 1\n")
    assert hint.startswith("可用的键：section, title, source, order")


@pytest.mark.parametrize(
    ("model", "source", "fragment", "line"),
    [
        (Issue, "number: 八\ndate: 2023-05-24\n", "应为整数，现在是“八”", 1),
        (Issue, "number: 8\ndate: 2023年5月24日\n", "应为日期", 2),
        (Issue, "number: 0\ndate: 2023-05-24\n", "应不小于 1", 1),
        (Series, "title: 工作专报\nissuer: 专班\nsections: 重要新闻\n", "应为列表", 3),
        (Series, SERIES + "copies: 0\n", "应不小于 1", 4),
        (Series, SERIES + "distribution: [报, 送]\n", "应为“键: 值”的映射", 4),
        (Series, "title: 工作专报\nissuer: 专班\nsections: [甲, 甲]\n", "栏目“甲”重复", 3),
        (Series, "title: '  '\nissuer: 专班\nsections: [甲]\n", "不能为空", 1),
        (Series, "title: 工作专报\nissuer: 专班\nsections: []\n", "不能为空", 3),
    ],
)
def test_wrong_values(model, source, fragment, line):
    [(message, at, _)] = errors(model, source)
    assert fragment in message and at == line


def test_numbers_written_as_text_are_accepted_where_unambiguous():
    assert check(Issue, "number: '8'\ndate: 2023-05-24\n").number == 8
    assert check(Series, "title: 2023\nissuer: 专班\nsections: [甲]\n").title == "2023"


def test_all_problems_of_a_file_are_reported_at_once():
    found = errors(Issue, "numbr: 8\ndate: 2023年5月\ncopies: -1\n")
    assert [line for _, line, _ in found] == [1, 1, 2, 3]


def test_empty_and_non_mapping_files():
    with pytest.raises(ContentError, match="是空的"):
        validate(Issue, parse_yaml("", Path("issue.yaml")), "issue.yaml")
    with pytest.raises(ContentError, match="映射"):
        validate(Issue, parse_yaml("- 1\n", Path("issue.yaml")), "issue.yaml")


def test_distribution_replace_extend_and_new_labels():
    series = check(Series, SERIES + "distribution: {报: [甲], 送: [乙]}\n")
    extend = check(Issue, "number: 1\ndate: 2024-01-05\nextra_distribution: {送: [乙, 丙], 抄: [丁]}\n")
    assert resolve_distribution(series, extend) == [("报", ["甲"]), ("送", ["乙", "丙"]), ("抄", ["丁"])]
    replace = check(Issue, "number: 1\ndate: 2024-01-05\ndistribution: {发: [戊]}\n")
    assert resolve_distribution(series, replace) == [("发", ["戊"])]


def test_check_section_suggests_the_nearest_section():
    doc = parse_yaml("section: 工作简迅\n", Path("a.md"))
    error = check_section(doc, validate(ItemMeta, doc, "头信息"), check(Series, SERIES))
    assert error.line == 1 and error.hint == "是否想写“工作简讯”？"
