"""Jinja's error messages, said in Chinese for the editor who wrote the {{ … }}.

Item bodies and templates are written by office staff, not programmers; "'dict
object' has no attribute 'x'" tells them nothing. Each pattern below is a
message Jinja (or Python, for arithmetic in a template) actually produces;
anything unforeseen is passed through after a Chinese lead-in by the caller.
"""

from __future__ import annotations

import re

_MESSAGES = [
    (r"^'(?P<name>[^']+)' is undefined$", "“{name}”不存在"),
    (r"^'None' has no attribute '(?P<name>[^']+)'$", "这一项是空的，取不到其中的“{name}”（例如表格没有合计行 total）"),
    (r"^'?[\w. ]+ object'? has no attribute '(?P<name>[^']+)'$", "没有“{name}”这一项"),
    (r"^'?[\w. ]+ object'? has no element (?P<name>.+)$", "没有第 {name} 项"),
    (r"^No filter named '(?P<name>[^']+)'", "没有名为“{name}”的过滤器（可用 cn_date、cn_num、pct、wan 等）"),
    (r"^Unexpected end of template\. .*The innermost block that needs to be closed is '(?P<name>\w+)'",
     "“{{% {name} %}}”没有对应的“{{% end{name} %}}”"),
    (r"^Encountered unknown tag '(?P<name>\w+)'", "不认识的标记“{{% {name} %}}”（多写了结束标记，或拼错了？）"),
    (r"^unexpected end of template, expected 'end of print statement'", "“{{{{”没有对应的“}}}}”"),
    (r"^Expected an expression, got", "这里缺少要写出的内容"),
    (r"^expected token 'end of print statement', got '(?P<name>[^']+)'", "“{name}”前面缺少运算符或过滤器的“|”"),
    (r"^unexpected '(?P<name>[^']+)'", "多了或写错了“{name}”"),
    (r"^access to attribute '(?P<name>[^']+)' .* is unsafe", "不允许使用“{name}”"),
    (r"^(?:float )?division( or modulo)? by zero$|^\[<class 'decimal\.(?:DivisionByZero|DivisionUndefined)'>\]$", "除数为 0"),
    (r"^can only concatenate str", "文字和数字不能直接相加（数字可先用 |string 转为文字）"),
    (r"^unsupported operand type", "这两个值不能这样运算（一个是文字，一个是数字？）"),
    (r"^Range too big", "范围太大"),
    (r"'builtin_function_or_method' object is not iterable",
     "这里取到的是一个方法，不是列表：栏目的稿件请写 section[\"items\"]，不要写 section.items"),
    (r"^'(?P<name>\w+)' object is not iterable", "这个值（{name}）不是一组值，不能逐个取出（for、join 等要用在列表上；过滤器“|”比运算符先算，要先算的请加括号）"),
    (r"^parameter '(?P<name>\w+)' was not provided", "调用宏时少了参数“{name}”"),
    (r"^unexpected char '(?P<name>[^']+)' at \d+", "“{name}”不能写在 {{{{ }}}} 之内（“}}}}”漏写了？）"),
    (r"^no loader for this environment specified", "稿件正文中不能用 include、import、extends 引用别的文件"),
    (r"^Missing end of raw directive", "“{{% raw %}}”没有对应的“{{% endraw %}}”"),
    (r"^expected token 'name', got '(?:end of statement block|end of print statement)'", "这里缺少名称（宏名、过滤器名或变量名）"),
    (r"^Missing end of comment tag", "“{{#”没有对应的“#}}”（要印出“{{#”，请写成 {{{{ \"{{#\" }}}}）"),
]


def explain(exc: BaseException) -> str:
    """The error in Chinese where it is a known one, else Jinja's own words."""
    if type(exc).__name__ in ("TemplateNotFound", "TemplatesNotFound"):
        return f"找不到模板“{getattr(exc, 'name', exc)}”（include、import 的文件名写错了？）"
    text = str(getattr(exc, "message", None) or exc).strip()
    for pattern, message in _MESSAGES:  # compiled on the error path only: re caches them (~3 ms at start-up)
        found = re.search(pattern, text)
        if found:
            return message.format(**found.groupdict())
    return text
