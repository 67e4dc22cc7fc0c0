"""The content model: every required field, every error path, in Chinese, at the right line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError, UserError
from zhuanbao.load.yamlfile import parse_yaml
from zhuanbao.load.content import check_section
from zhuanbao.load.validate import validate
from zhuanbao.model import Issue, ItemMeta, Series, resolve_distribution

SERIES = "title: 工作专报\nissuer: 专班\nsections: [重要新闻, 工作简讯]\n"


def check(model, source: str):
    return validate(model, parse_yaml(source, Path("f.yaml")), "文件")


def errors(model, source: str) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(UserError) as caught:
        check(model, source)
    found = list(caught.value.diagnostics)
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
    ("model", "source", "line"),
    [
        (Issue, "number: yes\ndate: 2023-05-24\n", 1),
        (Issue, "number: 8\ndate: 2023-05-24\ntotal: true\n", 3),
        (Series, SERIES + "copies: no\n", 4),
        (ItemMeta, "section: 工作简讯\norder: on\n", 2),
    ],
)
def test_yes_and_no_are_not_counts(model, source, line):
    """YAML reads yes/no/on/true as booleans; pydantic alone would print issue 1."""
    [(message, at, _)] = errors(model, source)
    assert "应为整数，现在是“true”" in message or "应为整数，现在是“false”" in message
    assert at == line


def test_yes_as_a_title_says_why_it_reads_true():
    [(message, line, hint)] = errors(ItemMeta, "section: 工作简讯\ntitle: yes\n")
    assert message == "“title”（标题）应为文字，现在是“true”" and line == 2 and "要写成文字请加引号" in hint


def test_a_value_fitting_no_member_of_a_union_is_one_error():
    source = "number: 8\ndate: 2023-05-24\ntables:\n  - {id: a, file: a.xlsx, title: 表, section: 附件, sheet: yes}\n"
    assert errors(Issue, source) == [("“tables.第1项.sheet”应为文字或整数，现在是“true”", 4, None)]
    table = check(Issue, source.replace("sheet: yes", "sheet: 2")).tables[0]
    assert table.sheet == 2


def test_numbers_written_as_text_are_accepted_where_unambiguous():
    assert check(Issue, "number: '8'\ndate: 2023-05-24\n").number == 8
    issue = check(Issue, "number: 08\ndate: 2023-05-24\ntotal: 034\ncontact: {传真: 0731}\n")
    assert (issue.number, issue.total, issue.contact) == (8, 34, {"传真": "0731"})  # not octal 28, not 731
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


# --- validate(): messages, lines and hints, per file kind --------------------------

ISSUE = "number: 8\ndate: 2023-05-24\n"
ITEM_PATH = Path("2023-08/items/01-dibao.md")


def item_errors(front_matter: str) -> list[tuple[str, int | None, str | None]]:
    """Errors of an item's front matter, with lines of the item file (front matter starts on line 2)."""
    with pytest.raises(UserError) as caught:
        validate(ItemMeta, parse_yaml(front_matter, ITEM_PATH, line_offset=1), "头信息")
    found = list(caught.value.diagnostics)
    assert all(e.path == ITEM_PATH for e in found)
    return [(e.message, e.line, e.hint) for e in found]


@pytest.mark.parametrize(
    ("model", "source", "label"),
    [
        (Series, "issuer: 专班\nsections: [甲]\n", "“title”（报头中的刊物名称）"),
        (Series, "title: 工作专报\nsections: [甲]\n", "“issuer”（编发单位）"),
        (Series, "title: 工作专报\nissuer: 专班\n", "“sections”（栏目）"),
        (Issue, "date: 2023-05-24\n", "“number”（本年第几期）"),
        (Issue, "number: 8\n", "“date”（印发日期）"),
        (ItemMeta, "title: 甲\n", "“section”（所属栏目）"),
    ],
)
def test_missing_field_message_explains_the_field(model, source, label):
    assert errors(model, source) == [(f"缺少必填项 {label}", 1, None)]


def test_missing_section_in_front_matter_points_at_the_first_front_matter_line():
    assert item_errors("title: 低保提标\nsource: 市民政局\n") == [("缺少必填项 “section”（所属栏目）", 2, None)]


@pytest.mark.parametrize(
    ("front_matter", "typo", "suggestion", "line"),
    [
        ("section: 工作简讯\ntittle: 标题\n", "tittle", "title", 3),
        ("section: 工作简讯\nsorce: 市民政局\n", "sorce", "source", 3),
        ("section: 工作简讯\noder: 1\n", "oder", "order", 3),
    ],
)
def test_front_matter_typos_get_a_did_you_mean_at_the_file_line(front_matter, typo, suggestion, line):
    assert item_errors(front_matter) == [(f"未知的键“{typo}”", line, f"是否想写“{suggestion}”？")]


def test_misspelt_required_key_reports_both_missing_and_unknown():
    found = item_errors("sectoin: 工作简讯\n")
    assert ("缺少必填项 “section”（所属栏目）", 2, None) in found
    assert ("未知的键“sectoin”", 2, "是否想写“section”？") in found
    assert len(found) == 2


@pytest.mark.parametrize(
    ("source", "typo", "suggestion", "line"),
    [
        (SERIES + "lint:\n  rulez: {}\n", "rulez", "rules", 5),
        (ISSUE + "tables:\n  - id: a\n    file: a.csv\n    tittle: 表\n    section: 附件\n", "tittle", "title", 6),
    ],
)
def test_unknown_key_in_a_nested_mapping_is_matched_against_that_mapping(source, typo, suggestion, line):
    model = Series if source.startswith(SERIES) else Issue
    found = [e for e in errors(model, source) if e[0].startswith("未知的键")]
    assert found == [(f"未知的键“{typo}”", line, f"是否想写“{suggestion}”？")]


def test_missing_key_in_a_table_names_the_table_field_at_the_table_line():
    found = errors(Issue, ISSUE + "tables:\n  - id: a\n    file: a.csv\n    section: 附件\n")
    assert found == [("缺少必填项 “title”（表题）", 4, None)]


@pytest.mark.parametrize(
    ("model", "source", "message", "line"),
    [
        (Issue, "number: 八\ndate: 2023-05-24\n", "“number”（本年第几期）应为整数，现在是“八”", 1),
        (Issue, "number: 1.5\ndate: 2023-05-24\n", "“number”（本年第几期）应为整数，现在是“1.5”", 1),
        (Issue, "number: 8\ndate: 2023年5月24日\n", "“date”（印发日期）应为日期（如 2023-05-24），现在是“2023年5月24日”", 2),
        (Issue, "number: 8\ndate: 2023-5-24\n", "“date”（印发日期）应为日期（如 2023-05-24），现在是“2023-5-24”", 2),
        (Issue, ISSUE + "total: 0\n", "“total”（总期号）应不小于 1，现在是“0”", 3),
        (Issue, "number: 0\ndate: 2023-05-24\n", "“number”（本年第几期）应不小于 1，现在是“0”", 1),
        (Series, SERIES + "copies: 0\n", "“copies”（印数）应不小于 1，现在是“0”", 4),
        (Series, SERIES + "copies: 八十\n", "“copies”（印数）应为整数，现在是“八十”", 4),
        (Series, "title: 工作专报\nissuer: 专班\nsections: 重要新闻\n", "“sections”（栏目）应为列表（[a, b] 或每行一个“- 项”），现在是“重要新闻”", 3),
        (Series, SERIES + "distribution:\n  报: 市委\n", "“distribution.报”应为列表（[a, b] 或每行一个“- 项”），现在是“市委”", 5),
        (Series, SERIES + "distribution: [报, 送]\n", "“distribution”（报尾发送范围：标签 → 单位列表）应为“键: 值”的映射，现在是“[报, 送]”", 4),
        (Series, SERIES + "contact: 0731-1234567\n", "“contact”（联系方式）应为“键: 值”的映射，现在是“0731-1234567”", 4),
        (Series, "title:\nissuer: 专班\nsections: [甲]\n", "“title”（报头中的刊物名称）应为文字，现在是空", 1),
        (Series, "title: '  '\nissuer: 专班\nsections: [甲]\n", "“title”（报头中的刊物名称）：不能为空", 1),
        (Series, "title: 工作专报\nissuer: ''\nsections: [甲]\n", "“issuer”（编发单位）：不能为空", 2),
        (Series, "title: 工作专报\nissuer: 专班\nsections: []\n", "“sections”（栏目）不能为空", 3),
        (Series, "title: 工作专报\nissuer: 专班\nsections: [甲, 乙, 甲]\n", "“sections”（栏目）：栏目“甲”重复", 3),
        (Series, "title: 工作专报\nissuer: 专班\nsections: [甲, ' ']\n", "“sections”（栏目）：栏目名称不能为空", 3),
        (Series, "title: 工作专报\nissuer: 专班\nsections: [甲, 附件]\n", "“sections”（栏目）：“附件”不能作栏目名：它是指标表放在正文之后（附件1、附件2……）时写的位置", 3),
        (ItemMeta, "section: 工作简讯\norder: 一\n", "“order”（栏目内排序）应为整数，现在是“一”", 2),
        (ItemMeta, "section: 工作简讯\ntitle: ' '\n", "“title”（标题）：不能为空", 2),
    ],
)
def test_wrong_value_messages(model, source, message, line):
    assert errors(model, source) == [(message, line, None)]


@pytest.mark.parametrize(
    ("table", "message", "line"),
    [
        ("id: 1abc\nfile: a.csv\ntitle: 表\nsection: 附件", "“tables.第1项.id”只能由英文字母、数字和下划线组成，且不以数字开头，现在是“1abc”", 4),
        ("id: a\nfile: a.csv\ntitle: 表\nsection: 附件\ndecimals: 5", "“tables.第1项.decimals”应不大于 4，现在是“5”", 8),
        ("id: a\nfile: a.csv\ntitle: 表\nsection: 附件\nchart: pie", "“tables.第1项.chart”应为 bar 之一，现在是“pie”", 8),
    ],
)
def test_table_spec_messages_are_chinese(table, message, line):
    source = ISSUE + "tables:\n  - " + table.replace("\n", "\n    ") + "\n"
    assert errors(Issue, source) == [(message, line, None)]


def test_lint_range_dash_message_lists_the_choices():
    [(message, line, _)] = errors(Series, SERIES + "lint:\n  range_dash: ~\n")
    assert message == "“lint.range_dash”应为 —、至、- 之一，现在是空的" and line == 5


@pytest.mark.parametrize(
    ("model", "source", "count"),
    [
        (Series, "titel: 工作专报\nisuer: 专班\nsections: 甲\ncopies: 0\n", 6),
        (Issue, "number: 八\ndate: 2023年5月\ncopies: 0\nextra: 1\n", 4),
        (ItemMeta, "section: ''\ntittle: 甲\norder: 一\n", 3),
    ],
)
def test_all_errors_of_one_file_are_reported_together_in_line_order(model, source, count):
    with pytest.raises(UserError) as caught:
        check(model, source)
    found = caught.value.diagnostics
    assert len(found) == count
    assert [e.line for e in found] == sorted(e.line for e in found)
    assert str(caught.value).endswith(f"共 {count} 处错误，未生成任何文件。")


@pytest.mark.parametrize("source", ["", "# 空\n"])
def test_empty_file_is_one_error(source):
    with pytest.raises(ContentError) as caught:
        validate(Series, parse_yaml(source, Path("series.yaml")), "series.yaml")
    assert caught.value.message == "series.yaml是空的" and caught.value.line == 1


# --- distribution, sections, names, order ------------------------------------------


def series_with(distribution: str) -> Series:
    return check(Series, SERIES + "distribution:\n" + distribution)


@pytest.mark.parametrize(
    ("issue_extra", "expected"),
    [
        ("", [("报", ["市委", "市政府"]), ("送", ["市委办"])]),
        ("distribution: {发: [各区县]}\n", [("发", ["各区县"])]),
        ("distribution: {}\n", []),
        ("extra_distribution: {送: [市政府办]}\n", [("报", ["市委", "市政府"]), ("送", ["市委办", "市政府办"])]),
        ("extra_distribution: {抄: [市纪委]}\n", [("报", ["市委", "市政府"]), ("送", ["市委办"]), ("抄", ["市纪委"])]),
        ("extra_distribution: {报: [市委, 市人大]}\n", [("报", ["市委", "市政府", "市人大"]), ("送", ["市委办"])]),
        ("extra_distribution: {送: [甲, 甲]}\n", [("报", ["市委", "市政府"]), ("送", ["市委办", "甲"])]),
        (
            "distribution: {发: [各区县]}\nextra_distribution: {发: [各区县, 市直单位], 报: [市委]}\n",
            [("发", ["各区县", "市直单位"]), ("报", ["市委"])],
        ),
    ],
)
def test_resolve_distribution(issue_extra, expected):
    series = series_with("  报: [市委, 市政府]\n  送: [市委办]\n")
    assert resolve_distribution(series, check(Issue, ISSUE + issue_extra)) == expected


def test_resolve_distribution_leaves_the_series_untouched():
    series = series_with("  报: [市委]\n")
    resolve_distribution(series, check(Issue, ISSUE + "extra_distribution: {报: [市政府]}\n"))
    assert series.distribution == {"报": ["市委"]}


@pytest.mark.parametrize(
    ("section", "hint"),
    [
        ("工作简迅", "是否想写“工作简讯”？"),
        ("重要新问", "是否想写“重要新闻”？"),
        ("天气预报", None),
    ],
)
def test_check_section(section, hint):
    doc = parse_yaml(f"title: 标题\nsection: {section}\n", ITEM_PATH, line_offset=1)
    error = check_section(doc, validate(ItemMeta, doc, "头信息"), check(Series, SERIES))
    assert error.message == f"栏目“{section}”不在 series.yaml 的 sections 中（重要新闻、工作简讯）"
    assert (error.path, error.line, error.hint) == (ITEM_PATH, 3, hint)


def test_check_section_accepts_a_known_section():
    doc = parse_yaml("section: 工作简讯\n", ITEM_PATH)
    assert check_section(doc, validate(ItemMeta, doc, "头信息"), check(Series, SERIES)) is None


def test_edition_name_and_settings():
    from zhuanbao.model import Edition

    series = check(Series, SERIES + "copies: 80\n")
    issue = check(Issue, "number: 8\ndate: 2023-05-24\ncopies: 120\n")
    edition = Edition(Path("s"), Path("s/2023-08"), series, issue, [])
    assert edition.name == "工作专报2023年第8期" and edition.year == 2023
    assert edition.setting("copies") == 120 and edition.setting("issuer") == "专班"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([("b.md", None), ("a.md", None)], ["a.md", "b.md"]),
        ([("a.md", 2), ("b.md", 1)], ["b.md", "a.md"]),
        ([("a.md", None), ("z.md", 1)], ["z.md", "a.md"]),
        ([("10-x.md", 1), ("02-y.md", 1), ("01-z.md", None)], ["02-y.md", "10-x.md", "01-z.md"]),
        ([("a.md", 10), ("b.md", 9)], ["b.md", "a.md"]),
    ],
)
def test_item_sort_key_order_before_file_name(items, expected):
    from zhuanbao.model import Item

    made = []
    for name, order in items:
        source = "section: 工作简讯\n" + (f"order: {order}\n" if order is not None else "")
        doc = parse_yaml(source, Path(name))
        made.append(Item(Path("items") / name, validate(ItemMeta, doc, "头信息"), "正文", 4, doc))
    assert [item.path.name for item in sorted(made, key=lambda i: i.sort_key)] == expected


def test_an_empty_settings_key_is_said_in_chinese():
    [(message, line, _)] = errors(Series, SERIES + "lint:\n")
    assert message == "“lint”（检查规则设置）应为“键: 值”的设置（写了键却没写内容？），现在是空" and line == 4


# --- contribution_weights: 供稿统计's points per level (issue 18, item 7) ------------------------------------


def test_contribution_weights_default_per_level_and_are_replaced_one_by_one():
    from decimal import Decimal

    assert check(Series, SERIES).weights == {"被采用": 1, "被上级刊物采用": 3, "领导批示": 5}
    series = check(Series, SERIES + "contribution_weights: {领导批示: 10, 被上级刊物采用: 2.5}\n")
    assert series.weights == {"被采用": 1, "被上级刊物采用": Decimal("2.5"), "领导批示": 10}
    assert list(series.weights) == ["被采用", "被上级刊物采用", "领导批示"]  # the levels' order, not the file's


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("contribution_weights:\n  被采用: 1\n  上级采用: 3\n",
         "“contribution_weights”（供稿统计每条稿件的分数）：“上级采用”不是计分的级别，只能写 被采用、被上级刊物采用、领导批示"
         "（是否想写“被上级刊物采用”？）", 4),
        ("contribution_weights:\n  被采用: 1\n  领导批示: 两分\n",
         "“contribution_weights.领导批示”：应是一个数，如 3 或 0.5，现在是“两分”", 6),
        ("contribution_weights:\n  领导批示: -1\n", "“contribution_weights.领导批示”：应在 0 到 1000 之间，现在是“-1”", 5),
        ("contribution_weights:\n  被采用: 0.333\n", "“contribution_weights.被采用”：最多两位小数，现在是“0.333”", 5),
        ("contribution_weights:\n  被采用: yes\n",
         "“contribution_weights.被采用”：应是一个数，如 3 或 0.5，现在是 true（YAML 把 yes、no 读作真假值）", 5),
        ("contribution_weights: 3\n", "“contribution_weights”（供稿统计每条稿件的分数）应为“键: 值”的映射，现在是“3”", 4),
    ],
)  # fmt: skip
def test_contribution_weights_are_checked_at_their_line(source, message, line):
    assert [(m, n) for m, n, _ in errors(Series, SERIES + source)] == [(message, line)]
