"""The dependency contract, read from the code's own imports: the domain (`models`) never
imports Flask or the layers above it; no module takes another package's private names; and no
modules import each other in a loop, at load or inside a function (only imports for type
checkers may point back)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("models", "forms", "admin_views", "seed", "pdfs", "bench")
TOP_MODULES = ("app", "cli", "extensions", "settings")
# What the domain may not import: the web framework and everything built on it.
NOT_IN_MODELS = ("flask", "flask_admin", "flask_login", "flask_wtf", "flask_sqlalchemy")
NOT_IN_MODELS += ("flask_limiter", "flask_migrate", "wtforms")
NOT_IN_MODELS += ("admin_views", "forms", "extensions", "app", "cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    paths = [ROOT / f"{name}.py" for name in TOP_MODULES]
    for layer in LAYERS:
        paths += sorted((ROOT / layer).rglob("*.py"))
    return {module_name(path): path for path in paths}


MODULES = project_modules()


class Import:
    """One name or module a module imports, and where."""

    def __init__(self, target: str, name: str | None, line: int):
        self.target, self.name, self.line = target, name, line


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name | ast.Attribute) and "TYPE_CHECKING" in ast.unparse(test)


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Import(a.name, None, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.extend(Import(base, a.name, child.lineno) for a in child.names)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.orelse:
                    visit(statement)
            else:
                visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def loaded_module(item: Import) -> str | None:
    """The project module an import loads: `from models import customers` loads the
    submodule, `from models.base import Base` the module holding the name."""
    if item.name and f"{item.target}.{item.name}" in MODULES:
        return f"{item.target}.{item.name}"
    return item.target if item.target in MODULES else None


def test_the_domain_never_imports_the_web_layers():
    broken = [
        f"{module}:{item.line} imports {item.target}"
        for module in MODULES
        if module == "models" or module.startswith("models.")
        for item in imports_of(module)
        if item.target.split(".")[0] in NOT_IN_MODELS
    ]
    assert broken == []


def test_no_module_takes_another_packages_private_names():
    """`_name` is its package's own: a module of another package uses what it offers."""

    def package(name: str) -> str:
        return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]

    broken = [
        f"{module}:{item.line} takes {item.target}.{item.name}"
        for module in MODULES
        for item in imports_of(module)
        if item.name
        and item.name.startswith("_")
        and not item.name.startswith("__")
        and item.target in MODULES
        and package(item.target) != package(module)
    ]
    assert broken == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph[node]):
            if after not in index:
                connect(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            part = []
            while (member := stack.pop()) != node:
                part.append(member)
            part.append(node)
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_modules_import_each_other_in_a_loop():
    """A package's __init__ handing on its modules' names is no loop: it is loaded first."""
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module in MODULES:
        for item in imports_of(module):
            target = loaded_module(item)
            if target and target != module and not module.startswith(f"{target}."):
                graph[module].add(target)
    assert cycles(graph) == []


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_a_loop_is_found(graph, expected):
    assert cycles(graph) == expected
