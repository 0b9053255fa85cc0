"""A client that retries a creation with the same Idempotency-Key never creates a duplicate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service.db.models import IdempotencyRecord
from service.lib.idempotency import PURGE_INTERVAL, PURGE_STATE_KEY, RETENTION, ExpiredRecordsPurge
from service.settings import Settings
from tests.conftest import bearer
from tests.factories import contact_payload, finess, organisation_payload

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
URL = "/api/v1/organisations"


async def total(client: Client, url: str = URL) -> int:
    count: int = (await client.get(url)).json()["total"]
    return count


async def test_a_retry_replays_the_first_answer(client: Client) -> None:
    payload = organisation_payload()
    headers = {"Idempotency-Key": "crm-7f3a-1"}
    first = await client.post(URL, json=payload, headers=headers)
    retry = await client.post(URL, json=payload, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await total(client) == 1


async def test_without_a_key_each_request_creates(client: Client) -> None:
    await client.post(URL, json=organisation_payload())
    await client.post(URL, json=organisation_payload())
    assert await total(client) == 2


async def test_the_same_key_with_another_body_is_refused(client: Client) -> None:
    headers = {"Idempotency-Key": "crm-7f3a-2"}
    await client.post(URL, json=organisation_payload(name="EHPAD Les Tilleuls"), headers=headers)
    other = await client.post(URL, json=organisation_payload(name="EHPAD Les Lilas"), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await total(client) == 1


async def test_a_refused_request_can_be_corrected_and_retried_with_its_key(client: Client) -> None:
    headers = {"Idempotency-Key": "crm-7f3a-3"}
    refused = await client.post(URL, json=organisation_payload(departement_code="69"), headers=headers)
    assert refused.status_code == 422
    corrected = await client.post(URL, json=organisation_payload(), headers=headers)
    assert corrected.status_code == 201
    assert await total(client) == 1


async def test_keys_are_scoped_to_the_endpoint(client: Client) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    organisation = (await client.post(URL, json=organisation_payload(), headers=headers)).json()
    contacts = f"{URL}/{organisation['id']}/contacts"
    contact = await client.post(contacts, json=contact_payload(), headers=headers)
    again = await client.post(contacts, json=contact_payload(), headers=headers)
    assert contact.status_code == again.status_code == 201
    assert again.json()["id"] == contact.json()["id"]
    assert await total(client, contacts) == 1


async def test_a_key_older_than_a_day_is_forgotten(client: Client, settings: Settings) -> None:
    headers = {"Idempotency-Key": "crm-7f3a-4"}
    payload: dict[str, Any] = organisation_payload()
    first = await client.post(URL, json=payload, headers=headers)
    await client.delete(first.headers["location"])
    engine = create_async_engine(settings.database.url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(IdempotencyRecord).values(created_at=datetime(2000, 1, 1, tzinfo=UTC))
            )
    finally:
        await engine.dispose()
    later = await client.post(URL, json=payload, headers=headers)
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("key", [b"", b"with space", "é".encode("latin-1"), b"x" * 256])
async def test_malformed_keys_are_400(client: Client, key: bytes) -> None:
    response = await client.post(
        URL, json=organisation_payload(finess_et=finess()), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await total(client) == 0


class Clock:
    """A clock the test moves by hand (the purge's schedule and the retention read it)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def stored_keys(settings: Settings, *, age_them: bool = False) -> list[str]:
    """The keys of the stored records; ``age_them`` first makes every record two days old."""
    engine = create_async_engine(settings.database.url)
    try:
        async with engine.begin() as connection:
            if age_them:
                aged = datetime.now(UTC) - 2 * RETENTION
                await connection.execute(update(IdempotencyRecord).values(created_at=aged))
            keys = (await connection.execute(select(IdempotencyRecord.key))).scalars().all()
    finally:
        await engine.dispose()
    return sorted(keys)


async def create_with_key(client: Client, key: str) -> None:
    response = await client.post(URL, json=organisation_payload(), headers={"Idempotency-Key": key})
    assert response.status_code == 201, response.text


async def test_expired_records_are_purged_once_per_interval_not_on_every_create(
    app: Litestar, client: Client, settings: Settings
) -> None:
    """Regression: every keyed create deleted the expired records of every key, so concurrent
    creations on PostgreSQL all deleted, and waited on, the same rows."""
    clock = Clock()
    app.state[PURGE_STATE_KEY] = ExpiredRecordsPurge(clock=clock)
    await create_with_key(client, "old-key")  # the process's first purge: nothing to delete yet
    assert await stored_keys(settings, age_them=True) == ["old-key"]

    clock.now += PURGE_INTERVAL - timedelta(seconds=1)
    await create_with_key(client, "new-key")
    assert await stored_keys(settings) == ["new-key", "old-key"]

    clock.now += timedelta(seconds=1)
    await create_with_key(client, "newer-key")
    assert await stored_keys(settings) == ["new-key", "newer-key"]


async def test_a_purge_deletes_a_bounded_batch_and_the_next_create_goes_on(
    app: Litestar, client: Client, settings: Settings
) -> None:
    clock = Clock()
    app.state[PURGE_STATE_KEY] = ExpiredRecordsPurge(clock=clock, batch=2)
    for key in ("k1", "k2", "k3"):
        await create_with_key(client, key)
    await stored_keys(settings, age_them=True)
    clock.now += PURGE_INTERVAL

    await create_with_key(client, "k4")
    assert len(await stored_keys(settings)) == 2, "k4 and the expired record the batch left"
    await create_with_key(client, "k5")  # a full batch left this create due at once
    assert await stored_keys(settings, age_them=True) == ["k4", "k5"]
    await create_with_key(client, "k6")  # the last batch was not full: the next one waits
    assert await stored_keys(settings) == ["k4", "k5", "k6"]


async def test_an_expired_record_is_not_replayed_before_the_purge(
    app: Litestar, client: Client, settings: Settings
) -> None:
    clock = Clock()
    app.state[PURGE_STATE_KEY] = ExpiredRecordsPurge(clock=clock, interval=timedelta(days=7))
    headers = {"Idempotency-Key": "crm-7f3a-5"}
    first = await client.post(URL, json=organisation_payload(), headers=headers)
    await client.delete(first.headers["location"])

    clock.now += RETENTION + timedelta(minutes=1)  # a day later, before the next purge
    later = await client.post(URL, json=organisation_payload(), headers=headers)

    assert later.status_code == 201, later.text
    assert "idempotent-replayed" not in later.headers
    assert later.json()["id"] != first.json()["id"]
    assert await stored_keys(settings) == ["crm-7f3a-5"]


async def _waiting_on_locks(engine: AsyncEngine) -> int:
    """Sessions of this database blocked on a lock right now (a fresh snapshot each call)."""
    async with engine.connect() as connection:
        waiting = await connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return int(waiting.scalar_one())


async def test_two_creations_at_once_with_one_key_create_once_and_replay(
    app: Litestar, settings: Settings, admin_key: str
) -> None:
    """Regression: on PostgreSQL two requests with the same key at the same moment (a client
    retrying while its first attempt still runs) both missed the record and both created; the
    second then hit the unique key and answered 409 instead of the first answer.

    Both requests are held at the same point for real: a transaction of the test locks the
    organisation table against inserts until both requests wait on a lock (before the fix,
    both on that table; after it, the first on the table and the second on the first's claim
    of the key)."""
    if settings.database.is_sqlite:
        pytest.skip(
            "SQLite serialises writers (BEGIN IMMEDIATE): the second request cannot start before "
            "the first commits, so the race cannot happen there; test_a_retry_replays_the_first_answer "
            "covers what it then sees"
        )
    payload, headers = organisation_payload(), {"Idempotency-Key": "crm-7f3a-race"} | bearer(admin_key)
    engine = create_async_engine(settings.database.url)
    try:
        async with (
            app.lifespan(),
            # The ASGI transport runs each request as a task of this event loop, so both run at
            # once (the test client would run them one after the other).
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client,
        ):
            # The key's last-use bookkeeping is a write of its own: done now, not during the race.
            await client.get("/api/v1/me", headers=bearer(admin_key))
            async with engine.connect() as blocker:
                await blocker.execute(text("LOCK TABLE organisation IN SHARE MODE"))
                requests = [
                    asyncio.create_task(client.post(URL, json=payload, headers=headers)) for _ in range(2)
                ]
                with anyio.fail_after(30):
                    # The database signals nothing when a session starts waiting: poll it.
                    while await _waiting_on_locks(engine) < 2:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                await blocker.rollback()
            first, second = sorted(
                await asyncio.gather(*requests), key=lambda r: "idempotent-replayed" in r.headers
            )
            listed = await client.get(URL, headers=bearer(admin_key))
    finally:
        await engine.dispose()
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert listed.json()["total"] == 1
