"""Where everything in an archive lives: the folder publish uses, the one the readers use, versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.archive.layout import (
    archive_to_read,
    current_name,
    default_archive,
    is_current,
    issue_home,
    version_numbers,
    versions,
)
from zhuanbao.diagnostics import ContentError


def test_publish_archives_beside_the_series_unless_series_yaml_says(tmp_path):
    series = tmp_path / "办公室" / "content"
    series.mkdir(parents=True)
    assert default_archive(series, None) == (tmp_path / "办公室" / "archive").resolve()
    assert default_archive(series, "../../共享/归档") == (tmp_path / "共享" / "归档").resolve()


def test_the_readers_use_archive_in_the_current_folder_or_the_one_given(tmp_path):
    assert archive_to_read(tmp_path / "别处") == tmp_path / "别处"
    with pytest.raises(ContentError, match="请用 --archive 指出归档文件夹"):
        archive_to_read(None, tmp_path)
    (tmp_path / "archive").mkdir()
    assert archive_to_read(None, tmp_path) == tmp_path / "archive"


def test_versions_and_which_is_current(tmp_path):
    home = issue_home(tmp_path, "content", "2025-08")
    for name in ("v1", "v2", "v10", "vx", "notes"):
        (home / name).mkdir(parents=True)
    for name in ("v1", "v2", "v10"):
        (home / name / "manifest.json").write_text("{}", "utf-8")
    (home / "current").write_text("v10\n", "utf-8")
    assert version_numbers(home) == [1, 2, 10]  # by number: v10 after v2
    assert current_name(home) == "v10" and is_current(home / "v10") and not is_current(home / "v2")
    assert versions(tmp_path) == sorted(home / n for n in ("v1", "v10", "v2"))
    assert current_name(Path(tmp_path / "none")) is None
