"""The databases are set up for safe concurrent use."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.engine import create_engine
from service.domain.accounts.bootstrap import COMMAND_LINE
from service.domain.organisations.schemas import OrganisationCreate, OrganisationUpdate
from service.domain.organisations.services import OrganisationService
from service.settings import DatabaseSettings, Settings
from tests.factories import organisation_payload

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


async def test_a_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    """Regression: a deferred SQLite transaction that read, then wrote while another writer held
    the lock failed at once with "database is locked" (most concurrent edits did)."""
    engine = create_engine(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'race.db'}"))
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE counter (value INTEGER)"))
            await setup.execute(text("INSERT INTO counter VALUES (0)"))

        first_has_written = asyncio.Event()

        async def second_writer() -> None:
            await first_has_written.wait()
            async with engine.begin() as connection:
                value = (await connection.execute(text("SELECT value FROM counter"))).scalar_one()
                await connection.execute(text("UPDATE counter SET value = :value"), {"value": value + 1})

        async with engine.connect() as first:
            await first.begin()
            value = (await first.execute(text("SELECT value FROM counter"))).scalar_one()
            await first.execute(text("UPDATE counter SET value = :value"), {"value": value + 1})
            second = asyncio.create_task(second_writer())
            first_has_written.set()
            await asyncio.sleep(0.2)
            await first.commit()
        await second

        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT value FROM counter"))).scalar_one() == 2
    finally:
        await engine.dispose()


async def test_concurrent_edits_of_one_row_queue_instead_of_failing(settings: Settings) -> None:
    """Regression: on PostgreSQL two edits of one establishment at once ended in a 500 (lost
    optimistic-lock race); the row is now locked while it is edited."""
    engine = create_engine(settings.database)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            payload = msgspec.convert(organisation_payload(), OrganisationCreate)
            organisation = await OrganisationService(session=session).create_organisation(
                COMMAND_LINE, payload
            )
            await session.commit()

        async def edit(capacity: int) -> int:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                service = OrganisationService(session=session)
                change = OrganisationUpdate(capacity_places=capacity)
                edited = await service.update_organisation(
                    COMMAND_LINE, organisation.id, change, if_match=None
                )
                await asyncio.sleep(0.05)  # keep the transaction open while the other one tries
                await session.commit()
                return edited.revision

        revisions = await asyncio.gather(*(edit(capacity) for capacity in range(10, 16)))
    finally:
        await engine.dispose()
    assert sorted(revisions) == list(range(2, 8))
