"""``zhuanbao new``: the next issue's folder, numbered from the last one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from .cn import cn_date, next_number
from .diagnostics import ContentError, OutputError, os_reason
from .fsio import safe_name, usual_mode
from .load.content import (
    ISSUE_DIR_NAME,
    ISSUE_FILE,
    MAX_ISSUE_NUMBER,
    SERIES_FILE,
    issue_facts,
    issue_folder_name,
    issue_order,
    load_series,
)
from .load.validate import validate
from .load.yamlfile import load_yaml
from .model import Issue

ISSUE_TEMPLATE = """\
# 第{number}期。number 为本年期号，date 为印发日期（写作 {date}，印为 {cn_date}）。
number: {number}
date: {date}
{total}
# 需要时可覆盖 series.yaml 中的项目，例如本期多印：
# copies: 100
# 本期加送单位：
# extra_distribution:
#   送: [某某单位]
"""

ITEM_TEMPLATE = """\
---
# 示例稿件：文件名以“_”开头的稿件不会排入专报。
# 复制本文件并改名（如 01-{slug}.md），再修改下面的内容。
section: {section}
title: 标题写成一句话，概括本条主要内容
source: 供稿单位
---
正文第一段。日期写作 {cn_date}，数字用半角，标点用全角。

**某某县：**以单位名开头的段落，单位名可以加粗。
"""


def new_issue(series_dir: Path, date: dt.date | None = None, today: dt.date | None = None) -> Path:
    """Create the next issue folder with issue.yaml and an example item per section.

    The folder is assembled under a temporary name and renamed into place, so
    a failure leaves no half-made issue for the next run to number after.
    """
    if not (series_dir / SERIES_FILE).is_file():
        raise ContentError(f"这里没有 {SERIES_FILE}，不是刊物文件夹", series_dir)
    series = load_series(series_dir)
    date = date or today or dt.date.today()
    last = _last_issue(series_dir)
    number = next_number((last[0], last[2]) if last else None, date)
    if last and date < last[2]:
        doc = last[3]
        raise doc.error(
            f"--date {date} 早于上一期（{doc.path.parent.name}）的日期 {last[2]}",
            ("date",),
            hint="新的一期应在上一期之后印发；请检查 --date，或上一期的日期是否写错。",
        )
    if number > MAX_ISSUE_NUMBER:
        raise last[3].error(
            f"本年已出到第{last[0]}期，期号最多为 {MAX_ISSUE_NUMBER}，不能再新建",
            ("number",),
            hint="如果上一期的期号写错了，请改正它的 issue.yaml；新的一年从第1期开始。",
        )
    total = last[1] + 1 if last and last[1] is not None else None
    folder = series_dir / issue_folder_name(date.year, number)
    if folder.exists():
        raise OutputError("这一期的文件夹已经存在，不会覆盖", folder)
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=series_dir))
    try:
        usual_mode(work)
        (work / "items").mkdir()
        total_line = f"total: {total}       # 总期号" if total is not None else "# total: 1       # 总期号（可选）"
        (work / ISSUE_FILE).write_text(
            ISSUE_TEMPLATE.format(number=number, date=date.isoformat(), cn_date=cn_date(date), total=total_line), "utf-8"
        )
        for index, section in enumerate(series.sections, start=1):
            text = ITEM_TEMPLATE.format(section=section, slug=f"item{index}", cn_date=cn_date(date))
            (work / "items" / f"_示例{index:02d}-{safe_name(section)}.md").write_text(text, "utf-8")
        os.rename(work, folder)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise OutputError(f"无法新建这一期：{os_reason(exc)}", folder) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _last_issue(series_dir: Path):
    """(number, total, date, doc) of the newest issue. An issue.yaml that cannot
    be read stops here with its own error: guessing past it would number the
    new issue (or its total) wrongly."""
    issues = sorted(
        (p for p in series_dir.iterdir() if ISSUE_DIR_NAME.match(p.name) and (p / ISSUE_FILE).is_file()), key=issue_order
    )
    facts = []
    for issue_dir in issues:
        found = issue_facts(issue_dir)
        if found is None:
            validate(Issue, load_yaml(issue_dir / ISSUE_FILE), ISSUE_FILE)  # raises the precise error
            raise ContentError("无法读出期号和日期，不能接着编号", issue_dir / ISSUE_FILE)
        facts.append(found)
    facts.sort(key=lambda f: (f[2].year, f[0]))
    return facts[-1] if facts else None
