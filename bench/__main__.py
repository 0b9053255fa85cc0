"""``make bench``: every benchmark of ``bench/``, written to ``bench/results.md``.

    .venv/bin/python -m bench                    (SQLite; uvicorn, and granian when installed)
    KIT_CRISE_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/kc_bench make bench
                                                 (SQLite, then PostgreSQL too: that database is
                                                  dropped and recreated)

Bounded in time (under two minutes on SQLite); nothing is asserted: the figures are read.
"""

from __future__ import annotations

import argparse
import time

from bench import chronogram, http
from bench.report import write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("uvicorn", "granian", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=http.SECONDS, help="per HTTP figure")
    arguments = parser.parse_args()
    started = time.monotonic()
    figures = chronogram.measure()
    wanted = ("uvicorn", "granian") if arguments.server == "both" else (arguments.server,)
    servers = http.servers_available(wanted)
    loads, notes = http.measure(servers, arguments.seconds)
    figures += loads
    path = write(figures, notes=notes, extra_packages=servers)
    print(f"Résultats écrits dans {path} ({time.monotonic() - started:.0f} s).")


if __name__ == "__main__":
    main()
