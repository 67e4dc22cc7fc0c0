"""Benchmark: how long `zhuanbao watch` takes to rebuild the example issue after a save.

Two numbers, medians over N saves of the example series' longest issue (2025-08):
- rebuild: the warm in-process rebuild alone (what each save costs);
- save → document: from writing the item file to the new .docx being in place,
  through watchfiles' notification and debounce, as the editor experiences it.

    .venv/bin/python bench/watch_latency.py [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "content"


def main() -> None:
    from common import machine, record

    from zhuanbao.watch import rebuild, watch
    from zhuanbao.workspace import Workspace

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        series = Path(work) / "series"
        shutil.copytree(EXAMPLE, series)
        issue, out = series / "2025-08", Path(work) / "out"
        item = next((issue / "items").glob("*.md"))
        original = item.read_text("utf-8")
        workspace = Workspace()
        rebuild(issue, out, None, workspace)  # warm: imports, style sheet, templates
        warm = []
        for i in range(args.runs):
            item.write_text(original + f"\n第{i}次修改。\n", "utf-8")
            warm.append(rebuild(issue, out, None, workspace).seconds)

        document = out / "工作专报2025年第8期.docx"
        done = threading.Event()
        stop = threading.Event()
        thread = threading.Thread(
            target=watch, args=(issue, out, None, lambda *_: done.set()), kwargs={"stop_event": stop}, daemon=True
        )
        thread.start()
        done.wait(10)
        latency = []
        for i in range(args.runs):
            time.sleep(0.3)
            done.clear()
            before = document.stat().st_mtime_ns
            start = time.perf_counter()
            item.write_text(original + f"\n保存{i}。\n", "utf-8")
            done.wait(10)
            if document.stat().st_mtime_ns != before:
                latency.append(time.perf_counter() - start)
        stop.set()
        thread.join(5)
    rows = [
        f"| {dt.date.today().isoformat()} | watch: warm rebuild of 2025-08 | {statistics.median(warm) * 1000:.0f} ms "
        f"| — | — | < 100 ms | {machine()} |",
        f"| {dt.date.today().isoformat()} | watch: save → new .docx in place | "
        f"{statistics.median(latency) * 1000:.0f} ms | — | — | < 100 ms rebuild | {machine()} |",
    ]
    print("\n".join(rows))
    if not args.no_record:
        record(rows)


if __name__ == "__main__":
    main()
