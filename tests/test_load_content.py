"""zhuanbao.load.content: series folders into editions, with every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanbao.diagnostics import ContentError, UserError
from zhuanbao.load.content import item_files, load_edition, load_item, load_series, locate

from .conftest import write_tree

SERIES = "title: 工作专报\nissuer: 青石市工作专班\nsections: [重要新闻, 部门动态, 工作简讯]\ndistribution: {报: [市委]}\n"
ISSUE = "number: 8\ndate: 2023-05-24\n"


def item(section: str = "工作简讯", body: str = "5月16日，青石市召开推进会。\n", **meta) -> str:
    lines = [f"section: {section}"] + [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    """A series folder under ``root`` from {relative path: text}; returns the series folder."""
    (root / "series").mkdir(parents=True, exist_ok=True)
    return write_tree(root / "series", files)


def standard(extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """series.yaml, issue 2023-08 and one item, with ``extra`` files added or replaced."""
    return {
        "series.yaml": SERIES,
        "2023-08/issue.yaml": ISSUE,
        "2023-08/items/01-tuijinhui.md": item(),
        **(extra or {}),
    }


def edition(root: Path, files: dict[str, str | bytes], issue: str = "2023-08"):
    folder = make(root, files)
    return load_edition(folder, folder / issue, load_series(folder))


def raised(root: Path, files: dict[str, str | bytes], issue: str = "2023-08") -> list[UserError]:
    with pytest.raises(UserError) as caught:
        edition(root, files, issue)
    return list(caught.value.diagnostics)


# --- locate ------------------------------------------------------------------------


def test_locate_issue_folder(tmp_path):
    folder = make(tmp_path, standard())
    assert locate(folder / "2023-08") == (folder.resolve(), [(folder / "2023-08").resolve()])


def test_locate_series_folder_lists_issues_in_order(tmp_path):
    folder = make(
        tmp_path,
        {
            **standard(),
            "2023-10/issue.yaml": "number: 10\ndate: 2023-07-01\n",
            "2023-09/issue.yaml": "number: 9\ndate: 2023-06-01\n",
            "archive/readme.txt": "不是一期",
            "notes/a.md": "无 issue.yaml 的文件夹不算一期",
        },
    )
    series_dir, issues = locate(folder)
    assert series_dir == folder.resolve()
    assert [p.name for p in issues] == ["2023-08", "2023-09", "2023-10"]


@pytest.mark.parametrize(
    ("files", "target", "fragment"),
    [
        ({"notes.txt": "x"}, "", "既没有 series.yaml，也没有 issue.yaml"),
        ({"series.yaml": SERIES}, "", "没有任何一期"),
        ({"series.yaml": SERIES, "2023-08/issue.yaml": ISSUE}, "missing", "路径不存在"),
        ({"series.yaml": SERIES}, "series.yaml", "应为期刊文件夹"),
        ({"2023-08/issue.yaml": ISSUE}, "2023-08", "上一级文件夹中找不到 series.yaml"),
    ],
)
def test_locate_errors(tmp_path, files, target, fragment):
    folder = make(tmp_path, files)
    with pytest.raises(ContentError) as caught:
        locate(folder / target if target else folder)
    assert fragment in caught.value.message and caught.value.path is not None


def test_item_files_skip_drafts_and_other_files(tmp_path):
    folder = make(
        tmp_path,
        {"items/02-b.md": "", "items/01-a.md": "", "items/_draft.md": "", "items/.tmp.md": "", "items/x.txt": ""},
    )
    assert [p.name for p in item_files(folder / "items")] == ["01-a.md", "02-b.md"]


# --- load_edition: the happy path ----------------------------------------------------


def test_load_edition(tmp_path):
    loaded = edition(tmp_path, standard())
    assert loaded.name == "工作专报2023年第8期"
    assert [i.path.name for i in loaded.items] == ["01-tuijinhui.md"]
    only = loaded.items[0]
    assert only.meta.section == "工作简讯" and only.body == "5月16日，青石市召开推进会。\n" and only.body_line == 4
    assert loaded.distribution == [("报", ["市委"])]


def test_items_sorted_by_order_then_file_name(tmp_path):
    files = standard(
        {
            "2023-08/items/01-tuijinhui.md": item(order=3),
            "2023-08/items/02-dibao.md": item(),
            "2023-08/items/03-jiuye.md": item(order=1),
            "2023-08/items/04-yibao.md": item(order=1),
            "2023-08/items/00-qinghe.md": item(),
        }
    )
    names = [i.path.name for i in edition(tmp_path, files).items]
    assert names == ["03-jiuye.md", "04-yibao.md", "01-tuijinhui.md", "00-qinghe.md", "02-dibao.md"]


def test_gbk_crlf_item_loads(tmp_path):
    text = item(title="低保提标", body="东岭区低保标准提高到每月680元。\n").replace("\n", "\r\n")
    loaded = edition(tmp_path, standard({"2023-08/items/01-tuijinhui.md": text.encode("gbk")}))
    assert loaded.items[0].meta.title == "低保提标" and loaded.items[0].body == "东岭区低保标准提高到每月680元。\n"


# --- load_edition: problems ------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "issue", "fragment", "line"),
    [
        ("2023-09", "number: 8\ndate: 2023-05-24\n", "期号 8 与文件夹名“2023-09”（第9期）不一致", 1),
        ("2023-09", "date: 2023-05-24\ntotal: 56\nnumber: 8\n", "期号 8 与文件夹名“2023-09”（第9期）不一致", 3),
        ("2022-08", "number: 8\ndate: 2023-05-24\n", "日期 2023-05-24 与文件夹名“2022-08”（2022年）不一致", 2),
        ("2023-008", "number: 9\ndate: 2023-05-24\n", "期号 9 与文件夹名“2023-008”（第8期）不一致", 1),
    ],
)
def test_folder_name_must_match_issue_yaml(tmp_path, folder, issue, fragment, line):
    files = {"series.yaml": SERIES, f"{folder}/issue.yaml": issue, f"{folder}/items/a.md": item()}
    [error] = raised(tmp_path, files, folder)
    assert error.message == fragment and error.line == line
    assert error.path.name == "issue.yaml" and error.path.parent.name == folder


def test_number_and_year_mismatch_are_both_reported(tmp_path):
    files = {"series.yaml": SERIES, "2022-09/issue.yaml": ISSUE, "2022-09/items/a.md": item()}
    assert [e.line for e in raised(tmp_path, files, "2022-09")] == [1, 2]


def test_badly_named_issue_folder(tmp_path):
    files = {"series.yaml": SERIES, "八月/issue.yaml": ISSUE, "八月/items/a.md": item()}
    [error] = raised(tmp_path, files, "八月")
    assert "年-期号" in error.message and "2023-08" in error.message and error.path.name == "八月"


def test_missing_items_folder(tmp_path):
    files = {"series.yaml": SERIES, "2023-08/issue.yaml": ISSUE}
    [error] = raised(tmp_path, files)
    assert error.message == "缺少稿件文件夹 items/" and error.path.name == "items"


def test_missing_items_folder_reported_with_folder_name_mismatch(tmp_path):
    files = {"series.yaml": SERIES, "2023-09/issue.yaml": ISSUE}
    found = raised(tmp_path, files, "2023-09")
    assert sorted(e.message[:2] for e in found) == ["期号", "缺少"]


@pytest.mark.parametrize(
    "items",
    [{"2023-08/items/_draft.md": item()}, {"2023-08/items/readme.txt": "说明"}, {}],
)
def test_issue_without_items(tmp_path, items):
    files = {"series.yaml": SERIES, "2023-08/issue.yaml": ISSUE, **items}
    (tmp_path / "series" / "2023-08" / "items").mkdir(parents=True)
    [error] = raised(tmp_path, files)
    assert "还没有任何稿件" in error.message and error.path.name == "items"


@pytest.mark.parametrize(
    ("section", "hint"),
    [("工作简迅", "是否想写“工作简讯”？"), ("部门動态", "是否想写“部门动态”？"), ("天气", None)],
)
def test_item_in_unknown_section(tmp_path, section, hint):
    text = f"---\ntitle: 标题\nsource: 市民政局\nsection: {section}\n---\n正文。\n"
    [error] = raised(tmp_path, standard({"2023-08/items/01-tuijinhui.md": text}))
    assert error.message == f"栏目“{section}”不在 series.yaml 的 sections 中（重要新闻、部门动态、工作简讯）"
    assert (error.path.name, error.line, error.hint) == ("01-tuijinhui.md", 4, hint)


@pytest.mark.parametrize("body", ["", "\n", "\n\n   \n", "　\n"])
def test_empty_body(tmp_path, body):
    [error] = raised(tmp_path, standard({"2023-08/items/01-tuijinhui.md": "---\nsection: 工作简讯\n---\n" + body}))
    assert error.message == "稿件正文是空的" and error.line == 4 and error.path.name == "01-tuijinhui.md"


def test_several_bad_items_are_all_reported(tmp_path):
    files = standard(
        {
            "2023-08/items/01-tuijinhui.md": item(),
            "2023-08/items/02-a.md": "section: 工作简讯\n正文\n",
            "2023-08/items/03-b.md": item(section="简讯"),
            "2023-08/items/04-c.md": "---\nsection: 工作简讯\ntittle: 标题\norder: 一\n---\n正文\n",
            "2023-08/items/05-d.md": item(body=""),
            "2023-08/items/06-e.md": b"---\nsection: \xff\xfe\xfd\n---\n",
        }
    )
    found = raised(tmp_path, files)
    assert [(e.path.name, e.line) for e in found] == [
        ("02-a.md", 1),
        ("03-b.md", 2),
        ("04-c.md", 3),
        ("04-c.md", 4),
        ("05-d.md", 4),
        ("06-e.md", 2),
    ]


def test_item_and_issue_errors_are_reported_together(tmp_path):
    files = {"series.yaml": SERIES, "2023-09/issue.yaml": ISSUE, "2023-09/items/a.md": item(section="简讯")}
    with pytest.raises(UserError) as caught:
        edition(tmp_path, files, "2023-09")
    assert [e.path.name for e in caught.value.diagnostics] == ["issue.yaml", "a.md"]
    assert str(caught.value).endswith("共 2 处错误，未生成任何文件。")


def test_invalid_issue_yaml_stops_before_the_items(tmp_path):
    files = standard({"2023-08/issue.yaml": "number: 八\ndate: 2023-05-24\n"})
    [error] = raised(tmp_path, files)
    assert "应为整数" in error.message and error.path.name == "issue.yaml" and error.line == 1


def test_load_item_directly(tmp_path):
    folder = make(tmp_path, standard())
    loaded = load_item(folder / "2023-08/items/01-tuijinhui.md", load_series(folder))
    assert loaded.meta.section == "工作简讯" and loaded.meta_doc.where(("section",)) == (2, 1)


def test_invalid_series_yaml(tmp_path):
    folder = make(tmp_path, standard({"series.yaml": "title: 工作专报\nissuer: 专班\nsectoins: [甲]\n"}))
    with pytest.raises(UserError) as caught:
        load_series(folder)
    assert [(e.message, e.line) for e in caught.value.diagnostics] == [
        ("缺少必填项 “sections”（栏目）", 1),
        ("未知的键“sectoins”", 3),
    ]
    assert caught.value.diagnostics[1].hint == "是否想写“sections”？"


# --- links out of the series -------------------------------------------------------------


def test_an_item_that_links_out_of_the_series_is_not_read(series, tmp_path):
    secret = tmp_path / "机密" / "名单.md"
    secret.parent.mkdir()
    secret.write_text("---\nsection: 工作简讯\n---\n不该印出的内容。\n", "utf-8")
    root = series()
    (root / "2024-03" / "items" / "02-link.md").symlink_to(secret)
    with pytest.raises(ContentError) as caught:
        load_edition(root, root / "2024-03", load_series(root))
    assert caught.value.path == root / "2024-03" / "items" / "02-link.md"
    assert caught.value.message == "稿件是一个链接，指向series文件夹之外，不会读取"


def test_a_link_inside_the_series_is_read(series):
    root = series({"shared/通用.md": "---\nsection: 工作简讯\ntitle: 共用稿件\n---\n正文。\n"})
    (root / "2024-03" / "items" / "02-link.md").symlink_to(root / "shared" / "通用.md")
    edition = load_edition(root, root / "2024-03", load_series(root))
    assert [i.meta.title for i in edition.items] == ["测试区完成老旧小区改造", "共用稿件"]


def test_an_issue_yaml_that_links_out_of_the_series_is_not_read(series, tmp_path):
    (tmp_path / "elsewhere.yaml").write_text("number: 3\ndate: 2024-03-15\n", "utf-8")
    root = series(drop=("2024-03/issue.yaml",))
    (root / "2024-03" / "issue.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(ContentError, match="issue.yaml是一个链接，指向series文件夹之外"):
        load_edition(root, root / "2024-03", load_series(root))


def test_check_does_not_read_an_item_that_links_out(series, tmp_path):
    from zhuanbao.lint import check

    (tmp_path / "out.md").write_text("---\nsection: 工作简讯\n---\n半角,标点。\n", "utf-8")
    root = series()
    (root / "2024-03" / "items" / "02-link.md").symlink_to(tmp_path / "out.md")
    found = [(f.path.name, f.rule) for f in check(root).findings]
    assert found == [("02-link.md", "build")]  # refused, not linted


def test_items_in_an_items_folder_that_links_out_of_the_series_are_not_read(series, tmp_path):
    root = series()
    elsewhere = tmp_path / "别人的稿件"
    (root / "2024-03" / "items").rename(elsewhere)
    (root / "2024-03" / "items").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ContentError) as caught:
        load_edition(root, root / "2024-03", load_series(root))
    assert caught.value.path == root / "2024-03" / "items" / "01-gaizao.md"
    assert caught.value.message == "稿件所在的文件夹是一个链接，指向series文件夹之外，不会读取"
