"""The estimate of a body paragraph's last line (docx/linebreak.py), on the 28-characters grid."""

from __future__ import annotations

import pytest

from zhuanbao.docx.linebreak import break_lines, last_lines

WIDTH, INDENT, SIZE, SPACING = 442.2, 31.5, 16.0, -0.25  # 156 mm, 2 characters, 三号 condensed to 28 a line


def lines(text: str, hang: bool = False) -> list[str]:
    return [line for line, _ in break_lines(text, WIDTH, INDENT, SIZE, SPACING, hang)]


def test_chinese_text_fills_26_then_28_characters_a_line():
    text = "民" * 60
    assert [len(line) for line in lines(text)] == [26, 28, 6]
    assert last_lines(text, WIDTH, INDENT, SIZE, SPACING).chars == (6, 6)


def test_a_closing_mark_past_the_end_hangs_in_word_and_pulls_a_character_down_in_libreoffice():
    text = "民" * 26 + "，" + "民" * 5
    assert lines(text, hang=True) == ["民" * 26 + "，", "民" * 5]
    assert lines(text, hang=False) == ["民" * 25, "民，" + "民" * 5]
    assert last_lines(text, WIDTH, INDENT, SIZE, SPACING).chars == (5, 7)


def test_an_opening_mark_never_ends_a_line():
    text = "民" * 25 + "“民生”"
    assert lines(text) == ["民" * 25, "“民生”"]


def test_numbers_and_latin_words_stay_whole_and_take_their_own_widths():
    # 2 + 18 characters, then 11.42 and 66.1% (about 2.3 and 2.4 ems with the space around them)
    text = "民" * 18 + "11.42亿元" + "民" * 2 + "66.1%" + "民" * 10
    first, *rest = lines(text)
    assert first.endswith("66.1%") or first.endswith("民") and "66.1%" in rest[0]
    assert "".join([first, *rest]) == text


@pytest.mark.parametrize("extra", range(0, 28, 3))
def test_the_room_left_on_the_last_line(extra):
    text = "民" * (26 + extra)
    room = last_lines(text, WIDTH, INDENT, SIZE, SPACING).room
    assert room[0] == room[1] == pytest.approx(WIDTH - extra * 15.75 if extra else WIDTH - INDENT - 26 * 15.75)
