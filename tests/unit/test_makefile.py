"""``make run`` installs the service without the development tools; ``make test`` installs them.

Read from ``make -n`` (what make would run, run nothing) in an empty virtualenv directory.
`.ci/run` checks the same for real: it serves from a runtime-only install and fails if pytest is
in it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def uv_syncs(target: str, venv: Path) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(  # noqa: S603 - a fixed command
        [make, "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [line.split("uv ", 1)[1] for line in dry_run.stdout.splitlines() if "/uv sync " in line]


def test_make_run_installs_the_runtime_dependencies_only(tmp_path: Path) -> None:
    """Regression: every target synced --all-groups, so make run (and any install built on it)
    pulled in mypy, ruff, schemathesis, playwright and pytest."""
    assert uv_syncs("run", tmp_path / "venv") == ["sync --frozen --no-dev --inexact"]


def test_make_test_installs_the_development_tools(tmp_path: Path) -> None:
    assert uv_syncs("test", tmp_path / "venv") == ["sync --frozen --all-groups"]
