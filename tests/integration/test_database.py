"""The embedded SQLite database is set up for safe concurrent use."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from service.db.engine import create_engine
from service.settings import Settings

pytestmark = pytest.mark.anyio


async def test_sqlite_connections_enforce_foreign_keys_with_wal_and_a_busy_timeout(
    settings: Settings,
) -> None:
    if not settings.database.is_sqlite:
        pytest.skip("SQLite pragmas only")
    engine = create_engine(settings.database)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await engine.dispose()
