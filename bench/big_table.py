"""Benchmark: an issue with a 2,000-row × 8-column indicator table, against pandoc.

zhuanbao builds the issue as a fresh process (reading the CSV, computing
rates, ranks and totals, laying out the table); pandoc converts the same table
from a Markdown pipe table to .docx. Both are timed as whole commands,
alternating, and the medians are compared. The ratio goes into RESULTS.md.

    .venv/bin/python bench/big_table.py [--runs 5] [--rows 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, record

COLUMNS = ["区县", "乡镇", "项目", "单位", "目标", "完成", "投资（万元）", "备注"]


def make_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        target = 50 + (i * 37) % 400
        done = target * ((i * 53) % 130) // 100 + 1
        rows.append([f"第{i % 12 + 1}区县", f"第{i % 97 + 1}镇", f"项目{i:04d}", "个", str(target), str(done),
                     f"{(i * 7919) % 100000 / 10:.1f}", "按期推进" if i % 3 else "已验收"])  # fmt: skip
    return rows


def make_inputs(root: Path, rows: list[list[str]]) -> tuple[Path, Path]:
    series = root / "series"
    issue = series / "2025-08"
    (issue / "items").mkdir(parents=True)
    (series / "series.yaml").write_text(
        "title: 工作专报\nissuer: 基准测试专班\nsections: [工作简讯]\ndistribution: {报: [市委办]}\n", "utf-8"
    )
    (issue / "issue.yaml").write_text(
        "number: 8\ndate: 2025-08-26\ntables:\n  - id: big\n    file: big.csv\n    title: 项目进度\n"
        "    section: 附件\n    target: 目标\n    actual: 完成\n    rank: true\n    as_of: 2025-07-31\n",
        "utf-8",
    )
    (issue / "items" / "01.md").write_text("---\nsection: 工作简讯\n---\n见附件。\n", "utf-8")
    (issue / "big.csv").write_text(
        "\n".join(",".join(r) for r in [COLUMNS] + rows) + "\n", encoding="utf-8"
    )
    markdown = root / "big.md"
    lines = ["# 项目进度", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    markdown.write_text("\n".join(lines) + "\n", "utf-8")
    return issue, markdown


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-record", action="store_true", help="print only, do not update RESULTS.md")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        sys.exit("pandoc is not installed (Debian: apt-get install pandoc)")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        issue, markdown = make_inputs(root, make_rows(args.rows))
        ours = [sys.executable, "-m", "zhuanbao", "build", str(issue), "-o", str(root / "out")]
        theirs = [pandoc, str(markdown), "-o", str(root / "pandoc.docx")]
        timed(ours), timed(theirs)  # warm the file cache
        a, b = [], []
        for _ in range(args.runs):
            a.append(timed(ours))
            b.append(timed(theirs))
    ours_s, theirs_s = statistics.median(a), statistics.median(b)
    ratio = ours_s / theirs_s
    line = (
        f"| {dt.date.today().isoformat()} | big table ({args.rows} rows × {len(COLUMNS)} columns) | "
        f"{ours_s * 1000:.0f} ms | {theirs_s * 1000:.0f} ms ({version}) | {ratio:.2f} | ≤ 0.5 | {machine()} |"
    )
    print(line)
    if not args.no_record:
        record([line])


if __name__ == "__main__":
    main()
