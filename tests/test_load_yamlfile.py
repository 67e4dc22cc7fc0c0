"""zhuanbao.load.yamlfile: YAML that remembers lines, and errors an editor can act on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError
from zhuanbao.load.yamlfile import YamlDoc, load_yaml, parse_yaml

PATH = Path("2023-08/issue.yaml")

NESTED = """\
number: 8
date: 2023-05-24
distribution:
  报: [市委书记, 市长]
  送:
    - 市委办
    - 市政府办
tables:
  - id: jiuye
    title: 就业
"""


def test_values_are_plain_python():
    doc = parse_yaml(NESTED, PATH)
    assert doc.data == {
        "number": 8,
        "date": dt.date(2023, 5, 24),
        "distribution": {"报": ["市委书记", "市长"], "送": ["市委办", "市政府办"]},
        "tables": [{"id": "jiuye", "title": "就业"}],
    }


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ((), (1, 1)),
        (("number",), (1, 1)),
        (("date",), (2, 1)),
        (("distribution",), (3, 1)),
        (("distribution", "报"), (4, 3)),
        (("distribution", "报", 0), (4, 7)),
        (("distribution", "报", 1), (4, 13)),
        (("distribution", "送"), (5, 3)),
        (("distribution", "送", 0), (6, 7)),
        (("distribution", "送", 1), (7, 7)),
        (("tables", 0), (9, 5)),
        (("tables", 0, "id"), (9, 5)),
        (("tables", 0, "title"), (10, 5)),
    ],
)
def test_positions_of_keys_and_list_items(key, where):
    assert parse_yaml(NESTED, PATH).where(key) == where


@pytest.mark.parametrize(
    ("key", "where"),
    [
        (("tables", 0, "section"), (9, 5)),  # missing key: its mapping
        (("distribution", "送", 5), (5, 3)),  # missing index: its list's key
        (("copies",), (1, 1)),  # missing top-level key: the document
        (("tables", 3, "file"), (8, 1)),
    ],
)
def test_where_falls_back_to_the_nearest_parent(key, where):
    assert parse_yaml(NESTED, PATH).where(key) == where


@pytest.mark.parametrize("offset", [0, 1, 7])
def test_line_offset_shifts_every_line_but_not_columns(offset):
    doc = parse_yaml("section: 工作简讯\ntitle: 标题\nsource:\n  - 甲\n", Path("a.md"), line_offset=offset)
    assert doc.where(("section",)) == (1 + offset, 1)
    assert doc.where(("title",)) == (2 + offset, 1)
    assert doc.where(("source", 0)) == (4 + offset, 5)
    assert doc.where(("order",)) == (1 + offset, 1)


def test_where_without_any_position():
    assert YamlDoc(PATH, {}).where(("number",)) == (None, None)


def test_error_points_at_the_key():
    error = parse_yaml(NESTED, PATH).error("期号不对", ("number",), hint="改为 8")
    assert (error.path, error.line, error.column, error.message, error.hint) == (PATH, 1, 1, "期号不对", "改为 8")
    assert str(error) == "2023-08/issue.yaml:1:1: 错误: 期号不对\n  提示：改为 8"


@pytest.mark.parametrize(
    ("source", "fragment", "line"),
    [
        ("number: 8\n\tdate: 2023-05-24\n", "Tab", 2),
        ("distribution:\n\t报: [甲]\n", "Tab", 2),  # libyaml: "found character that cannot start any token"
        ("\tnumber: 8\n", "Tab", 1),
        ("sections: [重要新闻, 工作简讯\nissuer: 专班\n", "方括号", 2),
        ("contact: {电话: 123\n", "花括号", 1),  # where the { was opened, not the end
        ("number: 8\ndate: 2023-05-24\nnumber: 9\n", "重复", 3),
        ("date: 2023-02-30\n", "不存在", 1),
        ("number: 8\ndate: 2023-13-01\n", "不存在", 2),
        ("title: 说明: 见附件\n", "冒号", 1),
        ("title: 标题\nissuer\nsections: [甲]\n", "冒号", 3),
        ('title: "未闭合\n', "引号", 1),
        ("marks: *neibu\n", "锚点", 1),
        ("number: 8\ndate：2023-05-24\n", "键“date”后面是全角冒号", 2),
        ("section：重要新闻\ntitle: 标题\n", "全角冒号“：”，应为英文冒号加空格", 1),
        ("tables:\n  - id：a\n", "键“id”后面是全角冒号", 2),
        ("section: 工作简讯\ntitle:东岭区新建车间5个\nsource: 东岭区人社局\n", "键“title”的冒号后面要有一个空格", 2),
        ("number: 8\ndate: 2023-05-24\ntotal:33\n# 注释\n", "键“total”的冒号后面要有一个空格（写成 total: 33）", 3),
        ("sections: [甲,\n", "方括号", 2),
        ("number: 8\ntotal: [37\n# 总期号\n\n", "方括号", 2),  # not the end of the file, 5 lines down
        ("title: @专报\n", "用引号括起来", 1),
        ("marks:\n  - , 甲\n", "缺少值", 2),
    ],
)
def test_errors_are_chinese_and_on_the_exact_line(source, fragment, line):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, PATH)
    error = caught.value
    assert fragment in error.message and error.line == line and error.path == PATH
    assert not any(word in error.message for word in ("found", "expected", "day is", "out of range"))


def test_a_full_width_colon_inside_a_value_is_text():
    assert parse_yaml("title: 东岭区：完成改造\nmarks: [内部资料：注意保存]\n", PATH).data["title"] == "东岭区：完成改造"


def test_duplicate_key_names_the_key_and_its_column():
    with pytest.raises(ContentError) as caught:
        parse_yaml("distribution:\n  报: [甲]\n  报: [乙]\n", PATH)
    assert (caught.value.message, caught.value.line, caught.value.column) == ("键“报”重复出现", 3, 3)


def test_invalid_date_names_the_value():
    with pytest.raises(ContentError) as caught:
        parse_yaml("number: 8\ndate: 2023-02-30\n", PATH)
    assert "日期“2023-02-30”不存在" in caught.value.message and caught.value.column == 7


@pytest.mark.parametrize(
    ("source", "line"),
    [("date: 2023-02-30\n", 4), ("a: 1\na: 2\n", 5), ("a:\n\tb: 1\n", 5), ("a: [1\n", 4)],
)
def test_errors_are_shifted_by_line_offset(source, line):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, Path("a.md"), line_offset=3)
    assert caught.value.line == line


@pytest.mark.parametrize("source", ["", "\n\n", "# 只有注释\n"])
def test_empty_document_is_none(source):
    doc = parse_yaml(source, PATH)
    assert doc.data is None and doc.where(("number",)) == (1, 1)


def test_load_yaml_reads_gbk_files(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_bytes("number: 8\r\nissuer: 青石市工作专班\r\n".encode("gbk"))
    doc = load_yaml(path)
    assert doc.data == {"number": 8, "issuer": "青石市工作专班"} and doc.path == path
    assert doc.where(("issuer",)) == (2, 1)


def test_control_characters_written_as_yaml_escapes_are_removed():
    doc = parse_yaml('title: "我市启动\\x01改造"\nmarks: ["内部\\x00资料"]\n', PATH)
    assert doc.data == {"title": "我市启动改造", "marks": ["内部资料"]}


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("total: 034\n", "034"),  # not octal 28: as typed (the model reads a count as 34)
        ("传真: 0731\n", "0731"),  # a phone number keeps its 0
        ("number: 08\n", "08"),
        ("time: 10:30\n", "10:30"),  # not the base-60 number 630
        ("total: 0\n", 0),
        ("total: '034'\n", "034"),
    ],
)
def test_numbers_read_as_an_office_means_them(source, value):
    assert list(parse_yaml(source, PATH).data.values()) == [value]


def test_urls_and_times_in_values_are_not_colon_slips():
    doc = parse_yaml("contact: {网址: http://a.cn}\ntime: '10:30'\nlink: https://b.cn/x\n", PATH)
    assert doc.data["link"] == "https://b.cn/x"


# --- hostile YAML: aliases that expand without end, nesting without end (issue 13) ----------------------------

#: "billion laughs": nine aliases of nine aliases of … — 400 bytes standing for 9⁹ values
LAUGHS = 'x0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]\n' + "".join(
    f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)
)
#: merge keys doubling at every step: each mapping merges the one before twice
MERGES = "m0: &m0 {k: 1}\n" + "".join(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}\n" for i in range(1, 40))
NESTED_MERGES = "top: {k: 1}\n"
for _i in range(30):  # the same, written inside one another: {<<: [&n1 {<<: [&n0 {k: 1}, *n0]}, *n1]}
    NESTED_MERGES = NESTED_MERGES.replace("{k: 1}", f"{{<<: [&n{_i} {{k: 1}}, *n{_i}]}}")


@pytest.mark.parametrize(
    ("source", "fragment", "line", "column"),
    [
        (LAUGHS, "别名 *a3 展开后的内容太多（各处别名共展开超过 10,000 个值）", 5, 10),
        ("a: 1\nb: &b [1, *b]\n", "锚点“&b”的内容里又引用了它自己（*b），无法展开", 2, 11),
        ("a: &a\n  name: 甲\n  self: *a\n", "锚点“&a”的内容里又引用了它自己（*a）", 3, 9),
        ("a: &a {b: [{c: *a}]}\n", "锚点“&a”的内容里又引用了它自己（*a）", 1, 16),
        ("a: &a {x: 1, <<: *a}\n", "锚点“&a”的内容里又引用了它自己（*a）", 1, 18),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "列表或映射嵌套太深（超过 50 层）", 1, 53),
        ("a: " + "[" * 900 + "]" * 900 + "\n", "列表或映射嵌套太深（超过 50 层）", 1, 53),  # was a RecursionError
        ("a: " + "[" * 10000 + "]" * 10000 + "\n", "列表或映射嵌套太深", 1, 1003),  # libyaml's own limit
        ("".join("  " * i + "k:\n" for i in range(60)) + "  " * 60 + "v\n", "嵌套太深（超过 50 层）", 51, 101),
        # nesting reached through aliases: each list holds the one before
        ("l0: &l0 [1]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 60)), "嵌套太深（超过 50 层）", 50, 12),
        ("a: {<<: 1}\n", "合并键“<<”后面应是一个映射的别名", 1, 9),
    ],
)
def test_aliases_and_nesting_that_would_exhaust_memory_or_the_stack_are_refused_at_their_line(
    source, fragment, line, column
):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, PATH)
    error = caught.value
    assert fragment in error.message and (error.path, error.line, error.column) == (PATH, line, column)


@pytest.mark.parametrize("source", [MERGES, NESTED_MERGES])
def test_merge_keys_that_double_at_every_step_are_refused(source):
    with pytest.raises(ContentError, match="展开后的内容太多|重复出现"):
        parse_yaml(source, PATH)


def test_ordinary_anchors_aliases_and_merge_keys_still_work():
    source = (
        "defaults: &defaults {unit: 人, as_of: 2024-03-10}\n"
        "units: &units [东岭区, 溪口区]\n"
        "tables:\n"
        "  - {<<: *defaults, id: jiuye, areas: *units}\n"
        "  - <<: *defaults\n"
        "    id: shebao\n"
        "    areas: *units\n"
        "marks: &mark 内部资料\n"
        "copy: *mark\n"
    )
    doc = parse_yaml(source, PATH)
    table = {"unit": "人", "as_of": dt.date(2024, 3, 10), "areas": ["东岭区", "溪口区"]}
    assert doc.data["tables"] == [{**table, "id": "jiuye"}, {**table, "id": "shebao"}]
    assert doc.data["copy"] == "内部资料"
    assert doc.where(("tables", 1, "id")) == (6, 5)
    # a list aliased a hundred times is within bounds
    many = "u: &u [甲, 乙, 丙]\nall: [" + ", ".join(["*u"] * 100) + "]\n"
    assert parse_yaml(many, PATH).data["all"][99] == ["甲", "乙", "丙"]


@pytest.mark.parametrize(
    ("name", "extra", "line"),
    [
        ("series.yaml", LAUGHS, 17),
        ("2024-03/issue.yaml", LAUGHS, 8),
        ("series.yaml", "self: &self\n  - *self\n", 14),
    ],
)
def test_build_refuses_an_alias_bomb_in_series_or_issue_yaml_within_bounds(series, tmp_path, name, extra, line):
    from .conftest import ISSUE_YAML, SERIES_YAML, bounded, refused

    root = series({name: (SERIES_YAML if name == "series.yaml" else ISSUE_YAML) + extra})
    result = bounded("build", str(root / "2024-03"), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    refused(result, f"{root / name}:{line}:", "错误: ", "锚点" if "self" in extra else "展开后的内容太多")
    assert result.seconds < 20 and not (tmp_path / "out").exists()


LONG = "长" * 40_000


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        # a 140 KB series.yaml standing for 200 million characters: was a MemoryError in the build
        (f'报: [&s "{LONG}", ' + ", ".join(["*s"] * 5000) + "]\n", 1, 40_012),
        # the characters of an aliased list and mapping, counted through what they hold
        (f'a: &l ["{LONG}", {{k: ["{LONG}"]}}]\nb: 1\nall: [' + ", ".join(["*l"] * 20) + "]\n", 3, 7),
        # and of a mapping merged again and again
        (f'd: &d {{a: "{LONG * 10}"}}\n' + "".join(f"x{i}: {{<<: *d, i: {i}}}\n" for i in range(5)), 2, 10),
    ],
)
def test_aliases_of_long_texts_are_refused_by_the_characters_they_stand_for(source, line, column):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, PATH)
    error = caught.value
    assert "展开后的文字太长（各处别名共展开超过 1,000,000 个字符）" in error.message, error.message
    assert (error.path, error.line, error.column) == (PATH, line, column)


def test_long_texts_aliased_a_few_times_still_work():
    doc = parse_yaml(f'a: &s "{LONG}"\nb: [*s, *s]\nd: &d {{k: *s}}\ne: {{<<: *d}}\n', PATH)
    assert doc.data["b"] == [LONG, LONG] and doc.data["e"] == {"k": LONG}


def test_build_refuses_aliases_of_a_long_text_in_series_yaml_within_bounds(series, tmp_path):
    from .conftest import SERIES_YAML, bounded, refused

    aliased = "报: [&s " + '"' + LONG + '", ' + ", ".join(["*s"] * 5000) + "]"
    root = series({"series.yaml": SERIES_YAML.replace("报: [市委书记、市长, 市委副书记]", aliased)})
    assert (root / "series.yaml").stat().st_size < 150_000
    result = bounded("build", str(root / "2024-03"), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    refused(result, f"{root / 'series.yaml'}:6:40014:", "别名 *s 展开后的文字太长")
    assert result.seconds < 20 and not (tmp_path / "out").exists()
    result = bounded("check", str(root / "2024-03"), memory_mb=512, seconds=30)  # said all was well
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"{root / 'series.yaml'}:6:40014: 错误: 别名 *s 展开后的文字太长" in result.stdout + result.stderr
