"""The suite's own safety net: a hung test fails, with its stack, instead of hanging CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_has_a_time_limit(pytestconfig: pytest.Config) -> None:
    assert float(pytestconfig.getini("timeout")) == 120


def test_a_hung_test_fails_instead_of_hanging(tmp_path: Path) -> None:
    """Regression: nothing bounded a test, so one waiting forever (a lock, a server that never
    answers) hung `make test` and CI with it."""
    (tmp_path / "test_hung.py").write_text("import time\n\n\ndef test_hung():\n    time.sleep(60)\n")
    # The project's configuration, with the limit shortened to one second for the example, and
    # no plugin but the timeout's (loading them all costs seconds).
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path)]
    run = subprocess.run(  # noqa: S603 - a fixed command
        [*command, "-p", "pytest_timeout", "-o", "timeout=1", str(tmp_path / "test_hung.py")],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
        env=os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert run.returncode == 1, run.stdout
    assert "Failed: Timeout (>1.0s) from pytest-timeout" in run.stdout, run.stdout
