"""``verify`` (zhuanbao.archive.verify): tampered files, missing versions, broken or edited manifests."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from zhuanbao.cli import app
from zhuanbao.services import publish, verify

from .conftest import EXAMPLE

runner = CliRunner()


def test_verify_finds_a_tampered_file(series, tmp_path):
    root = series()  # one issue, 2024-03, with one item
    archive = tmp_path / "archive"
    published = publish(root / "2024-03", archive, pdf=False)
    published_files = sorted(
        p.relative_to(published.folder).as_posix()
        for p in published.folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert {"工作专报2024年第3期.docx", "items.json", "sources/series.yaml", "sources/2024-03/issue.yaml",
            "sources/2024-03/items/01-gaizao.md"} <= set(published_files)  # fmt: skip
    report = verify(archive)
    assert report.checked == len(published_files) and report.problems == []  # every file but the manifest
    target = published.folder / "sources" / "2024-03" / "issue.yaml"
    target.chmod(0o644)
    target.write_text(target.read_text("utf-8") + "# 改动\n", "utf-8")
    (published.folder / "extra.txt").write_text("x", "utf-8")
    problems = verify(archive).problems
    assert [(p.path.name, p.message) for p in problems] == [
        ("issue.yaml", "内容已被改动（校验值不符）"),
        ("extra.txt", "清单中没有这个文件（发布后被加入）"),
    ]
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "内容已被改动" in result.output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda a, f: (f / "manifest.json").unlink(), "清单缺失，无法核对这一版"),
        (lambda a, f: (f / "manifest.json").write_text("[1]", "utf-8"), "清单格式不对"),
        (lambda a, f: (f / "manifest.json").write_text('{"files": [1]}', "utf-8"), "清单格式不对"),
        (lambda a, f: (f / "manifest.json").write_text("{", "utf-8"), "清单无法读取"),
        (lambda a, f: shutil.rmtree(f), "现行版本“v1”不存在"),
        (lambda a, f: shutil.rmtree(f.parent), "工作专报2025年第7期的这一版已发布过，但文件夹不在了"),
        (lambda a, f: shutil.copytree(f, f.parent / "v3"), "第2版缺失"),
        (lambda a, f: (f.parent / "current").unlink(), "缺少 current 文件"),
    ],
)
def test_verify_notices_missing_versions_and_broken_manifests(archived, damage, message):
    archive, folder = archived
    damage(archive, folder)
    problems = verify(archive).problems
    assert any(message in p.message for p in problems), problems
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total", 999, "清单中的总期号“999”与存档的 issue.yaml（31）不符"),
        ("number", 8, "清单中的期号“8”与存档的 issue.yaml（7）不符"),
        ("date", "2025-07-01", "清单中的日期“2025-07-01”与存档的 issue.yaml（2025-07-24）不符"),
        ("year", 2024, "清单中的年份“2024”与存档的 issue.yaml（2025）不符"),
        ("series", "别的专报", "清单中的刊物名“别的专报”与存档的 series.yaml（工作专报）不符"),
        ("name", "工作专报2025年第9期", "清单中的期名“工作专报2025年第9期”与存档的稿件（工作专报2025年第7期）不符"),
        ("version", 2, "清单中的版本“2”与文件夹 v1（1）不符"),
        ("issue", "2025-09", "清单中的期文件夹“2025-09”与归档位置（2025-07）不符"),
        ("documents", ["别的.docx"], "清单中的文档“别的.docx”不在这一版中"),
        ("documents", 5, "清单中的 documents 应是文档文件名的列表"),
    ],
)
def test_verify_notices_a_manifest_whose_facts_were_edited(archived, field, value, message):
    # The facts the catalogue, search and site show come from the manifest,
    # which no checksum covers: they are checked against the archived sources.
    archive, folder = archived
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest[field] = value
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    problems = verify(archive).problems
    assert [p.message for p in problems] == [message + "（清单被改动过？）"]


def test_verify_reads_the_sources_as_the_build_did(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    issue = tmp_path / "content" / "2025-07" / "issue.yaml"
    text = issue.read_text("utf-8")
    assert "total: 31\n" in text  # else the edit below would change nothing and the test prove nothing
    issue.write_text(text.replace("total: 31", "total: '31'"), "utf-8")
    publish(tmp_path / "content" / "2025-07", tmp_path / "archive", pdf=False)
    assert verify(tmp_path / "archive").problems == []


# --- hostile input (issue 13): links, forged rows, odd current files, damaged manifests ---------------


def _writable_copy(path, tmp_path):
    """A copy of a version's file outside the archive, identical byte for byte."""
    copy = tmp_path / "elsewhere" / path.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(path, copy)
    return copy


def _link_file(archive, folder, tmp_path):
    target = folder / "sources" / "2025-07" / "issue.yaml"
    copy = _writable_copy(target, tmp_path)
    target.unlink()
    target.symlink_to(copy)


def _link_version(archive, folder, tmp_path):
    shutil.copytree(folder, tmp_path / "elsewhere-v1", symlinks=True)
    shutil.rmtree(folder)
    folder.symlink_to(tmp_path / "elsewhere-v1")


def _link_home(archive, folder, tmp_path):
    shutil.copytree(folder.parent, tmp_path / "elsewhere-home", symlinks=True)
    shutil.rmtree(folder.parent)
    folder.parent.symlink_to(tmp_path / "elsewhere-home")


def _link_sources(archive, folder, tmp_path):
    shutil.copytree(folder / "sources", tmp_path / "elsewhere-sources")
    shutil.rmtree(folder / "sources")
    (folder / "sources").symlink_to(tmp_path / "elsewhere-sources")


@pytest.mark.parametrize(
    ("damage", "where", "message"),
    [
        (_link_file, "issue.yaml", "这里是一个链接（指向"),
        (_link_sources, "sources", "这里是一个链接（指向"),
        (_link_version, "v1", "第1版的文件夹被换成了一个链接"),
        (_link_home, "2025-07", "这一期的文件夹是一个链接"),
    ],
)
def test_verify_reports_every_link_and_follows_none(archived, tmp_path, damage, where, message):
    archive, folder = archived
    damage(archive, folder, tmp_path)
    problems = verify(archive).problems
    assert any(p.path.name == where and message in p.message for p in problems), problems
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("text", [".", "..", "../2025-08/v1", "/etc", "v1/..", "v01", "v1 v2", "x" * 1000])
def test_verify_reports_a_current_that_is_not_a_version_name(archived, text):
    archive, folder = archived
    (folder.parent / "current").write_text(text + "\n", "utf-8")
    problems = verify(archive).problems
    assert any(p.path.name == "current" and "不是版本名" in p.message for p in problems), problems


def test_verify_reports_a_manifest_without_series_key(archived):
    archive, folder = archived
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    del manifest["series_key"]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    assert [p.message for p in verify(archive).problems] == ["清单中缺少 series_key（应是“content”，归档位置）（清单被改动过？）"]


@pytest.mark.parametrize("path", ["content/2025-07/v9", "content", "../..", "content/2025-07/v1/sources"])
def test_verify_reports_a_forged_catalogue_row(archived, path):
    import sqlite3

    archive, _ = archived
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("INSERT INTO issues (series_key, series, folder, name, year, number, version, current, path)"
                   " VALUES ('content', '工作专报', '2025-07', '工作专报2025年第7期', 2025, 7, 9, 1, ?)", (path,))  # fmt: skip
    db.close()
    problems = verify(archive).problems
    assert len(problems) == 1 and "工作专报2025年第7期" in problems[0].message, problems
    assert "已发布过，但文件夹不在了" in problems[0].message or "记录是伪造的" in problems[0].message


def test_verify_reads_the_catalogue_without_changing_it(archived):
    archive, _ = archived
    before = (archive / "catalogue.sqlite").read_bytes()
    assert verify(archive).problems == []
    assert (archive / "catalogue.sqlite").read_bytes() == before


@pytest.mark.parametrize(
    "text",
    ["{", "[1]", "null", '"text"', '{"files": {"a": 1}}', '{"files": "x"}', '{"files": {"../../../etc/passwd": "0"}}',
     '{"files": {}, "documents": 5, "version": "1", "issue": null}', "[" * 100000 + "]" * 100000, b"\xff\xfe"],
)
def test_a_damaged_manifest_is_reported_and_the_rest_still_checked(archived, text):
    archive, folder = archived
    manifest = folder / "manifest.json"
    manifest.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    other = archive / "content" / "2025-08" / "v1" / "sources" / "2025-08" / "issue.yaml"
    other.write_text(other.read_text("utf-8") + "# 改动\n", "utf-8")
    problems = verify(archive).problems
    assert any(p.path.parent == folder for p in problems), problems
    assert any(p.path == other and "内容已被改动" in p.message for p in problems), problems
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_verify_reports_one_issue_in_two_folders(tmp_path):
    import unicodedata

    nfc, nfd = unicodedata.normalize("NFC", "café专报"), unicodedata.normalize("NFD", "café专报")
    shutil.copytree(EXAMPLE, tmp_path / nfc)
    publish(tmp_path / nfc / "2025-07", tmp_path / "archive", pdf=False)
    (tmp_path / nfc).rename(tmp_path / nfd)
    publish(tmp_path / nfd / "2025-07", tmp_path / "other", pdf=False)  # another archive: the same issue
    # as a publish before issue 13 made it: the series folder and its key spelt NFD
    shutil.move(tmp_path / "other" / nfc, tmp_path / "archive" / nfd)
    manifest = tmp_path / "archive" / nfd / "2025-07" / "v1" / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_text(manifest.read_text("utf-8").replace(nfc, nfd), "utf-8")
    problems = verify(tmp_path / "archive").problems
    assert any("2025年第7期在归档中有两处" in p.message for p in problems), problems
    # and within one series folder: 2025-07 and 2025-007
    shutil.rmtree(tmp_path / "archive" / nfd)
    home = tmp_path / "archive" / nfc / "2025-07"
    twin = home.parent / "2025-007"
    shutil.copytree(home, twin)
    assert [p.message for p in verify(tmp_path / "archive").problems if twin in p.path.parents] == [
        "清单中的期文件夹“2025-07”与归档位置（2025-007）不符（清单被改动过？）",  # a copied folder is no version
        "检索目录中没有这一版，检索和统计找不到它（运行 zhuanbao reindex 可重建）"]


# --- hostile input (issue 13): forged fields of catalogue rows, items.json that cannot be read ----------


def _forge(archive, *statements):
    import sqlite3

    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        for statement in statements:
            db.execute(statement)
    db.close()


_JULY = "(SELECT id FROM issues WHERE folder='2025-07')"
_FIRST_ITEM = f"(SELECT id FROM items WHERE issue_id={_JULY} ORDER BY position LIMIT 1)"


@pytest.mark.parametrize(
    ("statement", "fragments"),
    [
        (f"UPDATE issues SET series='伪造专报' WHERE id={_JULY}", ["刊物名（series）", "“伪造专报”", "“工作专报”"]),
        (f"UPDATE issues SET name='伪造期名' WHERE id={_JULY}", ["期名（name）", "“伪造期名”", "“工作专报2025年第7期”"]),
        (f"UPDATE issues SET year=2099 WHERE id={_JULY}", ["年份（year）", "“2099”", "“2025”"]),
        (f"UPDATE issues SET number=99 WHERE id={_JULY}", ["期号（number）", "“99”", "“7”"]),
        (f"UPDATE issues SET total=1 WHERE id={_JULY}", ["总期号（total）", "“1”", "“31”"]),
        (f"UPDATE issues SET date='2099-01-01' WHERE id={_JULY}", ["日期（date）", "“2099-01-01”", "“2025-07-24”"]),
        (f"UPDATE issues SET documents='[\"伪造.docx\"]' WHERE id={_JULY}", ["文档（documents）", "伪造.docx"]),
        (f"UPDATE issues SET documents=NULL WHERE id={_JULY}", ["文档（documents）", "“（空）”"]),
        (f"UPDATE items SET section='伪造栏目' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的栏目（section）", "“伪造栏目”"]),
        (f"UPDATE items SET title='伪造标题' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的标题（title）", "“伪造标题”"]),
        (f"UPDATE items SET source='伪造单位' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的供稿单位（source）", "“伪造单位”"]),
        (f"UPDATE items SET text='伪造正文' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的正文（text）", "“伪造正文”"]),
        (f"UPDATE items SET file='x.md' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的稿件文件（file）", "“x.md”"]),
        (f"UPDATE items SET folded_source='伪造单位' WHERE id={_FIRST_ITEM}",
         ["第 1 篇稿件的检索用供稿单位（folded_source）"]),
        (f"UPDATE items SET folded_text='伪造正文' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的检索用正文（folded_text）"]),
        (f"UPDATE items SET folded_title='伪造' WHERE id={_FIRST_ITEM}", ["第 1 篇稿件的检索用标题（folded_title）"]),
        (f"UPDATE items SET position=99 WHERE id={_FIRST_ITEM}", ["稿件的顺序"]),
        (f"UPDATE items_fts SET text='伪造 造正 正文' WHERE rowid={_FIRST_ITEM}", ["第 1 篇稿件的全文索引（items_fts.text）"]),
        (f"DELETE FROM items_fts WHERE rowid={_FIRST_ITEM}", ["第 1 篇稿件不在全文索引（items_fts）中"]),
        (f"DELETE FROM items WHERE id={_FIRST_ITEM}", ["有 ", "篇稿件，items.json 中有 "]),
        (f"INSERT INTO items (issue_id, position, section, title, source, text, file) VALUES ({_JULY}, 99, '工作简讯',"
         " '伪造的稿件', '伪造单位', '伪造正文', 'x.md')", ["篇稿件，items.json 中有 "]),
    ],
)
def test_verify_reports_each_forged_field_of_a_catalogue_row(archived, statement, fragments):
    # search, 供稿统计 and the site print what the rows say: a row edited by hand misinforms them all
    archive, _ = archived
    _forge(archive, statement)
    before = (archive / "catalogue.sqlite").read_bytes()
    problems = verify(archive).problems
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.path == archive / "catalogue.sqlite", problem
    assert "工作专报2025年第7期第1版" in problem.message and "运行 zhuanbao reindex 可重建" in problem.message
    for fragment in fragments:
        assert fragment in problem.message, (fragment, problem.message)
    assert (archive / "catalogue.sqlite").read_bytes() == before  # verify is read-only
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "catalogue.sqlite" in result.output and "Traceback" not in result.output


def test_verify_reports_the_testers_forgery_field_by_field(archived):
    # issue 13, as the tester did it: `verify` said all consistent while stats and site printed the forgery
    archive, _ = archived
    _forge(archive, "UPDATE items SET title='伪造标题', source='伪造单位' WHERE id=1",
           "UPDATE issues SET name='伪造期名', date='2099-01-01' WHERE id=1")  # fmt: skip
    messages = [p.message for p in verify(archive).problems]
    assert len(messages) == 4, messages
    for field in ("标题（title）", "供稿单位（source）", "期名（name）", "日期（date）"):
        assert sum(field in m for m in messages) == 1, (field, messages)
    result = runner.invoke(app, ["verify", "-a", str(archive)])
    assert result.exit_code == 1 and "全部一致" not in result.output


def _items_json(folder, data: bytes) -> None:
    """Replace a version's items.json, and its checksum in the manifest: only reading it can find it damaged."""
    import hashlib

    (folder / "items.json").write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["files"]["items.json"] = hashlib.sha256(data).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def _long_text(folder) -> bytes:
    items = json.loads((folder / "items.json").read_text("utf-8"))
    items[0]["text"] = "x" * 30_000_000
    return json.dumps(items).encode()


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda f: b"[" * 100000 + b"]" * 100000, "稿件文件无法读取"),
        (lambda f: b"[" + b" " * (64 * 2**20) + b"]", "稿件文件无法读取"),
        (lambda f: b"\xff\xfe[]", "稿件文件无法读取"),
        (lambda f: b'{"a": 1}', "稿件文件格式不对"),
        (_long_text, "第 1 篇的 text 太长（30000000 个字符"),
    ],
    ids=["nested", "oversized", "not-utf-8", "not-a-list", "long-text"],
)
def test_verify_reports_an_items_json_the_catalogue_cannot_read(archived, make, fragment):
    from .conftest import bounded

    archive, folder = archived
    _items_json(folder, make(folder))
    problems = verify(archive).problems
    assert [p.path for p in problems] == [folder / "items.json"], problems
    assert fragment in problems[0].message and "检索和统计找不到它" in problems[0].message, problems
    result = bounded("verify", "-a", str(archive))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert str(folder / "items.json") in result.stdout + result.stderr
