"""Text widths in ems, for mastheads, hanging labels, table columns and terminal tables."""

from __future__ import annotations

import pytest

from zhuanbao.cjk import em_width


@pytest.mark.parametrize(
    ("text", "width"), [("工作专报", 4), ("2025年", 3), ("ＡＰＰ", 3), ("报：", 2), ("104.2%", 3), ("", 0)]
)
def test_chinese_and_full_width_are_one_em_the_rest_half(text, width):
    assert em_width(text) == width
