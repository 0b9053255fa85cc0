"""What every benchmark of ``bench/`` hands back, and how ``make bench`` writes it down.

A figure is always a pair measured in the same run: what kit-crise does, and the limit it is
compared with (a bare Litestar endpoint, or merely decoding the input). Machines differ and a
shared machine is noisy, so the ratio is what can be compared from one run to the next; the
absolute numbers only describe the run.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "results.md"
PACKAGES = ("kit-crise", "litestar", "msgspec", "sqlalchemy", "advanced-alchemy", "aiosqlite", "asyncpg")


@dataclass(frozen=True)
class Figure:
    """One line of the results: ``ratio`` is our speed over the limit's (1.0: as fast as it)."""

    group: str
    name: str
    measured: str
    limit: str
    ratio: float
    target: float | None
    note: str = ""
    # The same comparison in CPU time per request, when measured (robust on a shared machine).
    cpu_ratio: float | None = None

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "—"
        return "met" if self.ratio >= self.target else "**not met**"


def package_versions(extra: Sequence[str] = ()) -> str:
    found = []
    for name in (*PACKAGES, *extra):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (absent)")
    return ", ".join(found)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs, "
        f"load average {load} when the run ended"
    )


def tool_version(command: Sequence[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
    except OSError:
        return "absent"
    output = (completed.stdout or completed.stderr).strip().splitlines()
    return output[0] if output else "unknown"


def render(figures: Sequence[Figure], *, notes: Sequence[str], extra_packages: Sequence[str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); nothing here is asserted by a test. Each figure",
        "is measured beside its limit in the same run; the ratio is our rate over the limit's",
        "(1.0 = as fast as the limit) and is what to compare between runs. The CPU ratio compares",
        "the server's CPU time per request instead: it moves less than the rate when other",
        "processes take cores away, so it is the steadier figure on a shared machine",
        "(docs/performance.md says how far to trust it).",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {machine()}",
        f"- Python {platform.python_version()}; {package_versions(extra_packages)}",
        f"- load generator: {tool_version(['wrk', '--version'])}",
        *(f"- {note}" for note in notes),
        "",
    ]
    for group in dict.fromkeys(figure.group for figure in figures):
        lines += [
            f"## {group}",
            "",
            "| figure | measured | limit, same run | ratio | CPU ratio | target | |",
            "|---|---|---|---|---|---|---|",
        ]
        for figure in (figure for figure in figures if figure.group == group):
            target = "—" if figure.target is None else f"≥ {figure.target:.2f}"
            name = f"{figure.name} ({figure.note})" if figure.note else figure.name
            cpu = "—" if figure.cpu_ratio is None else f"{figure.cpu_ratio:.2f}"
            cells = (name, figure.measured, figure.limit, f"{figure.ratio:.2f}", cpu, target, figure.verdict)
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write(figures: Sequence[Figure], *, notes: Sequence[str], extra_packages: Sequence[str]) -> Path:
    RESULTS_PATH.write_text(render(figures, notes=notes, extra_packages=extra_packages), encoding="utf-8")
    return RESULTS_PATH
