"""Alembic environment: runs on the service's own async engine (SQLite or PostgreSQL).

Commands come through ``kit-crise db …`` (advanced-alchemy's ``AlembicCommands``), which hands
this script the engine built from the service settings, so migrations see the same SQLite
pragmas and URL as the application.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from advanced_alchemy.types import GUID
from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import AsyncEngine, async_engine_from_config

import service.db.models  # noqa: F401 - registers every table on the metadata
from service.db.base import metadata

if TYPE_CHECKING:
    from advanced_alchemy.alembic.commands import AlembicCommandConfig
    from sqlalchemy.engine import Connection

config = cast("AlembicCommandConfig", context.config)


def _compare_type(
    _context: object, _inspected: object, _column: object, _db_type: object, model_type: object
) -> bool | None:
    # SQLite reflects advanced-alchemy's 16-byte GUID as NUMERIC(16): not a real difference.
    if isinstance(model_type, GUID):
        return False
    return None  # Alembic's own comparison for every other type


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=_compare_type if config.compare_type else False,
        compare_server_default=False,
        version_table=config.version_table_name,
        render_as_batch=config.render_as_batch,
        user_module_prefix=config.user_module_prefix,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    _configure(url=config.db_url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    # One transaction for the whole upgrade: PostgreSQL rolls a failed migration back entirely.
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = config.engine or async_engine_from_config(
        {"sqlalchemy.url": config.db_url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    try:
        async with cast("AsyncEngine", engine).connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        # Also when a command fails (`db check` finding a difference): no connection left open.
        await cast("AsyncEngine", engine).dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
