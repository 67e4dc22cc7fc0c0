"""The Jinja sandbox item bodies and templates run in, with bounds on what one render may cost.

Jinja's sandbox already keeps an item from reaching Python internals; it does
not keep ``{{ "x" * 10**10 }}`` from exhausting memory, nested ``range``
loops from running for hours, or ``lipsum(10**6)`` from writing a novel into
the bulletin. A submission pasted from outside is an item body too, so a
render is bounded: how many loop steps ``range`` may hand out, how large a
``*`` or ``**`` may make a value, how much text may come out and how long it
may take. Past a bound the render stops with a Chinese message, which the
caller reports at the item (or template) line like any other mistake.
"""

from __future__ import annotations

import time

#: Loop steps all the range() calls of one render may hand out together (Jinja's own limit is per call).
MAX_RANGE_STEPS = 100_000
#: Turns of every {% for %} of one render together, whatever it loops over (a range, a string, a list).
MAX_LOOP_STEPS = 1_000_000
#: The longest text or list a * may make, and the largest power ** may compute.
MAX_VALUE_SIZE = 100_000
MAX_EXPONENT = 100
#: Characters one item body may come to; what a whole document's templates may write.
MAX_BODY_OUTPUT = 200_000
MAX_TEMPLATE_OUTPUT = 20_000_000
#: Seconds one render may take.
MAX_SECONDS = 10.0


class RenderLimit(ValueError):
    """A render went past one of the bounds above (its message is for the user)."""


def bounded_environment(**options):
    """A SandboxedEnvironment whose renders are bounded; no ``lipsum``."""
    from jinja2.sandbox import SandboxedEnvironment

    from jinja2 import nodes

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "%"])

        def _parse(self, source, name, filename):
            """Every {% for %} loops through the budget: nested loops over a long
            string would otherwise turn ten billion times, without a range to count."""
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
            return tree

        def call_binop(self, context, operator, left, right):
            if operator == "**" and _number(left) and _number(right) and abs(left) > 1 and right > MAX_EXPONENT:
                raise RenderLimit(f"乘方太大（{left} ** {right}），指数最多为 {MAX_EXPONENT}")
            if operator == "*":
                for value, times in ((left, right), (right, left)):
                    if isinstance(value, (str, list, tuple)) and isinstance(times, int) and not isinstance(times, bool):
                        if len(value) * times > MAX_VALUE_SIZE:
                            raise RenderLimit(f"重复出来的内容太长（{len(value)} × {times}），最多 {MAX_VALUE_SIZE:,} 个")
            if operator == "%" and isinstance(left, str) and _wide(left):
                raise RenderLimit(f"格式中的宽度太大，最多 {MAX_VALUE_SIZE:,}")
            return super().call_binop(context, operator, left, right)

        def getattr(self, obj, attribute):
            if isinstance(obj, str) and attribute in ("format", "format_map") and _wide(obj):
                raise RenderLimit(f"“{attribute}”要写出的内容太长，最多 {MAX_VALUE_SIZE:,} 个字符")
            return super().getattr(obj, attribute)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
            _budget(__context).tick()
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str) and _too_big(args, kwargs):  # "x".center(10**10)
                raise RenderLimit(f"“{__obj.__name__}”要写出的内容太长，最多 {MAX_VALUE_SIZE:,} 个字符")
            return super().call(__context, __obj, *args, **kwargs)

    env = BoundedSandbox(**options)
    env.globals.pop("lipsum", None)
    from jinja2 import pass_context

    env.filters[LOOP_FILTER] = pass_context(_counted)
    return env


LOOP_FILTER = "__zhuanbao_loop__"  # not a name anyone writes: filters are looked up by name


def _counted_items(budget: Budget, iterable):
    for item in iterable:
        budget.turn()
        yield item


def _counted(context, iterable):
    """``iterable`` as a {% for %} sees it, each turn counted against the render's budget."""
    from jinja2.runtime import Undefined

    if isinstance(iterable, Undefined) or iterable is None:
        return iterable  # Jinja's own handling (an error, or an empty loop) stays
    return _counted_items(_budget(context), iterable)



def bound_filters(filters: dict) -> dict:
    """The filters with their size arguments checked: ``{{ "x" | center(10**10) }}``
    would otherwise ask for ten gigabytes. A filter is called directly by the
    compiled template, so the check goes around each one."""
    import functools

    def bounded(name, function):
        skip = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1  # context/env, then the value

        @functools.wraps(function)
        def checked(*args, **kwargs):
            if _too_big(args[skip:], kwargs):
                raise RenderLimit(f"过滤器“{name}”的参数太大，最多 {MAX_VALUE_SIZE:,}")
            return function(*args, **kwargs)

        return checked

    return {name: bounded(name, function) for name, function in filters.items()}


def _too_big(args, kwargs) -> bool:
    return any(_number(a) and abs(a) > MAX_VALUE_SIZE for a in (*args, *kwargs.values()))


def _wide(text: str) -> bool:
    """A format such as %999999999s or {:>999999999}: a width past the bound."""
    import re

    return any(int(n) > MAX_VALUE_SIZE for n in re.findall(r"\d{6,}", text))


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Budget:
    """What one render has left: loop steps and time."""

    def __init__(self, seconds: float = MAX_SECONDS) -> None:
        self.steps = MAX_RANGE_STEPS
        self.loops = MAX_LOOP_STEPS
        self.deadline = time.monotonic() + seconds
        self.calls = 0

    def range(self, *args):
        from jinja2.sandbox import safe_range

        numbers = safe_range(*args)  # Jinja's own check: no more than 100,000 items in one call
        self.steps -= len(numbers)
        if self.steps < 0:
            raise RenderLimit(f"循环次数太多（range 合计超过 {MAX_RANGE_STEPS:,} 次）")
        self.tick()
        return numbers

    def tick(self) -> None:
        self.calls += 1
        if self.calls % 64 == 0 and time.monotonic() > self.deadline:
            raise RenderLimit(f"计算时间超过 {MAX_SECONDS:g} 秒，已停止（循环套得太深？）")

    def turn(self) -> None:
        self.loops -= 1
        if self.loops < 0:
            raise RenderLimit(f"循环次数太多（各个 for 合计超过 {MAX_LOOP_STEPS:,} 次）")
        self.tick()


BUDGET = "__zhuanbao_budget__"


def _budget(context) -> Budget:
    budget = context.get(BUDGET) if context is not None else None
    return budget if budget is not None else _NO_BUDGET


class _Unbounded(Budget):
    def tick(self) -> None:
        pass


_NO_BUDGET = _Unbounded(seconds=float("inf"))


def render_bounded(template, data: dict, max_output: int) -> str:
    """``template`` rendered with ``data`` within the bounds (a fresh budget for each render)."""
    budget = Budget()
    context = {**data, BUDGET: budget, "range": budget.range}
    pieces, size = [], 0
    try:
        for piece in template.generate(context):
            size += len(piece)
            if size > max_output:
                raise RenderLimit(f"排出来的文字太多（超过 {max_output:,} 个字符），已停止")
            budget.tick()
            pieces.append(piece)
    except RecursionError:
        raise RenderLimit("宏（macro）或 include 一层层调用自己，形成了循环，已停止（递归没有结束条件？）") from None
    return "".join(pieces)
