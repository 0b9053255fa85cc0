"""Serve an ASGI application factory under uvicorn or granian, with the service's own options.

The HTTP benchmark compares kit-crise with a bare Litestar app: both must run under the same
server, configured the same way, or the ratio measures the servers instead of the code.

    .venv/bin/python -m bench.serve uvicorn bench.bare:create_app --port 8001
    .venv/bin/python -m bench.serve granian service.app:create_app --port 8002
"""

from __future__ import annotations

import argparse
from typing import Any

from service.cli import UVICORN_OPTIONS

SERVERS = ("uvicorn", "granian")
# granian's equivalents of UVICORN_OPTIONS: one worker, one runtime thread, uvloop, no access
# log (the service writes its own), no websockets (the service has none).
GRANIAN_OPTIONS: dict[str, Any] = {
    "interface": "asgi",
    "workers": 1,
    "loop": "uvloop",
    "websockets": False,
    "log_access": False,
}


def serve(server: str, target: str, port: int) -> None:
    if server == "uvicorn":
        import uvicorn  # noqa: PLC0415

        uvicorn.run(target, factory=True, host="127.0.0.1", port=port, **UVICORN_OPTIONS)
        return
    from granian.server import Server  # noqa: PLC0415

    Server(target, address="127.0.0.1", port=port, factory=True, **GRANIAN_OPTIONS).serve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", choices=SERVERS)
    parser.add_argument("target", help="module:factory")
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    serve(arguments.server, arguments.target, arguments.port)


if __name__ == "__main__":
    main()
