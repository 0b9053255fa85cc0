"""The outermost ASGI layer: what every HTTP request and response gets, in one pass.

- a request id (the client's ``X-Request-ID`` when safe, else a new one), bound to the log
  context and echoed in the response;
- whether the request may write (safe methods only read: SQLite opens no write transaction);
- the security headers (service.security.headers);
- one log line when the last byte has left (service.logging.RequestLog).

It wraps Litestar's own ASGI handler, like Litestar's CORS and OpenTelemetry wrappers: route
middleware never sees the router's 404/405, and those responses need a request id, the
headers and a log line too. One plain ASGI callable rather than four stacked middlewares:
each layer cost a coroutine, a ``send`` wrapper and a header rewrite on every request, about
as much together as Litestar needs for a whole response (docs/performance.md).
"""

from __future__ import annotations

import time

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.db.engine import write_intent
from service.db.intent import SAFE_METHODS
from service.logging import REQUEST_ID_HEADER, RequestLog, request_id_of
from service.security.headers import security_headers, with_security_headers

_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        method = scope.get("method", "GET")
        path = scope["path"]
        # Behind a TLS-terminating proxy, uvicorn's --proxy-headers sets the scheme.
        added = (
            *security_headers(path, over_https=scope.get("scheme") == "https"),
            (_REQUEST_ID_HEADER, request_id.encode("latin-1")),
        )
        status = 500
        logged = False

        async def send_at_the_edge(message: Message) -> None:
            nonlocal status, logged
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = with_security_headers(list(message.get("headers", ())), added)
            await send(message)
            # Logged when the last byte leaves, not when the app returns: a client may already
            # have the response by then.
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                logged = True
                self.log.write(method, path, status, started)

        log_context = structlog.contextvars.bind_contextvars(request_id=request_id)
        intent = write_intent.set(method not in SAFE_METHODS)
        try:
            await self.app(scope, receive, send_at_the_edge)
        finally:
            if not logged:
                self.log.write(method, path, status, started)
            write_intent.reset(intent)
            structlog.contextvars.reset_contextvars(**log_context)
