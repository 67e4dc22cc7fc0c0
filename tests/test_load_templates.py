"""A template set read once into a value: what rendering takes instead of the template folders."""

from __future__ import annotations

import shutil

import pytest

from zhuanbao.build import load_path
from zhuanbao.diagnostics import TemplateError
from zhuanbao.docx import docx_bytes
from zhuanbao.load import templates as templates_module
from zhuanbao.load.templates import MAIN_TEMPLATE, STYLE_FILE, default_template_dir, load_templates
from zhuanbao.render import render

from .conftest import write_tree

SECTION = '<p style="section">〖{{ section.name }}〗</p>\n'


def test_the_default_set_holds_every_shipped_file():
    templates = load_templates(None)
    shipped = sorted(p.name for p in default_template_dir().iterdir() if p.is_file())
    assert [f.name for f in templates.files] == shipped
    assert MAIN_TEMPLATE in templates.texts and STYLE_FILE not in templates.texts
    assert templates.main == default_template_dir() / MAIN_TEMPLATE and templates.user_dir is None
    assert templates.sheet.paragraphs["masthead-title"].color == "FF0000"


def test_a_user_folder_overrides_its_files_and_keeps_the_rest(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION, ".section.xml.j2.swp": "x", "logo.png": b"\x89PNG"})
    templates = load_templates(mine)
    assert templates.dirs == (mine.resolve(), default_template_dir())
    section = templates.file("section.xml.j2")
    assert section.folder == 0 and section.path == mine.resolve() / "section.xml.j2"
    assert templates.texts["section.xml.j2"] == SECTION
    assert templates.file("masthead.xml.j2").folder == 1  # the default fills in
    assert templates.file("logo.png").data == b"\x89PNG"
    assert templates.file(".section.xml.j2.swp") is None  # an editor's swap file is not a template


def test_templates_saved_as_gbk_are_read(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION.encode("gbk")})
    assert load_templates(mine).texts["section.xml.j2"] == SECTION


def test_the_fingerprint_follows_the_content_not_the_reading(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION})
    first, again = load_templates(mine), load_templates(mine)
    assert first.fingerprint == again.fingerprint
    (mine / "section.xml.j2").write_text(SECTION.replace("〖", "【"), "utf-8")
    assert load_templates(mine).fingerprint != first.fingerprint


def test_rendering_reads_no_template_file(series, tmp_path):
    """Once read, the set renders with its folder gone: render takes values, not folders."""
    editions, _ = load_path(series())
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION})
    templates = load_templates(mine)
    before = docx_bytes(render(editions[0], templates), templates.sheet)
    shutil.rmtree(mine)
    after = render(editions[0], templates)
    assert docx_bytes(after, templates.sheet) == before
    assert any(p.text == "〖工作简讯〗" for p in after.blocks if hasattr(p, "runs"))


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"style.yml": "page: {}\n"}, "样式表应命名为 style.yaml，这里是“style.yml”，不会被读取"),
        ({"readme.txt": "说明"}, "模板文件夹中没有 zhuanbao 认识的文件"),
    ],
)
def test_a_folder_zhuanbao_would_take_nothing_from_is_refused(tmp_path, files, message):
    with pytest.raises(TemplateError, match=message):
        load_templates(write_tree(tmp_path / "mine", files))


def test_a_missing_folder_or_a_file_is_refused(tmp_path):
    with pytest.raises(TemplateError, match="模板文件夹不存在"):
        load_templates(tmp_path / "absent")
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(TemplateError, match="这是一个文件，不是模板文件夹"):
        load_templates(tmp_path / "f")


def test_a_file_too_large_to_be_a_template_is_named(tmp_path, monkeypatch):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION, "photo.png": b"\x89PNG" + b"0" * 2000})
    monkeypatch.setattr(templates_module, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(TemplateError) as caught:
        load_templates(mine)
    assert caught.value.path == mine / "photo.png" and "文件过大" in caught.value.message
