"""Results as the command line presents them; the commands' own output is in test_cli.py."""

from __future__ import annotations

import pytest

from zhuanbao.cli import present
from zhuanbao.diagnostics import BusyError, ContentError, OutputError, TemplateError


@pytest.mark.parametrize(
    ("error", "code"),
    [(BusyError("忙"), 75), (OutputError("无法写入"), 2), (TemplateError("模板"), 2), (ContentError("内容"), 2),
     (KeyboardInterrupt(), 130), (RuntimeError("a bug"), 1)],
)  # fmt: skip
def test_one_table_of_exit_codes(error, code):
    assert present.exit_code(error) == code


def test_a_user_error_goes_to_standard_error_only():
    shown = present.failure(ContentError("缺少必填项 “date”", "2025-08/issue.yaml", 1, 1))
    assert shown.out == [] and shown.code == 2
    assert shown.err == ["2025-08/issue.yaml:1:1: 错误: 缺少必填项 “date”"]
