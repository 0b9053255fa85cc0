"""structlog set-up and the request middleware that writes one line per request.

The line carries method, path, status, duration and request id — never headers, bodies or
query strings, so credentials and personal data stay out of the logs.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.settings import LogSettings

REQUEST_ID_HEADER = "x-request-id"
# A client-supplied id is echoed only when it is short and harmless in a log line.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_logger = structlog.get_logger("service.request")


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


class RequestLogMiddleware(ASGIMiddleware):
    """Binds a request id to the log context, echoes it back and logs the finished request."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        logged = False

        def log_request() -> None:
            nonlocal logged
            logged = True
            request_logger.info(
                "request",
                method=scope.get("method", ""),
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)
            # Logged when the last byte leaves, not when the app returns: a client may already
            # have the response by then.
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                log_request()

        try:
            await next_app(scope, receive, send_with_request_id)
        finally:
            if not logged:
                log_request()
            structlog.contextvars.unbind_contextvars("request_id")


def current_request_id() -> str | None:
    """The id RequestLogMiddleware bound for the request being served."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode():
            candidate = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex
