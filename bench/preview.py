"""Benchmark: the studio's printed pages, page load and check findings, as an editor experiences them.

Through the studio itself (Starlette's TestClient over the real app, the real background preview thread
and LibreOffice), on a copy of the example series made in a temporary folder:
- save → new page images: a 10-page issue (2025-09 with items of 2025-07 and 2025-08 added until it
  prints ten pages); from posting the item form to the state answering with the new set ready, as the
  page's script polls it; with the resident LibreOffice (median of --runs saves after a first one that
  starts it) and beside it with one LibreOffice run per conversion (no Python for UNO: --cold-runs saves);
  the 300 ms wait for more saves is included;
- page load of the 12-item issue 2025-08 (GET /issue/2025-08, median of --runs);
- save → updated check findings: posting an item with a half-width comma, to the item page (the redirect)
  showing the finding at its line.

    .venv/bin/python bench/preview.py [--runs 7] [--cold-runs 3] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import machine, record

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "content"
PAGES = 10


def make_issue(series: Path) -> Path:
    """2025-09 with more items until it prints PAGES pages (counted by converting it)."""
    from zhuanbao import services
    from zhuanbao.export.resident import open_converter

    issue = series / "2025-09"
    extra = sorted((series / "2025-07" / "items").glob("*.md")) + sorted((series / "2025-08" / "items").glob("*.md"))
    converter = open_converter()
    try:
        with tempfile.TemporaryDirectory() as out:
            for n, source in enumerate(extra, start=10):
                shutil.copy(source, issue / "items" / f"{n}-{source.name}")
                pages = len(services.issue_pages(issue, Path(out), converter).pages)
                if pages >= PAGES:
                    return issue
    finally:
        converter.stop()
    raise SystemExit(f"could not make a {PAGES}-page issue (got {pages})")


def client_for(series: Path, output: Path):
    from starlette.testclient import TestClient

    from zhuanbao.studio.app import create_app
    from zhuanbao.studio.guard import Session

    session = Session(port=8765)
    client = TestClient(create_app(series, session, output), base_url="http://127.0.0.1:8765")
    client.get(f"/?token={session.token}")
    return client


def form(client, path: str) -> dict:
    page = client.get(path).text
    value = lambda name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)  # noqa: E731
    return {"csrf": value("csrf"), "sha256": value("sha256"), "title": value("title"), "source": value("source"),
            "section": re.search(r'<option value="([^"]*)" selected', page).group(1),
            "body": re.search(r"<textarea name=\"body\"[^>]*>(.*?)</textarea>", page, re.S).group(1)}  # fmt: skip


def ready(client, issue: str, old: str, seconds: float = 120) -> dict:
    """Poll the pane's state until a set other than ``old`` is ready (the script polls every 0.5 s; this
    polls every 50 ms, so the time measured is the studio's, not the poll interval's)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(f"/issue/{issue}/pages/state").json()
        if state["state"] == "ready" and state["version"] != old:
            return state
        if state["state"] == "failed":
            raise SystemExit(f"preview failed: {state['error']}")
        time.sleep(0.05)
    raise SystemExit("no new pages in time")


def save_to_pages(client, issue: str, item: str, runs: int) -> tuple[list[float], int]:
    path = f"/issue/{issue}/item/{item}"
    version = ready(client, issue, "")["version"]  # the first set (and a started LibreOffice)
    times, count = [], 0
    for run in range(runs):
        data = form(client, path)
        data["body"] = data["body"].rstrip() + f"\n\n第{run + 1}次修改。\n"
        started = time.perf_counter()
        client.post(path, data=data, follow_redirects=False)
        state = ready(client, issue, version)
        times.append(time.perf_counter() - started)
        version, count = state["version"], state["count"]
    return times, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    from zhuanbao.export import resident

    with tempfile.TemporaryDirectory() as work:
        series = Path(work) / "series"
        shutil.copytree(EXAMPLE, series)
        issue = make_issue(series)
        item = sorted((issue / "items").glob("*.md"))[0].name

        client = client_for(series, Path(work) / "out")
        try:
            warm, pages = save_to_pages(client, issue.name, item, args.runs)
            load = []
            for _ in range(args.runs):
                started = time.perf_counter()
                assert client.get("/issue/2025-08").status_code == 200
                load.append(time.perf_counter() - started)
            findings = []
            path = "/issue/2025-08/item/" + sorted((series / "2025-08" / "items").glob("*.md"))[1].name
            for run in range(args.runs):
                data = form(client, path)
                data["body"] = data["body"].rstrip() + f"\n\n今年,第{run}次核对。\n"  # a half-width comma
                started = time.perf_counter()
                page = client.post(path, data=data).text
                findings.append(time.perf_counter() - started)
                assert "halfwidth-punct" in page, "the finding is not on the page"
        finally:
            client.app.state.studio.close()

        real = resident.find_uno_python
        resident.find_uno_python = lambda soffice: None  # as on a PC without python3-uno
        client = client_for(series, Path(work) / "out-cold")
        try:
            cold, _ = save_to_pages(client, issue.name, item, args.cold_runs)
        finally:
            client.app.state.studio.close()
            resident.find_uno_python = real

    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    today, where = dt.date.today().isoformat(), machine()
    rows = [
        f"| {today} | studio: save → new page images, {pages}-page issue (resident LibreOffice) | {ms(warm):.0f} ms "
        f"| {ms(cold):.0f} ms (one LibreOffice run per conversion) | {ms(warm) / ms(cold):.2f} | ≤ 2 s | {where} |",
        f"| {today} | studio: page load, 12-item issue (2025-08) | {ms(load):.0f} ms | — | — | — | {where} |",
        f"| {today} | studio: save → updated check findings (item page) | {ms(findings):.0f} ms | — | — | — "
        f"| {where} |",
    ]
    print("\n".join(rows))
    each = lambda values: [round(t * 1000) for t in values]  # noqa: E731
    print(f"save → pages, each run (ms): resident {each(warm)}, cold {each(cold)}", file=sys.stderr)
    if not args.no_record:
        record(rows)


if __name__ == "__main__":
    main()
