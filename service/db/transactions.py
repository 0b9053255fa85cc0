"""Transactions of their own, outside the request's: authentication reads the caller's key
before the handler's session exists, and a failed login is recorded although the request's
transaction rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service.db.engine import write_intent

SESSION_MAKER_STATE_KEY = "separate_session_maker"


def separate_session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def separate_transaction(app: Litestar, *, write: bool) -> AsyncIterator[AsyncSession]:
    """Commits on exit. ``write`` takes SQLite's write lock up front (see engine.write_intent)."""
    session_maker: async_sessionmaker[AsyncSession] = app.state[SESSION_MAKER_STATE_KEY]
    token = write_intent.set(write)
    try:
        async with session_maker.begin() as session:
            yield session
    finally:
        write_intent.reset(token)
