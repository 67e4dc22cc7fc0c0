"""YAML that remembers where each value was written.

PyYAML's ``safe_load`` throws line numbers away, but an editor told
"number 应为整数" needs the line. We compose the node tree (which carries
marks), build plain Python values from it ourselves, and keep a map from each
value's key path to its (line, column), both 1-based.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import ContentError, Key, raise_all
from ..located import YamlDoc
from .text import CONTROL_CHARS, read_text

__all__ = ["YamlDoc", "load_yaml", "parse_yaml"]

try:  # the C parser is several times faster; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# PyYAML's messages, said the way an editor understands them.
_PROBLEMS = [
    (re.compile(r"found character '\\t' that cannot start any token|found a tab character"),
     "YAML 不能用 Tab 缩进，请改用空格"),
    (re.compile(r"expected ',' or '\]'"), "方括号 [ ] 没有闭合，或列表中少了英文逗号"),
    (re.compile(r"expected ',' or '\}'"), "花括号 { } 没有闭合，或其中少了英文逗号"),
    # libyaml (CSafeLoader) says "in this context" where PyYAML says "here"
    (re.compile(r"mapping values are not allowed (?:here|in this context)"), "此处不能出现冒号“:”（冒号后要有空格，或把含冒号的值用引号括起来）"),
    (re.compile(r"could not find expected ':'"), "缺少键后的冒号“:”"),
    (re.compile(r"found unexpected end of stream"), "文件意外结束（引号或括号没有闭合？）"),
    (re.compile(r"found undefined alias"), "引用了未定义的锚点（*别名）"),
    (re.compile(r"did not find expected key"), "缩进不一致，或少了键名"),
    (re.compile(r"did not find expected '-' indicator"), "列表缩进不一致"),
    (re.compile(r"found unknown escape character"), "双引号中有无法识别的转义字符（反斜杠）"),
    (re.compile(r"did not find expected node content"), "此处缺少值（多了逗号或短横线，或缩进不对？）"),
    (re.compile(r"found character that cannot start any token|found character '.' that cannot start"),
     "值不能以 @ ` % 等符号开头，请把这个值用引号括起来"),
    (re.compile(r"expected <block end>, but found"), "缩进不一致（同一层的键要对齐）"),
    (re.compile(r"found duplicate anchor"), "锚点（&名称）重复"),
]

# "title：测试" — a full-width colon after a key, the commonest slip of an editor
# typing with a Chinese input method. YAML reads the line as a bare string and
# trips a line later, so it is looked for before parsing.
_FULLWIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_-]*)\s*：")
# "title:东岭区…": a key with no space after its colon (but not a URL's "http://")
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_-]*):(?=[^\s/])")


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def _translate(problem: str) -> str:
    for pattern, message in _PROBLEMS:
        if pattern.search(problem):
            return message
    return f"YAML 语法错误（{problem}）"


class _Builder:
    """Turns composed nodes into Python values, recording positions."""

    def __init__(self, path: Path, line_offset: int = 0) -> None:
        self.path = path
        self.offset = line_offset  # errors name the line in the whole file (front matter starts at line 2)
        self.positions: dict[Key, tuple[int, int]] = {}
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.positions[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self._constructor.flatten_mapping(node)
            for key_node, value_node in node.value:
                name = self.build(key_node, key + ("<key>",))
                if isinstance(name, (list, dict)):
                    raise ContentError("键名不能是列表或映射", self.path, key_node.start_mark.line + 1 + self.offset)
                if name in result:
                    raise ContentError(
                        f"键“{name}”重复出现",
                        self.path,
                        key_node.start_mark.line + 1 + self.offset,
                        key_node.start_mark.column + 1,
                        key=key + (name,),
                    )
                self.positions[key + (name,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[name] = self.build(value_node, key + (name,))
                # keep the key's own position (the value's would point past the colon)
                self.positions[key + (name,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            self.positions.pop(key + ("<key>",), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, key + (i,)) for i, child in enumerate(node.value)]
        if node.tag.endswith(":int") and not node.style:  # plain, not quoted (libyaml says "", PyYAML None)
            if _LEADING_ZERO.fullmatch(node.value):  # YAML 1.1 reads 034 as octal 28: kept as typed, so a
                return node.value  # phone number keeps its 0 and the model reads total: 034 as 34
            if ":" in node.value:  # and 10:30 as the base-60 number 630; it is text
                return node.value
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError):
            detail = f"“{node.value}”不是有效的值"
            if node.tag.endswith(":timestamp"):
                detail = f"日期“{node.value}”不存在"
            raise ContentError(
                detail, self.path, node.start_mark.line + 1 + self.offset, node.start_mark.column + 1, key=key
            ) from None
        if isinstance(value, str):
            # "\x01" written as a YAML escape: the file text was clean, the value
            # is not, and Word cannot hold the character
            value = CONTROL_CHARS.sub("", value)
        return value


def _colon_slips(text: str, path: Path, line_offset: int) -> None:
    """"title：…" and "title:…" — a full-width colon, or no space after the colon,
    the commonest slips when typing with a Chinese input method. YAML reads
    either line as a bare string and trips a line or more later, so they are
    looked for before parsing and named at their own line."""
    errors = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = _FULLWIDTH_COLON.match(line)
        if found:
            errors.append(ContentError(
                f"键“{found.group(2)}”后面是全角冒号“：”，应为英文冒号加空格“: ”",
                path, number + line_offset, len(found.group(0)),
            ))  # fmt: skip
            continue
        found = _NO_SPACE.match(line)
        if found:
            key = found.group(2)
            errors.append(ContentError(
                f"键“{key}”的冒号后面要有一个空格（写成 {key}: {line[found.end():][:12]}）",
                path, number + line_offset, found.end(),
            ))  # fmt: skip
    raise_all(errors)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> YamlDoc:
    """Parse YAML text; errors name ``path`` and the line (shifted by ``line_offset``)."""
    _colon_slips(text, path, line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        col = mark.column + 1 if mark else None
        problem = str(exc.problem or exc)
        # libyaml does not name the character: "found character that cannot start any token"
        lines = text.split("\n")
        at = lines[mark.line][mark.column : mark.column + 1] if mark and mark.line < len(lines) else ""
        if at == "\t" and "cannot start any token" in problem:
            problem = "found a tab character"
        if "expected node content" in problem and "flow" in str(exc.context or ""):
            problem = "expected ',' or ']'"  # "a: [1," — an open bracket, as PyYAML would say
        raise ContentError(_translate(problem), path, line, col) from None
    except yaml.YAMLError as exc:
        raise ContentError(_translate(str(exc)), path) from None
    if node is None:
        return YamlDoc(path, None, {(): (1, 1)}, line_offset)
    builder = _Builder(path, line_offset)
    data = builder.build(node, ())
    return YamlDoc(path, data, builder.positions, line_offset)


def load_yaml(path: Path) -> YamlDoc:
    """Read and parse a YAML file (any encoding :func:`read_text` accepts)."""
    return parse_yaml(read_text(path), path)
