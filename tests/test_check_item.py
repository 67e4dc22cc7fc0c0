"""Checking one item's unsaved text (lint.check_item, services.check_item_text / fix_item_text): the same
findings check makes once the text is saved, the same fixes check --fix writes, nothing written; and where
the form shows each line (itemfile.places)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from zhuanbao import services
from zhuanbao.itemfile import form_of, places, read_form
from zhuanbao.lint import check, check_item
from zhuanbao.load.content import item_files

from .conftest import EXAMPLE, ITEM_MD

HEAD = "---\nsection: 工作简讯\ntitle: 测试标题\nsource: 测试单位\n---\n"


def fields_of(form) -> dict:
    return {"section": form.section, "title": form.title, "source": form.source}


def seen(findings) -> list[tuple]:
    """What an editor reads of a finding, in file order (the path is the item's either way)."""
    return sorted((f.line, f.column, f.rule, f.severity, f.message, f.hint, f.location.key, f.fixed) for f in findings)


def saved_and_checked(path: Path, fields: dict, body: str, fix: bool = False) -> list:
    """The form saved as the studio saves it, then check on the issue (the item as the one being worked on)."""
    services.save_item(path, read_form(path).sha256, fields, body)
    report = check(path.parent.parent, fix=fix, focus=path)
    return [f for f in report.findings if f.path.resolve() == path.resolve()]


# Ways an editor gets an item wrong in the form: (fields, body, another item's title) → (fields, body).
MUTATIONS = {
    "as it is": lambda f, b, other: (f, b),
    "halfwidth commas": lambda f, b, other: (f, "今年,全区完成改造(一期)。\n\n" + b),
    "fullwidth digits and a padded date": lambda f, b, other: (f, b + "\n\n２０２５年05月06日召开会议。"),
    "title punctuation": lambda f, b, other: (f | {"title": f["title"] + ",已完成。"}, b),
    "a misspelt table": lambda f, b, other: (f, b + "\n\n共{{ tables.targets.cont }}项。"),
    "broken template code": lambda f, b, other: (f, "第一段。\n\n共{{ issue.number 项。\n\n" + b),
    "an unknown section": lambda f, b, other: (f | {"section": "工作动向"}, b),
    "an empty body": lambda f, b, other: (f, "  \n"),
    "another item's title": lambda f, b, other: (f | {"title": other}, b),
    "source with 供稿": lambda f, b, other: (f | {"source": (f["source"] or "市农业农村局") + "供稿"}, b),
    "unmatched quote and joined lines": lambda f, b, other: (f, "他说“很好。\n第二句接着写。\n\n" + b),
    "a body that prints nothing": lambda f, b, other: (f, "{% if false %}" + b + "{% endif %}"),
    "an image": lambda f, b, other: (f, b + "\n\n![现场照片](photo.jpg)"),
    "markup in the title": lambda f, b, other: (f | {"title": "**加粗**" + f["title"]}, b),
    "straight quotes, a range, spaces": lambda f, b, other: (f, b + '\n\n他称之为"暖心工程"，1-7月共 12 户...'),
}


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example") / "content"
    shutil.copytree(EXAMPLE, root)
    return root


def example_items() -> list[tuple[str, str]]:
    issues = sorted(EXAMPLE.glob("20*-*"))
    return [(p.parent.parent.name, p.name) for issue in issues for p in item_files(issue / "items")]


@pytest.mark.parametrize(("issue", "name"), example_items())
def test_the_unsaved_text_gets_the_findings_check_gives_once_it_is_saved(example, issue, name):
    """Property-style: every item of the example series, as it is and with one kind of mistake (a different
    one per item, every kind several times over the series), checked unsaved and then saved and checked."""
    path = example / issue / "items" / name
    original = path.read_bytes()
    index = example_items().index((issue, name))
    kinds = ["as it is", list(MUTATIONS)[1 + index % (len(MUTATIONS) - 1)]]
    others = [read_form(p).title for p in item_files(path.parent) if p != path and read_form(p).title]
    try:
        for kind in kinds:
            form = read_form(path)
            fields, body = MUTATIONS[kind](fields_of(form), form.body, others[0])
            before = path.read_bytes()
            live = services.check_item_text(path, fields, body).findings
            assert path.read_bytes() == before  # checking writes nothing
            assert seen(live) == seen(saved_and_checked(path, fields, body)), kind
            if kind != "as it is":
                assert live, kind  # the mistake is found
            path.write_bytes(original)
    finally:
        path.write_bytes(original)


def test_every_kind_of_mistake_is_tried_on_some_item():
    tried = {list(MUTATIONS)[1 + i % (len(MUTATIONS) - 1)] for i in range(len(example_items()))}
    assert tried == set(MUTATIONS) - {"as it is"}


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("crlf", [False, True])
def test_the_fix_preview_is_what_check_fix_writes(series, encoding, crlf):
    text = HEAD.replace("测试标题", "东岭区完成改造,惠及居民") + "2023年05月06日,完成改造(一期)１２３户。。\n\n第二段,好。\n"
    root = series({"2024-03/items/01-gaizao.md": (text.replace("\n", "\r\n") if crlf else text).encode(encoding)})
    path = root / "2024-03/items/01-gaizao.md"
    form = read_form(path)
    fields, body = fields_of(form) | {"source": "测试单位（改）"}, form.body + "\n\n第三段(新加的)。"
    fix = services.fix_item_text(path, fields, body)
    assert path.read_bytes() == (text.replace("\n", "\r\n") if crlf else text).encode(encoding)  # nothing written
    assert sorted(f.rule for f in fix.findings) == ["date-padding", "date-padding", "fullwidth-alnum"] + [
        "halfwidth-punct"] * 7  # fmt: skip
    saved_and_checked(path, fields, body, fix=True)
    on_disk = path.read_bytes().decode(encoding)
    assert on_disk.replace("\r\n", "\n") == fix.fixed  # the same fixes, on the same lines
    assert "东岭区完成改造，惠及居民" in fix.fixed and "第三段（新加的）。" in fix.fixed and "。。" in fix.fixed
    fixed_form = form_of(fix.fixed, path)
    assert fixed_form.title == "东岭区完成改造，惠及居民" and fixed_form.source == "测试单位（改）"


def test_a_form_whose_text_needs_no_fix_is_left_as_it_is(series):
    root = series()
    path = root / "2024-03/items/01-gaizao.md"
    form = read_form(path)
    fix = services.fix_item_text(path, fields_of(form), form.body)
    assert fix.fixed == fix.text and fix.findings == []


def test_a_template_mistake_is_found_at_its_line_against_the_issues_real_tables(example):
    path = example / "2025-09/items/10-shuju.md"
    form = read_form(path)
    body = "第一段。\n\n全市{{ tables.targets.don }}项已完成。"
    found = services.check_item_text(path, fields_of(form), body).findings
    [error] = [f for f in found if f.rule == "build"]
    assert error.line == 8 and "不存在的数据" in error.message and "don" in error.message
    good = "全市{{ tables.targets.done }}项已完成。"
    assert services.check_item_text(path, fields_of(form), good).findings == []


def test_other_broken_items_and_tables_do_not_stop_the_items_own_check(series):
    root = series({
        "2024-03/items/02-broken.md": "---\nsection: 不存在\n---\n正文。\n",
        "2024-03/items/03-bad-code.md": "---\nsection: 工作简讯\n---\n{{ nothing.here }}\n",
    })  # fmt: skip
    path = root / "2024-03/items/01-gaizao.md"
    found = services.check_item_text(path, {"section": "工作简讯", "title": "标题", "source": "单位"},
                                     "共{{ issue.numbr }}期,完成。").findings  # fmt: skip
    assert {f.path.name for f in found} == {"01-gaizao.md"}  # the others' errors are theirs
    assert sorted(f.rule for f in found) == ["build", "halfwidth-punct"]  # the body rendered all the same
    issue = "number: 3\ndate: 2024-03-15\ntables:\n  - id: x\n    file: none.csv\n"
    (root / "2024-03/issue.yaml").write_text(issue, "utf-8")
    found = services.check_item_text(path, {"section": "工作简讯", "title": "标题", "source": "单位"},
                                     "共{{ issue.number }}期,完成。").findings  # fmt: skip
    assert [f.rule for f in found] == [None, "halfwidth-punct"] and "暂时无法检查" in found[0].message


def test_a_draft_and_a_title_another_item_has(series):
    root = series({"2024-03/items/_示例01.md": "---\nsection: 工作简讯\n---\n示例。\n"})
    path = root / "2024-03/items/_示例01.md"
    found = services.check_item_text(path, {"section": "工作简讯", "title": "测试区完成老旧小区改造", "source": ""}, "示例,正文。")
    assert [(f.rule, f.line) for f in found.findings] == [("duplicate-title", 3), ("halfwidth-punct", 5)]
    assert found.findings[0].message == "标题与 01-gaizao.md 相同" and found.findings[0].location.key == ("title",)


def test_the_whole_file_is_checked_when_the_form_cannot_read_its_front_matter(series):
    root = series({"2024-03/items/02.md": "---\nsection: [工作简讯\n---\n正文,好。\n"})
    path = root / "2024-03/items/02.md"
    text = "---\nsection: [工作简讯\n---\n正文,好。\n"
    [error] = services.check_item_text(path, None, text).findings
    assert error.rule == "build" and error.line == 2 and "方括号" in error.message
    mended = services.check_item_text(path, None, text.replace("[工作简讯", "工作简讯"))
    assert [(f.rule, f.line) for f in mended.findings] == [("halfwidth-punct", 4)]
    assert services.fix_item_text(path, None, text.replace("[工作简讯", "工作简讯")).fixed.endswith("正文，好。\n")


def test_check_item_is_fast_enough_to_run_while_typing(example):
    path = example / "2025-09/items/10-shuju.md"
    text = path.read_text("utf-8")
    check_item(path, text)  # the first call imports the pipeline
    start = time.perf_counter()
    check_item(path, text + "\n再加一段,好。\n")
    assert time.perf_counter() - start < 1.0  # a generous bound for a loaded CI machine; see the report for the measure


# --- where the form shows each line -------------------------------------------------------------------------


def test_places_put_each_line_by_its_field():
    text = "---\n# 注释\nsection: 工作简讯\ntitle: >-\n  很长的\n  标题\norder: x\n---\n\n\n第一行\n第二行\n"
    where = places(text, Path("a.md"))
    assert [where.of(line) for line in range(1, 14)] == [
        ("front", None), ("front", None), ("section", None), ("title", None), ("title", None), ("title", None),
        ("front", None), ("front", None), ("body", 1), ("body", 1), ("body", 1), ("body", 2), ("body", 3)]  # fmt: skip
    assert where.of(1, ("source",)) == ("source", None)  # a key names its field whatever the line
    assert where.of(7, ("order",)) == ("front", None) and where.of(None, ("body",)) == ("body", None)
    assert where.of(None) == ("", None)
    assert form_of(text, Path("a.md")).body.split("\n")[0] == "第一行"  # the form's body line 1 is file line 11


def test_places_of_a_file_the_form_shows_whole():
    where = places("---\ntitle: [\n---\n正文\n", Path("a.md"))
    assert where.of(2) == ("body", 2) and where.of(4, ("title",)) == ("body", 4) and where.of(None) == ("", None)


def test_a_default_item_has_its_body_after_its_front_matter():
    where = places(ITEM_MD, Path("a.md"))
    assert where.of(6) == ("body", 1) and where.keys["source"] == range(4, 5)
