"""Rendering: the default templates' words and order, user template folders, template errors."""

from __future__ import annotations

import pytest

from zhuanbao.build import load_path as load
from zhuanbao.doctree import Paragraph, Table
from zhuanbao.diagnostics import TemplateError
from zhuanbao.load.templates import load_templates
from zhuanbao.docx import docx_bytes
from zhuanbao.render import render

from .conftest import write_tree


def rendered(series_dir, templates=None):
    editions, series_templates = load(series_dir)
    return render(editions[0], load_templates(templates or series_templates))


def paragraphs(document):
    return [(b.style, b.text) for b in document.blocks if isinstance(b, Paragraph)]


def test_masthead_lines_in_order(series):
    doc = rendered(series())
    top = paragraphs(doc)[:5]
    assert top == [
        ("masthead-marks", "内部资料"),
        ("masthead-program", "青石市打好重点民生保障仗"),
        ("masthead-title", "工作专报"),
        ("masthead-issue", "2024年第3期（总第20期）"),
        ("masthead-issuer", "青石市打好重点民生保障仗工作专班\t2024年3月15日"),
    ]


def test_issue_line_without_total(series):
    doc = rendered(series({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-05\n"}))
    assert ("masthead-issue", "2024年第3期") in paragraphs(doc)
    assert any(text.endswith("2024年3月5日") for _, text in paragraphs(doc))


def test_sections_in_series_order_and_empty_ones_left_out(series):
    doc = rendered(
        series(
            {
                "2024-03/items/02.md": "---\nsection: 部门动态\ntitle: 甲\n---\n正文甲。\n",
                "2024-03/items/00.md": "---\nsection: 区县动态\ntitle: 乙\n---\n正文乙。\n",
            }
        )
    )
    headings = [text for style, text in paragraphs(doc) if style == "section"]
    assert headings == ["【部门动态】", "【区县动态】", "【工作简讯】"]


def test_lead_item_runs_title_into_first_paragraph_with_source_at_end(series):
    doc = rendered(series())
    body = [b for b in doc.blocks if isinstance(b, Paragraph) and b.style == "body"]
    assert body[0].text == "测试区完成老旧小区改造。3月10日，测试区完成老旧小区改造12个，惠及居民1860户。"
    assert body[0].runs[0].style == "lead-title"
    # the credit is the paragraph's tail: printed whole, on its last line or on a line of its own
    assert [(run.text, run.style) for run in body[0].tail] == [("[测试区住建局供稿]", "source")]


def test_headline_section_puts_title_on_its_own_line(series):
    doc = rendered(series({"2024-03/items/01-gaizao.md": "---\nsection: 重要新闻\ntitle: 大标题\n---\n第一段。\n\n第二段。\n"}))
    styles = paragraphs(doc)
    index = styles.index(("item-headline", "大标题"))
    assert styles[index + 1] == ("body", "第一段。")
    assert styles[index + 2] == ("body", "第二段。")


def test_which_sections_print_headline_style_is_a_series_setting(series):
    from .conftest import SERIES_YAML

    item = "---\nsection: {}\ntitle: 大标题\n---\n第一段。\n"
    setting = SERIES_YAML + "headline_sections: [工作简讯]\n"
    doc = rendered(series({"series.yaml": setting, "2024-03/items/01-gaizao.md": item.format("工作简讯"),
                           "2024-03/items/02.md": item.format("重要新闻").replace("大标题", "要闻标题")}))  # fmt: skip
    styles = paragraphs(doc)
    assert ("item-headline", "大标题") in styles  # 工作简讯 now headline-style
    assert not any(text == "要闻标题" for _, text in styles)  # 重要新闻 led into its paragraph, as the series says
    none = rendered(series({"series.yaml": SERIES_YAML + "headline_sections: []\n",
                            "2024-03/items/01-gaizao.md": item.format("重要新闻")}))  # fmt: skip
    assert not any(style == "item-headline" for style, _ in paragraphs(none))


def test_a_headline_section_that_is_not_a_section_is_named_at_its_line(series, tmp_path):
    from zhuanbao.build import build
    from zhuanbao.diagnostics import ContentError

    from .conftest import SERIES_YAML

    root = series({"series.yaml": SERIES_YAML + "headline_sections: [要闻]\n"})
    with pytest.raises(ContentError) as caught:
        build(root, tmp_path / "out")
    line = SERIES_YAML.count("\n") + 1
    assert caught.value.line == line and "“要闻”不是本刊的栏目" in caught.value.message


def test_untitled_item_is_marked_with_a_star(series):
    doc = rendered(series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n无题简讯。\n"}))
    assert ("body", "☆无题简讯。") in paragraphs(doc)


def test_title_ending_in_punctuation_gets_no_extra_full_stop(series):
    doc = rendered(series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\ntitle: 好消息！\n---\n正文。\n"}))
    assert ("body", "好消息！正文。") in paragraphs(doc)


def test_distribution_block_lists_labels_with_hanging_indent(series):
    doc = rendered(series())
    table = [b for b in doc.blocks if isinstance(b, Table)][-1]
    texts = [cell.paragraphs[0].text for row in table.rows for cell in row.cells]
    assert texts == [
        "报：市委书记、市长，市委副书记。",
        "送：市委办、市政府办。",
        "发：各区县工作专班。",
        "电话：0731-1234567　邮箱：test@example.cn",
        "签发：张明　审核：李华　编辑：王芳\t（共印60份）",
    ]
    assert table.rows[0].cells[0].paragraphs[0].hang == "报："


def test_issue_overrides_and_extra_recipients(series):
    issue = "number: 3\ndate: 2024-03-15\ncopies: 100\nextra_distribution: {送: [市纪委监委], 抄: [市档案馆]}\n"
    doc = rendered(series({"2024-03/issue.yaml": issue}))
    table = [b for b in doc.blocks if isinstance(b, Table)][-1]
    texts = [cell.paragraphs[0].text for row in table.rows for cell in row.cells]
    assert "送：市委办、市政府办，市纪委监委。" in texts
    assert texts[3] == "抄：市档案馆。"
    assert texts[-1].endswith("（共印100份）")


def test_user_template_folder_overrides_one_file_and_keeps_the_rest(series, tmp_path):
    custom = write_tree(tmp_path / "mine", {"section.xml.j2": '<p style="section">〖{{ section.name }}〗</p>\n'})
    doc = rendered(series(), custom)
    assert ("section", "〖工作简讯〗") in paragraphs(doc)
    assert paragraphs(doc)[2] == ("masthead-title", "工作专报")  # masthead still from the defaults


def test_series_can_name_its_template_folder(series):
    root = series({"mine/masthead.xml.j2": '<p style="masthead-title">自定义报头</p>\n'})
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "templates: mine\n", "utf-8")
    assert paragraphs(rendered(root))[0] == ("masthead-title", "自定义报头")


def test_user_style_sheet_replaces_the_default(series, tmp_path):
    from zhuanbao.load.templates import default_template_dir

    style = (default_template_dir() / "style.yaml").read_text("utf-8").replace("color: FF0000", "color: 0000FF")
    custom = write_tree(tmp_path / "blue", {"style.yaml": style})
    assert load_templates(custom).sheet.paragraphs["masthead-title"].color == "0000FF"


@pytest.mark.parametrize(
    ("template", "message", "line"),
    [
        ("<p>{{ issue.numbr }}</p>\n", "不存在的变量", 1),
        ("<p>ok</p>\n{% for x in %}\n", "模板语法错误", 2),
        ('<p>ok</p>\n<p style="nope">x</p>\n', "段落样式“nope”", 2),
        ("<p>unclosed\n", "标记有误", None),
        ('<p style="masthead-marks">内部资料</p>\n<p style="masthead-title">{{ series.title }} A & B</p>\n', "标记有误", 2),
        ("<p>ok</p>\n<div>x</div>\n", "不能使用 <div>", 2),
        ("<p>a <u>b</u></p>\n", "段落中不能使用 <u>", 1),
        ('<p>ok</p>\n<p color="0000FF">x</p>\n', "<p> 没有 color 这个属性", 2),
        ('<table style="distribution"><tr><td span="x"><p>a</p></td></tr></table>\n', "span=“x”应是 1 以上的整数", 1),
        ('<table style="distribution"><tr><td align="middle"><p>a</p></td></tr></table>\n', "align=“middle”无效", 1),
        ('<table style="distribution" widths="0,0"><tr><td><p>a</p></td><td><p>b</p></td></tr></table>\n',
         "widths=“0,0”应是逗号分隔的正数", 1),
        ('<table style="distribution"><tr><td>直接写的字</td></tr></table>\n', "<td> 中的文字“直接写的字”要放在 <p> 里", 1),
        ("<p>ok</p>\n报头外的字\n", "中的文字“报头外的字”要放在 <p> 里", 2),
        ('<table style="distribution"><tr><td><table style="distribution"/></td></tr></table>\n',
         "<td> 中只能有 <p>，不能有 <table>", 1),
    ],
)
def test_template_errors_name_the_template_and_line(series, tmp_path, template, message, line):
    custom = write_tree(tmp_path / "bad", {"masthead.xml.j2": template})
    with pytest.raises(TemplateError) as caught:
        rendered(series(), custom)
    assert message in caught.value.message
    if line is not None:
        assert caught.value.path.name == "masthead.xml.j2"
        assert caught.value.line == line


def test_a_template_including_itself_is_an_error_not_a_crash(series, tmp_path):
    custom = write_tree(tmp_path / "loop", {"masthead.xml.j2": '{% include "masthead.xml.j2" %}\n'})
    with pytest.raises(TemplateError, match="形成了循环"):
        rendered(series(), custom)


def test_a_template_saved_as_gbk_is_read(series, tmp_path):
    custom = tmp_path / "gbk"
    custom.mkdir()
    (custom / "masthead.xml.j2").write_bytes('<p style="masthead-title">青石市工作专报</p>\n'.encode("gbk"))
    assert paragraphs(rendered(series(), custom))[0] == ("masthead-title", "青石市工作专报")


def test_templates_cannot_reach_python_internals(series, tmp_path):
    custom = write_tree(tmp_path / "evil", {"masthead.xml.j2": "<p>{{ series.__class__.__mro__ }}</p>\n"})
    with pytest.raises(TemplateError):
        rendered(series(), custom)


def test_missing_template_folder_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match="模板文件夹不存在"):
        load_templates(tmp_path / "absent")


def png(width: int, height: int) -> bytes:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"".join(b"\0" + b"\xff" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_a_logo_with_any_file_name_makes_a_document_word_opens(series, tmp_path):
    import docx

    from zhuanbao.build import build

    masthead = '<p style="masthead-title"><image name="R&amp;D 徽标.png" width="20mm"/>工作专报</p>\n'
    custom = write_tree(tmp_path / "logo", {"masthead.xml.j2": masthead, "R&D 徽标.png": png(4, 2)})
    [built] = build(series(), tmp_path / "out", custom)
    document = docx.Document(str(built.path))  # the relationships part parses
    assert [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/image")] == ["media/image1.png"]


def test_a_logo_in_the_template_folder_is_printed_and_a_missing_one_named(series, tmp_path):
    masthead = '<p style="masthead-title"><image name="logo.png" width="20mm"/>工作专报</p>\n'
    custom = write_tree(tmp_path / "logo", {"masthead.xml.j2": masthead, "logo.png": png(4, 2)})
    doc = rendered(series(), custom)
    assert doc.media["logo.png"] == (custom / "logo.png").read_bytes()
    (custom / "logo.png").unlink()
    with pytest.raises(TemplateError) as caught:
        rendered(series(), custom)
    assert "<image name=“logo.png”>：在模板文件夹中找不到" in caught.value.message
    assert (caught.value.path.name, caught.value.line) == ("masthead.xml.j2", 1)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"style.yml": "page: {}\n"}, "样式表应命名为 style.yaml，这里是“style.yml”"),
        ({"说明.txt": "x"}, "模板文件夹中没有 zhuanbao 认识的文件"),
    ],
)
def test_a_template_folder_zhuanbao_would_ignore_is_an_error(tmp_path, files, message):
    with pytest.raises(TemplateError, match=message):
        load_templates(write_tree(tmp_path / "mine", files))


def test_a_file_given_as_the_template_folder_is_named_so(tmp_path):
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(TemplateError, match="这是一个文件，不是模板文件夹"):
        load_templates(tmp_path / "f")


def test_an_edition_that_was_never_saved_renders(tmp_path):
    """The studio previews a form before anything is written: rendering takes values, not files."""
    import datetime as dt
    from pathlib import Path

    from zhuanbao.located import YamlDoc
    from zhuanbao.model import Edition, Issue, Item, ItemMeta, Series, resolve_distribution

    series = Series(title="统计简报", issuer="某县统计局", sections=["工作简讯"], distribution={"送": ["县委办"]})
    issue = Issue(number=2, date=dt.date(2026, 3, 5))
    meta = ItemMeta(section="工作简讯", title="一季度开局良好")
    unsaved = Path("尚未保存")
    item = Item(unsaved / "01.md", meta, "全县规上工业增加值增长6.1%。\n", 5, YamlDoc(unsaved / "01.md", {}))
    edition = Edition(unsaved, unsaved / "2026-02", series, issue, [item], resolve_distribution(series, issue))
    document = render(edition, load_templates(None))
    texts = [text for _, text in paragraphs(document)]
    assert "2026年第2期" in texts and "一季度开局良好。全县规上工业增加值增长6.1%。" in texts
    assert [i.title for i in document.items] == ["一季度开局良好"]
    assert not unsaved.exists() and not (tmp_path / "尚未保存").exists()


def test_rendering_changes_nothing_it_is_handed(series):
    import copy

    root = series({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntables:\n  - {id: t, file: t.csv, title: 进度, "
                   "section: 附件, target: 目标, actual: 完成, chart: bar}\n", "2024-03/t.csv": "区县,目标,完成\n甲,10,8\n乙,10,9\n"})  # fmt: skip
    editions, _ = load(root)
    before = copy.deepcopy(editions[0].indicators)
    templates = load_templates(None)
    document = render(editions[0], templates)
    assert editions[0].indicators == before and "chart-t.png" in document.media
    blocks = copy.deepcopy(document.blocks)
    docx_bytes(document, templates.sheet)
    assert document.blocks == blocks  # the writer changes nothing it is handed either (a cell's align stays the cell's)
