"""A table read from a database (load/database.py): the query's parameters from the issue, a SQLite file
opened read-only, errors at issue.yaml's line with what the database said, and no password in any message."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from zhuanbao.diagnostics import UserError
from zhuanbao.load.content import load_edition, load_series

from .conftest import EXAMPLE, SERIES_YAML

SQL = """\
CREATE TABLE 就业 (年份 INTEGER, 月份 INTEGER, 区县 TEXT, 目标 INTEGER, 完成 INTEGER, 资金 NUMERIC);
INSERT INTO 就业 VALUES
  (2024, 1, '甲县', 100, 10, 1.5), (2024, 1, '乙县', 200, 30, 2.25),
  (2024, 2, '甲县', 100, 25, 3.5), (2024, 2, '乙县', 200, 70, 4.75);
"""

ISSUE = """\
number: 3
date: 2024-03-15
total: 20
tables:
  - id: jobs
    title: 就业
    section: 工作简讯
    query: |
      SELECT 区县, 目标, 完成 FROM 就业
      WHERE 年份 = :year AND 月份 = :month ORDER BY 区县
    database: {database}
    target: 目标
    actual: 完成
    as_of: {as_of}
{extra}"""
QUERY_LINE = 8  # the line of "query:" in ISSUE


def make(series, database: str = "sqlite:///数据/统计.sqlite", as_of: str = "2024-02-29", extra: str = "",
         query: str | None = None, series_yaml: str = SERIES_YAML) -> Path:  # fmt: skip
    text = ISSUE.format(database=database, as_of=as_of, extra=extra)
    if query is not None:
        text = text.replace("      SELECT 区县, 目标, 完成 FROM 就业\n      WHERE 年份 = :year AND 月份 = :month ORDER BY 区县\n",
                            "".join(f"      {line}\n" for line in query.splitlines()))  # fmt: skip
    root = series({"2024-03/issue.yaml": text, "series.yaml": series_yaml})
    (root / "数据").mkdir()
    connection = sqlite3.connect(root / "数据" / "统计.sqlite")
    connection.executescript(SQL)
    connection.commit()
    connection.close()
    return root


def load(root: Path):
    return load_edition(root, root / "2024-03", load_series(root))


def error_of(root: Path) -> UserError:
    with pytest.raises(UserError) as caught:
        load(root)
    return caught.value


def test_the_query_reads_the_month_of_as_of_from_a_relative_sqlite_file(series):
    (spec, raw), = load(make(series)).tables
    assert raw.header == ["区县", "目标", "完成"]
    assert raw.rows == [["乙县", "200", "70"], ["甲县", "100", "25"]]  # 2024-02: as_of's year and month


def test_params_override_the_issues_values(series):
    (spec, raw), = load(make(series, extra="    params: {month: 1}\n")).tables
    assert raw.rows == [["乙县", "200", "30"], ["甲县", "100", "10"]]


def test_decimals_from_the_database_stay_exact(series):
    root = make(series, query="SELECT 区县, 目标, 资金 AS 完成 FROM 就业 WHERE 月份 = :month ORDER BY 区县")
    (spec, raw), = load(root).tables
    assert [row[2] for row in raw.rows] == ["4.75", "3.5"]  # no binary noise of a float


def test_an_error_names_issue_yaml_s_line_and_what_the_database_said(series):
    root = make(series, query="SELECT 区县, 目标, 完成 FROM 没有这张表 WHERE 月份 = :month")
    exc = error_of(root)
    (diagnostic,) = exc.diagnostics
    assert diagnostic.path == root / "2024-03" / "issue.yaml" and diagnostic.line == QUERY_LINE
    assert "数据库查询出错" in diagnostic.message and "no such table: 没有这张表" in diagnostic.message
    assert "[SQL:" not in diagnostic.message  # the database's words, not SQLAlchemy's wrapping


def test_a_parameter_the_issue_cannot_fill_is_named(series):
    root = make(series, query="SELECT 区县, 目标, 完成 FROM 就业 WHERE 区县 = :county")
    (diagnostic,) = error_of(root).diagnostics
    assert diagnostic.line == QUERY_LINE and ":county 没有值" in diagnostic.message


def test_an_empty_result_says_which_values_were_used(series):
    (diagnostic,) = error_of(make(series, as_of="2024-03-15")).diagnostics
    assert "查询没有返回任何数据" in diagnostic.message and "year=2024" in diagnostic.message and "month=3" in diagnostic.message


def test_a_missing_sqlite_file_is_named_with_where_relative_paths_start(series):
    (diagnostic,) = error_of(make(series, database="sqlite:///数据/没有.sqlite")).diagnostics
    assert diagnostic.line == QUERY_LINE + 3 and "SQLite 数据库文件不存在" in diagnostic.message
    assert "刊物文件夹" in (diagnostic.hint or "")


def test_only_select_is_run_and_the_file_is_opened_read_only(series):
    root = make(series, query="DELETE FROM 就业")
    (diagnostic,) = error_of(root).diagnostics
    assert "SELECT" in diagnostic.message and "DELETE" in diagnostic.message
    # a statement that starts like a query but writes: SQLite itself refuses, the file opened read-only
    issue = root / "2024-03" / "issue.yaml"
    issue.write_text(issue.read_text("utf-8").replace("DELETE FROM 就业", "WITH x AS (SELECT 1) DELETE FROM 就业"), "utf-8")
    (diagnostic,) = error_of(root).diagnostics
    assert "readonly" in diagnostic.message or "read-only" in diagnostic.message, diagnostic.message
    rows = sqlite3.connect(root / "数据" / "统计.sqlite").execute("SELECT count(*) FROM 就业").fetchone()[0]
    assert rows == 4  # nothing deleted


PASSWORD = "S3cr#t:p@ss/word"


def test_a_password_written_in_issue_yaml_is_refused_and_never_repeated(series):
    root = make(series, database="postgresql://tongji:S3cr3tPass@db.example.cn/minsheng")
    (diagnostic,) = error_of(root).diagnostics
    assert "密码不能写在 issue.yaml 中" in diagnostic.message and "database_passwords" in (diagnostic.hint or "")
    assert "S3cr3tPass" not in str(diagnostic) + (diagnostic.hint or "")


def test_the_password_comes_from_the_variable_series_yaml_names_and_no_message_shows_it(series, monkeypatch):
    """A driver that echoes the password in its connection error (some do, with the whole DSN): blanked."""
    import sqlalchemy
    from sqlalchemy.exc import OperationalError

    seen = {}

    class Engine:
        def connect(self):
            raise OperationalError("connect", {}, Exception(f"FATAL: password {PASSWORD!r} rejected for tongji "
                                                            f"({seen['url'].render_as_string(hide_password=False)})"))  # fmt: skip

        def dispose(self):
            pass

    def create_engine(url, **options):
        seen["url"] = url
        return Engine()

    monkeypatch.setattr(sqlalchemy, "create_engine", create_engine)
    monkeypatch.setenv("TJ_DB_PASSWORD", PASSWORD)
    passwords = "database_passwords: {tongji@db.example.cn: TJ_DB_PASSWORD}\n"
    root = make(series, database="postgresql://tongji@db.example.cn/minsheng", series_yaml=SERIES_YAML + passwords)
    (diagnostic,) = error_of(root).diagnostics
    assert seen["url"].password == PASSWORD  # the driver was given it
    assert diagnostic.line == QUERY_LINE + 3 and "无法连接数据库" in diagnostic.message and "rejected" in diagnostic.message
    from urllib.parse import quote_plus

    shown = str(diagnostic) + (diagnostic.hint or "")
    assert PASSWORD not in shown and quote_plus(PASSWORD) not in shown and "***" in shown


def test_an_unset_password_variable_is_named_at_series_yaml_s_line(series, monkeypatch):
    monkeypatch.delenv("TJ_DB_PASSWORD", raising=False)
    passwords = "database_passwords:\n  tongji@db.example.cn: TJ_DB_PASSWORD\n"
    root = make(series, database="postgresql://tongji@db.example.cn/minsheng", series_yaml=SERIES_YAML + passwords)
    (diagnostic,) = error_of(root).diagnostics
    assert diagnostic.path == root / "series.yaml" and diagnostic.line == SERIES_YAML.count("\n") + 2
    assert "环境变量 TJ_DB_PASSWORD 没有设置" in diagnostic.message


def test_a_password_in_series_yaml_instead_of_a_variable_name_is_refused(series):
    root = make(series, series_yaml=SERIES_YAML + "database_passwords: {db.example.cn: 'S3cr3t!'}\n")
    with pytest.raises(UserError) as caught:
        load_series(root)
    assert "不要把密码本身写在这里" in str(caught.value) and "S3cr3t!" not in caught.value.diagnostics[0].message


def test_a_missing_driver_says_which_package_to_install(series):
    root = make(series, database="mysql+pymysql://tongji@db.example.cn/minsheng")
    (diagnostic,) = error_of(root).diagnostics
    assert "pip install pymysql" in (diagnostic.hint or "")


def test_the_example_issue_reads_its_database_made_from_sql(tmp_path):
    """init --example copies the SQL, not the .sqlite, and makes the database from it in the copy."""
    from zhuanbao.scaffold import copy_packaged

    copy = copy_packaged("example", tmp_path / "刊物")
    assert (copy / "数据" / "民生统计.sqlite").is_file()
    edition = load_edition(copy, copy / "2025-10", load_series(copy))
    jobs = dict((spec.id, raw) for spec, raw in edition.tables)["jobs"]
    assert jobs.header == ["区县（市）", "年度目标（人）", "累计完成（人）"] and len(jobs.rows) == 7
    assert jobs.rows[0][0] == "东岭区"


def test_a_build_without_such_tables_imports_neither_pandas_nor_sqlalchemy(tmp_path):
    code = ("import sys, zhuanbao.cli\nfrom pathlib import Path\nfrom zhuanbao.build import run\n"
            f"run(Path({str(EXAMPLE / '2025-09')!r}), Path({str(tmp_path)!r}))\n"
            "print(sorted(m for m in ('pandas', 'sqlalchemy', 'xlrd', 'olefile') if m in sys.modules))")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert any(tmp_path.glob("*.docx"))


def test_publishing_keeps_the_query_s_result_as_it_was(tmp_path):
    """The database moves on; the archive keeps the figures the document was made from, listed in its manifest."""
    import csv
    import json
    import shutil

    from zhuanbao.services import publish, verify

    root = tmp_path / "content"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("2025-07", "2025-08", "2025-09"))
    published = publish(root / "2025-10", tmp_path / "archive", pdf=False)
    frozen = published.folder / "sources" / "查询结果" / "jobs.csv"
    with open(frozen, encoding="utf-8-sig", newline="") as reader:
        rows = list(csv.reader(reader))
    assert rows[0] == ["区县（市）", "年度目标（人）", "累计完成（人）"] and rows[1] == ["东岭区", "6800", "5520"]
    assert not (published.folder / "sources" / "查询结果" / "renovation.csv").exists()  # that one is a file archived as is
    manifest = json.loads((published.folder / "manifest.json").read_text("utf-8"))
    assert "sources/查询结果/jobs.csv" in manifest["files"]
    assert verify(tmp_path / "archive").problems == []
