"""Where everything in an archive lives: the folder publish uses, the one the readers use, versions."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

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


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        (PureWindowsPath(r"\\fileserver\办公室\归档\catalogue.sqlite"),
         "file:////fileserver/%E5%8A%9E%E5%85%AC%E5%AE%A4/%E5%BD%92%E6%A1%A3/catalogue.sqlite?mode=ro"),
        (PureWindowsPath(r"D:\专报\归档\catalogue.sqlite"), "file:///D:/%E4%B8%93%E6%8A%A5/%E5%BD%92%E6%A1%A3/catalogue.sqlite?mode=ro"),
        (PurePosixPath("/srv/a?b#c%d/catalogue.sqlite"), "file:///srv/a%3Fb%23c%25d/catalogue.sqlite?mode=ro"),
    ],
)  # fmt: skip
def test_the_catalogue_opens_on_a_shared_drive(path, uri):
    # Path.as_uri() gives file://fileserver/…, which SQLite refuses: the archive would look damaged
    from zhuanbao.archive.layout import sqlite_uri

    assert sqlite_uri(path) == uri


def test_a_catalogue_in_a_folder_named_with_uri_syntax_opens(tmp_path):
    import sqlite3

    from zhuanbao.archive.layout import sqlite_uri

    path = tmp_path / "归档 a?b#c%d" / "catalogue.sqlite"
    path.parent.mkdir()
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.commit()
    db = sqlite3.connect(sqlite_uri(path), uri=True)
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("INSERT INTO t VALUES (1)")
