"""Tables in items (issue 17, item 3): a Word submission's table imported as a Markdown table (its merges
said), a Markdown table printed as a bulletin table (no title, the table-cell style of style.yaml, the
header row repeated on each page) and linted cell by cell by ``check``."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from zhuanbao import services
from zhuanbao.build import build
from zhuanbao.lint import check
from zhuanbao.markdown import to_blocks

from .conftest import ISSUE_YAML, SERIES_YAML, write_tree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = Path(__file__).parent.parent / "templates"


def table_item(rows: int, *, after: str = "\n下一步，全市将继续推进车间提质增效。\n") -> str:
    body = "".join(f"| 项目{i} | 新建车间 | {100 + i} | {90 + i} |\n" for i in range(1, rows + 1))
    return ("---\nsection: 工作简讯\ntitle: 各区县就业帮扶车间建设进展\nsource: 市人社局\n---\n"
            "8月以来，各区县新建就业帮扶车间，进展如下：\n\n"
            "| 项目 | 内容 | 目标（个） | 完成（个） |\n| --- | --- | --- | --- |\n" + body + after)  # fmt: skip


def built_issue(root: Path, item: str) -> Path:
    write_tree(root, {"series.yaml": SERIES_YAML, "2024-03/issue.yaml": ISSUE_YAML, "2024-03/items/01.md": item})
    [built] = build(root, root / "out")
    return built.path


# --- import ---------------------------------------------------------------------------------------------------


def test_a_word_table_is_imported_as_a_markdown_grid_and_each_merge_is_said(series, tmp_path):
    document = docx.Document()
    document.add_paragraph("西山县：易地搬迁后续扶持有序推进")
    document.add_paragraph("今年以来，西山县落实后续扶持措施，各安置点情况如下：")
    table = document.add_table(rows=4, cols=3)
    for column, text in enumerate(("乡镇", "安置点", "就业（人）")):
        table.cell(0, column).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "青山镇"  # a town merged down over its two sites
    table.cell(1, 1).text, table.cell(1, 2).text = "青山社区", "320"
    table.cell(2, 1).text, table.cell(2, 2).text = "河湾社区", "180"
    cell = table.cell(3, 0).merge(table.cell(3, 1))
    cell.text = "合计"
    table.cell(3, 2).paragraphs[0].add_run("500").bold = True
    table.cell(3, 2).add_paragraph("（含灵活就业）")  # two paragraphs in a cell: one line
    frame = document.add_table(rows=1, cols=1)  # a frame drawn round a paragraph is no table
    frame.cell(0, 0).text = "下一步，西山县将继续开发公益岗位。"
    document.save(tmp_path / "西山县来稿.docx")

    result = services.import_submission(tmp_path / "西山县来稿.docx", series() / "2024-03", "区县动态")
    item = result.target.read_text("utf-8")
    assert ("| 乡镇 | 安置点 | 就业（人） |\n| --- | --- | --- |\n| 青山镇 | 青山社区 | 320 |\n"
            "|  | 河湾社区 | 180 |\n| 合计 |  | **500**（含灵活就业） |\n") in item  # fmt: skip
    assert "\n下一步，西山县将继续开发公益岗位。\n" in item and item.count("|") == 20
    assert result.left_out == ["稿件中有 1 个只有一列的表格（多半是为了加边框），其中的文字按段落导入", ("第 7 行的表格：Markdown 表格不能合并单元格，合并的单元格写在它的第一格，其余留空："
                    "原表第2—3行第1列合并的“青山镇”；原表第4行第1—2列合并的“合计”")]  # fmt: skip


# --- Markdown tables in items ---------------------------------------------------------------------------------


def test_a_markdown_table_is_a_block_of_its_own_aligned_as_indicator_tables_are():
    body = "进展如下：\n\n| 区县 | 状态 | 完成（个） |\n| --- | :---: | --- |\n| 东岭区 | **已完成** | 1,200 |\n| 西山县 | 推进中 | — |\n"
    paragraph, table = to_blocks(body, 6, name="01.md")
    assert paragraph.text == "进展如下：" and table.kind == "table" and table.line == 8
    assert table.table.id == "01.md:8" and table.table.header == ["区县", "状态", "完成（个）"]
    assert [[(c.text, c.align) for c in row] for row in table.table.cells] == [
        [("东岭区", "left"), ((("已完成", True),), "center"), ("1,200", "right")],
        [("西山县", "left"), ("推进中", "center"), ("—", "right")]]
    assert table.text == "区县\t状态\t完成（个）\n东岭区\t已完成\t1,200\n西山县\t推进中\t—"


def test_a_markdown_table_prints_without_title_in_the_table_cell_style_its_header_repeated(tmp_path):
    printed = docx.Document(str(built_issue(tmp_path / "s", table_item(3))))
    [table] = printed.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目", "内容", "目标（个）", "完成（个）"], ["项目1", "新建车间", "101", "91"],
        ["项目2", "新建车间", "102", "92"], ["项目3", "新建车间", "103", "93"]]
    header, *rows = table.rows
    assert header._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on each page
    assert all(row._tr.find(f"{W}trPr/{W}tblHeader") is None for row in rows)
    assert [c.paragraphs[0].alignment for c in rows[0].cells][2:] == [2, 2]  # figures right
    before = table._tbl.getprevious()
    assert "".join(before.itertext()).endswith("进展如下：")  # the lead paragraph, no table title between
    cell_style = rows[0].cells[0].paragraphs[0].style
    import yaml

    sheet = yaml.safe_load((TEMPLATES / "style.yaml").read_text("utf-8"))
    wanted = sheet["paragraph"]["table-cell"]
    assert (wanted["font"], wanted["size"], cell_style.name) == ("仿宋", "小四", wanted["name"])
    fonts = cell_style.element.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == sheet["fonts"]["仿宋"]["east_asia"] == "仿宋_GB2312"
    assert cell_style.font.size.pt == 12 < printed.styles["专报正文"].font.size.pt == 16  # 小四 under the text's 三号
    paragraphs = [p.text for p in printed.paragraphs]
    assert "下一步，全市将继续推进车间提质增效。[市人社局供稿]" in [re.sub(r"\s", "", p) for p in paragraphs]


def test_check_lints_each_cell_at_its_own_column_and_a_line_run_into_the_table(series):
    root = series({"2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 各区县进展\n---\n进展如下：\n\n"
                   "| 区县 | 说明 |\n| --- | --- |\n| 东岭区 | 已完成,超额完成 |\n| 西山县 | 推进中（8月底完成 |\n"
                   "下一步继续推进。\n"})  # fmt: skip
    found = [(f.line, f.column, f.rule) for f in check(root).findings if f.path.name == "02.md"]
    assert (9, 12, "halfwidth-punct") in found  # the comma after 已完成 in the second cell
    assert (10, 12, "unmatched-pair") in found  # the bracket left open in its cell, not paired across the row
    assert (11, 1, "line-join") in found  # 下一步… right under the table is read as a row of it
    assert not any(line in (7, 8) for line, _, _ in found)  # the header and | --- | are clean


def test_a_picture_in_a_table_cell_prints_its_caption_and_is_said_once(series, tmp_path):
    """A cell prints text only: its picture's caption prints, the file is not read as a picture of the item, and
    check says so once, at the cell (the caption once vanished while check promised it would print)."""
    root = series({"2024-03/items/02.md": "---\nsection: 工作简讯\ntitle: 各区县进展\n---\n进展如下：\n\n"
                   "| 区县 | 现场 |\n| --- | --- |\n| 东岭区 | ![车间外景](images/missing.jpg) |\n"})  # fmt: skip
    found = [(f.line, f.column, f.rule) for f in check(root).findings if f.path.name == "02.md"]
    assert found == [(9, 9, "image-in-item")]
    [built] = build(root, tmp_path / "out")
    [table] = [t for t in docx.Document(str(built.path)).tables if t.cell(0, 0).text == "区县"]
    assert [c.text for c in table.rows[1].cells] == ["东岭区", "车间外景"]


# --- through LibreOffice --------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_markdown_table_crossing_a_page_repeats_its_header_row_on_the_next(tmp_path, convert):
    pdf = convert(built_issue(tmp_path / "s", table_item(26)))
    pages = ["".join(re.sub(r"\s+", "", line.text) for line in page) for page in pdf.pages]  # a line per cell
    header = "项目内容目标（个）完成（个）"
    on = [[int(n) for n in re.findall(r"项目(\d+)新建车间", page)] for page in pages]
    assert on[0] and on[1] and on[0] + on[1] == list(range(1, 27)), on  # every row once, in order, on 2 pages
    for page, rows in zip(pages, on[:2]):
        assert f"{header}项目{rows[0]}新建车间" in page  # the header row right above each page's first row
    assert pages[1].count(header) == 1 and "下一步，全市将继续推进车间提质增效。" in pages[1]
