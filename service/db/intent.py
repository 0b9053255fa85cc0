"""Tells the database layer whether a request may write, from its HTTP method."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.db.engine import write_intent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionIntentMiddleware(ASGIMiddleware):
    """Read-only requests open read transactions (SQLite: no write lock, no waiting)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = write_intent.set(scope.get("method", "GET") not in SAFE_METHODS)
        try:
            await next_app(scope, receive, send)
        finally:
            write_intent.reset(token)
