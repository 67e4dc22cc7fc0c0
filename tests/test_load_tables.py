"""Reading indicator tables (load/tables.py): CSV and .xlsx cells as typed or shown, and the errors an office can cause.

Computing with what was read (rates, totals, a bad figure's row and column) is
tests/test_indicators.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError, DataError
from zhuanbao.load.tables import RawTable, column_letter, read_table
from zhuanbao.model import TableSpec


def spec(**changes) -> TableSpec:
    """A table entry of issue.yaml; only ``file`` and ``sheet`` matter for reading."""
    base = {"id": "t", "file": "t.csv", "title": "进度", "section": "工作简讯"}
    base.update(changes)
    return TableSpec.model_validate(base)


def where(error: DataError) -> tuple:
    """The file, line and column an error names, as the editor jumps to them."""
    return error.path, error.line, error.column


def save_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]


# --- CSV ---------------------------------------------------------------------------

CSV = "区县,目标,完成\r\n东岭区,5,5\r\n溪口区,4,3\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_office_encodings(tmp_path, encoding):
    (tmp_path / "t.csv").write_bytes(CSV.encode(encoding))
    table = read_table(spec(), tmp_path)
    assert table.header == ["区县", "目标", "完成"] and table.rows[1] == ["溪口区", "4", "3"]


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_separated_tables(tmp_path, delimiter):
    (tmp_path / "t.csv").write_text(CSV.replace(",", delimiter), "utf-8")
    assert read_table(spec(), tmp_path).rows[1] == ["溪口区", "4", "3"]


def test_csv_cells_are_kept_as_typed_and_blank_lines_keep_their_line_numbers(tmp_path):
    # leading zeros, a quoted thousands separator and U+2212 stay text for the indicators stage;
    # the space after a comma and the empty last column Excel leaves behind are not cells
    (tmp_path / "t.csv").write_text('序号,区县,金额,\n001, 东岭区,"1,234.5",\n\n002,溪口区,−1.4,\n', "utf-8")
    table = read_table(spec(), tmp_path)
    assert table.header == ["序号", "区县", "金额"]
    assert table.rows == [["001", "东岭区", "1,234.5"], ["002", "溪口区", "−1.4"]]
    assert table.lines == [2, 4]
    assert str(table.error("金额不是数字", 1, 2)) == f"{tmp_path / 't.csv'}:4:3: 错误: 第4行“金额”列：金额不是数字"


def test_windows_backslashes_in_a_table_path(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.csv").write_text(CSV, "utf-8")
    assert read_table(spec(file="tables\\t.csv"), tmp_path).rows[1] == ["溪口区", "4", "3"]


# --- Excel -------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "农村低保"
    book.active.append(["区县", "目标", "完成"])
    book.active.append(["东岭区", 5, 4.5])
    second = book.create_sheet("城市低保")
    second.append(["区县", "目标", "完成"])
    second.append(["溪口区", 8, 8])
    book.save(tmp_path / "t.xlsx")
    return tmp_path


def test_excel_first_sheet_by_default_then_by_name_and_index(workbook):
    assert read_table(spec(file="t.xlsx"), workbook).rows == [["东岭区", "5", "4.5"]]
    assert read_table(spec(file="t.xlsx", sheet="城市低保"), workbook).rows == [["溪口区", "8", "8"]]
    assert read_table(spec(file="t.xlsx", sheet=1), workbook).sheet == "城市低保"


def test_excel_cells_are_read_as_excel_shows_them(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["区县", "目标", "完成", "占比", "金额"])
    sheet.append(["甲", 10, 8, 0.6390411832207062, 0.1 + 0.2])
    sheet.append(["乙", 10, 9, 0.07, 12.300000000000001])
    for row in (2, 3):
        sheet.cell(row=row, column=4).number_format = "0.0%"
    sheet.cell(row=3, column=5).number_format = "0.00"
    sheet.append(["丙", 10, 7, 63.9, 5])
    sheet.cell(row=4, column=4).number_format = '0.0"%"'  # already in percent: a % sign shown, not ×100
    sheet.cell(row=4, column=5).number_format = "0.0\\%"
    book.save(tmp_path / "t.xlsx")
    table = read_table(spec(file="t.xlsx"), tmp_path)
    assert table.rows == [["甲", "10", "8", "63.9%", "0.3"], ["乙", "10", "9", "7.0%", "12.30"], ["丙", "10", "7", "63.9%", "5.0%"]]


def test_excel_dates_and_whole_numbers_read_as_shown_and_a_cell_is_named_by_sheet_row_and_letter(tmp_path):
    import datetime as dt

    rows = [["区县", "截至", "完成"], [None, None, None], ["东岭区", dt.date(2024, 3, 10), 12.0]]
    save_book(tmp_path / "t.xlsx", {"进度": rows})
    table = read_table(spec(file="t.xlsx"), tmp_path)
    assert table.rows == [["东岭区", "2024-03-10", "12"]] and table.lines == [3]
    error = table.error("完成数不是数字", 0, 2)
    assert error.message == "工作表“进度”第3行第C列（完成）：完成数不是数字" and where(error) == (tmp_path / "t.xlsx", 3, 3)


# --- where an error points -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "row", "column", "message", "line", "col"),
    [
        (None, 1, 2, "第4行“完成”列：x", 4, 3),
        (None, 1, None, "第4行：x", 4, None),
        (None, -1, 1, "第1行：x", 1, 2),  # the header
        (None, None, None, "x", None, None),
        ("进度", 1, 2, "工作表“进度”第4行第C列（完成）：x", 4, 3),
        ("进度", 1, None, "工作表“进度”第4行：x", 4, None),
        ("进度", -1, 1, "工作表“进度”第1行：x", 1, 2),
        ("进度", None, None, "工作表“进度”：x", None, None),
    ],
)
def test_raw_table_error_names_the_row_the_editor_sees(sheet, row, column, message, line, col):
    table = RawTable(Path("t.xlsx"), sheet, ["区县", "目标", "完成"], [["甲", "5", "4"], ["乙", "5", "x"]], [2, 4])
    error = table.error("x", row, column)
    assert isinstance(error, DataError) and error.message == message and where(error) == (Path("t.xlsx"), line, col)


# --- errors an office can cause ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message", "names"),
    [
        ({"file": "t.xlsx", "sheet": "城镇低保"}, "工作表“城镇低保”不存在（有：农村低保、城市低保）", "t.xlsx"),
        ({"file": "t.xlsx", "sheet": 5}, "工作表序号 5 不存在（共 2 个：农村低保、城市低保；序号从 0 起）", "t.xlsx"),
        ({"file": "absent.csv"}, "表格文件不存在", "absent.csv"),
        # a name pointing out of the folder is a mistake in issue.yaml, not in the table file
        ({"file": "../outside.csv"}, "表格文件“../outside.csv”在本期文件夹之外，不能使用", "issue.yaml"),
        ({"file": "..\\outside.csv"}, "表格文件“../outside.csv”在本期文件夹之外，不能使用", "issue.yaml"),
        ({"file": "/etc/passwd"}, "表格文件“/etc/passwd”在本期文件夹之外，不能使用", "issue.yaml"),
        ({"file": "t.txt"}, "不支持的表格文件类型“.txt”（支持 .csv、.xlsx、.xls、.et、.ods）", "t.txt"),
    ],
)
def test_file_problems(workbook, changes, message, names):
    (workbook / "t.txt").write_text("x")
    (workbook.parent / "outside.csv").write_text(CSV)
    with pytest.raises(DataError) as caught:
        read_table(spec(**changes), workbook)
    assert caught.value.message == message
    assert where(caught.value) == (workbook / names, None, None)  # the whole file: no line to point at


def test_symlink_out_of_the_issue_is_refused(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text(CSV)
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "t.csv").symlink_to(outside)
    with pytest.raises(DataError, match="在本期文件夹之外"):
        read_table(spec(), issue)


def test_a_csv_file_has_no_sheet_to_choose(tmp_path):
    (tmp_path / "t.csv").write_text(CSV, "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec(sheet="进度"), tmp_path)
    assert caught.value.message == "CSV 文件没有工作表，不能写 sheet"
    assert where(caught.value) == (tmp_path / "issue.yaml", None, None)


def test_a_table_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import zhuanbao.load.tables as tables

    monkeypatch.setattr(tables, "MAX_TEXT_BYTES", 1024 * 1024)
    (tmp_path / "t.csv").write_bytes(CSV.encode() + b"0" * 1024 * 1024)
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == "表格文件过大，超过 1 MB 的上限" and caught.value.path == tmp_path / "t.csv"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "表格文件是空的"),
        (b"\xef\xbb\xbf", "表格文件是空的"),  # Notepad's UTF-8: a BOM and nothing else
        (b"\r\n\r\n", "表格文件是空的（第一行应是表头）"),
    ],
)
def test_an_empty_csv_file_is_named(tmp_path, content, message):
    (tmp_path / "t.csv").write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == message and where(caught.value) == (tmp_path / "t.csv", None, None)


def test_an_empty_sheet_is_named(tmp_path):
    save_book(tmp_path / "t.xlsx", {"进度": [["区县", "完成"], ["甲", 1]], "空表": []})
    with pytest.raises(DataError) as caught:
        read_table(spec(file="t.xlsx", sheet="空表"), tmp_path)
    assert caught.value.message == "工作表“空表”是空的" and where(caught.value) == (tmp_path / "t.xlsx", None, None)


def test_a_csv_in_an_unknown_encoding_is_named_at_its_first_unreadable_line(tmp_path):
    (tmp_path / "t.csv").write_bytes("区县,目标,完成\n".encode() + b"\x80\x80\x80,5,4\n")
    with pytest.raises(ContentError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）"
    assert where(caught.value) == (tmp_path / "t.csv", 2, None) and "UTF-8" in caught.value.hint


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken"])
def test_a_file_that_is_not_really_xlsx(tmp_path, content):
    (tmp_path / "t.xlsx").write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_table(spec(file="t.xlsx"), tmp_path)
    assert "无法打开 Excel 文件" in caught.value.message and "Error" not in caught.value.message


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("区县,目标,完成\n\"东岭区,5,4\n溪口区,4,3\n", "第2行有引号（\"）没有闭合", 2),
        ("区县,目标,完成\n东岭区,5,4\n\"溪口\"区,4,3\n", "第3行的引号用法不对", 3),
    ],
)
def test_csv_quotes_gone_wrong_are_named_at_their_row(tmp_path, text, message, line):
    (tmp_path / "t.csv").write_text(text, "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert message in caught.value.message and caught.value.line == line


def test_two_columns_with_the_same_name(tmp_path):
    (tmp_path / "t.csv").write_text("项目,单位,年度目标,年度目标,完成\n低保,万人,5,7,4\n", "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == "第1行：第3列和第4列的列名都是“年度目标”，列名不能重复"
    assert where(caught.value) == (tmp_path / "t.csv", 1, 4)


def test_header_without_a_name(tmp_path):
    (tmp_path / "t.csv").write_text("区县,,完成\n甲,1,2\n", "utf-8")
    with pytest.raises(DataError, match="第2列没有列名"):
        read_table(spec(), tmp_path)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("区县,目标,完成\n甲,5,4\n\n乙,5,4,9\n", 4, None, "第4行：比表头多出 1 列"),
        ("区县,,完成\n甲,1,2\n", 1, 2, "第1行：第2列没有列名"),
    ],
)
def test_shape_errors_carry_their_line(tmp_path, text, line, column, message):
    (tmp_path / "t.csv").write_text(text, "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert (caught.value.line, caught.value.column) == (line, column) and caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("rows", "message", "column"),
    [
        ([["区县", "完成", "完成"], ["甲", 1, 2]], "工作表“进度”第1行：第2列和第3列的列名都是“完成”，列名不能重复", 3),
        ([["区县", None, "完成"], ["甲", 1, 2]], "工作表“进度”第1行：第2列没有列名（表头应在第一行）", 2),
        # a figure typed to the right of the header: in a sheet that is a column without a name
        ([["区县", "完成"], ["甲", 1], ["乙", 1, 5]], "工作表“进度”第1行：第3列没有列名（表头应在第一行）", 3),
    ],
)
def test_excel_header_problems_name_the_sheet(tmp_path, rows, message, column):
    save_book(tmp_path / "t.xlsx", {"进度": rows})
    with pytest.raises(DataError) as caught:
        read_table(spec(file="t.xlsx"), tmp_path)
    assert caught.value.message == message and where(caught.value) == (tmp_path / "t.xlsx", 1, column)


# --- hostile tables (issue 13): bounded in size, damage and XML tricks refused in Chinese ----------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def table_series(series, name: str, content: bytes | str) -> Path:
    """A series whose issue has one indicator table, the file ``name``."""
    issue = ("number: 3\ndate: 2024-03-15\ntables:\n"
             f"  - {{id: t, file: {name}, title: 进度, section: 工作简讯, target: 目标, actual: 完成}}\n")  # fmt: skip
    return series({"2024-03/issue.yaml": issue, f"2024-03/{name}": content}) / "2024-03"


def build_refused(issue: Path, tmp_path: Path, *fragments: str) -> None:
    """``zhuanbao build`` of ``issue``, under 512 MB and 30 s, ends in a Chinese message naming the table."""
    from .conftest import bounded, refused

    result = bounded("build", str(issue), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    refused(result, *fragments)
    assert result.seconds < 10 and not (tmp_path / "out").exists()


def xlsx_bytes(tmp_path: Path, parts: dict[str, bytes] | None = None, stored: bool = False) -> bytes:
    """A real .xlsx (openpyxl), its parts replaced or added; with sharedStrings.xml registered if given."""
    import zipfile

    path = save_book(tmp_path / "base.xlsx", {"进度": [["区县", "目标", "完成"], ["东岭区", 5, 4]]})
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    parts = parts or {}
    if "xl/sharedStrings.xml" in parts:
        override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'
        files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", override.encode())
    files.update(parts)
    out = tmp_path / "made.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.read_bytes()


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>区县</t></is></c><c r="B1" t="inlineStr"><is><t>目标</t></is></c></row>'
    return f'<worksheet xmlns="{SHEET_NS}">{declared}<sheetData>{header}{rows}</sheetData></worksheet>'.encode()


def test_a_csv_of_millions_of_cells_is_refused_with_its_size_and_the_limit(series, tmp_path):
    csv = "区县,目标,完成\n" + "东岭区,5,4\n" * 700_000  # 7.7 MB: ran out of memory
    issue = table_series(series, "t.csv", csv)
    build_refused(issue, tmp_path, f"{issue / 't.csv'}: 错误: 表格过大：文件共 700,001 行，读到第 33,334 行时已超过 100,000 个单元格的上限")


def test_a_csv_line_of_millions_of_columns_is_refused_before_it_is_split(series, tmp_path):
    issue = table_series(series, "t.csv", "区县,目标,完成\n" + "5," * 3_000_000 + "\n")
    build_refused(issue, tmp_path, f"{issue / 't.csv'}:2: 错误: 表格过宽：第2行有 3,000,001 列，超过 1,000 列的上限")


@pytest.mark.parametrize(
    ("dimension", "rows", "message"),
    [
        # 495 KB claiming 16 million cells took over 300 s: openpyxl pads every row to the declared width
        ("A1:XFD16000", "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 16001, 4)),
         "工作表“进度”过宽：范围是 A1:XFD16000（16,000 行 × 16,384 列，共 262,144,000 个单元格），超过 1,000 列的上限"),
        ("A1:CV160000", '<row r="160000"><c r="CV160000"><v>1</v></c></row>',
         "工作表“进度”过大：范围是 A1:CV160000（160,000 行 × 100 列，共 16,000,000 个单元格），超过 100,000 个单元格的上限"),
        # no <dimension>: counted while read
        (None, "".join(f'<row r="{r}"><c r="ALL{r}"><v>1</v></c></row>' for r in range(2, 400)),
         "工作表“进度”过大：读到第101行时已超过 100,000 个单元格的上限"),
        (None, '<row r="2"><c r="A2"><v>1</v></c></row><row r="999999999999"><c r="A999999999999"><v>1</v></c></row>',
         "工作表“进度”过大：读到第100,000行时已超过 100,000 个单元格的上限"),
        (None, '<row r="2"><c r="XFD2"><v>1</v></c></row>', "工作表“进度”过宽：第2行有 16,384 列，超过 1,000 列的上限"),
    ],
    ids=["16-million-claimed-wide", "16-million-claimed", "counted", "far-row", "wide-row"],
)
def test_a_sheet_larger_than_a_table_is_refused_quickly(series, tmp_path, dimension, rows, message):
    content = xlsx_bytes(tmp_path, {"xl/worksheets/sheet1.xml": sheet_xml(rows, dimension)})
    issue = table_series(series, "t.xlsx", content)
    build_refused(issue, tmp_path, f"{issue / 't.xlsx'}", message, "Ctrl+End")


@pytest.mark.parametrize(
    ("rows", "found"),
    [('<row r="2">' + '<c r="A2"/>' * 3_000_000 + "</row>", "的一行中已有 "),  # 70 KB: gigabytes in openpyxl
     ('<row r="2"/>' * 2_000_000, "中已有 ")],
    ids=["cells-in-a-row", "rows"],
)
def test_a_sheet_no_excel_could_save_is_refused_before_openpyxl_reads_it(series, tmp_path, rows, found):
    content = xlsx_bytes(tmp_path, {"xl/worksheets/sheet1.xml": sheet_xml(rows)})
    issue = table_series(series, "t.xlsx", content)
    limit = "每行最多 16,384 列" if "一行" in found else "最多 1,048,576 行"
    build_refused(issue, tmp_path, f"{issue / 't.xlsx'}: 错误: Excel 文件已损坏：xl/worksheets/sheet1.xml {found}", limit)


def _damaged(kind: str, tmp_path: Path) -> bytes:
    import zipfile

    good = xlsx_bytes(tmp_path, stored=kind == "bad-crc")
    if kind == "not-a-zip":
        return b"ID;PWXL;N;E\r\n"  # an old SYLK export renamed .xlsx
    if kind == "truncated":
        return good[: len(good) // 2]
    data = bytearray(good)
    with zipfile.ZipFile(tmp_path / "made.xlsx") as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if kind == "bad-crc":  # a stored (uncompressed) part with a figure changed: only its CRC tells
        at = data.index(b"<v>5</v>", start) + 3
        data[at : at + 1] = b"6"
    else:  # corrupt deflate stream
        for offset in (1, 2, 3, 20):
            data[start + offset] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("kind", ["bad-crc", "corrupt-deflate", "truncated", "not-a-zip"])
def test_a_damaged_xlsx_is_named_not_a_traceback(series, tmp_path, kind):
    issue = table_series(series, "t.xlsx", _damaged(kind, tmp_path))
    build_refused(issue, tmp_path, f"{issue / 't.xlsx'}: 错误: 无法打开 Excel 文件：文件已损坏")


LAUGHS = ('<!DOCTYPE sst [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
          + f']><sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&j;</t></si></sst>')  # fmt: skip
EXTERNAL = ('<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&x;</t></si></sst>')  # fmt: skip


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        ("xl/sharedStrings.xml", LAUGHS),
        ("xl/sharedStrings.xml", EXTERNAL),
        ("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-16"?>' + EXTERNAL),
        ("xl/workbook.xml", None),  # an external entity in a sheet's name
    ],
    ids=["billion-laughs", "external-entity", "external-entity-utf16", "external-entity-in-workbook"],
)
def test_an_xlsx_with_xml_entities_is_refused(series, tmp_path, part, xml):
    import zipfile

    if xml is None:
        with zipfile.ZipFile(save_book(tmp_path / "b.xlsx", {"进度": [["区县"]]})) as archive:
            workbook = archive.read("xl/workbook.xml").decode()
        xml = '<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/hostname">]>' + workbook.replace('name="进度"', 'name="&x;"')
    data = xml.encode("utf-16") if "UTF-16" in xml else xml.encode()
    issue = table_series(series, "t.xlsx", xlsx_bytes(tmp_path, {part: data}))
    build_refused(issue, tmp_path, f"{issue / 't.xlsx'}: 错误: Excel 文件中的 {part} 含有 XML 实体声明（<!DOCTYPE>）")


def test_an_xlsx_unpacking_to_more_than_a_table_needs_is_refused(tmp_path, monkeypatch):
    import zhuanbao.load.tables as tables

    monkeypatch.setattr(tables, "MAX_EXCEL_XML_BYTES", 1024 * 1024)
    padding = b" " * (2 * 1024 * 1024)  # compresses to a few KB
    (tmp_path / "t.xlsx").write_bytes(xlsx_bytes(tmp_path, {"xl/worksheets/sheet1.xml": sheet_xml("") + padding}))
    with pytest.raises(DataError) as caught:
        read_table(spec(file="t.xlsx"), tmp_path)
    assert caught.value.message.startswith("Excel 文件解压后的内容过大（") and caught.value.message.endswith("超过 1 MB 的上限")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_table_at_the_cell_limit_is_read_one_more_cell_is_refused(tmp_path, monkeypatch, suffix):
    import zhuanbao.load.tables as tables

    monkeypatch.setattr(tables, "MAX_TABLE_CELLS", 9)
    rows = [["区县", "目标", "完成"], ["东岭区", "5", "4"], ["溪口区", "4", "3"]]
    write = (lambda r: (tmp_path / "t.csv").write_text("".join(",".join(x) + "\n" for x in r), "utf-8")) if suffix == "csv" \
        else (lambda r: save_book(tmp_path / "t.xlsx", {"进度": r}))  # fmt: skip
    write(rows)
    assert read_table(spec(file=f"t.{suffix}"), tmp_path).rows == rows[1:]
    write(rows + [["青禾县"]])
    with pytest.raises(DataError, match="超过 9 个单元格的上限"):
        read_table(spec(file=f"t.{suffix}"), tmp_path)


def test_a_csv_cell_too_long_is_said_in_chinese(tmp_path):
    (tmp_path / "t.csv").write_text("区县,目标\n东岭区," + "5" * 200_000 + "\n", "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == "第2行有一格超过 131,072 个字符（多半是引号没有闭合）" and caught.value.line == 2


def test_a_table_that_links_to_itself_is_said_in_chinese(tmp_path):
    (tmp_path / "t.csv").symlink_to("t.csv")
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message in ("表格文件是一个循环的链接（快捷方式最终指回自己），无法读取", "表格文件不存在")


def test_an_unreadable_table_says_why_in_chinese(tmp_path, monkeypatch):
    import errno

    (tmp_path / "t.csv").write_text(CSV, "utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(OSError(errno.EACCES, "Permission denied")))
    with pytest.raises(DataError) as caught:
        read_table(spec(), tmp_path)
    assert caught.value.message == "无法读取表格文件：没有访问权限"


def test_an_infinite_excel_figure_is_text_for_the_indicators_stage(tmp_path):
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["区县", "占比"])
    book.active.append(["东岭区", 0.5])
    book.active.cell(row=2, column=2).number_format = "0.0%"
    book.save(tmp_path / "b.xlsx")
    with zipfile.ZipFile(tmp_path / "b.xlsx") as archive:
        files = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"].replace(b"<v>0.5</v>", b"<v>1E999</v>")
    with zipfile.ZipFile(tmp_path / "t.xlsx", "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert read_table(spec(file="t.xlsx"), tmp_path).rows == [["东岭区", "inf"]]  # not a figure: said by indicators
