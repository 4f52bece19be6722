"""Imports run one way: plans → drivers, never back. The drivers app is reference knowledge and
must stay usable without the plans app."""

import ast
from pathlib import Path

import drivers

DRIVERS = Path(drivers.__file__).parent


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_drivers_app_never_imports_the_plans_app():
    offenders = [
        f"{path.relative_to(DRIVERS.parent)}: {module}"
        for path in sorted(DRIVERS.rglob("*.py"))
        for module in imported_modules(path)
        if module == "plans" or module.startswith("plans.")
    ]
    assert offenders == []
