"""structlog set-up, and the line written for each request (by service.lib.edge).

The line carries method, path, status, duration and request id — never headers, bodies or
query strings, so credentials and personal data stay out of the logs.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

import msgspec
import structlog
from litestar.types import Scope

from service.settings import LogSettings

REQUEST_ID_HEADER = "x-request-id"
# A client-supplied id is echoed only when it is short and harmless in a log line.
_REQUEST_ID_HEADER_NAME = REQUEST_ID_HEADER.encode()
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

REQUEST_LOGGER_NAME = "service.request"
_JSON = msgspec.json.Encoder(enc_hook=repr)

request_logger = structlog.get_logger(REQUEST_LOGGER_NAME)


def configure_logging(settings: LogSettings) -> None:
    """JSON lines for machines, or coloured console output for a developer."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    # Library loggers (uvicorn, alembic, sqlalchemy) go through the same renderer.
    handler = _StdoutHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    # Client libraries log whole URLs, query strings included: keep them to warnings.
    logging.getLogger("httpx").setLevel(max(settings.level_number, logging.WARNING))


class _StdoutHandler(logging.StreamHandler[Any]):
    """Writes to the current ``sys.stdout``, even after something (a test, a reloader) swapped it."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        """The stream is always the current stdout."""


class RequestLog:
    """Writes the one line per request.

    In JSON (production), the line is encoded here, with the fields and the shape the structlog
    chain gives every other line, and written straight to standard output: going through
    structlog, the stdlib ``logging`` machinery and the ``ProcessorFormatter`` cost 66 µs a
    line, about as much as Litestar needs to serve a whole request (docs/performance.md).
    The console format, for a developer, keeps the structlog chain.
    """

    def __init__(self, settings: LogSettings) -> None:
        self.enabled = settings.level_number <= logging.INFO
        self.direct = settings.format == "json"

    def write(self, method: str, path: str, status: int, started: float) -> None:
        if not self.enabled:
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        if not self.direct:
            request_logger.info("request", method=method, path=path, status=status, duration_ms=duration_ms)
            return
        line = {
            **structlog.contextvars.get_contextvars(),
            "event": "request",
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "level": "info",
            "logger": REQUEST_LOGGER_NAME,
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        stream = sys.stdout
        stream.write(_JSON.encode(line).decode() + "\n")
        # Like logging.StreamHandler: a line is out when the request is, not when a buffer fills.
        stream.flush()


def current_request_id() -> str | None:
    """The id the edge middleware (service.lib.edge) bound for the request being served."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def request_id_of(scope: Scope) -> str:
    """The client's X-Request-ID when it is safe to log, else a new one."""
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_HEADER_NAME:
            candidate = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
            break
    return secrets.token_hex(16)
