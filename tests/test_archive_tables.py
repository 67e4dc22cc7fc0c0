"""Indicator tables in the archive: kept as printed (tables.json, charts/), indexed, found by search,
checked by verify. The tables are made as offices make them: a CSV saved by Excel on a Chinese Windows
(GBK, CRLF) and an .xlsx with a title row, a unit row, a two-level merged header and a note under it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile

import pytest
from typer.testing import CliRunner

from zhuanbao.archive import catalogue as catalogue_module
from zhuanbao.archive.catalogue import Catalogue
from zhuanbao.cli import app
from zhuanbao.services import publish, verify

from .conftest import write_tree

runner = CliRunner()

SERIES = """\
title: 工作专报
program: 青石市打好重点民生保障仗
issuer: 青石市打好重点民生保障仗工作专班
sections: [重要新闻, 工作简讯]
distribution:
  报: [市委书记、市长]
  送: [市委办、市政府办]
  发: [各区县工作专班]
copies: 60
"""

ISSUE = """\
number: 9
date: 2025-10-10
tables:
  - id: towns
    file: tables/乡镇固投.csv
    title: 2025年1—9月各乡镇固投完成情况
    section: 工作简讯
    target: 年度目标
    actual: 累计完成
    rank: true
    chart: bar
    as_of: 2025-09-30
  - id: invest
    file: tables/重点项目投资.xlsx
    title: 2025年1—9月各区县重点民生项目投资完成情况
    section: 附件
    target: 年度目标·投资额
    actual: 1—9月完成·投资额
"""

ITEM = "---\nsection: 工作简讯\ntitle: 全市固投稳步增长\nsource: 市发改委\n---\n1—9月，全市固定资产投资稳步增长。\n"

#: "CSV (逗号分隔)" as Excel saves it on a Chinese Windows: GBK, CRLF
TOWNS_CSV = "乡镇,年度目标,累计完成\r\n城关镇,12000,9800\r\n白石乡,8000,5100\r\n".encode("gbk")


def invest_xlsx(path) -> None:
    """The 发改委's sheet: a title row, a unit row, a two-level merged header, a note under the table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "投资"
    sheet.append(["2025年1—9月重点民生项目投资完成情况"])
    sheet.merge_cells("A1:E1")
    sheet.append(["单位：万元"])
    sheet.append(["区县（市）", "年度目标", None, "1—9月完成", None])
    sheet.append([None, "项目数", "投资额", "项目数", "投资额"])
    for cells in ("A3:A4", "B3:C3", "D3:E3"):
        sheet.merge_cells(cells)
    sheet.append(["东岭区", 12, 35000, 10, 28000])
    sheet.append(["溪口区", 9, 22000, 8, 19500])
    sheet.append(["注：数据来源于各区县发展改革部门。"])
    book.save(path)


def office_series(root):
    write_tree(root, {"series.yaml": SERIES, "2025-09/issue.yaml": ISSUE, "2025-09/items/01.md": ITEM,
                      "2025-09/tables/乡镇固投.csv": TOWNS_CSV})  # fmt: skip
    invest_xlsx(root / "2025-09" / "tables" / "重点项目投资.xlsx")
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The office's issue published once (no PDF); shared read-only: copy the archive to change it."""
    root = office_series(tmp_path_factory.mktemp("tables") / "series")
    archive = root.parent / "archive"
    done = publish(root / "2025-09", archive, pdf=False)
    return archive, done.folder


def _copy(archive, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    return copy


def test_search_finds_a_county_named_only_in_a_table_and_names_the_table_and_row(published):
    archive, folder = published
    items = (folder / "items.json").read_text("utf-8")
    assert "城关镇" not in items and "乡镇固投" not in items  # only the tables name them
    result = runner.invoke(app, ["search", "城关镇", "-a", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "工作专报2025年第9期 · 工作简讯 · 表：2025年1—9月各乡镇固投完成情况 · 城关镇",
        "    【城关镇】：年度目标 12000，累计完成 9800，完成率 81.7%，状态 正常，排名 1",
        "共 1 条。",
    ]
    title = runner.invoke(app, ["search", "乡镇固投", "-a", str(archive)])  # in the table's title
    assert title.exit_code == 0 and "表：2025年1—9月各【乡镇固投】完成情况" not in title.output
    assert "工作专报2025年第9期 · 工作简讯 · 表：2025年1—9月各乡镇固投完成情况\n" in title.output
    assert "【乡镇固投】" in title.output and "共 1 条。" in title.output
    annex = runner.invoke(app, ["search", "溪口区", "-a", str(archive)])  # a row of the .xlsx, printed as 附件1
    assert "工作专报2025年第9期 · 附件1 · 表：2025年1—9月各区县重点民生项目投资完成情况 · 溪口区" in annex.output
    assert "【溪口区】：年度目标·项目数 9，年度目标·投资额 22000" in annex.output


def test_table_hits_and_item_hits_together_and_a_source_filter_finds_items_only(published):
    archive, _ = published
    with Catalogue(archive) as catalogue:
        hits = catalogue.search("固投")  # the item's title and the CSV table's title
        assert sorted((h.table, h.title) for h in hits) == [(False, "全市固投稳步增长"), (True, "2025年1—9月各乡镇固投完成情况")]
        table = next(h for h in hits if h.table)
        assert (table.anchor, table.row, table.section, table.source) == ("table1", "", "工作简讯", "")
        assert next(h for h in hits if not h.table).anchor == "item1"
        assert [h.title for h in catalogue.search("固投", source="市发改委")] == ["全市固投稳步增长"]
        both = catalogue.search("城关镇 81.7%")  # every term, in one row
        assert [(h.row, h.snippet) for h in both] == [("城关镇", "【城关镇】：年度目标 12000，累计完成 9800，完成率 【81.7%】，状态 正常，排名 1")]
        assert catalogue.search("城关镇 溪口区") == []  # in two different tables: no table holds both
        unit = catalogue.search("单位：万元")  # the unit line and the note are searched too
        assert [h.title for h in unit] == ["2025年1—9月各区县重点民生项目投资完成情况"]


def test_the_archive_keeps_the_tables_and_charts_as_the_document_prints_them(published):
    import docx

    _, folder = published
    tables = json.loads((folder / "tables.json").read_text("utf-8"))
    assert [(t["id"], t["section"], t["label"], t["unit"]) for t in tables] == [
        ("towns", "工作简讯", "", ""), ("invest", "附件", "附件1", "单位：万元")]  # fmt: skip
    assert tables[0]["note"] == "注：统计截至2025年9月30日，时间进度74.8%。"
    printed = docx.Document(str(next(folder.glob("*.docx"))))
    assert [[c.text for c in row.cells] for row in printed.tables[0].rows] == [tables[0]["header"], *tables[0]["rows"]]
    assert [[c.text for c in row.cells] for row in printed.tables[1].rows] == [tables[1]["header"], *tables[1]["rows"]]
    text = "\n".join(p.text for p in printed.paragraphs)
    assert tables[0]["title"] in text and tables[0]["note"] in text and "单位：万元" in text
    chart = (folder / "charts" / "chart-towns.png").read_bytes()
    with zipfile.ZipFile(next(folder.glob("*.docx"))) as document:
        media = [document.read(n) for n in document.namelist() if n.startswith("word/media/")]
    assert chart in media and tables[0]["chart"] == "chart-towns.png" and tables[1]["chart"] == ""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert {"tables.json", "charts/chart-towns.png"} <= set(manifest["files"])


def test_a_catalogue_made_before_tables_were_indexed_is_rebuilt_and_finds_them(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    with sqlite3.connect(archive / "catalogue.sqlite") as db:  # as zhuanbao made it before: tables not indexed
        db.executescript("DROP TABLE data_tables; DROP TABLE data_tables_fts;"
                         "CREATE TABLE data_tables (issue_id INTEGER, id TEXT, title TEXT, section TEXT);"
                         "PRAGMA user_version = 2;")  # fmt: skip
    result = runner.invoke(app, ["search", "城关镇", "-a", str(archive)])
    assert result.exit_code == 0 and "表：2025年1—9月各乡镇固投完成情况 · 城关镇" in result.output, result.output
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == catalogue_module.SCHEMA_VERSION == 3


def _as_published_before_tables_json(archive):
    """The version as zhuanbao published it before it kept tables: no tables.json, no charts/, not listed."""
    folder = next(archive.glob("*/2025-09/v1"))
    for name in ("tables.json", "charts/chart-towns.png", "charts", "manifest.json"):
        (folder / name).chmod(0o755 if name == "charts" else 0o644)
    (folder / "tables.json").unlink()
    shutil.rmtree(folder / "charts")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    for name in ("tables.json", "charts/chart-towns.png"):
        del manifest["files"][name]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return folder


def test_a_version_published_before_tables_json_has_its_tables_read_from_its_document(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    kept = json.loads((published[1] / "tables.json").read_text("utf-8"))
    _as_published_before_tables_json(archive)
    with Catalogue(archive) as catalogue:
        assert catalogue.rebuild() == 1 and not catalogue.warnings
        hits = catalogue.search("城关镇")
        assert [(h.title, h.row, h.section) for h in hits] == [("2025年1—9月各乡镇固投完成情况", "城关镇", "工作简讯")]
        assert [(h.section, h.row) for h in catalogue.search("溪口区")] == [("附件1", "溪口区")]
        tables = catalogue.issues()[0]["tables"]
    for got, printed in zip(tables, kept, strict=True):  # the same tables, but the chart the version never kept
        assert {k: got[k] for k in got} == {k: printed[k] for k in got} | {"chart": ""}
    assert not verify(archive).problems  # the catalogue's rows are what the document says


def test_a_version_whose_document_has_no_indicator_tables_is_indexed_by_its_items(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    folder = _as_published_before_tables_json(archive)
    document = next(folder.glob("*.docx"))
    document.chmod(0o644)
    document.write_bytes(b"not a zip")  # what the catalogue cannot read: no tables, the items still found
    with Catalogue(archive) as catalogue:
        assert catalogue.rebuild() == 1 and not catalogue.warnings
        assert catalogue.search("城关镇") == [] and [h.title for h in catalogue.search("固投")] == ["全市固投稳步增长"]


def test_a_damaged_tables_json_leaves_the_version_out_with_a_warning_and_verify_says_so(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    path = next(archive.glob("*/2025-09/v1")) / "tables.json"
    path.chmod(0o644)
    path.write_text(json.dumps([{"title": "x", "rows": [[1, 2]]}]), "utf-8")
    with Catalogue(archive) as catalogue:
        assert catalogue.rebuild() == 0
        assert [(w.path, w.message) for w in catalogue.warnings] == [
            (path, "表格文件格式不对：第 1 个表的 rows 应是文本，这一版未编入检索目录")]  # fmt: skip
    assert path in [p.path for p in verify(archive).problems]  # changed since it was published


def test_verify_finds_a_table_row_edited_in_the_catalogue(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    assert not verify(archive).problems
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE data_tables SET rows = '[]' WHERE position = 0")
        db.execute("DELETE FROM data_tables_fts WHERE rowid = (SELECT id FROM data_tables WHERE position = 1)")
    messages = [p.message for p in verify(archive).problems]
    assert any("第 1 个指标表的 rows 与 tables.json 不符" in m for m in messages), messages
    assert any("第 2 个指标表的全文索引（data_tables_fts）与 tables.json 不符" in m for m in messages), messages


def test_a_version_whose_manifest_does_not_record_the_program_line_takes_it_from_its_sources(published, tmp_path):
    archive = _copy(published[0], tmp_path)
    folder = _as_published_before_tables_json(archive)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest.pop("program") == "青石市打好重点民生保障仗"
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    with Catalogue(archive) as catalogue:
        catalogue.rebuild()
        assert [i["program"] for i in catalogue.issues()] == ["青石市打好重点民生保障仗"]  # the archived series.yaml's
    assert not verify(archive).problems
