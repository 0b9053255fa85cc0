"""The limit the HTTP benchmark measures kit-crise against: a bare Litestar JSON endpoint.

One async handler returning a small msgspec Struct, no middleware, no database: what the
framework and the server cost for one request. It is served by the same server, with the same
options, as the service (``bench.serve``), so the ratio says what kit-crise adds.

    .venv/bin/python -m bench.serve uvicorn bench.bare:create_app --port 8001
"""

from __future__ import annotations

import msgspec
from litestar import Litestar, get


class Status(msgspec.Struct):
    status: str
    version: str


STATUS = Status(status="ok", version="0.0.0")


@get("/bare")
async def bare() -> Status:
    return STATUS


def create_app() -> Litestar:
    return Litestar(route_handlers=[bare], logging_config=None)
