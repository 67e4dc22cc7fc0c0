"""An issue's table files: upload names and content checks, id suggestions, and a table computed or refused."""

from __future__ import annotations

import pytest

from zhuanbao.diagnostics import DataError
from zhuanbao.tablefile import check_content, suggest_id, table_view, upload, upload_name

CSV = "区县,目标,完成\n东岭区,10,8\n溪口区,20,19\n"


@pytest.mark.parametrize("sent, saved", [
    ("进度.csv", "进度.csv"), ("C:\\fakepath\\进度.XLSX", "进度.XLSX"), ("../../进度.csv", "进度.csv"),
    ("C:进度.csv", "进度.csv"), ("a*b?.csv", "a＊b？.csv"), (".hidden.csv", "hidden.csv"),
])  # fmt: skip
def test_an_upload_keeps_only_its_own_name(sent, saved):
    assert upload_name(sent) == saved


@pytest.mark.parametrize("sent", ["", "..", "进度", "进度.txt", ".csv", "C:\\"])
def test_a_name_that_is_no_table_file_is_refused(sent):
    with pytest.raises(DataError):
        upload_name(sent)


def test_gbk_and_utf8_bom_csv_are_text_tables():
    check_content(CSV.encode("gbk"), "进度.csv")
    check_content(CSV.encode("utf-8-sig"), "进度.csv")
    with pytest.raises(DataError, match="空字符"):
        check_content(b"a,b\n\x00\x00\n", "进度.csv")


def test_ids_are_suggested_in_ascii_and_never_taken():
    assert suggest_id("tables/区县进度.xlsx", []) == "table"
    assert suggest_id("区县进度.xlsx", ["table", "table2"]) == "table3"
    assert suggest_id("2025年9月.csv", []) == "t2025_9"
    assert suggest_id("Jiuye-Progress.xlsx", ["jiuye_progress"]) == "jiuye_progress2"


def test_a_second_upload_of_other_bytes_is_kept_beside_the_first(series):
    folder = series() / "2024-03"
    assert upload(folder, "进度.csv", CSV.encode()).name == "tables/进度.csv"
    second = upload(folder, "进度.csv", CSV.replace("8", "9").encode())
    assert second == ("tables/进度 (2).csv", "tables/进度.csv", False)
    assert upload(folder, "进度.csv", CSV.replace("8", "9").encode()).same


def test_a_table_whose_section_the_series_lacks_is_not_computed(series):
    root = series({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntables:\n  - id: a\n    file: tables/a.csv\n"
                   "    title: 表\n    section: 不存在\n", "2024-03/tables/a.csv": CSV})  # fmt: skip
    view = table_view(root / "2024-03", "a")
    assert view.indicator is None and "既不是栏目" in view.problems[0].message
    assert view.problems[0].location.key == ("tables", 0, "section")
