"""Warm state between builds: reused while the files are unchanged, never stale when they change."""

from __future__ import annotations

from zhuanbao.build import run
from zhuanbao.load import templates as templates_module
from zhuanbao.workspace import Workspace

from .conftest import write_tree

SECTION = '<p style="section">〖{{ section.name }}〗</p>\n'


def test_unchanged_templates_reuse_one_compiled_renderer(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION})
    workspace = Workspace()
    first = workspace.renderer(workspace.templates(mine))
    assert workspace.renderer(workspace.templates(mine)) is first
    (mine / "section.xml.j2").write_text(SECTION.replace("〖", "【"), "utf-8")
    edited = workspace.renderer(workspace.templates(mine))
    assert edited is not first and "【" in edited.templates.text("section.xml.j2")


def test_the_style_sheet_is_resolved_once_while_its_bytes_stay_the_same(tmp_path, monkeypatch):
    resolved = []
    real = templates_module.parse_style_sheet
    monkeypatch.setattr("zhuanbao.workspace.parse_style_sheet", lambda p, d: resolved.append(p) or real(p, d))
    workspace = Workspace()
    workspace.templates(None)
    workspace.templates(None)
    assert len(resolved) == 1
    workspace.invalidate()
    workspace.templates(None)
    assert len(resolved) == 2


def test_a_warm_build_sees_an_edited_template_at_once(series, tmp_path):
    root = series()
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION})
    workspace = Workspace()
    out = tmp_path / "out"
    [first] = run(root, out, mine, workspace=workspace).built
    before = first.path.read_bytes()
    assert run(root, out, mine, workspace=workspace).built[0].path.read_bytes() == before  # same input, same bytes
    (mine / "section.xml.j2").write_text(SECTION.replace("〖", "【"), "utf-8")
    assert run(root, out, mine, workspace=workspace).built[0].path.read_bytes() != before
