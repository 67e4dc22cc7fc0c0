"""Chinese for the words Typer (and the Click it builds on) print themselves.

Typer's help screens and usage errors are English ("Usage:", "Options",
"Show this message and exit.", "Missing argument …"). Recent Typer releases
carry their own copy of Click with these strings written in, so a gettext
catalogue cannot reach them; we patch the few places they come from and
translate usage errors where the CLI catches them.
"""

from __future__ import annotations

import re
import sys

import typer
import typer.core

HELP_TEXT = "显示本帮助并退出。"
USAGE = "用法："

_PANELS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
}

_ERRORS = [
    (re.compile(r"Missing argument '(.+?)'\.?"), r"缺少参数 \1。"),
    (re.compile(r"Missing option '?(.+?)'?\.?$"), r"缺少选项 \1。"),
    (re.compile(r"No such option: (-+[^\s\x00-\x7f]\S*).*"), r"没有选项 \1。以“-”开头的词语请写在 -- 之后，如 zhuanbao search -- -就业"),
    (re.compile(r"No such option: (\S+) \(Possible options: ([^,)]+)[^)]*\)"), r"没有选项 \1。是否想写 \2？"),
    (re.compile(r"No such option: (\S+) Did you mean (\S+?)\?"), r"没有选项 \1。是否想写 \2？"),
    (re.compile(r"No such option: (\S+).*"), r"没有选项 \1。"),
    (re.compile(r"No such command '(.+?)'\.? Did you mean '(.+?)'\?"), r"没有命令 \1。是否想写 \2？"),
    (re.compile(r"No such command '(.+?)'\.?"), r"没有命令 \1。"),
    (re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)"), r"多余的参数：\1"),
    (re.compile(r"Option '?(.+?)'? requires an argument\.?"), r"选项 \1 后面要写一个值。"),
    (re.compile(r"Invalid value for (.+?): .*valid integer.*"), r"\1 应为整数"),
    (re.compile(r"Invalid value for (.+?): .*valid number.*"), r"\1 应为数字"),
    # Typer 0.29 checks min= / max= through pydantic
    (re.compile(r"Invalid value for (.+?): Input should be greater than or equal to (\S+)"), r"\1 应不小于 \2"),
    (re.compile(r"Invalid value for (.+?): Input should be less than or equal to (\S+)"), r"\1 应不大于 \2"),
    (re.compile(r"Invalid value for (.+?): (.+)"), r"\1 的值无效：\2"),
    (re.compile(r"Missing command\.?"), "缺少命令。"),
]


def translate_error(message: str) -> str:
    """A usage error in Chinese (unknown messages are passed through)."""
    message = re.sub(r"'(-[^']*)'", r"\1", message)  # "'--jobs' / '-j'" → "--jobs / -j"
    for pattern, replacement in _ERRORS:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


# Typer shows each parameter's Python type: "<bool>" beside a flag (which
# takes no value), "<path>" beside 路径, "<int>" — English, and noise.
_TYPE_LABELS = {"<bool>": "", "<path>": "", "<str>": "文字", "<int>": "整数", "<float>": "数", "<int range>": "整数",
                "<float range>": "数"}  # fmt: skip


def install_help_panels() -> None:
    """Chinese panel titles and type labels for the help screen. Separate from
    :func:`install` because importing typer.rich_utils costs 100 ms that a
    build does not need."""
    import typer.rich_utils

    for name, text in _PANELS.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, text)
    parameter = getattr(typer.core, "_TyperParameter", None)
    if parameter is not None and hasattr(parameter, "display_type"):
        original = parameter.display_type

        def display_type(self, ctx):
            label = original(self, ctx)
            return _TYPE_LABELS.get(label, label)

        parameter.display_type = display_type


_USAGE_PIECES = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}


def describe_range(low, high) -> str | None:
    """A number option's bounds as the help shows them: [≥1], [1–600], not [x>=1]."""
    if low is None and high is None:
        return None
    if low is None:
        return f"≤{high}"
    if high is None:
        return f"≥{low}"
    return f"{low}–{high}"


def _translate_usage(cls) -> None:
    original = cls.__dict__.get("collect_usage_pieces")
    if original is None:
        return

    def collect_usage_pieces(self, ctx):
        return [_USAGE_PIECES.get(piece, piece) for piece in original(self, ctx)]

    cls.collect_usage_pieces = collect_usage_pieces


def install() -> None:
    """Make Typer's own help text Chinese."""
    command_class = typer.core.TyperCommand.__mro__[1]
    for cls in {command_class, typer.core.TyperGroup}:
        _translate_usage(cls)
    if hasattr(typer.core, "describe_number_range"):
        typer.core.describe_number_range = describe_range
    formatting = sys.modules.get(command_class.__module__.rsplit(".", 1)[0] + ".formatting")
    original_help_option = command_class.get_help_option

    def get_help_option(self, ctx):
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    command_class.get_help_option = get_help_option
    if formatting is not None:
        original_usage = formatting.HelpFormatter.write_usage

        def write_usage(self, prog, args="", prefix=None):
            return original_usage(self, prog, args, USAGE if prefix is None else prefix)

        formatting.HelpFormatter.write_usage = write_usage
