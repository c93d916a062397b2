"""Every distribution that app/ and jobs/ import is declared in pyproject's runtime dependencies.

A module that arrives only as someone else's dependency (httpcore through httpx, referencing
through jsonschema) can vanish or change major version in the next release of its parent; a
declared one is pinned by the lock and bounded by us.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"app", "jobs"}
SOURCES = [ROOT / "app", ROOT / "jobs", ROOT / "wsgi.py"]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(source: str, filename: str) -> set[str]:
    """Top-level names of every absolute import, wherever it sits (functions, TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.partition(".")[0])
    return names


def _third_party(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        _canonical(re.split(r"[\s\[<>=!~;(]", req, maxsplit=1)[0])
        for req in project["dependencies"]
    }


@cache
def _module_owners() -> dict[str, list[str]]:
    return packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_canonical(d) for d in _module_owners().get(module, [])}


def _source_files() -> list[Path]:
    return sorted(p for s in SOURCES for p in ([s] if s.is_file() else s.rglob("*.py")))


def _undeclared(files: list[Path], declared: set[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for path in files:
        for module in _third_party(_top_level_imports(path.read_text(), str(path))):
            dists = _distributions(module)
            if not dists:
                problems[module] = f"imported by {path.name}; no installed distribution provides it"
            elif not dists & declared:
                problems[module] = (
                    f"imported by {path.name}; comes from {sorted(dists)}, "
                    "which pyproject [project.dependencies] does not declare"
                )
    return problems


def test_every_imported_distribution_is_declared_in_pyproject() -> None:
    assert _undeclared(_source_files(), _declared()) == {}


def test_the_checker_sees_nested_imports_and_skips_stdlib_and_first_party() -> None:
    source = (
        "import json\nfrom app.models import User\nfrom . import sibling\n"
        "def f():\n    import httpcore._backends.sync\n    from pytest import fixture\n"
    )
    assert _third_party(_top_level_imports(source, "sample.py")) == {"httpcore", "pytest"}


def test_the_checker_reports_a_distribution_that_arrives_only_transitively(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import httpx\nimport httpcore\nimport not_a_module_anywhere\n")
    problems = _undeclared([sample], declared={"httpx"})
    assert set(problems) == {"httpcore", "not_a_module_anywhere"}
    assert "['httpcore']" in problems["httpcore"]


def test_dev_only_tools_do_not_count_as_runtime_declarations() -> None:
    declared = _declared()
    assert {"pytest", "ruff", "mypy"}.isdisjoint(declared)
    assert {"flask", "peewee", "psycopg"} <= declared
