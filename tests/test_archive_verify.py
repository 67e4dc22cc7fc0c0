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
