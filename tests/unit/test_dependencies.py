"""Every third-party package the service's code relies on is declared in pyproject.toml.

A package that is merely there because another one pulls it in (Jinja2 came with swagger-ui-py,
anyio with Litestar) disappears the day that other package stops needing it, and the service
breaks on an upgrade nobody connected to it.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# Integrations of a library that need a package the library itself names only as an extra.
INTEGRATIONS = {"litestar.plugins.jinja": "jinja2"}


def imported_modules() -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / "service").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module)
    return modules


def declared_runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonicalize_name(Requirement(line).name) for line in project["dependencies"]}


def test_every_package_the_service_imports_is_a_declared_runtime_dependency() -> None:
    modules = imported_modules()
    top_levels = {module.split(".")[0] for module in modules} - {"service"} - sys.stdlib_module_names
    by_module = packages_distributions()
    used = {distribution for top in top_levels for distribution in by_module[top]}
    used |= {package for module, package in INTEGRATIONS.items() if module in modules}
    assert {canonicalize_name(name) for name in used} - declared_runtime_dependencies() == set()
