"""Editing issue.yaml as an editor would (yamledit.patch, issuefile): only the lines of changed values are
rewritten; comments, blank lines, quoting, encoding and line ends of the rest stay byte for byte; what
would not read back or validate is not written; a save over a file changed since is refused."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from zhuanbao import issuefile
from zhuanbao.diagnostics import ContentError, UserError
from zhuanbao.load.content import load_edition, load_series
from zhuanbao.load.text import clean
from zhuanbao.load.yamlfile import parse_yaml
from zhuanbao.yamledit import patch, same

EXAMPLE_ISSUE = (EXAMPLE / "2025-09" / "issue.yaml").read_text("utf-8")
CSV = "区县,目标,完成\n东岭区,10,8\n溪口区,20,19\n"


def data(text: str) -> dict:
    return parse_yaml(clean(text), Path("issue.yaml")).data


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only in ``before`` and the lines only in ``after`` (a line-set difference, order kept)."""
    a, b = before.split("\n"), after.split("\n")
    return [x for x in a if x not in b], [x for x in b if x not in a]


def edited(text: str, change) -> str:
    old = data(text)
    new = change(copy.deepcopy(old))
    result = patch(text, old, new, issuefile.ORDERS)
    assert same(data(result), new)  # reads back as what was asked
    return result


# --- the patcher on the example's issue.yaml ------------------------------------------------------------------


def test_changing_one_value_rewrites_its_line_only_and_keeps_its_comment():
    def change(d):
        d["tables"][0]["file"] = "tables/民生实事目标（9月）.csv"
        d["tables"][1]["as_of"] = dt.date(2025, 9, 15)
        return d

    result = edited(EXAMPLE_ISSUE, change)
    gone, added = changed_lines(EXAMPLE_ISSUE, result)
    assert gone == ["    file: tables/民生实事目标.csv          # GB18030 编码（Excel 另存为 CSV 的默认编码）"]
    assert added[0] == "    file: tables/民生实事目标（9月）.csv          # GB18030 编码（Excel 另存为 CSV 的默认编码）"
    assert added[1:] == ["    as_of: 2025-09-15"]  # the other table's as_of (same text) is untouched
    assert result.count("as_of: 2025-08-31") == 1 and len(result.split("\n")) == len(EXAMPLE_ISSUE.split("\n"))


def test_nothing_changed_is_the_same_text():
    assert edited(EXAMPLE_ISSUE, lambda d: d) == EXAMPLE_ISSUE


def test_a_new_key_goes_where_the_model_has_it_and_a_removed_key_takes_only_its_lines():
    def change(d):
        del d["copies"]
        d["marks"] = ["内部资料"]
        d["extra_distribution"]["送"].append("市审计局")
        return d

    result = edited(EXAMPLE_ISSUE, change)
    lines = result.split("\n")
    assert "copies: 100" not in lines and "# 本期多印20份，并加送市纪委监委" in lines  # the comment stays
    assert lines.index("marks: [内部资料]") == lines.index("  送: [市纪委监委, 市审计局]") + 1  # after extra_distribution
    assert "# 指标表：数据来自各牵头单位报送的表格，完成率、状态、排名由 zhuanbao 计算" in lines


def test_a_table_added_removed_and_its_key_dropped_with_the_last():
    entry = {"id": "x", "file": "tables/a.csv", "title": "新表", "section": "附件"}
    added = edited(EXAMPLE_ISSUE, lambda d: {**d, "tables": [*d["tables"], entry]})
    assert added.endswith("    chart: bar\n  - id: x\n    file: tables/a.csv\n    title: 新表\n    section: 附件\n")
    first_gone = edited(EXAMPLE_ISSUE, lambda d: {**d, "tables": d["tables"][1:]})
    assert "  - id: workshops" in first_gone and "targets" not in first_gone
    assert "# 指标表：数据来自各牵头单位报送的表格" in first_gone
    none = edited(EXAMPLE_ISSUE, lambda d: {k: v for k, v in d.items() if k != "tables"})
    assert "tables:" not in none and "workshops" not in none
    assert none.startswith(EXAMPLE_ISSUE.split("tables:")[0])  # every line above it as it was


def test_words_yaml_would_misread_are_quoted_and_read_back_as_typed():
    odd = ["yes", "1.0", "a: b", "#", "2025-09-22", "034", "10:30", "null", "[x", "- y", "'", '"', "@z"]
    result = edited(EXAMPLE_ISSUE, lambda d: {**d, "marks": odd, "tables": [{**d["tables"][0], "title": "yes",
                                                                            "note": "a: b # c"}, d["tables"][1]]})
    assert data(result)["marks"] == odd and data(result)["tables"][0]["note"] == "a: b # c"


def test_a_file_without_a_final_newline_and_an_empty_file():
    text = "number: 9\ndate: 2025-09-22"
    assert edited(text, lambda d: {**d, "total": 33}) == "number: 9\ndate: 2025-09-22\ntotal: 33\n"
    assert patch("# 只有注释\n", {}, {"number": 1}) == "# 只有注释\nnumber: 1\n"


def test_a_flow_mapping_is_rewritten_whole_but_alone():
    text = "number: 9\ndate: 2025-09-22\nextra_distribution: {送: [甲]}   # 加送\ncopies: 5\n"
    result = edited(text, lambda d: {**d, "extra_distribution": {"送": ["甲", "乙"]}})
    assert result == "number: 9\ndate: 2025-09-22\nextra_distribution:   # 加送\n  送: [甲, 乙]\ncopies: 5\n"


def test_a_first_key_of_a_list_item_removed_rewrites_that_item_only():
    text = "tables:\n  - note: 注\n    id: a  # 甲\n  - id: b   # 乙\n"
    result = edited(text, lambda d: {"tables": [{"id": "a"}, d["tables"][1]]})
    assert result == "tables:\n  - id: a\n  - id: b   # 乙\n"


# --- issuefile: the settings form and the tables, on real folders ----------------------------------------------


@pytest.fixture
def issue(series):
    def make(issue_yaml: str | bytes, files=None) -> Path:
        root = series({"2024-03/issue.yaml": issue_yaml, "2024-03/tables/a.csv": CSV, **(files or {})})
        return root / "2024-03"

    return make


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SETTINGS = {"number": "3", "total": "20", "date": "2024-03-15", "marks": "", "copies": "", "extra_distribution": ""}


def test_settings_keep_crlf_gbk_and_every_untouched_byte(issue):
    text = "# 第3期\r\nnumber: 3\r\ndate: 2024-03-15   # 印发日期\r\ntotal: 020\r\n\r\n# 加送\r\nextra_distribution:\r\n  送: [市纪委]\r\n"
    folder = issue(text.encode("gbk"))
    path = folder / "issue.yaml"
    form = issuefile.settings_form(issuefile.read(folder))
    assert form["total"] == "20" and form["extra_distribution"] == "送：市纪委"
    issuefile.save_settings(folder, sha(path), {**SETTINGS, "date": "2024-03-20", "copies": "70",
                                                "extra_distribution": "送：市纪委\n发：东岭区"})  # fmt: skip
    written = path.read_bytes()
    expected = ("# 第3期\r\nnumber: 3\r\ndate: 2024-03-20   # 印发日期\r\ntotal: 020\r\n\r\n# 加送\r\n"
                "extra_distribution:\r\n  送: [市纪委]\r\n  发: [东岭区]\r\ncopies: 70\r\n")  # fmt: skip
    assert written == expected.encode("gbk")  # total: 020 left as typed: the form showed 20, unchanged


def test_the_first_table_is_added_to_a_file_without_tables_and_the_last_removed(issue):
    folder = issue("number: 3\ndate: 2024-03-15  # 日期\n")
    path = folder / "issue.yaml"
    form = {"id": "progress", "file": "tables/a.csv", "title": "进度", "section": "工作简讯", "target": "目标",
            "actual": "完成", "decimals": "1", "total": "1", "as_of": "2024-03-10"}  # fmt: skip
    assert issuefile.save_table(folder, sha(path), form) == "progress"
    assert path.read_text("utf-8") == (
        "number: 3\ndate: 2024-03-15  # 日期\ntables:\n  - id: progress\n    file: tables/a.csv\n    title: 进度\n"
        "    section: 工作简讯\n    target: 目标\n    actual: 完成\n    as_of: 2024-03-10\n"
    )  # fmt: skip
    series = load_series(folder.parent)
    assert [spec.id for spec, _ in load_edition(folder.parent, folder, series).tables] == ["progress"]
    issuefile.remove_table(folder, sha(path), "progress")
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15  # 日期\n"
    assert (folder / "tables" / "a.csv").is_file()  # the data file stays


def test_an_edited_table_changes_only_the_fields_changed(issue):
    text = ("number: 3\ndate: 2024-03-15\ntables:\n  - id: t\n    file: tables/a.csv  # 住建局报\n    title: 进度\n"
            "    section: 附件\n    target: 目标\n    actual: 完成\n    decimals: 1\n")  # fmt: skip
    folder = issue(text)
    path = folder / "issue.yaml"
    form = issuefile.table_form(issuefile.read(folder).data["tables"][0])
    issuefile.save_table(folder, sha(path), {**form, "rank": "1", "note": "#注"}, "t")
    assert path.read_text("utf-8") == text.replace("    decimals: 1\n", "    rank: true\n    decimals: 1\n    note: '#注'\n")


def test_an_invalid_result_is_not_written_and_says_where(issue):
    folder = issue("number: 3\ndate: 2024-03-15\n")
    path = folder / "issue.yaml"
    before = path.read_bytes()
    form = {"id": "9x", "file": "tables/a.csv", "title": "进度", "section": "不存在", "decimals": "9"}
    with pytest.raises(UserError) as caught:
        issuefile.save_table(folder, sha(path), form)
    keys = {d.location.key: d.message for d in caught.value.diagnostics}
    assert "栏目" in keys[("tables", 0, "section")] or "不是本刊的栏目" in keys[("tables", 0, "section")]
    with pytest.raises(UserError) as caught:
        issuefile.save_table(folder, sha(path), {**form, "section": "附件"})
    keys = {d.location.key: d.message for d in caught.value.diagnostics}
    assert "英文字母" in keys[("tables", 0, "id")] and "不大于 4" in keys[("tables", 0, "decimals")]
    with pytest.raises(UserError) as caught:
        issuefile.save_settings(folder, sha(path), {**SETTINGS, "number": "九", "date": "2024-02-30"})
    keys = {d.location.key: d.message for d in caught.value.diagnostics}
    assert "整数" in keys[("number",)] and "不存在" in keys[("date",)]
    assert path.read_bytes() == before


def test_a_number_or_year_the_folder_contradicts_is_refused_but_an_old_mismatch_does_not_block(issue):
    folder = issue("number: 3\ndate: 2024-03-15\n")
    path = folder / "issue.yaml"
    for change, key in (({"number": "4"}, ("number",)), ({"date": "2025-01-03"}, ("date",))):
        with pytest.raises(ContentError) as caught:
            issuefile.save_settings(folder, sha(path), {**SETTINGS, **change})
        assert caught.value.first.location.key == key and "文件夹名" in caught.value.first.message
        assert "不会给文件夹改名" in caught.value.first.hint
    path.write_text("number: 4\ndate: 2024-03-15\n", "utf-8")  # already wrong (typed in a text editor)
    issuefile.save_settings(folder, sha(path), {**SETTINGS, "number": "4", "total": "", "copies": "5"})
    assert path.read_text("utf-8") == "number: 4\ndate: 2024-03-15\ncopies: 5\n"


def test_a_stale_save_is_refused_and_changes_nothing(issue, monkeypatch):
    folder = issue("number: 3\ndate: 2024-03-15\n")
    path = folder / "issue.yaml"
    loaded = sha(path)
    path.write_text("number: 3\ndate: 2024-03-15\ncopies: 9  # 同事改的\n", "utf-8")
    with pytest.raises(issuefile.Stale) as caught:
        issuefile.save_settings(folder, loaded, {**SETTINGS, "copies": "70"})
    assert "同事改的" in caught.value.disk_text and caught.value.disk_sha == sha(path)
    assert "copies: 9" in path.read_text("utf-8")
    # saved by someone between the check and the rename: still refused
    from zhuanbao import fsio

    real = fsio.replace_if_unchanged

    def racing(target, data, expected):
        target.write_text("number: 3\ndate: 2024-03-15\n# 又改了\n", "utf-8")
        return real(target, data, expected)

    monkeypatch.setattr(issuefile, "replace_if_unchanged", racing)
    with pytest.raises(issuefile.Stale):
        issuefile.save_settings(folder, sha(path), {**SETTINGS, "copies": "70"})
    assert path.read_text("utf-8").endswith("# 又改了\n")


def test_a_save_writes_only_the_fields_changed_from_the_base_over_a_colleagues_changes(issue):
    folder = issue("number: 3\ndate: 2024-03-15\ntotal: 20\n")
    path = folder / "issue.yaml"
    base, loaded = issuefile.settings_form(issuefile.read(folder)), sha(path)
    path.write_text("number: 3\ndate: 2024-03-15\ntotal: 20\ncopies: 150  # 加印\nmarks: [秘密]\n", "utf-8")
    with pytest.raises(issuefile.Stale):  # refused first: the page shows the conflict, then "keep mine" …
        issuefile.save_settings(folder, loaded, {**base, "total": "21"}, base)
    mine = {**base, "total": "２１", "marks": base["marks"].replace("\n", "\r\n")}  # an IME's digits; CRLF
    assert issuefile.edited(mine, base, issuefile.SETTINGS_BOXES) == {"total"}
    issuefile.save_settings(folder, sha(path), mine, base)
    assert path.read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 21\ncopies: 150  # 加印\nmarks: [秘密]\n"
    issuefile.save_settings(folder, sha(path), {**base, "number": "九"}, {**base, "number": "九"})  # not changed
    with pytest.raises(ContentError, match="期号应为整数"):
        issuefile.save_settings(folder, sha(path), {**base, "number": "九"}, base)


def test_a_table_save_keeps_a_colleagues_change_to_another_field_and_refuses_one_column_twice(issue):
    text = "number: 3\ndate: 2024-03-15\ntables:\n  - id: t\n    file: tables/a.csv\n    title: 进度\n    section: 附件\n"
    folder = issue(text)
    path = folder / "issue.yaml"
    base = issuefile.table_form(issuefile.read(folder).data["tables"][0])
    path.write_text(text + "    target: 目标\n    actual: 完成\n", "utf-8")
    issuefile.save_table(folder, sha(path), {**base, "title": "改造进度", "decimals": "２"}, "t", base)
    assert path.read_text("utf-8") == text.replace("进度", "改造进度") + "    target: 目标\n    actual: 完成\n    decimals: 2\n"
    now = issuefile.table_form(issuefile.read(folder).data["tables"][0])
    with pytest.raises(ContentError) as caught:
        issuefile.save_table(folder, sha(path), {**now, "actual": "目标"}, "t", now)
    assert caught.value.first.location.key == ("tables", 0, "actual") and "同一列" in caught.value.first.message


def test_an_issue_yaml_that_cannot_be_read_is_read_as_text_and_saved_whole_in_its_encoding(issue):
    folder = issue("number: 3\r\ndate: 2024-03-15\r\ntotal: [37\r\n# 总期号\r\n".encode("gbk"))
    path = folder / "issue.yaml"
    file = issuefile.read(folder)
    assert not file.readable and file.text == "number: 3\ndate: 2024-03-15\ntotal: [37\n# 总期号\n"
    assert file.problems[0].line == 3 and "方括号" in file.problems[0].message
    with pytest.raises(issuefile.Stale):
        issuefile.save_text(folder, "0" * 64, "number: 3\n")
    issuefile.save_text(folder, file.sha256, file.text.replace("[37", "37"))
    assert path.read_bytes() == "number: 3\r\ndate: 2024-03-15\r\ntotal: 37\r\n# 总期号\r\n".encode("gbk")
    assert issuefile.read(folder).readable
    path.write_text("- number: 3\n", "utf-8")  # a list: nothing a field could show either
    assert not issuefile.read(folder).readable
    path.write_bytes(b"\xff\xfe\x00\xd8")  # no text at all: nothing to show in a box
    assert issuefile.read(folder).text is None


def test_a_save_over_an_unreadable_issue_yaml_says_the_line_in_the_file(issue):
    folder = issue("number: 3\ndate: [2024-03-15\n\n# 注释\n")
    path = folder / "issue.yaml"
    with pytest.raises(ContentError) as caught:
        issuefile.save_settings(folder, sha(path), {**SETTINGS, "copies": "5"})
    assert caught.value.first.line == 2 and caught.value.first.path == path  # where the [ is
