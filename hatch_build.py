"""Puts the example series into the wheel as the repository holds it (what ``zhuanbao init --example`` copies).

hatchling's ``force-include`` copies a folder verbatim, whatever lies in it on the builder's disk and exempt from
every exclude rule: after ``make demo`` or a test run that includes the example's SQLite database, generated from
its committed SQL (and made again by ``init --example`` in the copy). So the wheel would depend on what the
builder ran before. Here the example's files are listed one by one, leaving out what .gitignore keeps out of the
repository, so the same commit gives the same wheel.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "content"
TARGET = "zhuanbao/example"


class ExampleSeries(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":  # an editable install reads the repository's
            return
        root = Path(self.root)
        for path in sorted((root / SOURCE).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not self.build_config.path_is_excluded(relative):
                build_data["force_include"][str(path)] = f"{TARGET}/{path.relative_to(root / SOURCE).as_posix()}"
