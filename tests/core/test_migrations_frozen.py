"""Migrations carry the code they run: none imports the app, whose later changes would
silently change what an old migration writes."""

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
PROJECT_MODULES = {
    "admin_views",
    "app",
    "bench",
    "cli",
    "extensions",
    "forms",
    "migrations",
    "models",
    "pdfs",
    "seed",
    "settings",
}


def project_imports(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        else:
            continue
        found += [
            f"line {node.lineno}: {name}"
            for name in names
            if name.startswith(".") or name.split(".")[0] in PROJECT_MODULES
        ]
    return found


MIGRATIONS = sorted(VERSIONS.glob("*.py"))


def test_there_are_migrations_to_check():
    assert MIGRATIONS


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: path.name)
def test_migration_imports_no_project_module(path):
    imports = project_imports(ast.parse(path.read_text(), filename=str(path)))
    assert not imports, f"{path.name} imports project code: {', '.join(imports)}"
