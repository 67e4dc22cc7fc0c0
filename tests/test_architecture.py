"""The shape of the package: stages import only earlier stages, nothing imports in a circle,
and the command line is parse → call → present.

Imports are read from the source (every ``import`` statement, function-local
ones included, except those under ``if TYPE_CHECKING:``), so a lazy import
kept for start-up time counts like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "zhuanbao"

#: The stages, lowest first. A module may import modules of its own layer or
#: of earlier ones, never of a later one: data flows up this list, and a
#: stage never reaches back into one that comes after it.
LAYERS = [
    ["zhuanbao", "zhuanbao.diagnostics", "zhuanbao.cn", "zhuanbao.figures", "zhuanbao.cjk", "zhuanbao.fsio",
     "zhuanbao.located"],
    ["zhuanbao.doctree", "zhuanbao.model", "zhuanbao.style"],  # values and schemas
    ["zhuanbao.load"],  # files → values
    ["zhuanbao.indicators", "zhuanbao.markdown"],  # compute
    ["zhuanbao.chart", "zhuanbao.picture", "zhuanbao.render"],  # values → document tree
    ["zhuanbao.docx"],  # document tree → bytes
    ["zhuanbao.export"],  # .docx → PDF, PNG
    ["zhuanbao.workspace"],  # warm state of a long-running process
    ["zhuanbao.build"],  # the driver
    ["zhuanbao.archive.layout", "zhuanbao.archive.docx_tables"],  # where everything in an archive lives; its .docx read
    ["zhuanbao.archive.catalogue"],  # derived from the layout's files
    ["zhuanbao.archive"],  # publish, verify, site, stats
    ["zhuanbao.lint", "zhuanbao.scaffold", "zhuanbao.importer", "zhuanbao.wordtable", "zhuanbao.watch", "zhuanbao.itemfile",
     "zhuanbao.yamledit", "zhuanbao.issuefile", "zhuanbao.tablefile", "zhuanbao.arrange", "zhuanbao.recyclebin",
     "zhuanbao.printed", "zhuanbao.editback"],  # the editor's tools
    ["zhuanbao.services"],  # the use cases
    ["zhuanbao.cli", "zhuanbao.studio", "zhuanbao.__main__", "zhuanbao.api"],  # the faces (api: for Python scripts)
]  # fmt: skip


def module_name(path: Path) -> str:
    parts = ["zhuanbao", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _under_type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str) -> set[str]:
    """The zhuanbao modules ``name`` imports (a package import counts as its __init__)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text("utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from . import cn" imports the module zhuanbao.cn; "from .cn import x" the module zhuanbao.cn
            targets = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in MODULES else stem for alias in node.names]
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int:
    best = None
    for index, group in enumerate(LAYERS):
        for prefix in group:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[0]


def test_every_module_has_a_layer():
    for name in MODULES:
        layer(name)


def test_no_stage_imports_a_later_one():
    upward = [(name, target) for name, targets in GRAPH.items() for target in sorted(targets)
              if layer(target) > layer(name)]  # fmt: skip
    assert upward == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", ["zhuanbao.model", "zhuanbao.style", "zhuanbao.doctree"])
def test_values_import_nothing_from_loading(name):
    assert not [t for t in GRAPH[name] if t.startswith("zhuanbao.load")]


def test_only_the_command_line_imports_typer_or_prints():
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("zhuanbao.cli"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                offenders += [(name, m) for m in modules if m.split(".")[0] in ("typer", "click", "rich")]
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("print", "sys.exit", "exit"):
                offenders.append((name, ast.unparse(node.func)))
    assert offenders == []


def test_each_command_is_parse_call_present():
    """A command body (after its docstring) is a few lines: the logic lives in services.py."""
    tree = ast.parse((PACKAGE / "cli" / "__init__.py").read_text("utf-8"))
    commands = [f for f in tree.body if isinstance(f, ast.FunctionDef)
                and any("command" in ast.unparse(d) for d in f.decorator_list)]  # fmt: skip
    assert len(commands) >= 12
    for function in commands:
        body = function.body[1:] if isinstance(function.body[0], ast.Expr) else function.body
        lines = body[-1].end_lineno - body[0].lineno + 1
        assert lines <= 15, (function.name, lines)
        called = {ast.unparse(n.func) for n in ast.walk(function) if isinstance(n, ast.Call)}
        # the studio command starts the other face, whose routes call the use cases (tests/test_studio_http.py)
        assert any(c.startswith("services.") for c in called) or function.name == "studio", function.name
