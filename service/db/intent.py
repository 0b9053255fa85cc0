"""Tells the database layer whether a request may write, from its HTTP method."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from service.db.engine import write_intent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionIntentMiddleware:
    """Read-only requests open read transactions (SQLite: no write lock, no waiting)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        token = write_intent.set(scope.get("method", "GET") not in SAFE_METHODS)
        try:
            await self.app(scope, receive, send)
        finally:
            write_intent.reset(token)
