"""The catalogue (zhuanbao.archive.catalogue): search, the pair index, reindex, a damaged catalogue."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from zhuanbao.archive.catalogue import Catalogue, fts_query, pairs
from zhuanbao.cli import app
from zhuanbao.services import publish

runner = CliRunner()


def test_a_catalogue_that_is_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "archive" / "catalogue.sqlite").mkdir(parents=True)
    result = runner.invoke(app, ["search", "低保", "-a", str(tmp_path / "archive")])
    assert result.exit_code == 2 and "无法打开检索目录：这里是一个文件夹" in result.output


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("低保", {"市民政局完成城乡低保标准提标工作", "青石市提高城乡低保标准"}),  # 2 characters, two series
        ("敬老院", {"我市启动敬老院改造提升三年行动", "青石市提高城乡低保标准"}),  # 3 characters
        ("就业帮扶", {"青禾县：就业帮扶车间提质增效"}),  # 4 characters
        ("APP", {"市人社局“稳岗拓岗”政策兑现提速"}),
        ("ＡＰＰ", {"市人社局“稳岗拓岗”政策兑现提速"}),  # full-width, as a Chinese input method types it
    ],
)
def test_search_finds_terms_of_two_three_and_four_characters_across_series(two_series, query, expected):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        titles = {hit.title for hit in catalogue.search(query)}
    assert expected <= titles


def test_search_filters_and_output(two_series):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        assert {h.series for h in catalogue.search("低保", series="民政简报")} == {"民政简报"}
        assert {h.name[-10:] for h in catalogue.search("低保", year=2024)} == {"民政简报2024年第5期"[-10:]}
        by_unit = catalogue.search("低保", source="市民政局")
        assert by_unit and all("市民政局" in h.source for h in by_unit)
    result = runner.invoke(app, ["search", "敬老院", "-a", str(archive)])
    assert result.exit_code == 0
    assert "工作专报2025年第8期 · 重要新闻 · 我市启动敬老院改造提升三年行动" in result.output
    assert "【敬老院】" in result.output


def test_pairs_and_queries():
    assert pairs("就业帮扶车间 APP") == "就业 业帮 帮扶 扶车 车间 app"
    assert fts_query("低保 敬老院") == '"低保" AND "敬老 老院"'
    assert fts_query("保") is None  # one character: matched as a substring instead
    assert fts_query("18所 低保") == '"低保"'  # 18所 is not in the pair index as such


def test_single_character_query_still_works(series, tmp_path):
    root = series({  # with conftest's 01-gaizao.md (老旧小区改造, no 保): 保 is in three of five items
        "2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 低保资金按时发放\n---\n一季度低保资金全部发放到户。\n",
        "2024-03/items/03.md": "---\nsection: 工作简讯\ntitle: 参保人数增加\n---\n全市医保参保人数稳步增加。\n",
        "2024-03/items/04.md": "---\nsection: 工作简讯\ntitle: 保供稳价\n---\n蔬菜市场供应充足。\n",  # in the title only
        "2024-03/items/05.md": "---\nsection: 工作简讯\ntitle: 食品安全检查\n---\n食品安全检查全面覆盖。\n",
    })  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    with Catalogue(archive) as catalogue:
        assert catalogue.search("碗") == []
        assert sorted(h.title for h in catalogue.search("保")) == ["低保资金按时发放", "保供稳价", "参保人数增加"]


def _items_containing(archive, terms):
    """Ground truth from the published files: current items and indicator tables holding every term."""
    found = set()
    for current in archive.glob("*/*/current"):
        folder = current.parent / current.read_text("utf-8").strip()
        for item in json.loads((folder / "items.json").read_text("utf-8")):
            text = (item["title"] + "\n" + item["text"]).lower()
            if all(term.lower() in text for term in terms):
                found.add((folder.parent.name, item["title"]))
        for table in json.loads((folder / "tables.json").read_text("utf-8")):
            cells = [table["title"], table["unit"], *table["header"], *(c for row in table["rows"] for c in row)]
            text = "\n".join([*cells, table["note"]]).lower()
            if all(term.lower() in text for term in terms):
                found.add((folder.parent.name, table["title"]))
    return found


@pytest.mark.parametrize("query", ["7月", "18所", "1—7月", "低保 就", "保", "%", "_", "app", "就业帮扶", "2.4亿元"])
def test_search_finds_exactly_the_items_containing_every_term(two_series, query):
    """Numbers with units (7月, 18所) are what offices search most; % and _ are text, not wildcards."""
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        hits = {(h.name, h.title) for h in catalogue.search(query)}
    expected = _items_containing(archive, query.split())
    assert len(hits) == len(expected)
    assert {title for _, title in hits} == {title for _, title in expected}


def test_a_damaged_or_missing_catalogue_is_rebuilt_from_the_files(two_series, tmp_path):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    (copy / "catalogue.sqlite").write_text("junk", "utf-8")
    with Catalogue(copy) as catalogue:
        assert len(catalogue.search("低保")) == len(Catalogue(archive).search("低保")) > 0
    (copy / "catalogue.sqlite").unlink()
    result = runner.invoke(app, ["search", "低保", "-a", str(copy)])
    assert result.exit_code == 0 and "共 0 条" not in result.output


def test_a_mistyped_archive_folder_is_named_not_created(tmp_path):
    result = runner.invoke(app, ["search", "低保", "-a", str(tmp_path / "typo")])
    assert result.exit_code == 2 and "归档文件夹不存在" in result.output
    assert not (tmp_path / "typo").exists()


def test_reindex_rebuilds_the_catalogue_from_the_files(series, tmp_path):
    root = series({  # March is conftest's one item, 老旧小区改造12个
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
        "2024-04/items/01.md": "---\nsection: 工作简讯\ntitle: 四月开工\n---\n四月老旧小区改造开工8个。\n",
    })  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    publish(root / "2024-04", archive, pdf=False)
    item = root / "2024-03" / "items" / "01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("改造12个", "改造13个"), "utf-8")
    publish(root / "2024-03", archive, revise=True, pdf=False)  # three versions: March v1 and v2, April v1
    with Catalogue(archive) as catalogue:
        before = sorted((h.name, h.title, h.snippet) for h in catalogue.search("老旧小区"))
    assert [name for name, _, _ in before] == ["工作专报2024年第3期", "工作专报2024年第4期"]
    assert "改造13个" in before[0][2]  # March's current version, not v1
    (archive / "catalogue.sqlite").unlink()
    result = runner.invoke(app, ["reindex", "-a", str(archive)])
    assert result.exit_code == 0 and "已重建目录：3 个版本。" in result.output
    with Catalogue(archive) as catalogue:
        assert sorted((h.name, h.title, h.snippet) for h in catalogue.search("老旧小区")) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "请给出要找的词"),
        (["search", "低保", "--series", "工作简报"], "归档中没有刊物“工作简报”（有：工作专报、民政简报）"),
        (["stats", "--series", "工作简报"], "归档中没有刊物“工作简报”"),
    ],
)
def test_search_and_stats_say_what_is_wrong_with_the_question(two_series, args, message):
    _, archive = two_series
    result = runner.invoke(app, [*args, "-a", str(archive)])
    assert result.exit_code == 2 and message in result.output and "共 0 条" not in result.output


def test_search_counts_every_hit_and_lists_as_many_as_asked(series, tmp_path):
    # six items besides conftest's 01-gaizao.md: seven in all, each with one 。
    root = series({f"2024-03/items/{n:02d}.md": f"---\nsection: 工作简讯\ntitle: 简讯{n}\n---\n第{n}条简讯。\n"
                   for n in range(2, 8)})  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    every = runner.invoke(app, ["search", "。", "-a", str(archive), "--limit", "0"])
    assert every.exit_code == 0
    assert every.output.count("\n    ") == 7 and "共 7 条。" in every.output
    few = runner.invoke(app, ["search", "。", "-a", str(archive), "-n", "5"])
    assert few.output.count("\n    ") == 5 and "共 7 条，以上是最相关的 5 条" in few.output


def test_a_version_published_without_items_json_is_read_from_its_sources_as_written(series, tmp_path):
    """Versions from before items.json, or whose sources an older schema allowed, are still found and counted."""
    root = series({"2024-03/items/02-MORE.MD": "---\nsection: 工作简讯\ntitle: 大写扩展名的稿件\n---\n社区食堂{{ 3 }}家。\n"})
    folder = publish(root / "2024-03", tmp_path / "archive", pdf=False).folder
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (folder / "items.json").unlink()
    series_yaml = folder / "sources" / "series.yaml"
    series_yaml.write_text(series_yaml.read_text("utf-8") + "logo: 徽标.png\n", "utf-8")  # a key no schema knows now
    with Catalogue(tmp_path / "archive") as catalogue:
        catalogue.rebuild()
        assert [h.title for h in catalogue.search("老旧小区")] == ["测试区完成老旧小区改造"]
        assert [(h.title, h.snippet) for h in catalogue.search("社区食堂")] == [("大写扩展名的稿件", "【社区食堂】家。")]
        assert catalogue.stats()["供稿单位"] == [("测试区住建局", 1), ("（未署名）", 1)]


# --- hostile input (issue 13) -------------------------------------------------------------------

import os  # noqa: E402
import sqlite3  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402

from zhuanbao.archive import catalogue as catalogue_module  # noqa: E402
from zhuanbao.diagnostics import BusyError, ContentError  # noqa: E402

from .conftest import bounded, refused  # noqa: E402


def _hold_exclusively(path, seconds):
    """Another run writing: an exclusive transaction on the catalogue, released after ``seconds``."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO data_tables (issue_id, title) VALUES (0, 'sentinel')")  # a row a rebuild would drop
    held = threading.Event()

    def release():
        held.set()
        time.sleep(seconds)
        db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=release)
    thread.start()
    held.wait()
    return thread


def _sentinel(path) -> list:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT title FROM data_tables WHERE title = 'sentinel'").fetchall()


def test_a_busy_catalogue_is_waited_for_and_never_rebuilt(two_series, tmp_path):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    path = copy / "catalogue.sqlite"
    inode = os.stat(path).st_ino
    thread = _hold_exclusively(path, 1.0)
    started = time.monotonic()
    with Catalogue(copy) as catalogue:
        hits = catalogue.search("低保")
    thread.join()
    assert hits and time.monotonic() - started >= 0.9
    assert os.stat(path).st_ino == inode and _sentinel(path) == [("sentinel",)]  # the same file, its rows kept


def test_a_catalogue_still_busy_after_the_wait_is_a_busy_error_not_a_rebuild(two_series, tmp_path, monkeypatch):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    path = copy / "catalogue.sqlite"
    inode = os.stat(path).st_ino
    monkeypatch.setattr(catalogue_module, "BUSY_TIMEOUT", 0.3)
    thread = _hold_exclusively(path, 2.0)
    try:
        with pytest.raises(BusyError, match="检索目录正被另一个 zhuanbao"):
            Catalogue(copy).search("低保")
        result = runner.invoke(app, ["search", "低保", "-a", str(copy)])
        assert result.exit_code == 75 and "检索目录正被另一个 zhuanbao" in result.output
        assert "Traceback" not in result.output
    finally:
        thread.join()
    assert os.stat(path).st_ino == inode and _sentinel(path) == [("sentinel",)]


def test_a_catalogue_of_another_schema_is_rebuilt(two_series, tmp_path):
    _, archive = two_series
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    with sqlite3.connect(copy / "catalogue.sqlite") as db:
        db.execute("PRAGMA user_version = 1")
    with Catalogue(copy) as catalogue:
        assert catalogue.search("低保")
    with sqlite3.connect(copy / "catalogue.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == catalogue_module.SCHEMA_VERSION


def _damage(folder, how):
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    if how == "not json":
        manifest.write_text("{\"series\": ", "utf-8")
    elif how == "a list":
        manifest.write_text(json.dumps([data]), "utf-8")
    elif how == "wrong types":
        manifest.write_text(json.dumps(data | {"year": "2025", "documents": "x.docx"}), "utf-8")
    elif how == "missing keys":
        manifest.write_text(json.dumps({k: v for k, v in data.items() if k not in ("name", "date")}), "utf-8")
    elif how == "bad date":
        manifest.write_text(json.dumps(data | {"date": "2025-13-45"}), "utf-8")
    elif how == "items.json":
        (folder / "items.json").write_text(json.dumps([{"title": 1, "text": ["x"]}]), "utf-8")
    return manifest if how != "items.json" else folder / "items.json"


@pytest.mark.parametrize("how", ["not json", "a list", "wrong types", "missing keys", "bad date", "items.json"])
def test_one_damaged_version_is_skipped_with_a_warning_and_the_rest_still_work(archived, tmp_path, how):
    archive, july = archived  # July damaged; August intact
    damaged = _damage(july, how)
    (archive / "catalogue.sqlite").unlink()
    reindexed = bounded("reindex", "-a", str(archive))
    assert reindexed.returncode == 0 and "Traceback" not in reindexed.stderr, reindexed.stderr
    assert "已重建目录：1 个版本。" in reindexed.stdout
    assert str(damaged) in reindexed.stderr and "警告" in reindexed.stderr and "这一版未编入检索目录" in reindexed.stderr
    (archive / "catalogue.sqlite").unlink()  # search rebuilds it, then answers from the rest
    found = bounded("search", "敬老院", "-a", str(archive))
    assert found.returncode == 0 and "工作专报2025年第8期" in found.stdout, found.stderr
    assert str(damaged) in found.stderr
    site = bounded("site", "-a", str(archive), "-o", str(tmp_path / "site"))
    assert site.returncode == 0 and "Traceback" not in site.stderr, site.stderr
    assert "工作专报2025年第8期" in (tmp_path / "site" / "index.html").read_text("utf-8")
    with Catalogue(archive) as catalogue:
        assert catalogue.rebuild() == 1 and [w.path for w in catalogue.warnings] == [damaged]


def test_a_query_of_a_thousand_terms_is_refused(two_series):
    _, archive = two_series
    many = bounded("search", " ".join(["低保"] * 1200), "-a", str(archive), seconds=30)
    refused(many, "检索词太多（1200 个），最多 64 个")
    long = bounded("search", "低" * 600, "-a", str(archive), seconds=30)
    refused(long, "检索内容太长（600 个字符），最多 500 个字符")
    with Catalogue(archive) as catalogue:
        assert catalogue.search(" ".join(["低保"] * 64))  # at the bound: still answered
        for year in (0, 1899, 2101, 10**12):
            with pytest.raises(ContentError, match=f"年份 {year} 不在 1900–2100 之间"):
                catalogue.search("低保", year=year)
            with pytest.raises(ContentError, match="不在 1900–2100 之间"):
                catalogue.stats(year=year)


def test_search_finds_what_nfkc_folds_and_shows_the_printed_text(series, tmp_path):
    root = series({
        "2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 系统升级\n---\n"
                               "平台ＡＢＣ１２３版上线，⼈民满意，第①批完成。\n",
        "2024-03/items/03.md": "---\nsection: 工作简讯\ntitle: 另一篇\n---\n人民群众办事更方便，ABC 平台。\n",
    })  # fmt: skip
    archive = tmp_path / "archive"
    publish(root / "2024-03", archive, pdf=False)
    with Catalogue(archive) as catalogue:
        assert {h.title for h in catalogue.search("abc123")} == {"系统升级"}
        assert {h.title for h in catalogue.search("人民")} == {"系统升级", "另一篇"}  # ⼈ (U+2F08) is 人
        assert {h.title for h in catalogue.search("第1批")} == {"系统升级"}  # ① is 1
        assert {h.title for h in catalogue.search("ａｂｃ")} == {"系统升级", "另一篇"}
        [hit] = catalogue.search("abc123")
        assert "【ＡＢＣ１２３】" in hit.snippet  # marked on the printed characters
        assert "【⼈民】" in next(h for h in catalogue.search("人民") if h.title == "系统升级").snippet


def test_the_characters_snippets_take_as_they_are_fold_to_themselves():
    stable = re.compile(f"[{catalogue_module._STABLE}]")
    assert [hex(c) for c in range(0x30000) if stable.fullmatch(chr(c)) and catalogue_module.fold(chr(c)) != chr(c)] == []
    assert catalogue_module.fold("ＡＰＰ⼈①ß") == unicodedata.normalize("NFKC", "ＡＰＰ⼈①ß").casefold() == "app人1ss"


# --- hostile input (issue 13): an items.json too deep, too large, or with a text no item can have ------------


def _hostile_items(folder, how) -> None:
    path = folder / "items.json"
    if how == "nested":
        path.write_text("[" * 100000 + "]" * 100000, "utf-8")
    elif how == "oversized":  # valid JSON, larger than any items.json (layout.MANIFEST_LIMIT)
        with open(path, "wb") as handle:
            handle.write(b"[")
            handle.write(b" " * (64 * 2**20))
            handle.write(b"]")
    else:
        items = json.loads(path.read_text("utf-8"))
        items[0]["text"] = ("x" if how == "long text" else "低") * 30_000_000  # 30 million characters
        path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")


@pytest.mark.parametrize("how", ["nested", "oversized", "long text", "long chinese text"])
def test_a_hostile_items_json_is_skipped_with_a_warning_and_the_rest_indexed(archived, tmp_path, how):
    archive, july = archived  # July's items.json made hostile; August intact
    _hostile_items(july, how)
    items_json = str(july / "items.json")
    (archive / "catalogue.sqlite").unlink()
    reindexed = bounded("reindex", "-a", str(archive), seconds=120)
    assert reindexed.returncode == 0 and "Traceback" not in reindexed.stderr, reindexed.stderr[-2000:]
    assert "已重建目录：1 个版本。" in reindexed.stdout, reindexed.stdout
    assert items_json in reindexed.stderr and "警告" in reindexed.stderr and "这一版未编入检索目录" in reindexed.stderr
    assert "savepoint" not in reindexed.stderr
    for args in (["search", "敬老院"], ["stats"], ["site", "-o", str(tmp_path / "site")]):
        (archive / "catalogue.sqlite").unlink()  # each rebuilds it from the files, then answers from the rest
        result = bounded(*args, "-a", str(archive), seconds=120)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr[-2000:])
        assert items_json in result.stderr, (args, result.stderr[-2000:])
    assert "工作专报2025年第8期" in (tmp_path / "site" / "index.html").read_text("utf-8")


def test_a_version_sqlite_runs_out_of_memory_on_is_skipped_and_the_rest_indexed(archived, monkeypatch):
    """SQLite out of memory rolls the whole transaction back (issue 13: "no such savepoint: version"):
    the rebuild starts again without that version, which is named in a warning."""
    archive, july = archived

    class Starved:  # the connection, but for the one item whose index tokens exhaust memory
        def __init__(self, db):
            self._db = db

        def __getattr__(self, name):
            return getattr(self._db, name)

        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO items_fts") and "敬老" in str(args):
                self._db.execute("ROLLBACK")  # as SQLite does on SQLITE_NOMEM
                raise MemoryError
            return self._db.execute(sql, *args)

    real_connect = Catalogue._connect
    monkeypatch.setattr(Catalogue, "_connect", staticmethod(lambda path: Starved(real_connect(path))))
    august = archive / "content" / "2025-08" / "v1"
    with Catalogue(archive) as catalogue:
        assert catalogue.rebuild() == 1
        assert [w.path for w in catalogue.warnings] == [august / "items.json"]
        assert "内存不足" in catalogue.warnings[0].message
        assert {i["folder"] for i in catalogue.issues()} == {"2025-07"}


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (sqlite3.OperationalError("attempt to write a readonly database"), "检索目录是只读的"),
        (sqlite3.OperationalError("disk I/O error"), "读写磁盘时出错"),
        (sqlite3.OperationalError("database or disk is full"), "磁盘空间不足"),
        (sqlite3.OperationalError("unable to open database file"), "无法打开检索目录的文件"),
        (sqlite3.OperationalError("database table is locked"), "检索目录正被另一个程序使用"),
        (sqlite3.OperationalError("no such savepoint: version"), "SQLite 报告的错误：no such savepoint: version"),
    ],
)
def test_sqlite_errors_are_said_in_chinese(error, reason, tmp_path):
    assert catalogue_module.sqlite_reason(error).startswith(reason)
    if "正被另一个程序使用" not in reason:  # a lock is waited for, then a BusyError
        converted = catalogue_module._sqlite_error(error, tmp_path / "catalogue.sqlite")
        assert isinstance(converted, catalogue_module.OutputError) and reason in converted.message


def _read_only(monkeypatch):
    """The catalogue as an account without write permission opens it (chmod does not stop root, as CI runs)."""
    from zhuanbao.archive.layout import sqlite_uri

    def connect(path):
        return sqlite3.connect(sqlite_uri(path.resolve()), uri=True, timeout=1, isolation_level=None)

    monkeypatch.setattr(Catalogue, "_connect", staticmethod(connect))


def test_reindex_of_a_read_only_catalogue_says_so_in_chinese(archived, monkeypatch):
    archive, _ = archived
    _read_only(monkeypatch)
    result = runner.invoke(app, ["reindex", "-a", str(archive)])
    assert result.exit_code == 2 and "无法读写检索目录：检索目录是只读的" in result.output, result.output
    assert "readonly" not in result.output and "Traceback" not in result.output


def test_a_snippet_is_runs_a_page_escapes_and_marks(tmp_path):
    from zhuanbao.archive.catalogue import snippet, snippet_runs

    text = "前文" * 30 + "<b>就业</b>帮扶车间吸纳就业120人" + "后文" * 30
    runs = snippet_runs(text, "就业")
    assert runs[0] == ("…", False) and runs[-1] == ("…", False)
    assert [r for r, marked in runs if marked] == ["就业", "就业"] and ("<b>", False) in [(r[-3:], m) for r, m in runs]
    assert snippet(text, "就业") == "".join(f"【{r}】" if m else r for r, m in runs)


def test_a_hit_says_which_version_and_item_it_is(two_series):
    _, archive = two_series
    with Catalogue(archive) as catalogue:
        hit = next(h for h in catalogue.search("低保") if h.series == "民政简报")
    assert (hit.path, hit.year, hit.number, hit.file, hit.position) == ("jianbao/2024-05/v1", 2024, 5, "01.md", 0)
    assert "【低保】" in hit.snippet
