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
    (re.compile(r"exceeded maximum nesting depth"), "列表或映射嵌套太深"),
]

# Limits on what a few bytes of YAML may make us build. An alias (*名称) is
# the value its anchor (&名称) names, so nine aliases of nine aliases of …
# ("billion laughs") are a few hundred bytes that stand for billions of values,
# and ``&a [*a]`` is a list inside itself. Real series, issue and front matter
# files use a handful of aliases, nested a few levels deep.
#: values built again through an alias or a merge key (<<), counting aliases inside aliases
MAX_ALIAS_VALUES = 10_000
#: characters of the text values built again that way: a few aliases of one long
#: text are a few values, but 5,000 aliases of 40,000 characters are 200 million
MAX_ALIAS_CHARS = 1_000_000
#: lists and mappings inside each other
MAX_DEPTH = 50

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
    """Turns composed nodes into Python values, recording positions.

    The composed tree shares a node wherever an alias points at it, so
    building is where an alias bomb would explode: values built again through
    aliases are counted (:data:`MAX_ALIAS_VALUES`), and so are the characters
    of their scalars (:data:`MAX_ALIAS_CHARS`), nesting is bounded
    (:data:`MAX_DEPTH`) and a node met inside itself is refused.
    """

    def __init__(self, path: Path, line_offset: int = 0, text: str = "") -> None:
        self.path = path
        self.offset = line_offset  # errors name the line in the whole file (front matter starts at line 2)
        self.positions: dict[Key, tuple[int, int]] = {}
        self._constructor = yaml.SafeLoader("")
        self._text = text  # parsed again only to name an alias in an error
        self._built: set[int] = set()  # ids of nodes built once: meeting one again is an alias
        # collections being built, outermost first: id → (node, reached again through an alias)
        self._open: dict[int, tuple[yaml.Node, bool]] = {}
        self._copies = 0
        self._chars = 0
        self._merged: dict[int, yaml.Node] = {}  # id of a mapping with a merge key → the first mapping it merges

    def build(self, node: yaml.Node, key: Key, depth: int = 0) -> Any:
        collection = isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
        if collection and id(node) in self._open:
            self._refuse_cycle(node)
        again = id(node) in self._built
        if again:
            # an aliased collection's scalars are built again one by one, so
            # counting each scalar counts the characters of all it holds
            self._charge(1, node, 0 if collection else len(node.value))
        else:
            self._built.add(id(node))
        if not collection:
            return self._scalar(node, key)
        if depth >= MAX_DEPTH:
            _, mark = self._outer_alias(node)
            raise ContentError(
                f"列表或映射嵌套太深（超过 {MAX_DEPTH} 层）", self.path, mark.line + 1 + self.offset, mark.column + 1
            )
        self._open[id(node)] = (node, again)
        try:
            return self._collection(node, key, depth + 1)
        finally:
            del self._open[id(node)]

    def _collection(self, node: yaml.Node, key: Key, depth: int) -> Any:
        self.positions[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, key + (i,), depth) for i, child in enumerate(node.value)]
        result: dict[Any, Any] = {}
        self._flatten(node)
        for key_node, value_node in node.value:
            name = self.build(key_node, key + ("<key>",), depth)
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
            result[name] = self.build(value_node, key + (name,), depth)
            # keep the key's own position (the value's would point past the colon)
            self.positions[key + (name,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        self.positions.pop(key + ("<key>",), None)
        return result

    def _scalar(self, node: yaml.Node, key: Key) -> Any:
        self.positions[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
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

    def _flatten(self, node: yaml.MappingNode) -> None:
        """Merge keys (``<<: *defaults``) replaced by the pairs they bring, as
        PyYAML's ``flatten_mapping`` does, but with the pairs counted: merging a
        merge of two merges of … doubles at every step."""
        merge: list[tuple[yaml.Node, yaml.Node]] = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            if key_node.tag == "tag:yaml.org,2002:merge":
                del node.value[index]
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                submerge = []
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        raise ContentError(
                            "合并键“<<”后面应是一个映射的别名（*名称），或这样的别名组成的列表",
                            self.path, source.start_mark.line + 1 + self.offset, source.start_mark.column + 1,
                        )  # fmt: skip
                    if source is node or id(source) in self._open:
                        self._refuse_cycle(source)
                    self._open[id(source)] = (source, False)  # a merge inside what it merges is a cycle too
                    try:
                        self._flatten(source)
                    finally:
                        del self._open[id(source)]
                    self._charge(len(source.value), source)
                    self._merged.setdefault(id(node), source)
                    submerge.append(source.value)
                for pairs in reversed(submerge):
                    merge.extend(pairs)
            elif key_node.tag == "tag:yaml.org,2002:value":
                key_node.tag = "tag:yaml.org,2002:str"
                index += 1
            else:
                index += 1
        if merge:
            node.value = merge + node.value

    def _charge(self, copies: int, node: yaml.Node, chars: int = 0) -> None:
        self._copies += copies
        self._chars += chars
        if self._copies <= MAX_ALIAS_VALUES and self._chars <= MAX_ALIAS_CHARS:
            return
        anchor, mark = self._outer_alias(node)
        name = f" *{anchor} " if anchor else ""
        if self._copies > MAX_ALIAS_VALUES:
            what = f"展开后的内容太多（各处别名共展开超过 {MAX_ALIAS_VALUES:,} 个值）"
        else:
            what = f"展开后的文字太长（各处别名共展开超过 {MAX_ALIAS_CHARS:,} 个字符）"
        raise ContentError(
            f"别名{name}{what}；请直接写出内容，不要用 & 锚点和 * 别名层层引用",
            self.path, mark.line + 1 + self.offset, mark.column + 1,
        )  # fmt: skip

    def _outer_alias(self, node: yaml.Node) -> tuple[str | None, Any]:
        """The outermost alias on the way to ``node`` — the one an editor wrote
        at this place — with its anchor; for a text a merge key brought, the
        merge's alias; ``node``'s own place when none is."""
        outer = next((n for n, again in self._open.values() if again), None)
        if outer is not None:
            return self._alias(outer, inside=False)
        anchor, mark = self._alias(node, inside=False)
        if anchor is None:  # a text merged in by a merge key: the merge's alias
            source = next((self._merged[i] for i in reversed(self._open) if i in self._merged), None)
            if source is not None:
                return self._alias(source, inside=False)
        return anchor, mark

    def _refuse_cycle(self, node: yaml.Node) -> None:
        anchor, mark = self._alias(node, inside=True)
        what = f"锚点“&{anchor}”的内容里又引用了它自己（*{anchor}）" if anchor else "锚点的内容里又引用了它自己"
        raise ContentError(f"{what}，无法展开", self.path, mark.line + 1 + self.offset, mark.column + 1)

    def _alias(self, node: yaml.Node, *, inside: bool) -> tuple[str | None, Any]:
        """The anchor ``node`` was written with and where an alias to it is (the
        first one inside the node itself when ``inside``, else the first one);
        the node's own place when the events do not tell."""
        anchor, first = None, None
        start = (node.start_mark.line, node.start_mark.column)
        for event in yaml.parse(self._text, Loader=_Loader):
            if anchor is None:
                if not isinstance(event, yaml.AliasEvent) and getattr(event, "anchor", None) is not None:
                    if (event.start_mark.line, event.start_mark.column) == start:
                        anchor = event.anchor
                continue
            if isinstance(event, yaml.AliasEvent) and event.anchor == anchor:
                first = first or event.start_mark
                if not inside or _before(event.start_mark, node.end_mark):
                    return anchor, event.start_mark
        return anchor, first or node.start_mark


def _before(mark: Any, end: Any) -> bool:
    return (mark.line, mark.column) < (end.line, end.column)


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
        if mark and exc.context_mark and not text[mark.index :].strip():
            mark = exc.context_mark  # the end reached with a [ { or quote open: where it was opened, not the end
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
    except RecursionError:  # PyYAML's own composer, where libyaml is absent, recurses per level
        raise ContentError("列表或映射嵌套太深", path) from None
    if node is None:
        return YamlDoc(path, None, {(): (1, 1)}, line_offset)
    builder = _Builder(path, line_offset, text)
    data = builder.build(node, ())
    return YamlDoc(path, data, builder.positions, line_offset)


def load_yaml(path: Path) -> YamlDoc:
    """Read and parse a YAML file (any encoding :func:`read_text` accepts)."""
    return parse_yaml(read_text(path), path)
