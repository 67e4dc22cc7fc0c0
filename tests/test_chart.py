"""zhuanbao.chart: the completion chart is the same PNG whatever the machine's font cache."""

from __future__ import annotations

import pytest

from zhuanbao.chart import _cjk_font


def test_the_regular_weight_is_chosen_whatever_the_font_cache_order(monkeypatch):
    from matplotlib import font_manager

    entries = [f for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"]
    if len({f.fname for f in entries}) < 2:
        pytest.fail("fonts-noto-cjk should bring several weights of Noto Sans CJK SC (scripts/setup-system.sh)")
    chosen = set()
    for order in (entries, entries[::-1], sorted(entries, key=lambda f: f.fname)):
        monkeypatch.setattr(font_manager.fontManager, "ttflist", list(order))
        chosen.add(_cjk_font().get_file())
    assert len(chosen) == 1 and "Regular" in chosen.pop()


def _face(name, fname, weight=400, style="normal"):
    from types import SimpleNamespace

    return SimpleNamespace(name=name, fname=fname, weight=weight, style=style)


def test_a_mac_draws_chinese_with_a_face_matplotlib_can_read():
    from zhuanbao.chart import choose_face

    mac = [_face("PingFang SC", "/System/Library/Fonts/PingFang.ttc"), _face("Helvetica", "/System/Library/Fonts/Helvetica.ttc"),
           _face("Hiragino Sans GB", "/System/Library/Fonts/Hiragino Sans GB.ttc"),
           _face("Songti SC", "/System/Library/Fonts/Supplemental/Songti.ttc")]  # fmt: skip
    assert choose_face(mac) == "/System/Library/Fonts/Hiragino Sans GB.ttc"
    assert choose_face([_face("STHeiti", "/Library/Fonts/STHeiti Light.ttc")]) == "/Library/Fonts/STHeiti Light.ttc"
    assert choose_face([_face("PingFang SC", "/System/Library/Fonts/PingFang.ttc")]) is None  # then: say so


def test_windows_and_linux_faces_in_their_regular_weight():
    from zhuanbao.chart import choose_face

    windows = [_face("Microsoft YaHei", "C:/Windows/Fonts/msyhbd.ttc", 700), _face("Microsoft YaHei", "C:/Windows/Fonts/msyh.ttc"),
               _face("SimHei", "C:/Windows/Fonts/simhei.ttf")]  # fmt: skip
    assert choose_face(windows) == "C:/Windows/Fonts/simhei.ttf"  # SimHei first: both ship with every Chinese Windows
    assert choose_face(windows[:2]) == "C:/Windows/Fonts/msyh.ttc"
    linux = [_face("Noto Sans CJK SC", "/b.ttc", "bold"), _face("Noto Sans CJK SC", "/r.ttc", "regular"), windows[2]]
    assert choose_face(linux) == "/r.ttc"


def test_the_font_hint_fits_the_platform():
    from zhuanbao.chart import font_hint

    assert "simhei" in font_hint("win32") and "apt" not in font_hint("win32")
    assert "Hiragino" in font_hint("darwin")
    assert "apt-get install fonts-noto-cjk" in font_hint("linux")
