"""Data in the bulletin: tables in sections and annexes, charts, and item sentences that quote figures."""

from __future__ import annotations

import warnings

import pytest

from zhuanbao.build import build
from zhuanbao.build import load_path as load
from zhuanbao.doctree import DataTable, Paragraph, Table
from zhuanbao.diagnostics import ContentError, UserError
from zhuanbao.load.templates import load_templates
from zhuanbao.render import render
from zhuanbao.render.filters import pct, wan

TARGETS = "项目,目标,完成\n" + "".join(f"项目{i},{10 + i},{10 + i}\n" for i in range(8))

TABLES = """\
number: 3
date: 2024-03-15
tables:
  - id: targets
    file: 目标.csv
    title: 重点民生实事目标完成情况
    section: 工作简讯
    target: 目标
    actual: 完成
"""


def with_data(series, body: str, issue: str = TABLES, extra: dict | None = None):
    files = {
        "2024-03/issue.yaml": issue,
        "2024-03/目标.csv": TARGETS,
        "2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\ntitle: 进展\n---\n{body}\n",
    }
    files.update(extra or {})
    return series(files)


def rendered(root):
    editions, templates = load(root)
    return render(editions[0], load_templates(templates))


def texts(document):
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def test_sentence_quotes_the_computed_figures(series):
    doc = rendered(with_data(series, "{{ tables.targets.count }}项目标中{{ tables.targets.done }}项已完成。"))
    assert "进展。8项目标中8项已完成。" in texts(doc)


def test_rows_lagging_and_filters_are_available(series):
    csv = "区县,目标,完成\n东岭区,10,9\n溪口区,10,3\n"
    issue = TABLES.replace("    actual: 完成\n", "    actual: 完成\n    as_of: 2024-06-30\n").replace("2024-03-15", "2024-07-10")
    body = (
        "滞后{{ tables.targets.lagging | length }}个：{{ tables.targets.lagging[0].name }}"
        "（{{ tables.targets.lagging[0].rate | pct }}），截至{{ tables.targets.as_of | cn_date }}。"
    )
    doc = rendered(with_data(series, body, issue, {"2024-03/目标.csv": csv}))
    assert "进展。滞后1个：溪口区（30.0%），截至2024年6月30日。" in texts(doc)


def test_table_follows_the_items_of_its_section(series):
    doc = rendered(with_data(series, "正文。"))
    blocks = doc.blocks
    title = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == "重点民生实事目标完成情况")
    table = blocks[title + 1]
    assert isinstance(table, DataTable)
    assert table.header == ["项目", "目标", "完成", "完成率"]
    assert table.rows[-1] == [("合计", "center"), ("108", "right"), ("108", "right"), ("100.0%", "right")]
    assert blocks[title - 1].text.endswith("正文。")


def test_annex_tables_start_a_new_page_after_the_body(series):
    issue = TABLES.replace("section: 工作简讯", "section: 附件")
    doc = rendered(with_data(series, "正文。", issue))
    labels = [b for b in doc.blocks if isinstance(b, Paragraph) and b.style == "annex-label"]
    assert [(b.text, b.page_break_before) for b in labels] == [("附件1", True)]
    assert isinstance(doc.blocks[-1], Table) and doc.blocks[-1].style == "distribution"


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("第一行。\n\n{{ tables.targetz.count }}", "不存在的数据", 7),
        ("{{ tables.targets.count }\n", "写法有误", 5),
        ("{% for x in %}", "写法有误", 5),
        ("{{ tables.targets.count / 0 }}", "无法计算", 5),
    ],
)
def test_sentence_errors_name_the_item_file_and_line(series, body, message, line):
    with pytest.raises(ContentError) as caught:
        rendered(with_data(series, body))
    assert message in caught.value.message
    assert caught.value.path.name == "01-gaizao.md" and caught.value.line == line


@pytest.mark.parametrize(
    ("body", "message", "hint"),
    [
        ("{{ tables.targetz.count }}", "没有“targetz”这一项", "是否想写“targets”？"),
        ("{{ tables.targets.cont }}", "没有“cont”这一项", "是否想写“count”？"),
        ("{{ tables.xyz.count }}", "没有“xyz”这一项", "本期的表：targets"),
        ("{{ isue.number }}", "“isue”不存在", "是否想写“issue”？"),
        ("{{ table.targets.count }}", "“table”不存在", "本期的表：targets"),  # tables, not a table's field
    ],
)
def test_a_misspelt_name_in_a_sentence_gets_a_did_you_mean(series, body, message, hint):
    with pytest.raises(ContentError) as caught:
        rendered(with_data(series, body))
    assert message in caught.value.message and caught.value.hint == hint


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ tables.targets.as_of | cn_date }}", "cn_date 用在了空值上"),  # the table has no as_of
        ("{{ tables.targets.progress | pct }}", "pct 用在了空值上"),
        ("{{ tables.targets.rows[0]['项目'] | pct }}", "pct 只能用于数字，“项目0”不是数字"),
    ],
)
def test_a_filter_on_an_empty_or_wrong_value_is_an_error_at_the_item_line(series, body, message):
    with pytest.raises(ContentError) as caught:
        rendered(with_data(series, body))
    assert message in caught.value.message and (caught.value.path.name, caught.value.line) == ("01-gaizao.md", 5)


def test_an_empty_total_is_named_without_a_misleading_suggestion(series):
    issue = TABLES + "    total: false\n"
    with pytest.raises(ContentError) as caught:
        rendered(with_data(series, "{{ tables.targets.total.rate | pct }}", issue))
    assert "这一项是空的，取不到其中的“rate”" in caught.value.message and caught.value.hint is None


@pytest.mark.parametrize(
    "body",
    [
        "{{ tables.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ tables.targets.spec.__init__.__globals__ }}",
        "{% import 'os' as os %}",
    ],
)
def test_item_sentences_cannot_reach_python_internals(series, body):
    with pytest.raises(UserError):
        rendered(with_data(series, body))


def test_bad_table_data_names_file_row_and_column_and_writes_nothing(series, tmp_path):
    root = with_data(series, "正文。", extra={"2024-03/目标.csv": "项目,目标,完成\n甲,10,9\n乙,十,3\n"})
    out = tmp_path / "out"
    with pytest.raises(UserError) as caught:
        build(root, out)
    assert str(caught.value).startswith(f"{root / '2024-03' / '目标.csv'}:3:2: 错误: 第3行“目标”列：目标数“十”不是数字")
    assert not out.exists()


def test_table_section_must_exist(series):
    issue = TABLES.replace("section: 工作简讯", "section: 工作简迅")
    with pytest.raises(UserError) as caught:
        load(with_data(series, "正文。", issue))
    assert "既不是栏目" in caught.value.message and caught.value.line == 7
    assert caught.value.hint == "是否想写“工作简讯”？"


def test_chart_is_embedded_as_png_and_deterministic(series, tmp_path):
    issue = TABLES.replace("    actual: 完成\n", "    actual: 完成\n    chart: bar\n")
    root = with_data(series, "正文。", issue)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = rendered(root)
    assert not [w for w in caught if "missing from" in str(w.message)], "CJK glyphs missing in the chart"
    png = doc.media["chart-targets.png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert rendered(root).media["chart-targets.png"] == png
    first = build(root, tmp_path / "a")[0].path.read_bytes()
    assert first == build(root, tmp_path / "b")[0].path.read_bytes()
    import zipfile

    assert "word/media/chart-targets.png" in zipfile.ZipFile(tmp_path / "a" / "工作专报2024年第3期.docx").namelist()


def test_a_warm_renderer_draws_a_chart_again_only_when_what_it_shows_changed(series, monkeypatch):
    from zhuanbao import chart
    from zhuanbao.render import Renderer

    issue = TABLES.replace("    actual: 完成\n", "    actual: 完成\n    chart: bar\n")
    root = with_data(series, "正文。", issue)
    drawn = []
    real = chart.bar_chart
    monkeypatch.setattr(chart, "bar_chart", lambda indicator: drawn.append(1) or real(indicator))
    editions, templates = load(root)
    renderer = Renderer(load_templates(templates))
    first = renderer.render(editions[0]).media["chart-targets.png"]
    assert renderer.render(load(root)[0][0]).media["chart-targets.png"] == first and len(drawn) == 1
    (root / "2024-03" / "目标.csv").write_text(TARGETS.replace("项目0,10,10", "项目0,10,5"), "utf-8")
    changed = renderer.render(load(root)[0][0]).media["chart-targets.png"]
    assert len(drawn) == 2 and changed != first and changed == real(load(root)[0][0].indicators[0])


def test_filters():
    assert pct(0.7912) == "79.1%" and pct(1.06875, 2) == "106.88%"
    assert wan(84270000) == "8427万" and wan(13100) == "1.31万" and wan(15000, 1) == "1.5万"


def test_large_table_header_repeats_on_page_two(series, tmp_path, convert):
    rows = "".join(f"第{i:03d}项,{100 + i},{90 + i}\n" for i in range(200))
    root = with_data(series, "正文。", extra={"2024-03/目标.csv": "项目,目标,完成\n" + rows})
    [built] = build(root, tmp_path / "out")
    pdf = convert(built.path)
    assert len(pdf.pages) >= 3
    for number in (2, 3):
        top = min(ln.y_min for ln in pdf.pages[number - 1])
        first_row = [ln.text for ln in pdf.pages[number - 1] if ln.y_min < top + 5]
        assert first_row == ["项目", "目标", "完成", "完成率"], (number, first_row)
    text = pdf.text().replace(" ", "")
    assert "第199项" in text and "合计" in text


def test_an_item_whose_sentence_does_not_apply_is_left_out_with_its_section(series):
    body = "{% if tables.targets.lagging %}有{{ tables.targets.lagging | length }}项滞后。{% endif %}"
    root = with_data(series, body, TABLES.replace("section: 工作简讯", "section: 附件"))
    doc = rendered(root)
    assert "进展。" not in "".join(texts(doc)) and "【工作简讯】" not in texts(doc)
    from zhuanbao.lint import check

    found = [(f.path.name, f.line, f.rule, f.severity) for f in check(root).findings]
    assert found == [("01-gaizao.md", 5, "empty-item", "warning")]
    assert doc.items == ()  # not archived as printed, nor counted in 供稿统计
    lint = root / "series.yaml"
    lint.write_text(lint.read_text("utf-8") + "lint: {required_sections: [工作简讯]}\n", "utf-8")
    assert "required-section" in [f.rule for f in check(root).findings]


def test_a_table_as_of_after_the_issue_date_is_refused_at_its_line(series):
    issue = TABLES + "    as_of: 2025-03-31\n"  # a year typed wrong: time progress would read 24.7%
    with pytest.raises(UserError) as caught:
        rendered(with_data(series, "正文。", issue))
    assert "统计截止日期 2025-03-31 晚于本期日期 2024-03-15" in caught.value.message and caught.value.line == 10


@pytest.mark.parametrize(("title", "printed"), [("成效如何?", "成效如何?正文。"), ("成效显著", "成效显著。正文。"), ("待续…", "待续…正文。")])
def test_a_lead_title_gets_a_full_stop_only_when_it_has_no_end_mark(series, title, printed):
    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\ntitle: {title}\n---\n正文。\n"})
    assert printed in texts(rendered(root))


def test_quoting_a_table_in_an_issue_without_tables_says_so(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n共{{ tables.targets.count }}项。\n"})
    with pytest.raises(ContentError) as caught:
        rendered(root)
    assert caught.value.hint == "本期的 issue.yaml 中没有 tables（指标表）"


def test_a_misspelt_name_in_an_issue_without_tables_still_gets_its_suggestion(series):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n第{{ issue.numbr }}期。\n"})
    with pytest.raises(ContentError) as caught:
        rendered(root)
    assert caught.value.hint == "是否想写“number”？"


@pytest.mark.parametrize(
    ("body", "printed"),
    [
        ("{{ tables.targets.rows[0]['目标'] }}|{{ tables.targets.rows[0].target }}", "10|10"),  # as typed, not 10.0
        ("{{ tables.targets.rows[1].actual * 1.5 }}", "16.5"),  # an exact figure meets a float
        ("{{ tables.targets.rows[1].actual + 0.5 }}|{{ 0.5 + tables.targets.rows[1].actual }}", "11.5|11.5"),
        ("{{ (tables.targets.total.actual / 7) | round(2) }}", "15.43"),
        ("{{ tables.targets.rows | sum(attribute='actual') }}", "108"),
        ("{{ -tables.targets.rows[0].actual * 0.1 }}", "-1.0"),
    ],
)
def test_figures_are_exact_and_sentences_can_still_do_sums_with_them(series, body, printed):
    assert f"进展。{printed}" in texts(rendered(with_data(series, body)))


def test_dividing_a_figure_by_zero_is_said_in_chinese(series):
    with pytest.raises(ContentError, match="正文中的 {{ }} 无法计算：除数为 0"):
        rendered(with_data(series, "{{ tables.targets.rows[0].actual / 0 }}"))


# --- item bodies are bounded: a submission from outside cannot exhaust the machine ----------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{{ "x" * 10**10 }}', "重复出来的内容太长"),
        ("{{ [1] * 10**9 }}", "重复出来的内容太长"),
        ("{{ 2 ** 100000000 }}", "乘方太大"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "循环次数太多"),
        ('{{ "x" | center(10**10) }}', "过滤器“center”的参数太大"),
        ('{{ "x".center(10**10) }}', "“center”要写出的内容太长"),
        ('{{ "%999999999s" % "x" }}', "格式中的宽度太大"),
        ('{{ "{:>999999999}".format("x") }}', "“format”要写出的内容太长"),
        ("{{ lipsum(10**6) }}", "“lipsum”不存在"),
        ('{% for i in range(90000) %}{{ "正文" * 1000 }}{% endfor %}', "排出来的文字太多（超过 200,000 个字符）"),
    ],
)
def test_a_body_that_would_exhaust_memory_or_time_is_stopped_at_its_line(series, tmp_path, body, message):
    """At the line that asked for it; a body too long as a whole, at the line the body starts."""
    from .conftest import bounded, refused

    root = with_data(series, f"前一行。\n\n{body}")
    result = bounded("build", str(root / "2024-03"), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    line = 5 if "太多（超过" in message else 7
    refused(result, f"{root / '2024-03' / 'items' / '01-gaizao.md'}:{line}: 错误: 正文", message)
    assert result.seconds < 20 and not (tmp_path / "out").exists()


def test_ordinary_loops_and_repetition_still_work(series):
    body = "{% for row in tables.targets.rows %}{{ loop.index }}{% endfor %}{{ '—' * 2 }}{{ range(3) | list | length }}"
    assert "进展。12345678——3" in texts(rendered(with_data(series, body)))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}', "形成了循环"),
        ('{% for i in "x"*99999 %}{% for j in "x"*99999 %}{% endfor %}{% endfor %}', "循环次数太多"),
        ('{% for i in [1]*99999 %}{% for j in [1]*99999 %}{{ "" }}{% endfor %}{% endfor %}', "循环次数太多"),
        ('{{ [1]*99999|join("x") }}', "不是一组值"),
    ],
)
def test_loops_over_anything_and_recursion_are_bounded(series, tmp_path, body, message):
    from .conftest import bounded, refused

    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\n---\n正文{body}。\n"})
    result = bounded("build", str(root / "2024-03"), "-o", str(tmp_path / "out"), memory_mb=512, seconds=30)
    refused(result, "01-gaizao.md:4", message)
    assert result.seconds < 15 and not (tmp_path / "out").exists()


def test_ordinary_loops_keep_loop_and_else(series):
    body = ('{% for x in [3, 1, 2]|sort %}{{ x }}{% if not loop.last %}、{% endif %}{% endfor %}；'
            '{% for x in [] %}有{% else %}无{% endfor %}；{% for k, v in {"甲": 1}.items() %}{{ k }}{{ v }}{% endfor %}')
    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\n---\n{body}\n"})
    assert any("1、2、3；无；甲1" in text for text in texts(rendered(root)))
