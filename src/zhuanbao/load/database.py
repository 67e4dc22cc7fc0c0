"""A table read from a database: the ``query:`` of a table entry run on its ``database:`` (a SQLAlchemy URL),
through pandas' ``read_sql``; both are imported only when such a table is built.

The query's named parameters come from the issue (:year, :month, :as_of, :date, :number; ``params:`` adds or
overrides). A SQLite file is opened read-only; any other database runs the query in a transaction that is
rolled back, so a bulletin never changes the statistics office's data. Passwords never sit in issue.yaml:
series.yaml names the environment variable that holds one (``database_passwords``), and the password is
blanked out of every message the database or its driver may echo it in.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..diagnostics import DataError
from ..located import YamlDoc
from ..model import Issue, TableSpec
from .frames import QUERY_RESULT, HeldTable, frame_table
from .tables import MAX_TABLE_CELLS

#: what a query may use without ``params:``, and what each is
PARAMETERS = {
    "year": "统计期的年份（写了 as_of 时为 as_of 的年份，否则为本期日期的年份）",
    "month": "统计期的月份（写了 as_of 时为 as_of 的月份，否则为本期日期的月份）",
    "as_of": "本表的统计截止日期 as_of",
    "date": "本期的印发日期",
    "number": "本期的期号",
}
URL_HINT = ("SQLite 写作 sqlite:///数据/统计.sqlite（相对刊物文件夹）；其他数据库如 "
            "postgresql+psycopg://用户名@主机/库名、mysql+pymysql://用户名@主机/库名，密码不写在这里。")  # fmt: skip
PASSWORD_HINT = ("把密码放在运行 zhuanbao 的电脑的环境变量中，并在 series.yaml 中写明变量名，"
                 "如 database_passwords: {用户名@主机名: ZHUANBAO_DB_PASSWORD}")  # fmt: skip
READ_ONLY_HINT = "专报只读取数据：查询应以 SELECT（或 WITH）开头，一次一条。"
# Python packages of the drivers offices use, by the module SQLAlchemy tried to import
DRIVERS = {"psycopg2": "psycopg2-binary", "psycopg": "psycopg[binary]", "pymysql": "pymysql", "MySQLdb": "mysqlclient",
           "pyodbc": "pyodbc", "oracledb": "oracledb", "cx_Oracle": "oracledb", "pymssql": "pymssql"}  # fmt: skip
CHUNK_ROWS = 10_000  # rows fetched at a time, so a result too large is refused before it is all in memory
_PASSWORD_IN_URL = re.compile(r"(://[^/?#@:]*:)[^/?#@]*@")
_FIRST_WORD = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*(\w+)", re.S)


def query_params(spec: TableSpec, issue: Issue) -> dict[str, Any]:
    """The values a query's named parameters take for this issue: the statistics period is the table's
    ``as_of`` when it has one (a bulletin dated 24 October reports September), else the issue's date."""
    period = spec.as_of or issue.date
    values: dict[str, Any] = {"year": period.year, "month": period.month, "as_of": spec.as_of, "date": issue.date,
                              "number": issue.number}  # fmt: skip
    values.update(spec.params)
    return values


def masked(url: str) -> str:
    """A database address as it may be shown: a password typed into it replaced by ***."""
    return _PASSWORD_IN_URL.sub(r"\1***@", url)


def read_query(spec: TableSpec, series_dir: Path, issue: Issue, doc: YamlDoc, index: int, passwords: dict[str, str],
               max_cells: int = MAX_TABLE_CELLS) -> HeldTable:  # fmt: skip
    """Run the table's query and return its result as a table whose errors point at the query's line."""
    import pandas as pd
    from sqlalchemy.exc import SQLAlchemyError

    def at(key: str, message: str, hint: str | None = None) -> DataError:
        return doc.error(scrub(message), ("tables", index, key), scrub(hint) if hint else None, cls=DataError)

    secrets: list[str] = []

    def scrub(text: str) -> str:
        from urllib.parse import quote, quote_plus

        for secret in secrets:
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                text = text.replace(form, "***")
        return text

    assert spec.query is not None and spec.database is not None
    statement = _statement(spec, issue, lambda message, hint=None: at("query", message, hint))
    engine = _engine(spec.database, series_dir, passwords, secrets, lambda message, hint=None: at("database", message, hint))
    try:
        try:
            connection = engine.connect()
        except (SQLAlchemyError, OSError, ValueError) as exc:
            raise at("database", f"无法连接数据库：{_reason(exc)}") from None
        try:
            frames, cells = [], 0
            for chunk in pd.read_sql(statement, connection, coerce_float=False, chunksize=CHUNK_ROWS):
                cells += max(1, chunk.shape[1]) * len(chunk)
                if cells > max_cells:
                    raise at("query", f"查询结果过大：已超过 {max_cells:,} 个单元格的上限",
                             "只取要印的行和列；逐条记录要汇总的，请在查询中 GROUP BY，或用 group_by。")  # fmt: skip
                frames.append(chunk)
        except (SQLAlchemyError, OSError, ValueError, TypeError) as exc:
            raise at("query", f"数据库查询出错：{_reason(exc)}") from None
        finally:
            connection.close()  # never committed: whatever the query did is rolled back
    finally:
        engine.dispose()
    if not frames:
        raise at("query", "查询没有返回任何列")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    line = doc.where(("tables", index, "query"))[0]
    table = frame_table(frame, doc.path, line, QUERY_RESULT, max_cells)
    if not table.rows:
        used = "，".join(f"{name}={_shown(value)}" for name, value in _used(spec, issue).items())
        raise at("query", f"查询没有返回任何数据（{used or '没有用参数'}）",
                 "核对查询的条件，以及本期的日期和 as_of：数据库中可能还没有这个月的数据。")  # fmt: skip
    return table


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _used(spec: TableSpec, issue: Issue) -> dict[str, Any]:
    """The parameters the query uses, with their values."""
    from sqlalchemy import text

    values = query_params(spec, issue)
    return {name: values.get(name) for name in text(spec.query or "").compile().params}


def _statement(spec: TableSpec, issue: Issue, error):
    """The query with its parameters bound (typed, so a date reaches SQLite as 2025-09-30), or an error
    naming the parameter the issue cannot fill."""
    from sqlalchemy import Date, Float, Integer, String, bindparam, text

    first = _FIRST_WORD.match(spec.query or "")
    if first is None or first.group(1).lower() not in ("select", "with"):
        return_word = first.group(1) if first else "（空）"
        raise error(f"查询应是一条 SELECT 语句，现在以“{return_word}”开头", READ_ONLY_HINT)
    statement = text(spec.query)
    values = query_params(spec, issue)
    binds = []
    for name in statement.compile().params:
        if name not in values:
            known = "、".join(f":{key}" for key in values)
            raise error(f"查询中的参数 :{name} 没有值（可用：{known}）",
                        f"其他参数写在 params 中，如 params: {{{name}: …}}；要写冒号本身时写成 \\:")  # fmt: skip
        value = values[name]
        if value is None:
            raise error(f"查询用了 :{name}，但这张表没有写 {name}（{PARAMETERS.get(name, '')}）")
        kind = (Integer() if isinstance(value, int) else Float() if isinstance(value, float)
                else Date() if isinstance(value, dt.date) else String())  # fmt: skip
        binds.append(bindparam(name, value, type_=kind))
    return statement.bindparams(*binds)


def _engine(address: str, series_dir: Path, passwords: dict[str, str], secrets: list[str], error):
    """An engine for ``address``: a SQLite file opened read-only, or another database with its password
    from the environment variable series.yaml names (remembered in ``secrets``, to be blanked out)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    try:
        url = make_url(address.strip())
    except (ArgumentError, ValueError):
        raise error(f"数据库地址“{masked(address)}”写得不对", URL_HINT) from None
    in_query = {key.lower(): str(value) for key, value in url.query.items()}
    if url.password is not None or {"password", "pwd", "passwd"} & in_query.keys() or re.search(
            r"\bpwd\s*=", in_query.get("odbc_connect", ""), re.I):  # fmt: skip
        raise error("数据库的密码不能写在 issue.yaml 中（能打开这个文件的人都会看到）", PASSWORD_HINT)
    if url.get_backend_name() == "sqlite" and url.get_driver_name() in ("pysqlite", ""):
        return _sqlite(url, series_dir, error)
    variable = next((passwords[key] for key in _password_keys(url) if key in passwords), None)
    if variable is not None:
        import os

        password = os.environ.get(variable)
        if not password:
            raise _unset(series_dir, next(key for key in _password_keys(url) if key in passwords), variable)
        secrets.append(password)
        url = url.set(password=password)
    try:
        return create_engine(url, poolclass=NullPool)
    except NoSuchModuleError:
        raise error(f"不认识的数据库类型“{url.drivername}”", URL_HINT) from None
    except ImportError as exc:
        package = DRIVERS.get(exc.name or "", exc.name or "")
        raise error(f"没有安装连接 {url.get_backend_name()} 数据库所需的 Python 软件包 {package}",
                    f"在安装 zhuanbao 的环境中运行 pip install {package}；内网电脑可在能上网的电脑上 "
                    f"pip download {package} 后拷过去安装。") from None  # fmt: skip


def _password_keys(url) -> list[str]:
    """How series.yaml's database_passwords may name a database: user@host:port, user@host, host:port, host."""
    host = url.host or ""
    at = [f"{url.username}@"] if url.username else []
    ports = [f":{url.port}"] if url.port else []
    return [f"{user}{host}{port}" for user in [*at, ""] for port in [*ports, ""]]


def _unset(series_dir: Path, key: str, variable: str) -> DataError:
    from .yamlfile import load_yaml

    doc = load_yaml(series_dir / "series.yaml")  # content.SERIES_FILE: content imports this module, not back
    return doc.error(f"环境变量 {variable} 没有设置：series.yaml 的 database_passwords 说“{key}”的密码在这里",
                     ("database_passwords", key), cls=DataError,
                     hint="在运行 zhuanbao 的环境中设置它：Windows 任务计划程序的操作前先 setx，systemd 单元中写 "
                          "Environment= 或 EnvironmentFile=，cron 的包装脚本中 export。")  # fmt: skip


def _sqlite(url, series_dir: Path, error):
    """A SQLite file (relative paths from the series folder), opened read-only."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    name = (url.database or "").replace("\\", "/")
    if name in ("", ":memory:") or name.startswith("file:"):
        raise error("SQLite 数据库要写文件的路径", URL_HINT)
    path = Path(name) if Path(name).is_absolute() else series_dir / name
    if not path.is_file():
        made_by = path.with_suffix(".sql")
        hint = (f"同一文件夹中的 {made_by.name} 是生成它的脚本：示例刊物的数据库由 make demo、make test 或 "
                f"zhuanbao init --example 生成" if made_by.is_file() else "SQLite 的相对路径从刊物文件夹（series.yaml 所在）算起。")  # fmt: skip
        raise error(f"SQLite 数据库文件不存在：{path}", hint)
    address = path.resolve().as_uri() + "?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(address, uri=True), poolclass=NullPool)


def _reason(exc: BaseException) -> str:
    """What the database (or its driver) said, without the statement SQLAlchemy or pandas wrap it in."""
    seen: BaseException | None = exc
    while seen is not None and getattr(seen, "orig", None) is None:  # pandas' DatabaseError wraps SQLAlchemy's
        seen = seen.__cause__ or seen.__context__
    original = getattr(seen, "orig", None)
    text = str(original if original is not None else exc)
    text = text.split("\n[SQL:", 1)[0].split("\n(Background on this error", 1)[0]
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "") or type(exc).__name__
