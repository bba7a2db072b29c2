"""Architecture gates: no import cycles between the project's modules, the accounts rule layer importing no app,
modules and functions of a readable size, and nothing in the repository pointing to files outside it. (Imports sit
at module top: ruff's PLC0415 in pyproject.toml.)

These read the source (ast), not the running program, so they need no database. The import graph is written by
hand rather than with a package (import-linter/grimp) because the rule is one line — "no cycle among top-level
imports" — and a hand-built graph lets the failure name the exact cycle with its files.
"""

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "core",
    "organizations",
    "cadres",
    "grid_woodpecker",
    "collective_economy",
    "goals",
    "webhooks",
    "dangjian",
)

# Cycles that the split of grid_woodpecker/ and cadres/ into packages (issue 10) removes: each entry is the set of
# modules of one cycle. None is found there today (their imports that would close one sit inside functions, allowed
# by pyproject.toml's per-file-ignores until the split); the list stays for the integrator, who keeps it empty.
ALLOWED_CYCLES: list[frozenset[str]] = []

# The modules that decide who may do what. `core` and every app import them, so they import no app themselves (only
# Django and each other): that is what keeps `core` -> `accounts.scoping` and `accounts.services` -> `core.audit`
# from closing a cycle between the two apps (docs/architecture.md, "Who imports whom").
RULE_LAYER = ("accounts.models", "accounts.permissions", "accounts.roles", "accounts.scoping")

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
# Known offenders (none since the splits of issue 10); an entry that no longer offends fails
# `test_size_allowlists_are_current`, so the lists only shrink.
ALLOWED_LONG_MODULES: set[str] = set()
ALLOWED_LONG_FUNCTIONS: set[str] = set()

# What the repository must not point to: files that live outside it (the shared domain and style notes). Built from
# parts so that this file does not match itself.
OUTSIDE_REFERENCES = ("../" + "shared/", "DOMAIN" + ".md", "STYLE" + ".md")
# Files allowed to cite the outside notes: none (the glossary is docs/domain.md).
OUTSIDE_REFERENCES_ALLOWED_IN: set[str] = set()


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


def test_the_rule_layer_imports_no_app():
    graph = _import_graph()
    leaks = {
        module: sorted(target for target in graph[module] if not target.startswith("accounts."))
        for module in RULE_LAYER
    }
    assert not {m: t for m, t in leaks.items() if t}, f"The rule layer imports apps: {leaks}"
    inside = {target for module in RULE_LAYER for target in graph[module]}
    assert inside <= set(RULE_LAYER), f"The rule layer imports other accounts modules: {inside - set(RULE_LAYER)}"


def _too_long() -> tuple[dict[str, int], dict[str, int]]:
    """Modules over MAX_MODULE_LINES and functions over MAX_FUNCTION_LINES (decorators included), by dotted name."""
    modules, functions = {}, {}
    for name, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            modules[name] = lines
        stack = [(node, name) for node in ast.iter_child_nodes(ast.parse(source))]
        while stack:
            node, prefix = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualified = f"{prefix}.{node.name}"
                if not isinstance(node, ast.ClassDef):
                    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    if node.end_lineno - start + 1 > MAX_FUNCTION_LINES:
                        functions[qualified] = node.end_lineno - start + 1
                stack.extend((child, qualified) for child in ast.iter_child_nodes(node))
            else:
                stack.extend((child, prefix) for child in ast.iter_child_nodes(node))
    return modules, functions


def test_modules_and_functions_stay_readable():
    modules, functions = _too_long()
    long_modules = {name: n for name, n in modules.items() if name not in ALLOWED_LONG_MODULES}
    long_functions = {name: n for name, n in functions.items() if name not in ALLOWED_LONG_FUNCTIONS}
    assert not long_modules, f"Modules over {MAX_MODULE_LINES} lines (split them by sub-domain): {long_modules}"
    assert not long_functions, f"Functions over {MAX_FUNCTION_LINES} lines: {long_functions}"


def test_size_allowlists_are_current():
    # An allowed offender that has been split is dropped from the allowlist, so the list only shrinks.
    modules, functions = _too_long()
    assert ALLOWED_LONG_MODULES <= set(modules), f"No longer over the limit: {ALLOWED_LONG_MODULES - set(modules)}"
    assert ALLOWED_LONG_FUNCTIONS <= set(functions), (
        f"No longer over the limit: {ALLOWED_LONG_FUNCTIONS - set(functions)}"
    )


def _tracked_files() -> list[Path]:
    """The files git tracks (the repository as cloned); a tree without git: every file but the local ones."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        names = subprocess.run(  # a fixed command, no user input
            [git, "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
        ).stdout.split(b"\0")
        return [ROOT / name.decode() for name in names if name]
    skip = {".git", ".venv", "node_modules", "var", "vendor", "__pycache__"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_nothing_points_outside_the_repository():
    found = []
    for path in _tracked_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in OUTSIDE_REFERENCES_ALLOWED_IN or not path.is_file():
            continue
        data = path.read_bytes()
        found += [f"{relative}: {ref}" for ref in OUTSIDE_REFERENCES if ref.encode() in data]
    assert not found, "References to files outside the repository (the glossary is docs/domain.md):\n" + "\n".join(
        found
    )


def test_outside_reference_allowlist_is_current():
    stale = [
        name
        for name in OUTSIDE_REFERENCES_ALLOWED_IN
        if not any(ref.encode() in (ROOT / name).read_bytes() for ref in OUTSIDE_REFERENCES)
    ]
    assert not stale, f"No longer cite outside files (drop them from the allowlist): {stale}"
