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
