"""One issue's printed pages as images (printed.py) and the use cases over them (services.issue_pages,
issue_fingerprint, download): made once per state of the files, whole or not at all, never in the series
folder; a build error raised with its place while the sets made before stay; downloads named and placed
as `zhuanbao build --pdf` does. A converter that draws blank A4 pages stands in for LibreOffice here
(tests/test_studio_preview.py and tests/test_export_resident.py use the real one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2
import pytest

from zhuanbao import printed, services
from zhuanbao.diagnostics import ContentError, OutputError, TemplateError
from zhuanbao.workspace import Workspace


class Blank:
    """to_pdf as LibreOffice's: ``<outdir>/<stem>.pdf`` of ``pages`` A4 pages; counts its calls."""

    mode, note = "test", ""

    def __init__(self, pages: int = 2, fail: Exception | None = None) -> None:
        self.pages = pages
        self.fail = fail
        self.calls: list[Path] = []

    def to_pdf(self, docx: Path, outdir: Path | None = None) -> Path:
        self.calls.append(docx)
        assert docx.read_bytes()[:2] == b"PK"  # a real .docx was written for it
        if self.fail:
            raise self.fail
        target = (outdir or docx.parent) / (docx.stem + ".pdf")
        document = pypdfium2.PdfDocument.new()
        for _ in range(self.pages):
            document.new_page(595, 842)
        document.save(str(target))
        document.close()
        return target

    def stop(self) -> None:
        pass


def test_the_pages_are_made_once_for_each_state_of_the_files(series, tmp_path):
    root, out, converter, workspace = series(), tmp_path / "out", Blank(), Workspace()
    first = services.issue_pages(root / "2024-03", out, converter, workspace)
    assert [p.name for p in first.pages] == ["issue-1.png", "issue-2.png"] and len(converter.calls) == 1
    assert all(p.parent.parent == out / ".preview" / "2024-03" for p in first.pages)
    assert services.issue_pages(root / "2024-03", out, converter, workspace) == first and len(converter.calls) == 1
    assert first.fingerprint == services.issue_fingerprint(root / "2024-03")
    item = root / "2024-03" / "items" / "01-gaizao.md"
    item.write_text(item.read_text("utf-8").replace("12个", "13个"), "utf-8")
    second = services.issue_pages(root / "2024-03", out, converter, workspace)
    assert second.fingerprint != first.fingerprint and len(converter.calls) == 2
    assert all(p.is_file() for p in first.pages + second.pages)  # the set before stays: a browser may still ask
    item.write_text(item.read_text("utf-8").replace("13个", "14个"), "utf-8")
    third = services.issue_pages(root / "2024-03", out, converter, workspace)
    assert not any(p.exists() for p in first.pages) and all(p.is_file() for p in second.pages + third.pages)
    assert sorted(p.name for p in (out / ".preview" / "2024-03").iterdir()) == sorted(
        [second.pages[0].parent.name, third.pages[0].parent.name])  # fmt: skip


def test_the_images_are_a4_pages_and_nothing_is_written_in_the_series(series, tmp_path):
    from PIL import Image

    root = series()
    before = sorted(root.rglob("*"))
    made = services.issue_pages(root / "2024-03", tmp_path / "out", Blank(pages=1))
    with Image.open(made.pages[0]) as page:  # 96 dpi
        assert abs(page.width - 794) <= 2 and abs(page.height - 1123) <= 2
    assert sorted(root.rglob("*")) == before


def test_a_build_error_is_raised_with_its_place_and_the_sets_made_before_stay(series, tmp_path):
    root, out, converter = series(), tmp_path / "out", Blank()
    good = services.issue_pages(root / "2024-03", out, converter)
    (root / "2024-03/items/02-c.md").write_text("---\nsection: 工作动向\ntitle: 栏目写错\n---\n正文。\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        services.issue_pages(root / "2024-03", out, converter)
    assert caught.value.path.name == "02-c.md" and caught.value.line == 2 and "工作动向" in caught.value.message
    assert len(converter.calls) == 1 and all(p.is_file() for p in good.pages)


def test_a_failed_conversion_leaves_no_half_made_set(series, tmp_path):
    root, out = series(), tmp_path / "out"
    good = services.issue_pages(root / "2024-03", out, Blank())
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\ntitle: 改\n---\n改了。\n", "utf-8")
    with pytest.raises(OutputError, match="LibreOffice 坏了"):
        services.issue_pages(root / "2024-03", out, Blank(fail=OutputError("LibreOffice 坏了")))
    assert [p.name for p in (out / ".preview" / "2024-03").iterdir()] == [good.pages[0].parent.name]  # no .work-


def test_an_output_folder_that_cannot_be_written_is_a_chinese_error(series, tmp_path):
    (tmp_path / "out").write_text("不是文件夹", "utf-8")
    with pytest.raises(OutputError, match="无法在输出文件夹中保存预览图"):
        services.issue_pages(series() / "2024-03", tmp_path / "out", Blank())


def test_the_fingerprint_follows_files_that_do_not_load(series, tmp_path):
    root = series({"series.yaml": "title: [工作专报\n"})  # broken
    broken = services.issue_fingerprint(root / "2024-03")
    assert services.issue_fingerprint(root / "2024-03") == broken  # stable: no rebuild on every look
    shutil.copy(Path(__file__).resolve().parents[1] / "content" / "series.yaml", root / "series.yaml")
    fixed = services.issue_fingerprint(root / "2024-03")
    assert fixed != broken
    (root / "mine").mkdir()
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "templates: mine\n", "utf-8")
    no_style = services.issue_fingerprint(root / "2024-03")  # a template folder without style.yaml: an error
    with pytest.raises(TemplateError):
        services.issue_pages(root / "2024-03", tmp_path / "out", Blank())
    (root / "mine" / "section.xml.j2").write_text('<p style="section">〖{{ section.name }}〗</p>\n', "utf-8")
    assert services.issue_fingerprint(root / "2024-03") not in (no_style, fixed)  # the folder's files count


def test_a_stale_work_folder_of_a_killed_run_is_removed(series, tmp_path):
    import os
    import time

    root, out = series(), tmp_path / "out"
    services.issue_pages(root / "2024-03", out, Blank())
    home = out / ".preview" / "2024-03"
    killed, recent = home / ".work-killed", home / ".work-running"
    for folder in (killed, recent):
        folder.mkdir()
        (folder / "issue.docx").write_bytes(b"PK")
    os.utime(killed, (time.time() - 2 * printed.ABANDONED,) * 2)
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\ntitle: 改\n---\n改了。\n", "utf-8")
    services.issue_pages(root / "2024-03", out, Blank())
    assert not killed.exists() and recent.exists()


# --- downloads -------------------------------------------------------------------------------------------


def test_the_download_is_the_document_build_makes_and_is_not_made_twice(series, tmp_path):
    root, out = series(), tmp_path / "out"
    document = services.download(root / "2024-03", out)
    assert document == out / "工作专报2024年第3期.docx"
    [cli] = services.build(services.BuildRequest(root / "2024-03", tmp_path / "cli")).built  # zhuanbao build
    assert document.read_bytes() == cli.path.read_bytes()
    made = document.stat().st_mtime_ns
    assert services.download(root / "2024-03", out) == document and document.stat().st_mtime_ns == made


def test_the_pdf_download_converts_with_the_converter_given(series, tmp_path):
    root, out, converter = series(), tmp_path / "out", Blank(pages=1)
    pdf = services.download(root / "2024-03", out, pdf=True, converter=converter)
    assert pdf == out / "工作专报2024年第3期.pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert converter.calls == [out / "工作专报2024年第3期.docx"]
    assert services.download(root / "2024-03", out, pdf=True, converter=converter) == pdf and len(converter.calls) == 1
    failing = Blank(fail=OutputError("转换失败了", out / "x.docx"))
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\ntitle: 改\n---\n改了。\n", "utf-8")
    with pytest.raises(OutputError, match="转换失败了"):
        services.download(root / "2024-03", out, pdf=True, converter=failing)
    import docx

    text = "".join(p.text for p in docx.Document(out / "工作专报2024年第3期.docx").paragraphs)
    assert "改了" in text  # the document is new; only its PDF failed, and that is said
