"""The compiled-template cache: used between runs, never stale, never a reason to fail."""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from zhuanbao.build import load_path as load
from zhuanbao.docx import docx_bytes
from zhuanbao.load.templates import load_templates
from zhuanbao.render import Renderer
from zhuanbao.render.cache import PATTERN, bytecode_cache


def environment(templates: Path, cache) -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(str(templates)), bytecode_cache=cache)


def entries(directory: Path) -> list[Path]:
    prefix = PATTERN.split("%s")[0]
    return sorted(p for p in directory.iterdir() if p.name.startswith(prefix))


def test_a_second_environment_loads_what_the_first_compiled(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.j2").write_text("甲{{ x }}", "utf-8")
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    assert environment(tmp_path / "t", bytecode_cache(str(cache_dir))).get_template("a.j2").render(x=1) == "甲1"
    assert len(entries(cache_dir)) == 1
    second = environment(tmp_path / "t", bytecode_cache(str(cache_dir)))
    compiled = []
    second.compile = lambda *a, **k: compiled.append(a) or SandboxedEnvironment.compile(second, *a, **k)
    assert second.get_template("a.j2").render(x=2) == "甲2"
    assert compiled == []  # served from the cache


def test_an_edited_template_is_compiled_again(tmp_path):
    (tmp_path / "t").mkdir()
    template = tmp_path / "t" / "a.j2"
    template.write_text("旧{{ x }}", "utf-8")
    cache = bytecode_cache(str(tmp_path))
    environment(tmp_path / "t", cache).get_template("a.j2").render(x=1)
    template.write_text("新{{ x }}", "utf-8")
    assert environment(tmp_path / "t", cache).get_template("a.j2").render(x=1) == "新1"


def test_a_torn_cache_entry_is_ignored(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.j2").write_text("甲{{ x }}", "utf-8")
    cache = bytecode_cache(str(tmp_path))
    environment(tmp_path / "t", cache).get_template("a.j2")
    for entry in entries(tmp_path):
        entry.write_bytes(entry.read_bytes()[:20])  # magic header intact, the rest cut off
    assert environment(tmp_path / "t", cache).get_template("a.j2").render(x=3) == "甲3"


def test_a_vanished_cache_directory_does_not_fail_the_render(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.j2").write_text("甲{{ x }}", "utf-8")
    cache = bytecode_cache(str(tmp_path / "gone"))
    assert environment(tmp_path / "t", cache).get_template("a.j2").render(x=4) == "甲4"


def test_cached_templates_give_the_same_document_byte_for_byte(series, tmp_path):
    editions, templates_dir = load(series())
    templates = load_templates(templates_dir)
    first = docx_bytes(Renderer(templates, str(tmp_path)).render(editions[0]), templates.sheet)
    assert len(entries(tmp_path)) == len(templates.templates)  # every template compiled once, and kept
    warm = Renderer(templates, str(tmp_path))  # as in a fresh process
    compiled = []
    env = warm.env
    env.compile = lambda *a, **k: compiled.append(a) or SandboxedEnvironment.compile(env, *a, **k)
    assert docx_bytes(warm.render(editions[0]), templates.sheet) == first
    assert compiled == []  # served from the cache, not compiled again
