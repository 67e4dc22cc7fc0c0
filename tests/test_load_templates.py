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
    assert MAIN_TEMPLATE in [f.name for f in templates.templates]
    assert STYLE_FILE not in [f.name for f in templates.templates]
    assert templates.main == default_template_dir() / MAIN_TEMPLATE and templates.user_dir is None
    assert templates.sheet.paragraphs["masthead-title"].color == "FF0000"


def test_a_user_folder_overrides_its_files_and_keeps_the_rest(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION, ".section.xml.j2.swp": "x", "logo.png": b"\x89PNG"})
    templates = load_templates(mine)
    assert templates.dirs == (mine.resolve(), default_template_dir())
    section = templates.file("section.xml.j2")
    assert section.folder == 0 and section.path == mine.resolve() / "section.xml.j2"
    assert templates.text("section.xml.j2") == SECTION
    assert templates.file("masthead.xml.j2").folder == 1  # the default fills in
    assert templates.file("logo.png").data == b"\x89PNG"
    assert templates.file(".section.xml.j2.swp") is None  # an editor's swap file is not a template


def test_templates_saved_as_gbk_are_read(tmp_path):
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION.encode("gbk")})
    assert load_templates(mine).text("section.xml.j2") == SECTION


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


def test_a_stray_file_too_large_to_read_stops_nothing_until_a_template_uses_it(series, tmp_path, monkeypatch):
    masthead = '<p style="masthead-title"><image name="photo.png" width="20mm"/>工作专报</p>\n'
    mine = write_tree(tmp_path / "mine", {"section.xml.j2": SECTION, "photo.png": b"\x89PNG" + b"0" * 20000})
    monkeypatch.setattr(templates_module, "MAX_TEXT_BYTES", 10000)  # style.yaml is 6 KB
    templates = load_templates(mine)
    stray = templates.file("photo.png")
    assert stray.data is None and stray.problem.startswith("文件过大（20,004 字节）")
    editions, _ = load_path(series())
    render(editions[0], templates)  # unused: no error
    (mine / "masthead.xml.j2").write_text(masthead, "utf-8")
    with pytest.raises(TemplateError) as caught:
        render(editions[0], load_templates(mine))
    assert caught.value.path == mine.resolve() / "photo.png"
    assert caught.value.message.startswith("<image name=“photo.png”>：无法读取图片：文件过大")


def test_names_match_without_regard_to_case_as_on_windows(series, tmp_path):
    mine = write_tree(tmp_path / "mine", {"Section.XML.j2": SECTION, "bulletin.xml.j2": '{% include "MASTHEAD.xml.j2" %}'
                                          '{% for section in sections %}{% include "section.xml.j2" %}{% endfor %}'})  # fmt: skip
    templates = load_templates(mine)
    assert templates.file("section.xml.j2").folder == 0  # the user's Section.XML.j2 replaces the default
    editions, _ = load_path(series())
    texts = [p.text for p in render(editions[0], templates).blocks if hasattr(p, "runs")]
    assert "〖工作简讯〗" in texts and "工作专报" in texts


def test_a_template_need_not_end_in_j2_and_an_unused_broken_one_harms_nothing(series, tmp_path):
    bulletin = (default_template_dir() / "bulletin.xml.j2").read_text("utf-8") + '{% include "notice.xml" %}\n'
    mine = write_tree(tmp_path / "mine", {"bulletin.xml.j2": bulletin, "notice.xml": '<p style="body">附：通知。</p>\n',
                                          "old.xml.j2": bytes(range(128, 256)) * 4})  # fmt: skip
    editions, _ = load_path(series())
    texts = [p.text for p in render(editions[0], load_templates(mine)).blocks if hasattr(p, "runs")]
    assert "附：通知。" in texts


def test_a_template_that_links_out_of_its_folder_is_not_read(series, tmp_path):
    (tmp_path / "别处.j2").write_text('<p style="section">外面的{{ section.name }}</p>\n', "utf-8")
    mine = write_tree(tmp_path / "mine", {"masthead.xml.j2": '<p style="body">报头</p>\n'})
    (mine / "section.xml.j2").symlink_to(tmp_path / "别处.j2")
    templates = load_templates(mine)
    assert templates.file("section.xml.j2").data is None
    editions, _ = load_path(series())
    with pytest.raises(TemplateError) as caught:
        render(editions[0], templates)
    assert caught.value.path == mine.resolve() / "section.xml.j2" and "指向模板文件夹之外" in caught.value.message
