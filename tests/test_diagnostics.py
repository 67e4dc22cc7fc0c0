"""Located messages: how a diagnostic reads, what an error of several carries, and "did you mean"."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from zhuanbao.diagnostics import (
    ContentError,
    DataError,
    Diagnostic,
    Location,
    OutputError,
    TemplateError,
    UserError,
    raise_all,
    suggest,
)


FILE = Path("a/issue.yaml")


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (Location(FILE, 3, 1), f"{FILE}:3:1"),
        (Location(FILE, 3), f"{FILE}:3"),
        (Location(FILE, None, 4), f"{FILE}"),  # a column without a line means nothing
        (Location(), ""),
    ],
)
def test_a_location_reads_as_editors_jump_to_it(location, text):
    assert str(location) == text


def test_the_key_path_names_a_form_field():
    assert Location(key=("tables", 0, "as_of")).key_text == "tables[0].as_of"
    assert Location(key=("distribution", "报", 2)).key_text == "distribution.报[2]"
    assert Location().key_text == ""


def test_an_error_reads_with_its_kind_hint_and_rule():
    error = TemplateError("模板语法错误", Path("t.j2"), 4, hint="检查 {% endif %}")
    assert str(error) == f"{Path('t.j2')}:4: 模板错误: 模板语法错误\n  提示：检查 {{% endif %}}"
    finding = Diagnostic("标题末尾不用“。”", Location(Path("a.md"), 3, 9), "warning", "title-punct", fixed=True)
    assert str(finding) == f"{Path('a.md')}:3:9: 警告: 标题末尾不用“。”（已修正） [title-punct]"
    assert str(OutputError("无法写入")) == "输出错误: 无法写入"


def test_an_error_carries_its_key_path():
    error = ContentError("表“t”的统计截止日期晚于本期日期", Path("issue.yaml"), 7, 5, key=("tables", 0, "as_of"))
    assert error.first.location.key_text == "tables[0].as_of" and (error.line, error.column) == (7, 5)


def test_several_errors_are_one_error_in_file_order():
    errors = [ContentError("b", Path("b.md"), 2), ContentError("a2", Path("a.md"), 9), ContentError("a1", Path("a.md"), 1)]
    with pytest.raises(ContentError) as caught:
        raise_all(errors)
    assert [d.message for d in caught.value.diagnostics] == ["a1", "a2", "b"]
    assert caught.value.message == "共 3 处错误" and caught.value.path is None
    assert str(caught.value).endswith("共 3 处错误，未生成任何文件。")


def test_errors_of_different_kinds_are_a_user_error_and_one_error_is_raised_as_it_is():
    with pytest.raises(UserError) as caught:
        raise_all([ContentError("a", Path("a.md")), DataError("b", Path("t.csv"))])
    assert type(caught.value) is UserError and len(caught.value.diagnostics) == 2
    single = DataError("只有一处", Path("t.csv"), 2)
    with pytest.raises(DataError) as caught:
        raise_all([single])
    assert caught.value is single
    raise_all([])  # nothing to raise


def test_diagnostics_are_values_nobody_edits():
    error = ContentError("a", Path("a.md"), 1)
    with pytest.raises(AttributeError):
        error.first.location.line = 2  # type: ignore[misc]
    assert error.first.at(rule="build").rule == "build" and error.first.rule is None


def test_an_error_crosses_a_process_boundary_whole():
    """Parallel builds render in worker processes: their errors come back with every place."""
    error = DataError.of([Diagnostic("x", Location(Path("t.csv"), 3, 2)), Diagnostic("y", Location(Path("t.csv"), 4))])
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is DataError and again.diagnostics == error.diagnostics


@pytest.mark.parametrize(
    ("name", "choices", "hint"),
    [
        ("titel", ["title", "source", "section"], "是否想写“title”？"),
        ("tables.targets.cont", ["count"], None),  # nothing close enough: no guess
        ("cont", ["count", "done"], "是否想写“count”？"),
        ("区县动", ["重要新闻", "区县动态"], "是否想写“区县动态”？"),
        ("工作简迅", ["重要新闻", "工作简讯"], "是否想写“工作简讯”？"),
        ("财政", ["重要新闻", "区县动态"], None),
    ],
)
def test_one_did_you_mean_for_every_name(name, choices, hint):
    assert suggest(name, choices) == hint


def test_os_errors_are_told_in_chinese_even_the_rare_ones():
    import errno

    from zhuanbao.diagnostics import os_reason

    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "读写出错（磁盘或网络共享有故障？）"
    odd = os_reason(OSError(errno.ENOLINK, "Link has been severed"))
    assert odd.startswith("系统错误（") and "Link has been severed" in odd
    held = PermissionError(13, "The process cannot access the file")
    held.winerror = 32
    assert "Word" in os_reason(held)
