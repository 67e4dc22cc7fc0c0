"""Benchmark: start-up of `zhuanbao build` and `zhuanbao check` now, against an earlier revision.

Both trees run with this interpreter and its installed packages; only the
zhuanbao source differs (the earlier one from `git worktree`, put first on
PYTHONPATH). Runs alternate between the two, each going first in every other round, so
that a busy machine slows both alike; the median of each is recorded.

    .venv/bin/python bench/startup.py --against 912efd8 [--runs 15] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, record

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the earlier revision (a commit or tag)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        earlier = root / "earlier"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(earlier), args.against],
                       check=True, capture_output=True)  # fmt: skip
        try:
            shutil.copytree(REPO / "content", root / "content")
            issue = root / "content" / "2025-08"
            trees = {"earlier": str(earlier / "src"), "now": str(REPO / "src")}
            cases = {
                "build one issue": ["build", str(issue), "-o", str(root / "out")],
                "check one issue": ["check", str(issue)],
            }
            times = {(case, tree): [] for case in cases for tree in trees}
            for round_ in range(args.runs + 1):  # the first round warms the disk cache and the .pyc files
                for case, command in cases.items():
                    order = list(trees.items()) if round_ % 2 else list(trees.items())[::-1]  # ABBA: no side goes first always
                    for tree, src in order:
                        env = dict(os.environ, PYTHONPATH=src, PYTHONDONTWRITEBYTECODE="")
                        times[case, tree].append(timed([sys.executable, "-m", "zhuanbao", *command], env))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(earlier)], capture_output=True)
    rows = []
    today = dt.date.today().isoformat()
    for case in cases:
        before = statistics.median(times[case, "earlier"][1:]) * 1000
        after = statistics.median(times[case, "now"][1:]) * 1000
        rows.append(f"| {today} | start-up: {case} (2025-08), now vs {args.against} | {after:.0f} ms | "
                    f"{before:.0f} ms ({args.against}) | {after / before:.2f} | ≤ 1.02 (not slower; ±2 % is run-to-run noise) | {machine()} |")  # fmt: skip
    print("\n".join(rows))
    if not args.no_record:
        record(rows)


if __name__ == "__main__":
    main()
