"""What the make targets and CI install and run, read from ``make -n`` (which prints the
commands and runs none) in an empty virtualenv directory.

``make run`` installs the service without the development tools, ``make test`` installs them
and lints before the suite, and CI lints once for its two databases. `.ci/run` also checks the
first for real: it serves from a runtime-only install and fails if pytest is in it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(target: str, venv: Path) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    printed = subprocess.run(  # noqa: S603 - a fixed command
        [make, "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return printed.stdout.splitlines()


def uv_syncs(target: str, venv: Path) -> list[str]:
    return [line.split("uv ", 1)[1] for line in dry_run(target, venv) if "/uv sync " in line]


def test_make_run_installs_the_runtime_dependencies_only(tmp_path: Path) -> None:
    """Regression: every target synced --all-groups, so make run (and any install built on it)
    pulled in mypy, ruff, schemathesis, playwright and pytest."""
    assert uv_syncs("run", tmp_path / "venv") == ["sync --frozen --no-dev --inexact"]


def test_make_test_installs_the_development_tools(tmp_path: Path) -> None:
    assert uv_syncs("test", tmp_path / "venv") == ["sync --frozen --all-groups"]


def test_make_test_lints_then_runs_the_suite_and_test_only_runs_the_suite(tmp_path: Path) -> None:
    venv = tmp_path / "venv"

    def steps(target: str) -> list[str]:
        tools = ("ruff check", "ruff format", "mypy", "python -m pytest")
        run = [line.removeprefix(f"{venv}/bin/") for line in dry_run(target, venv)]
        return [tool for command in run for tool in tools if command.startswith(tool)]

    assert steps("test") == ["ruff check", "ruff format", "mypy", "python -m pytest"]
    assert steps("test-only") == ["python -m pytest"]


def test_ci_lints_once_for_both_databases() -> None:
    """Regression: .ci/run called make test for each database, so the lint (mypy --strict
    above all) ran twice."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    calls = re.findall(r"\bmake (test(?:-only)?)\b", script)
    assert sorted(calls) == ["test", "test-only"]
