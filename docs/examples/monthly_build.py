"""每月定时生成专报的示例脚本：本单位已有的 Python 程序算好当月数据，直接交给 zhuanbao 生成 Word 文档。

    python monthly_build.py 刊物文件夹/2025-10 输出文件夹

计划任务（cron）每月 25 日 7:30 运行，结果和错误记在日志中（说明见 docs/python.md）：

    30 7 25 * *  cd /srv/zhuanbao && .venv/bin/python monthly_build.py 刊物/2025-10 输出 >> 日志/专报.log 2>&1

退出码：0 成功（或数据没有变化，未重新生成），2 内容或数据有错（日志中逐条写明文件、行号和原因），
75 另一次生成正在写同一个输出文件夹（计划任务可以稍后重试），1 程序故障。

这里的“本单位的程序”从示例刊物的民生统计数据库读出各区县 1—9 月的城镇新增就业，换成本单位
自己的数据来源（Excel 汇总、业务系统接口……）即可；issue.yaml 中的表题、栏目、目标列、完成列、排名等
仍由编辑维护，脚本只提供数字。
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import sys
from pathlib import Path

import pandas as pd

from zhuanbao.api import UserError, build_issue, exit_code

log = logging.getLogger("专报")


def month_figures(series: Path, year: int, month: int) -> pd.DataFrame:
    """本单位的数据处理（示例）：各区县当年累计的新增就业，每个区县一行。"""
    with sqlite3.connect(series / "数据" / "民生统计.sqlite") as db:
        frame = pd.read_sql_query(
            "SELECT 区县.名称 AS 区县, 新增就业目标 AS 目标, 新增就业累计 AS 完成 FROM 就业月报 "
            "JOIN 区县 ON 区县.代码 = 就业月报.区县代码 WHERE 年份 = ? AND 月份 = ? ORDER BY 区县.序号",
            db, params=(year, month))
    # 列名改成 issue.yaml 中 target、actual 写的列名
    return frame.rename(columns={"区县": "区县（市）", "目标": "年度目标（人）", "完成": "累计完成（人）"})


def main(issue: Path, output: Path) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        figures = month_figures(issue.parent, 2025, 9)
    except (OSError, sqlite3.Error, pd.errors.DatabaseError) as exc:
        log.error("读取本月数据失败：%s", exc)
        return 1
    try:
        # changed=True：数据和稿件都没变时不重写文档；wait：另一次生成正在进行时最多等 10 分钟
        result = build_issue(issue, output, tables={"jobs": figures}, changed=True, wait=600)
    except UserError as exc:
        for problem in exc.diagnostics:
            log.error("%s", problem)  # 文件:行:列: 错误: 说明
        return exit_code(exc)
    for built in result.built:
        log.info("已生成：%s", built.path)
    for edition in result.skipped:
        log.info("没有变化，未重新生成：%s", edition.name)
    log.info("完成于 %s", dt.datetime.now().isoformat(timespec="seconds"))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "output")))
