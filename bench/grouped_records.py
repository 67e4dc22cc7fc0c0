"""Benchmark: a table grouped from 50,000 raw records (one per project, as an office exports them).

Times the whole `zhuanbao build` of an issue whose one table is a CSV of 50,000 records × 9 columns,
filtered (where), grouped by county (group_by) with two counts and three sums, against the same issue
with the already-grouped table as a CSV; fresh processes, medians.

    .venv/bin/python bench/grouped_records.py [--records 50000] [--runs 5] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common import machine, record

SERIES = """\
title: 工作专报
issuer: 测试市工作专班
sections: [工作简讯]
"""
ITEM = "---\nsection: 工作简讯\ntitle: 测试\n---\n老旧小区改造进展。\n"
COUNTIES = [f"第{n}县" for n in range(1, 21)]


def issue(entry: str) -> str:
    return ("number: 10\ndate: 2025-10-24\ntables:\n  - id: works\n    title: 改造进展\n    section: 工作简讯\n"
            "    target: 计划投资\n    actual: 完成投资\n    rank: true\n    as_of: 2025-09-30\n" + entry)  # fmt: skip


def write(root: Path, records: int) -> None:
    chance = random.Random(17)
    lines = ["编号,年度,区县,街道,小区,户数,计划投资,完成投资,进度"]
    grouped: dict[str, list] = {}
    for n in range(records):
        county = chance.choice(COUNTIES)
        plan = Decimal(chance.randrange(1000, 900000)) / 100
        done = (plan * Decimal(chance.randrange(0, 101)) / 100).quantize(Decimal("0.01"))
        state = chance.choice(["已完工", "在建", "未开工"])
        year = 2025 if chance.random() < 0.9 else 2024
        lines.append(f"P{n:06d},{year},{county},街道{n % 37},小区{n},{chance.randrange(20, 900)},{plan},{done},{state}")
        if year == 2025:
            g = grouped.setdefault(county, [0, 0, 0, Decimal(0), Decimal(0)])
            g[0] += 1
            g[1] += state == "已完工"
            g[3] += plan
            g[4] += done
    for name, files in {"records": "tables/台账.csv", "grouped": "tables/汇总.csv"}.items():
        folder = root / name
        (folder / "2025-10" / "items").mkdir(parents=True)
        (folder / "2025-10" / "tables").mkdir()
        (folder / "series.yaml").write_text(SERIES, "utf-8")
        (folder / "2025-10" / "items" / "01.md").write_text(ITEM, "utf-8")
    (root / "records" / "2025-10" / "tables" / "台账.csv").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "records" / "2025-10" / "issue.yaml").write_text(issue(
        "    file: tables/台账.csv\n    where: {年度: 2025}\n    group_by: 区县\n"
        "    count: {项目数: true, 已完工: {进度: 已完工}}\n    sum: [户数, 计划投资, 完成投资]\n"), "utf-8")  # fmt: skip
    summary = ["区县,项目数,已完工,计划投资,完成投资"] + [f"{k},{v[0]},{v[1]},{v[3]},{v[4]}" for k, v in grouped.items()]
    (root / "grouped" / "2025-10" / "tables" / "汇总.csv").write_text("\n".join(summary) + "\n", "utf-8")
    (root / "grouped" / "2025-10" / "issue.yaml").write_text(issue("    file: tables/汇总.csv\n"), "utf-8")


def timed(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zhuanbao", "build", str(folder / "2025-10"), "-o", str(out)],
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        write(root, args.records)
        times: dict[str, list[float]] = {"records": [], "grouped": []}
        for round_ in range(args.runs + 1):  # the first round warms the disk cache
            for name in (["records", "grouped"] if round_ % 2 else ["grouped", "records"]):
                times[name].append(timed(root / name, root / f"out-{name}-{round_}"))
    grouped_ms = statistics.median(times["records"][1:]) * 1000
    plain_ms = statistics.median(times["grouped"][1:]) * 1000
    row = (f"| {dt.date.today().isoformat()} | build: table grouped from {args.records:,} records × 9 columns "
           f"(where, group_by 20 counties, 2 counts, 3 sums) | {grouped_ms:.0f} ms | {plain_ms:.0f} ms (the same "
           f"table as a grouped CSV) | {grouped_ms / plain_ms:.2f} | — | {machine()} |")  # fmt: skip
    print(row)
    if not args.no_record:
        record([row])


if __name__ == "__main__":
    main()
