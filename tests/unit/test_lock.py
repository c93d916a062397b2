"""requirements/*.txt (the hash-checked lock `make setup` installs) agrees with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins(name: str) -> dict[str, str]:
    return _parse_pins((ROOT / "requirements" / name).read_text())


def _parse_pins(text: str) -> dict[str, str]:
    """Package -> pinned version for the current interpreter (markers evaluated)."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _requirements(*groups: list[str]) -> list[Requirement]:
    return [Requirement(r) for group in groups for r in group]


RUNTIME = _requirements(PROJECT["dependencies"])
DEV = _requirements(PROJECT["optional-dependencies"]["dev"])


@pytest.mark.parametrize("requirement", RUNTIME + DEV, ids=str)
def test_dev_lock_pins_each_declared_requirement_within_its_bounds(
    requirement: Requirement,
) -> None:
    pinned = _pins("dev.txt").get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is not in requirements/dev.txt: run make lock"
    assert requirement.specifier.contains(pinned, prereleases=True), (
        f"requirements/dev.txt pins {requirement.name}=={pinned}, outside {requirement}"
    )


def test_runtime_lock_holds_the_runtime_requirements_at_the_dev_lock_versions() -> None:
    runtime, dev = _pins("runtime.txt"), _pins("dev.txt")
    assert {canonicalize_name(r.name) for r in RUNTIME} <= set(runtime)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert not {"pytest", "ruff", "mypy"} & set(runtime)


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_pin_in_the_lock_carries_a_hash(lock: str) -> None:
    text = (ROOT / "requirements" / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    unhashed = [b.split()[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
    assert unhashed == []


def test_the_installed_environment_is_the_lock() -> None:
    drift = {}
    for name, pinned in _pins("dev.txt").items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed == "missing" or Version(installed) != Version(pinned):
            drift[name] = f"lock {pinned}, installed {installed}"
    assert drift == {}, "the venv drifted from requirements/dev.txt: run make setup"


def test_the_pin_reader_keeps_pins_for_this_interpreter_only() -> None:
    text = (
        "flask==3.1.3 \\\n    --hash=sha256:00\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:11\n"
        "deprecated==1.3.1 ; python_full_version >= '3.0' \\\n"
    )
    assert _parse_pins(text) == {"flask": "3.1.3", "deprecated": "1.3.1"}
