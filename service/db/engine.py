"""One async engine per dialect, with the settings each needs to be safe under load."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

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


def _create_sqlite_engine(settings: DatabaseSettings) -> AsyncEngine:
    path = settings.sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        settings.url,
        echo=settings.echo,
        connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000},
    )
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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")

    return engine
