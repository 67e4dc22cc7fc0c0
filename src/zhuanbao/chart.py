"""Completion-rate bar charts (matplotlib, imported only when a table asks for a chart).

Charts are printed in black and white as often as in colour, so bars carry
their value as text, and the 100% and time-progress lines are dashed and
labelled rather than told apart by colour alone. Figure size, dpi and PNG
metadata are fixed so the same data gives the same bytes.
"""

from __future__ import annotations

import io

from .diagnostics import ToolMissingError
from .indicators import Indicator

#: Faces with simplified Chinese glyphs, in order of preference: Linux (and
#: UOS, 麒麟), then Windows, then macOS. PingFang SC is not listed: macOS ships
#: it inside PingFang.ttc, which matplotlib does not see; the Mac faces listed
#: are in every macOS since 10.6.
CJK_FACES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "SimHei", "Microsoft YaHei", "DengXian",
    "Hiragino Sans GB", "STHeiti", "Heiti SC", "Songti SC", "Arial Unicode MS",
)  # fmt: skip

WIDTH_IN, DPI = 6.1, 300  # 6.1 in = 155 mm: the text block's width; 300 dpi for print
BAR_COLOUR = "#7f7f7f"  # grey: red belongs to the masthead alone, and grey prints the same on a black-and-white printer


def _cjk_font():
    from matplotlib import font_manager

    chosen = choose_face(font_manager.fontManager.ttflist)
    if chosen is not None:
        return font_manager.FontProperties(fname=chosen)
    raise ToolMissingError(
        "没有可用于图表的中文字体，图中文字会显示为方框",
        hint=font_hint(),
    )


def font_hint(platform: str | None = None) -> str:
    """How to get a Chinese face matplotlib can use, on this computer."""
    import sys

    platform = platform or sys.platform
    if platform == "win32":
        return "中文版 Windows 自带黑体（SimHei）和微软雅黑；如被删除，请从另一台电脑的 C:\\Windows\\Fonts 复制 simhei.ttf 安装"
    if platform == "darwin":
        return "macOS 自带冬青黑体（Hiragino Sans GB）；也可用 brew install --cask font-noto-sans-cjk-sc 安装思源黑体"
    return "Debian、Ubuntu、统信 UOS、麒麟：sudo apt-get install fonts-noto-cjk"


def choose_face(entries) -> str | None:
    """The font file to draw Chinese with, of matplotlib's font list: the first
    face of CJK_FACES installed here, in its regular upright weight.

    A family comes in several weights whose order in matplotlib's font cache
    differs between machines (and cron's fresh cache): the regular, upright
    one is taken, by file name on ties, so the chart's bytes do not differ.
    """
    for face in CJK_FACES:
        found = [f for f in entries if f.name == face]
        if found:
            return min(found, key=lambda f: (abs(_weight(f.weight) - 400), f.style != "normal", f.fname)).fname
    return None


def _weight(weight) -> int:
    from matplotlib import font_manager

    return weight if isinstance(weight, int) else font_manager.weight_dict.get(str(weight).lower(), 400)


def chart_key(indicator: Indicator) -> tuple:
    """Every value :func:`bar_chart` draws: equal keys, equal pictures (a warm renderer draws a chart once)."""
    rows = tuple((r["name"], str(r["rate"]), r["rate_text"]) for r in indicator.rows)
    return rows, str(indicator.progress), indicator.progress_text


def bar_chart(indicator: Indicator) -> bytes:
    """A horizontal bar chart of completion rates, as PNG bytes (what it draws is :func:`chart_key`)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = _cjk_font()
    rows = indicator.rows
    names = [r["name"] for r in rows][::-1]
    rates = [float(r["rate"]) * 100 for r in rows][::-1]
    labels = [r["rate_text"] for r in rows][::-1]  # as the table prints them: 四舍五入, never a false 100%
    height = max(2.4, 0.32 * len(rows) + 1.3)
    plt.rcParams["svg.hashsalt"] = "zhuanbao"
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=DPI)
    try:
        bars = ax.barh(range(len(rows)), rates, color=BAR_COLOUR, edgecolor="black", linewidth=0.5, height=0.6)
        ax.set_yticks(range(len(rows)), names, fontproperties=font, fontsize=9)
        ax.set_xlabel("完成率（%）", fontproperties=font, fontsize=9)
        top = max(rates + [100.0]) * 1.15
        ax.set_xlim(0, top)
        for bar, label in zip(bars, labels):
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=8)
        ax.axvline(100, color="black", linestyle="--", linewidth=0.8, label="目标（100%）")
        if indicator.progress is not None:
            progress = float(indicator.progress) * 100
            ax.axvline(progress, color="black", linestyle=":", linewidth=1.0,
                       label=f"时间进度（{indicator.progress_text}）")  # fmt: skip
        small = font.copy()
        small.set_size(8)
        ax.legend(prop=small, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()
