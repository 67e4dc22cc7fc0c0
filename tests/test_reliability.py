"""Hardening: awkward and hostile input, faults, and properties that must hold for any input.

The property: a build either succeeds, and the .docx opens with python-docx
and contains the text, or fails with a UserError naming the file — never
anything else (no traceback, no half-written document).
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile

import docx as python_docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanbao.build import build
from zhuanbao.fsio import write_atomic
from zhuanbao.diagnostics import OutputError, UserError

from .conftest import SERIES_YAML, write_tree

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def one_issue(tmp_path, body: str | bytes, meta: str = "section: 工作简讯\ntitle: 测试\n", extra=None):
    item = body if isinstance(body, bytes) else f"---\n{meta}---\n{body}\n"
    files = {"series.yaml": SERIES_YAML, "2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\n",
             "2024-03/items/01.md": item, **(extra or {})}  # fmt: skip
    return write_tree(tmp_path, files)


def document_text(path) -> str:
    document = python_docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


# --- characters ------------------------------------------------------------------------


def test_astral_cjk_emoji_and_full_width_spaces_come_through(tmp_path):
    root = one_issue(tmp_path / "s", "𠀀𪚥字与😀表情，全角　空格。")
    [built] = build(root, tmp_path / "out")
    assert "𠀀𪚥字与😀表情，全角　空格。" in document_text(built.path)


def test_word_paste_control_characters_never_break_the_document(tmp_path):
    root = one_issue(tmp_path / "s", "东岭区\x0b新建车间\x00，吸纳\x0c就业\x1f120人\x07。")
    [built] = build(root, tmp_path / "out")
    assert "东岭区新建车间，吸纳就业120人。" in document_text(built.path)


def test_xml_special_characters_are_escaped(tmp_path):
    root = one_issue(tmp_path / "s", 'A&B <公司> "引号" 与 \'单引号\'', meta='section: 工作简讯\ntitle: "R&D <测试>"\n')
    [built] = build(root, tmp_path / "out")
    text = document_text(built.path)
    assert "R&D <测试>。A&B <公司>" in text


def test_mixed_line_ends_and_bom(tmp_path):
    raw = "\ufeff---\r\nsection: 工作简讯\rtitle: 混合换行\n---\r\n第一行\r\n第二行\r第三行\n".encode()
    [built] = build(one_issue(tmp_path / "s", raw), tmp_path / "out")
    assert "混合换行。第一行第二行第三行" in document_text(built.path)


# --- sizes ----------------------------------------------------------------------------------


def test_a_one_megabyte_item_builds(tmp_path):
    paragraph = "全市就业帮扶车间吸纳脱贫劳动力就业，人均月增收1860元。" * 20
    body = "\n\n".join([paragraph] * 660)  # about 1 MB of UTF-8
    assert len(body.encode()) > 1_000_000
    [built] = build(one_issue(tmp_path / "s", body), tmp_path / "out")
    paragraphs = python_docx.Document(str(built.path)).paragraphs
    assert sum(1 for p in paragraphs if p.text.startswith("全市就业帮扶车间")) == 659  # the first runs on from the title


def test_a_five_thousand_row_table_builds(tmp_path):
    rows = "".join(f"第{i}项,{100 + i % 50},{90 + i % 70}\n" for i in range(5000))
    issue = ("number: 3\ndate: 2024-03-15\ntables:\n  - {id: t, file: t.csv, title: 大表, section: 附件, "
             "target: 目标, actual: 完成, rank: true}\n")  # fmt: skip
    root = one_issue(tmp_path / "s", "正文。", extra={"2024-03/issue.yaml": issue, "2024-03/t.csv": "项目,目标,完成\n" + rows})
    [built] = build(root, tmp_path / "out")
    xml = zipfile.ZipFile(built.path).read("word/document.xml").decode()
    assert xml.count("<w:tr>") == 5000 + 2  # header, rows, total (the distribution block is a frame of paragraphs)


def test_an_oversized_input_is_refused_with_its_limit(tmp_path):
    root = one_issue(tmp_path / "s", "正文。")
    huge = root / "2024-03" / "items" / "02-huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: costs no disk
    with pytest.raises(UserError) as caught:
        build(root, tmp_path / "out")
    assert "超过 20 MB 的上限" in caught.value.message and caught.value.path == huge


# --- faults ------------------------------------------------------------------------------------


def test_a_write_interrupted_half_way_leaves_the_previous_document(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"previous")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new document")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["a.docx"]


def test_a_killed_build_process_leaves_the_previous_document(tmp_path):
    root = one_issue(tmp_path / "s", "正文。")
    out = tmp_path / "out"
    [built] = build(root, out)
    previous = built.path.read_bytes()
    script = (
        "import os, sys\n"
        "from zhuanbao import build as b\n"
        "real = os.fdopen\n"
        "def dying(fd, *a, **k):\n"
        "    handle = real(fd, *a, **k)\n"
        "    handle.write(b'PK half')\n"
        "    handle.flush()\n"
        "    os._exit(9)\n"
        "b.os.fdopen = dying\n"
        f"b.build(__import__('pathlib').Path({str(root)!r}), __import__('pathlib').Path({str(out)!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == 9
    assert built.path.read_bytes() == previous
    python_docx.Document(str(built.path))  # still opens
    [leftover] = [p for p in out.iterdir() if p.suffix == ".tmp"]
    old = leftover.stat().st_mtime - 3600
    os.utime(leftover, (old, old))
    (root / "2024-03/items/01.md").write_text("---\nsection: 工作简讯\ntitle: 测试\n---\n改过的正文。\n", "utf-8")
    build(root, out)  # the next build cleans what the killed one left
    assert not [p for p in out.iterdir() if p.suffix == ".tmp"]


def test_a_full_disk_is_a_clear_error(tmp_path, monkeypatch):
    import errno

    real = os.fdopen

    class Full(io.BufferedWriter):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_fdopen(fd, mode="r", *args, **kwargs):
        handle = real(fd, mode, *args, **kwargs)
        handle.write = Full.write.__get__(handle)
        return handle

    monkeypatch.setattr("zhuanbao.build.os.fdopen", full_fdopen)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        build(one_issue(tmp_path / "s", "正文。"), tmp_path / "out")
    assert [p for p in (tmp_path / "out").iterdir() if p.suffix != ".lock" and not p.name.startswith(".")] == []


def test_a_hanging_libreoffice_is_stopped_by_the_timeout(tmp_path, monkeypatch):
    import zhuanbao.export as export

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(export, "find_soffice", lambda: str(fake))
    (tmp_path / "a.docx").write_bytes(b"PK")
    with pytest.raises(OutputError, match="超过 1 秒"):
        export.to_pdf(tmp_path / "a.docx", timeout=1)


# --- properties -----------------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
PLAIN = st.text(
    st.sampled_from(list("的一是在了和有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
              "０１２３456789ABCabc，。；：？！（）“”《》、")),  # fmt: skip
    min_size=1,
    max_size=200,
)


def _outcome(root, out):
    """Build; return the document text, or the UserError. Anything else propagates (and fails the test)."""
    try:
        [built] = build(root, out)
    except UserError as exc:
        for error in exc.diagnostics:
            assert error.path is not None, "a refusal names the file"
        return exc
    return document_text(built.path)


@PROPERTY
@given(body=TEXT)
def test_any_body_builds_or_is_refused_with_its_file(tmp_path_factory, body):
    root = one_issue(tmp_path_factory.mktemp("p"), body)
    _outcome(root, root.parent / "out")


@PROPERTY
@given(body=PLAIN)
def test_plain_text_comes_through_unchanged_in_meaning(tmp_path_factory, body):
    root = one_issue(tmp_path_factory.mktemp("p"), body)
    result = _outcome(root, root.parent / "out")
    if isinstance(result, UserError):
        assert "正文是空的" in result.message and not body.strip()
        return
    expected = "".join(body.split())
    assert expected in "".join(result.split())


KEYS = st.sampled_from(["section", "title", "source", "order", "sectoin", "titel", "x", "标题"])
VALUES = st.one_of(st.text(max_size=20), st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=5), max_size=3))


@PROPERTY
@given(meta=st.dictionaries(KEYS, VALUES, max_size=5))
def test_any_front_matter_builds_or_is_refused_with_its_file(tmp_path_factory, meta):
    import yaml

    text = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    root = one_issue(tmp_path_factory.mktemp("p"), "正文。", meta=text)
    _outcome(root, root.parent / "out")


CELLS = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@PROPERTY
@given(rows=st.lists(st.tuples(CELLS, CELLS, CELLS), min_size=1, max_size=8))
def test_any_table_cells_build_or_are_refused_with_file_row_and_column(tmp_path_factory, rows):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([("项目", "目标", "完成"), *rows])
    issue = "number: 3\ndate: 2024-03-15\ntables:\n  - {id: t, file: t.csv, title: 表, section: 附件, target: 目标, actual: 完成}\n"
    root = one_issue(tmp_path_factory.mktemp("p"), "正文。", extra={"2024-03/issue.yaml": issue, "2024-03/t.csv": buffer.getvalue()})
    result = _outcome(root, root.parent / "out")
    if isinstance(result, UserError):
        for error in result.diagnostics:
            assert error.path.name == "t.csv", error  # the figures' fault, named at their file
            if error.line is not None:  # a cell: its row (the header is row 1), said in the message too
                assert error.line >= 2 and error.message.startswith(f"第{error.line}行"), error
            else:  # the table as a whole
                assert not error.message.startswith("第"), error


@settings(max_examples=200, deadline=None)
@given(body=st.text(st.sampled_from(list("*_`#>-+1.![]()\\\n 　一、（）。甲乙ABC{}%<&")), max_size=120))
def test_markdown_to_document_fuzz(body):
    """The Markdown → blocks → markup → OOXML path never raises on any mix of markup characters, and loses none."""
    import datetime as dt

    from zhuanbao.doctree import Document, Paragraph, Run
    from zhuanbao.docx import docx_bytes
    from zhuanbao.markdown import to_blocks
    from zhuanbao.load.templates import default_template_dir
    from zhuanbao.render.markup import parse_markup
    from zhuanbao.load.templates import load_style_sheet

    sheet = load_style_sheet(default_template_dir() / "style.yaml")
    markup = "".join(f'<p style="{b.style}">{b.inline}</p>' for b in to_blocks(body))
    blocks = parse_markup(markup, sheet, default_template_dir() / "item.xml.j2")
    data = docx_bytes(Document(blocks or [Paragraph("body", [Run("")])], "t", "a", dt.date(2024, 1, 1)), sheet)
    written = "".join(p.text for p in python_docx.Document(io.BytesIO(data)).paragraphs)
    assert written == "".join(block.text for block in blocks)  # every character the markup held is in the file
