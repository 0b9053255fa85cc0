"""kit-crise under load, side by side with a bare Litestar endpoint on the same server.

Starts the service (`kit-crise serve` for uvicorn; ``bench.serve`` for granian) on a free
127.0.0.1 port over a temporary SQLite database, and also over PostgreSQL when
``KIT_CRISE_BENCH_DATABASE_URL`` names a database (the benchmark DROPS and recreates it), fills
it through the API (25 establishments, one exercise READY for generation), and starts
``bench.bare`` under the same server with the same options. wrk (Debian's ``wrk``) then loads
each endpoint with 64 connections for a few seconds, in slices alternating with the bare
endpoint, so a change of load on a shared machine hits both sides of a ratio alike; the CPU the
server spends per request is read from /proc beside the rate.

The service runs with its production defaults (JSON request log at INFO, to a file here;
rate limiting on), except that the per-key limit is raised out of reach: a benchmark sends
tens of thousands of calls a minute with one key, and a 429 is not the figure wanted. The
limiter still does its bookkeeping on every call.

    .venv/bin/python -m bench.http                  (uvicorn, and granian when installed)
    .venv/bin/python -m bench.http --server uvicorn --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import Figure

DATABASE_ENV = "KIT_CRISE_BENCH_DATABASE_URL"
CONNECTIONS = 64
SECONDS = 2
# Each figure's seconds, cut in this many slices alternating with the bare endpoint.
ROUNDS = 2
WARM_UP_SECONDS = 1
HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
ORGANISATIONS = 25
# Out of reach of a benchmark, but the limiter still counts every call.
RATE_LIMIT_PER_MINUTE = 1_000_000_000
RATE_LIMIT_ENV = "KIT_CRISE_RATE_LIMIT_PER_MINUTE"
BARE_TARGET = "bench.bare:create_app"
SERVICE_TARGET = "service.app:create_app"


@dataclass(frozen=True)
class Load:
    """What wrk saw for one URL."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    # CPU the server process spent per request served: unlike the rate, it barely moves when
    # other processes of a shared machine take cores away.
    cpu_us_per_request: float = 0.0

    def describe(self) -> str:
        rate = f"{self.requests_per_second:,.0f}".replace(",", "\u202f")
        text = f"{rate} req/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"
        text += f", {self.cpu_us_per_request:.0f} µs CPU/req"
        return text + (f", **{self.failures} failed**" if self.failures else "")


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    target: float | None
    method: str = "GET"


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_COUNT = re.compile(r"^\s+(\d+) requests in", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str) -> Load:
    latencies = {int(match[1]): float(match[2]) * _UNITS[match[3]] for match in _LATENCY.finditer(output)}
    rate, count = _RATE.search(output), _COUNT.search(output)
    if rate is None or count is None or set(latencies) != {50, 99}:
        raise RuntimeError(f"wrk output not understood:\n{output}")
    failures = sum(int(value) for value in (_NON_2XX.findall(output) or ["0"]))
    if errors := _SOCKET_ERRORS.search(output):
        failures += sum(int(value) for value in errors.groups())
    return Load(
        requests_per_second=float(rate[1]),
        p50_ms=latencies[50],
        p99_ms=latencies[99],
        requests=int(count[1]),
        failures=failures,
    )


def wrk(
    url: str,
    seconds: float,
    *,
    headers: dict[str, str],
    script: Path | None = None,
    server: Server | None = None,
) -> Load:
    # wrk takes whole seconds only.
    duration = f"-d{max(1, round(seconds))}s"
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", duration, "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    cpu_before = server.cpu_seconds() if server else 0.0
    completed = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    load = parse_wrk(completed.stdout)
    if server is None or not load.requests:
        return load
    cpu = server.cpu_seconds() - cpu_before
    return dataclasses.replace(load, cpu_us_per_request=cpu / load.requests * 1e6)


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants (granian serves from a child)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command: state, ppid, … utime (14th field of stat) and stime (15th).
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += times.get(current, 0.0)
        pending += children.get(current, [])
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: Sequence[str], env: dict[str, str], log: Path, probe: str) -> Server:
    port = free_port()
    command = [*command, "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    server = Server(name, process, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start-up; see {log}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(server.base + probe, timeout=2):  # noqa: S310
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer on {server.base}{probe} within a minute; see {log}")


# The data a figure reads, created through the API as a client would.


def call(base: str, key: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{method} {path}: {exc.code} {exc.read().decode()}") from exc
    return json.loads(text) if text else None


def finess(serial: int) -> str:
    from service.lib.identifiers import luhn_check_digit  # noqa: PLC0415

    body = f"75{serial:06d}"
    return body + luhn_check_digit(body)


def every_answer() -> dict[str, Any]:
    """A questionnaire an EHPAD's exercise can be READY with: the suite's own factory, kept in
    step with the kit's rules by the tests that use it."""
    from tests.factories import complete_answers  # noqa: PLC0415

    return complete_answers()


def component(code: str, category: str, name: str, *depends_on: str) -> dict[str, Any]:
    return {
        "code": code,
        "category": category,
        "name": name,
        "hosting": "SAAS",
        "criticality": 3,
        "personal_data": True,
        "health_data": category == "DUI",
        "degraded_procedure": False,
        "depends_on": list(depends_on),
    }


@dataclass(frozen=True)
class Data:
    organisation_id: str
    # None when the exercise could not be made READY (the kit's rules moved): no dry-run figure.
    exercise_id: str | None


def fill(base: str, key: str) -> Data:
    ids = [
        call(
            base,
            key,
            "POST",
            "/api/v1/organisations",
            {
                "name": f"EHPAD des Tilleuls {number}",
                "finess_et": finess(number + 1),
                "category": "EHPAD",
                "region_code": "11",
                "departement_code": "75",
                "capacity_places": 80,
            },
        )["id"]
        for number in range(ORGANISATIONS)
    ]
    organisation = ids[0]
    try:
        exercise = ready_exercise(base, key, organisation)
    except (RuntimeError, ImportError, TypeError) as exc:
        print(f"Exercice non préparé, pas de chiffre pour la génération : {exc}", file=sys.stderr)
        exercise = None
    return Data(organisation_id=organisation, exercise_id=exercise)


def ready_exercise(base: str, key: str, organisation: str) -> str:
    call(
        base,
        key,
        "POST",
        f"/api/v1/organisations/{organisation}/contacts",
        {"role": "DIRECTION", "name": "Claire Martin", "phones": ["01 23 45 67 89"]},
    )
    exercise = call(
        base,
        key,
        "POST",
        "/api/v1/exercises",
        {
            "organisation_id": organisation,
            "title": "Exercice cyber 2026",
            "scenario_type": "RANSOMWARE",
            "exercise_date": "2026-03-12",
            "start_time": "09:30",
            "participants": [
                {"role": "DIRECTION", "count": 1},
                {"role": "ENCADREMENT", "count": 2},
                {"role": "REFERENT_SI", "count": 1},
            ],
        },
    )["id"]
    url = f"/api/v1/exercises/{exercise}"
    call(base, key, "PUT", f"{url}/questionnaire", {"answers": every_answer()})
    components = [
        component("INTERNET", "INTERNET", "Fibre"),
        component("DUI", "DUI", "Atalante Soins", "INTERNET"),
        component("MESSAGERIE", "MESSAGERIE", "Messagerie"),
    ]
    call(base, key, "PUT", f"{url}/information-system", {"components": components})
    call(base, key, "PATCH", url, {"status": "READY"})
    exercise_id: str = exercise
    return exercise_id


def endpoints(data: Data) -> list[Endpoint]:
    points = [
        Endpoint("`GET /health/live` (no I/O)", "/health/live", 0.8),
        Endpoint("`GET /api/v1/me` (authentication only)", "/api/v1/me", None),
        Endpoint("GET one organisation", f"/api/v1/organisations/{data.organisation_id}", 0.5),
        Endpoint("list 20 organisations", "/api/v1/organisations?limit=20", 0.35),
    ]
    if data.exercise_id is not None:
        points.append(
            Endpoint(
                "chronogram dry-run (POST, generation without saving)",
                f"/api/v1/exercises/{data.exercise_id}/chronogram?dry_run=true",
                0.3,
                method="POST",
            )
        )
    return points


# Databases.


def databases(work: Path) -> list[tuple[str, str]]:
    """(URL, label) of each database to measure: a temporary SQLite file always, and the
    PostgreSQL database ``KIT_CRISE_BENCH_DATABASE_URL`` names, dropped and recreated, if set."""
    found = [(f"sqlite+aiosqlite:///{work / 'kit-crise.db'}", "SQLite")]
    url = os.environ.get(DATABASE_ENV, "").strip()
    if url:
        recreate(url)
        found.append((url, "PostgreSQL"))
    return found


def recreate(url: str) -> None:
    import asyncpg  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    name = parsed.database
    if not name or not parsed.drivername.startswith("postgresql"):
        raise SystemExit(f"{DATABASE_ENV} must name a PostgreSQL database, got {url!r}")
    maintenance = parsed.set(drivername="postgresql", database="postgres")
    maintenance_url = maintenance.render_as_string(hide_password=False)

    async def run() -> None:
        connection = await asyncpg.connect(maintenance_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(run())


def servers_available(wanted: Sequence[str]) -> list[str]:
    available = []
    for server in wanted:
        if importlib.util.find_spec(server) is None:
            print(f"{server} n'est pas installé : ses chiffres sont omis.", file=sys.stderr)
        else:
            available.append(server)
    return available


def measure(
    servers: Sequence[str], seconds: float = SECONDS, *, log: Path | None = None
) -> tuple[list[Figure], list[str]]:
    """The figures, and notes saying how they were taken. Every server on SQLite; the first
    one only on PostgreSQL (the servers' comparison does not depend on the database, and the
    whole run must stay within two minutes)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est introuvable : apt-get install wrk")
    figures: list[Figure] = []
    labels = []
    with tempfile.TemporaryDirectory(prefix="kit-crise-bench-") as temporary:
        work = Path(temporary)
        log = log or work / "servers.log"
        for index, (url, label) in enumerate(databases(work)):
            labels.append(label)
            figures += measure_database(
                url, label, servers if index == 0 else servers[:1], seconds, work, log
            )
    notes = [
        f"databases: {', '.join(labels)}; {CONNECTIONS} connections, one wrk thread, {seconds:g} s per "
        f"figure after {WARM_UP_SECONDS} s of warm-up, in {ROUNDS} slices alternating with the bare "
        "endpoint; the server runs one worker process",
        "service settings: production defaults (JSON request log at INFO, API key cache 5 s, rate "
        "limiter counting every call with its limit raised out of reach)",
    ]
    return figures, notes


def measure_database(  # noqa: PLR0917
    url: str, label: str, servers: Sequence[str], seconds: float, work: Path, log: Path
) -> list[Figure]:
    env = {
        **os.environ,
        "KIT_CRISE_DATABASE_URL": url,
        # Set in the environment (e.g. to 0, limiter off), it wins.
        "KIT_CRISE_RATE_LIMIT_PER_MINUTE": os.environ.get(RATE_LIMIT_ENV, str(RATE_LIMIT_PER_MINUTE)),
        "KIT_CRISE_LOG_LEVEL": "INFO",
        "KIT_CRISE_LOG_FORMAT": "json",
    }
    kit_crise = str(BIN / "kit-crise")
    subprocess.run([kit_crise, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    created = subprocess.run(  # noqa: S603
        [kit_crise, "api-keys", "create", "--role", "admin", "--name", "Banc d'essai"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    post = work / "post.lua"
    post.write_text('wrk.method = "POST"\n', encoding="utf-8")
    data: Data | None = None
    figures: list[Figure] = []
    for server in servers:
        service_command = (
            [kit_crise, "serve", "--host", HOST]
            if server == "uvicorn"
            else [sys.executable, "-m", "bench.serve", server, SERVICE_TARGET]
        )
        bare_command = [sys.executable, "-m", "bench.serve", server, BARE_TARGET]
        service = start(f"kit-crise ({server})", service_command, env, log, "/health/live")
        try:
            bare = start(f"bare Litestar ({server})", bare_command, env, log, "/bare")
            try:
                data = data or fill(service.base, key)
                figures += load_both(service, bare, endpoints(data), key, post, seconds, f"{label}, {server}")
            finally:
                bare.stop()
        finally:
            service.stop()
    return figures


def load_both(  # noqa: PLR0917
    service: Server,
    bare: Server,
    points: Sequence[Endpoint],
    key: str,
    post: Path,
    seconds: float,
    group: str,
) -> list[Figure]:
    headers = {"Authorization": f"Bearer {key}"}
    # Warm-up: first requests build caches, open pool connections, compile statements.
    wrk(bare.base + "/bare", WARM_UP_SECONDS, headers={})
    for point in points:
        script = post if point.method == "POST" else None
        wrk(service.base + point.path, WARM_UP_SECONDS, headers=headers, script=script)
    figures = []
    for point in points:
        script = post if point.method == "POST" else None
        # Short slices, alternating: a burst of load from another process on a shared machine
        # falls on both sides of the ratio rather than on one figure.
        limits, ours = [], []
        for _ in range(ROUNDS):
            limits.append(wrk(bare.base + "/bare", seconds / ROUNDS, headers={}, server=bare))
            ours.append(
                wrk(
                    service.base + point.path,
                    seconds / ROUNDS,
                    headers=headers,
                    script=script,
                    server=service,
                )
            )
        limit, measured = combined(limits), combined(ours)
        ratio = measured.requests_per_second / limit.requests_per_second
        cpu_ratio = (
            limit.cpu_us_per_request / measured.cpu_us_per_request if measured.cpu_us_per_request else 0.0
        )
        figures.append(
            Figure(
                group=f"HTTP at {CONNECTIONS} connections ({group})",
                name=point.name,
                measured=measured.describe(),
                limit=limit.describe(),
                ratio=ratio,
                target=point.target,
                cpu_ratio=cpu_ratio,
            )
        )
        print(
            f"{group} | {point.name} | {measured.describe()} | bare {limit.describe()} | "
            f"ratio {ratio:.2f} (CPU {cpu_ratio:.2f})",
            flush=True,
        )
    return figures


def combined(loads: Sequence[Load]) -> Load:
    """Slices of equal length as one load: rates averaged, latencies the median slice's."""
    return Load(
        requests_per_second=statistics.fmean(load.requests_per_second for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=statistics.median(load.p99_ms for load in loads),
        requests=sum(load.requests for load in loads),
        failures=sum(load.failures for load in loads),
        cpu_us_per_request=statistics.fmean(load.cpu_us_per_request for load in loads),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("uvicorn", "granian", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--log", type=Path, help="where the servers write (default: a temporary file)")
    arguments = parser.parse_args()
    wanted = ("uvicorn", "granian") if arguments.server == "both" else (arguments.server,)
    measure(servers_available(wanted), arguments.seconds, log=arguments.log)


if __name__ == "__main__":
    main()
