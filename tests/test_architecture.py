"""Architecture gates: no import cycles between the project's modules, modules and functions of a readable size,
and nothing in the repository pointing to files outside it.

These read the source (ast), not the running program, so they need no database. The import graph is written by
hand rather than with a package (import-linter/grimp) because the rule is one line — "no cycle among top-level
imports" — and a hand-built graph lets the failure name the exact cycle with its files.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "core", "organizations", "cadres", "grid_woodpecker", "collective_economy", "goals", "dangjian")

# Cycles that the split of grid_woodpecker/ and cadres/ into packages (issue 10) removes. Each entry is the set of
# modules of one cycle. The integrator empties this once the splits are merged.
ALLOWED_CYCLES: list[frozenset[str]] = []

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
# Current offenders in the two apps being split into packages (issue 10); the integrator empties these after merging.
ALLOWED_LONG_MODULES: set[str] = set()
ALLOWED_LONG_FUNCTIONS: set[str] = set()


def _modules() -> dict[str, Path]:
    """Every module of the apps (migrations aside), by dotted name."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _top_level_imports(tree: ast.AST):
    """Import statements run when the module is imported: not those inside a function body."""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports_of(name: str, is_package: bool, source: str, modules) -> set[str]:
    """The project modules that importing `name` (whose code is `source`) imports in turn."""
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    edges = set()
    for node in _top_level_imports(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, node.module] if node.module else package)
            else:
                base = node.module
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in modules else base)
        for target in targets:
            if target in modules and target != name:
                edges.add(target)
            # Importing a.b.c first runs a/__init__ and a/b/__init__ (those of the importer's own packages are
            # already under way and are left out unless imported by name, as above).
            parts = target.split(".")
            for i in range(1, len(parts)):
                module = ".".join(parts[:i])
                if module in modules and module != name and module not in ancestors:
                    edges.add(module)
    return edges


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: _imports_of(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), modules)
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_cycle(graph, component) for component in components]


def _one_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module, for the failure message."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node] & component):
            if succ == start:
                return [*paths[node], start]
            if succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    return sorted(component)


def test_no_import_cycles():
    graph = _import_graph()
    cycles = _cycles(graph)
    unexpected = [cycle for cycle in cycles if not any(set(cycle) <= allowed for allowed in ALLOWED_CYCLES)]
    assert not unexpected, "Import cycles among top-level imports:\n" + "\n".join(" -> ".join(c) for c in unexpected)


def test_the_cycle_check_finds_a_cycle():
    # The check itself: a two-module cycle and a longer one are reported, a chain is not.
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(sorted(c) for c in _cycles(graph)) == [["a", "a", "b"], ["c", "c", "d", "e"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("goals.services", "from . import tasks", {"goals.tasks"}),
        ("goals.sources.cadres", "from ..indicators import Figure", {"goals.indicators"}),
        ("goals.sources.cadres", "from . import counts_by_path", {"goals.sources"}),
        ("goals.views", "from goals.sources import cadres", {"goals.sources", "goals.sources.cadres"}),
        ("core.views", "import accounts.scoping", {"accounts", "accounts.scoping"}),
        ("goals.apps", "def ready():\n    from . import services\n", set()),
        ("goals.apps", "class A:\n    from . import services\n", {"goals.services"}),
        ("goals.apps", "from django.db import models", set()),
    ],
)
def test_the_graph_reads_imports_as_python_runs_them(module, source, expected):
    modules = _modules()
    assert _imports_of(module, modules[module].name == "__init__.py", source, modules) == expected
