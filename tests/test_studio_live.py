"""Changes on disk reach open pages: the versions a page compares (studio/live.py) and the stream itself,
served for real (a change by another writer arrives within a second or two; the studio's own traffic —
temporary files of atomic writes, backups, the output folder — sets nothing off)."""

from __future__ import annotations

import json
import os
import threading
import time

import httpx2
import pytest

from tests.conftest import served_studio
from zhuanbao.studio.live import issue_version, series_version, versions
from zhuanbao.studio.server import preferred_port

ITEM = "2024-03/items/01-gaizao.md"


def test_an_issue_version_changes_with_its_files_and_not_with_hidden_ones(series):
    root = series()
    folder = root / "2024-03"
    before = issue_version(folder)
    (folder / "items" / ".01-gaizao.md.a1b2c3d4.tmp").write_text("写到一半", "utf-8")  # an atomic write under way
    (folder / ".zhuanbao-backup").mkdir()
    assert issue_version(folder) == before
    time.sleep(0.01)
    (root / ITEM).write_text((root / ITEM).read_text("utf-8") + "又一段。\n", "utf-8")
    changed = issue_version(folder)
    assert changed != before
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "# 注\n", "utf-8")
    assert issue_version(folder) != changed  # sections and lists are on every page


def test_the_series_version_follows_issues_coming_and_going(series):
    root = series()
    before = series_version(root)
    (root / "2024-04").mkdir()
    assert series_version(root) == before  # a folder without issue.yaml is no issue (yet)
    (root / "2024-04" / "issue.yaml").write_text("number: 4\ndate: 2024-04-01\n", "utf-8")
    assert series_version(root) != before


def test_an_event_carries_the_digest_an_item_form_compares(series):
    root = series({"2024-04/issue.yaml": "number: 4\ndate: 2024-04-01\n"})
    event = versions(root, {root / ITEM})
    assert list(event["issues"]) == ["2024-03"]
    import hashlib

    assert event["items"] == {ITEM: hashlib.sha256((root / ITEM).read_bytes()).hexdigest()}
    (root / ITEM).unlink()
    assert versions(root, {root / ITEM})["items"] == {ITEM: None}  # deleted: the page says so
    assert set(versions(root, {root / "series.yaml"})["issues"]) == {"2024-03", "2024-04"}


def test_an_event_never_reads_an_item_linking_out_of_the_series(series, tmp_path):
    secret = tmp_path / "机密.md"
    secret.write_text("---\nsection: 工作简讯\n---\n机密。\n", "utf-8")
    root = series()
    (root / "2024-03/items/02-link.md").symlink_to(secret)
    assert versions(root, {root / "2024-03/items/02-link.md"})["items"] == {"2024-03/items/02-link.md": None}


def test_the_port_is_the_same_for_a_series_on_every_start(tmp_path):
    assert preferred_port(tmp_path / "甲") == preferred_port(tmp_path / "甲")
    assert 20000 <= preferred_port(tmp_path / "甲") < 30000
    assert preferred_port(tmp_path / "甲") != preferred_port(tmp_path / "乙")


class Stream:
    """The studio's /events read in a thread, as a page's EventSource would."""

    def __init__(self, base: str, session) -> None:
        self.events: list[dict] = []
        self.opened = threading.Event()
        self.ended = threading.Event()
        cookies = {session.cookie_name: session.secret}
        self.thread = threading.Thread(target=self.read, args=(base, cookies), daemon=True)
        self.thread.start()
        assert self.opened.wait(10)

    def read(self, base: str, cookies: dict) -> None:
        with httpx2.Client(cookies=cookies, timeout=30) as client:
            with client.stream("GET", f"{base}/events") as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                for line in response.iter_lines():
                    if line.startswith("retry: "):  # the stream's first line: the studio listens for this page now
                        self.opened.set()
                    if line.startswith("data: "):
                        self.events.append(json.loads(line[6:]))
        self.ended.set()

    def wait(self, count: int, seconds: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + seconds
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events


@pytest.mark.parametrize("how", ["write", "replace"])
def test_a_change_by_another_writer_reaches_the_open_page_within_two_seconds(series, how):
    root = series()
    with served_studio(root) as (base, session, _):
        stream = Stream(base, session)
        time.sleep(0.5)  # the watcher starts with the first listener
        start = time.monotonic()
        target = root / ITEM
        text = target.read_text("utf-8").replace("12个", "13个")
        if how == "write":  # Notepad
            target.write_text(text, "utf-8")
        else:  # the CLI and the studio: a temporary file renamed over it
            temporary = target.with_name(".01-gaizao.md.0a1b2c3d.tmp")
            temporary.write_text(text, "utf-8")
            os.replace(temporary, target)
        events = stream.wait(1)
        assert events, "no event within 5 s"
        assert time.monotonic() - start < 2.0
        assert events[-1]["issues"]["2024-03"] == issue_version(root / "2024-03")
        assert events[-1]["items"][ITEM] is not None


def test_the_studios_own_output_and_backups_set_nothing_off(series):
    root = series()
    output = root / "output"  # the output folder inside the series, as when the studio runs from there
    with served_studio(root, output) as (base, session, _):
        stream = Stream(base, session)
        time.sleep(0.5)
        output.mkdir()
        (output / "工作专报2024年第3期.docx").write_bytes(b"PK")
        (root / ".zhuanbao-backup" / "x").mkdir(parents=True)
        (root / "2024-03" / "items" / ".01.md.1234abcd.tmp").write_text("x", "utf-8")
        assert stream.wait(1, seconds=1.5) == []


def test_the_stream_needs_the_session(series):
    root = series()
    with served_studio(root) as (base, _, _):
        response = httpx2.get(f"{base}/events", timeout=10)
        assert response.status_code == 403


def test_stopping_the_studio_ends_the_open_streams(series):
    root = series()
    with served_studio(root) as (base, session, app):
        stream = Stream(base, session)
        app.state.studio.changes.end_streams()
        assert stream.ended.wait(5)


def test_a_page_asks_what_changed_since_it_was_made(studio):
    # asked once its stream is open: a change between rendering and listening is not missed
    client, _, root = studio()
    now = client.get("/events/now", params={"issue": "2024-03", "item": ITEM}).json()
    assert now["issues"] == {"2024-03": issue_version(root / "2024-03")}
    assert now["series"] == series_version(root) and now["items"][ITEM] is not None
    assert client.get("/events/now").json()["issues"] == {}
    assert client.get("/events/now", params={"issue": "../..", "item": "../../etc/passwd"}).json()["items"] == {}


def test_what_changed_is_told_only_to_the_session(series):
    from tests.conftest import make_client

    client, _ = make_client(series())
    assert client.get("/events/now", params={"issue": "2024-03"}).status_code == 403
