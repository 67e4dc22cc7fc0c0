"""Shared by the benchmark scripts: the machine line and recording rows in RESULTS.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(rows: list[str]) -> None:
    """Add rows to the results table (above the notes)."""
    text = RESULTS.read_text("utf-8")
    end = text.index("\n\n## Notes") if "\n\n## Notes" in text else len(text.rstrip("\n"))
    RESULTS.write_text(text[:end] + "\n" + "\n".join(rows) + text[end:], "utf-8")
