"""Jinja's errors said in Chinese: each case is a message Jinja really produces."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from zhuanbao.render.filters import FILTERS
from zhuanbao.render.messages import explain


def error_of(source: str) -> BaseException:
    env = SandboxedEnvironment(undefined=StrictUndefined, loader=DictLoader({}))
    env.filters.update(FILTERS)
    try:
        env.from_string(source).render(tables={}, a=1, text="文字", none=None, section={"items": []})
    except Exception as exc:  # noqa: BLE001 - any error is what is being tested
        return exc
    raise AssertionError("no error")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ foo }}", "“foo”不存在"),
        ("{{ tables.jiuye }}", "没有“jiuye”这一项"),
        ("{{ a.b() }}", "没有“b”这一项"),
        ("{{ a[0] }}", "没有第 0 项"),
        ("{{ a | nofilter }}", "没有名为“nofilter”的过滤器"),
        ("{% if a %}有", "“{% if %}”没有对应的“{% endif %}”"),
        ("{% endif %}", "不认识的标记“{% endif %}”"),
        ("{{ a ", "“{{”没有对应的“}}”"),
        ("{{ }}", "这里缺少要写出的内容"),
        ("{{ a b }}", "“b”前面缺少运算符"),
        ("{{ a }", "多了或写错了“}”"),
        ("{{ a.__class__ }}", "不允许使用“__class__”"),
        ("{{ 1 / 0 }}", "除数为 0"),
        ("{{ text + 1 }}", "文字和数字不能直接相加"),
        ("{{ 2.5 | cn_num }}", "cn_num 只能写整数"),
        ("{{ none.rate }}", "这一项是空的，取不到其中的“rate”"),
        ("{{ a 。", "“。”不能写在 {{ }} 之内"),
        ("计划{#新建", "“{#”没有对应的“#}”"),
        ("{{ none | pct }}", "pct 用在了空值上"),
        ("{{ none | wan }}", "wan 用在了空值上"),
        ("{{ none | cn_date }}", "cn_date 用在了空值上"),
        ("{{ text | pct }}", "pct 只能用于数字，“文字”不是数字"),
        ("{{ text | cn_date }}", "cn_date 只能用于日期，“文字”不是日期"),
        ("{% for i in section.items %}{% endfor %}", '栏目的稿件请写 section["items"]'),
        ("{% macro m(item) %}{{ item }}{% endmacro %}{{ m() }}", "调用宏时少了参数“item”"),
        ('{% include "mashead.xml.j2" %}', "找不到模板“mashead.xml.j2”"),
        ("{% raw %}原样", "“{% raw %}”没有对应的“{% endraw %}”"),
        ("{{ a | }}", "这里缺少名称"),
        ("{% macro %}{% endmacro %}", "这里缺少名称"),
    ],
)
def test_known_errors_are_said_in_chinese(source, message):
    text = explain(error_of(source))
    assert message in text
    assert not any(word in text for word in ("object", "undefined", "unexpected", "expected", "Encountered", "<class", "None"))


def test_an_item_body_cannot_include_files():
    # item bodies are rendered with no loader at all
    env = SandboxedEnvironment(undefined=StrictUndefined)
    with pytest.raises(TypeError) as caught:
        env.from_string('{% include "a.md" %}').render()
    assert explain(caught.value) == "稿件正文中不能用 include、import、extends 引用别的文件"


def test_an_unforeseen_error_keeps_its_own_words():
    assert explain(ValueError("something new")) == "something new"
