"""One async engine per dialect, with the settings each needs to be safe under load."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service.db.failures import DatabaseUnreachableError
from service.settings import DatabaseSettings

# Whether the current unit of work may write. Commands, migrations and tests write; HTTP
# requests with a safe method (GET, HEAD, OPTIONS) only read (see service.db.intent).
write_intent: ContextVar[bool] = ContextVar("kit_crise_write_intent", default=True)


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    if settings.is_sqlite:
        return _create_sqlite_engine(settings)
    engine = create_async_engine(
        settings.url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        pool_pre_ping=True,
    )

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        # asyncpg lets the socket's OSError (refused, unknown host, timed out) escape as is, and
        # SQLAlchemy wraps only the driver's own errors: named here, it can be told apart from
        # an OSError of anything else (service.db.failures).
        try:
            return dialect.connect(*cargs, **cparams)
        except OSError as exc:
            raise DatabaseUnreachableError(f"cannot connect to the database: {exc}") from exc

    return engine


class InlineReadConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs the statements of a read transaction on the event loop.

    aiosqlite hands every call (cursor, execute, fetch, close, commit) to a thread of its own
    and back: about 30 µs a hop, nine hops for one point read, where SQLite itself needs a few
    microseconds (docs/performance.md). A read transaction in WAL mode never waits for a lock,
    so running it in place cannot stall the loop on another connection's writer. A write
    transaction (BEGIN IMMEDIATE, which may wait ``busy_timeout`` for the write lock) keeps
    the thread. ``inline`` is set when each transaction begins (``_on_begin`` below), from
    the request's write intent: a handler of a safe method (GET) must not write on the
    request's session — it would wait for the write lock on the loop; bookkeeping writes go
    through ``separate_transaction(write=True)``, as they already had to.
    """

    inline = False

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.inline and self._running and self._connection is not None:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]


def _connect_inline_capable(
    database: str, *, iter_chunk_size: int = 64, **kwargs: Any
) -> InlineReadConnection:
    """What ``aiosqlite.connect`` does, with the connection class above. The sqlite3 connection
    is opened in aiosqlite's thread and also used from the loop's: never at the same time (one
    statement at a time per connection), which is what check_same_thread=False allows."""
    kwargs.pop("check_same_thread", None)

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(database, check_same_thread=False, **kwargs)
        return connection

    connection = InlineReadConnection(connector, iter_chunk_size)
    # As SQLAlchemy does for aiosqlite's own connections: a forgotten one never blocks exit.
    connection._thread.daemon = True
    return connection


def _create_sqlite_engine(settings: DatabaseSettings) -> AsyncEngine:
    path = settings.sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {"timeout": settings.sqlite_busy_timeout_ms / 1000}
    if settings.sqlite_inline_reads:
        connect_args["async_creator_fn"] = _connect_inline_capable
    engine = create_async_engine(settings.url, echo=settings.echo, connect_args=connect_args)
    busy_timeout = int(settings.sqlite_busy_timeout_ms)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and hides BEGIN from SQLAlchemy;
        # turning it off and emitting BEGIN ourselves (below) is SQLAlchemy's documented fix.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock up front (IMMEDIATE). A deferred transaction that reads,
        # then writes while another writer holds the lock gets "database is locked" at once,
        # without waiting for busy_timeout (SQLite refuses to wait where it could deadlock):
        # under concurrent edits most writes failed that way. Readers stay deferred, so in WAL
        # mode they never wait for a writer.
        writes = write_intent.get()
        driver_connection = connection.connection.driver_connection
        if isinstance(driver_connection, InlineReadConnection):
            driver_connection.inline = not writes
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine
