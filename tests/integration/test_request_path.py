"""The request path made cheap (docs/performance.md, ADR 0005) without changing what a caller
sees: a verified key is trusted a few seconds and no longer, ``last_used_at`` is still written
but never makes a client wait, a read never waits for a writer, and CSRF stays on the admin's
forms only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from service.app import create_app
from service.db.engine import create_engine, write_intent
from service.db.models import ApiKey
from service.security.authentication import LAST_USED_RESOLUTION, verifier_of
from service.security.headers import API_POLICY
from service.settings import Settings
from tests.conftest import bearer, settings_for
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ME = "/api/v1/me"
API_KEYS = "/api/v1/api-keys"
ORGANISATIONS = "/api/v1/organisations"
CACHE_SECONDS = 5
# Long enough that a request waiting for it would hang the test, not merely slow it down.
BUSY_TIMEOUT_MS = 120_000
# Only a guard against a hang: nothing here measures time.
HANG = 60


class Clock:
    """Stands for time.monotonic and datetime.now in the key verifier: tests move it."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.wall = datetime.now(UTC)

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.wall

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.wall += timedelta(seconds=seconds)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Production's key cache, and a SQLite busy timeout no test could wait out."""
    settings = settings_for(database_url, api_key_cache_seconds=CACHE_SECONDS)
    return replace(settings, database=replace(settings.database, sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS))


@asynccontextmanager
async def replica(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Client]:
    """One process of the service, authenticated as the admin until a test says otherwise."""
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        if clock is not None:
            verifier = verifier_of(app)
            verifier.monotonic, verifier.now = clock.monotonic, clock.now
        yield client


async def create_key(client: Client | httpx.AsyncClient, admin_key: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        API_KEYS, json={"name": "CRM du CRRC", "role": "ADMIN"} | fields, headers=bearer(admin_key)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def change_in_database(settings: Settings, key_id: str, **values: Any) -> None:
    """A change made behind the service's back (another tool, a database console)."""
    engine = create_engine(settings.database)
    try:
        async with engine.begin() as connection:
            await connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(**values))
    finally:
        await engine.dispose()


async def last_used_at(client: Client | httpx.AsyncClient, admin_key: str, key_id: str) -> str | None:
    value: str | None = (await client.get(f"{API_KEYS}/{key_id}", headers=bearer(admin_key))).json()[
        "last_used_at"
    ]
    return value


# A verified key is trusted for the stated delay, and not a moment longer.


async def test_a_key_revoked_elsewhere_is_refused_once_the_delay_is_over(
    settings: Settings, admin_key: str
) -> None:
    """Revoked by another replica (another process: this one hears nothing of it)."""
    clock = Clock()
    async with replica(settings, clock) as client:
        key = await create_key(client, admin_key)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        await change_in_database(settings, key["id"], revoked_at=clock.now())
        # The process that verified the key a moment ago trusts it for the stated delay (ADR 0005)…
        clock.advance(CACHE_SECONDS - 1)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        # …and not a moment longer.
        clock.advance(1)
        assert_problem(await client.get(ME, headers=bearer(key["secret"])), 401, "api_key_revoked")


async def test_a_key_revoked_through_the_same_process_is_refused_at_once(
    settings: Settings, admin_key: str
) -> None:
    async with replica(settings, Clock()) as client:
        key = await create_key(client, admin_key)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        assert (await client.delete(f"{API_KEYS}/{key['id']}", headers=bearer(admin_key))).status_code == 204
        assert_problem(await client.get(ME, headers=bearer(key["secret"])), 401, "api_key_revoked")


async def test_an_expiry_moved_in_the_database_applies_after_the_delay(
    settings: Settings, admin_key: str
) -> None:
    clock = Clock()
    async with replica(settings, clock) as client:
        key = await create_key(client, admin_key)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        await change_in_database(settings, key["id"], expires_at=clock.now() - timedelta(seconds=1))
        clock.advance(CACHE_SECONDS)
        assert_problem(await client.get(ME, headers=bearer(key["secret"])), 401, "api_key_expired")


async def test_a_cached_key_expires_on_time(settings: Settings, admin_key: str) -> None:
    clock = Clock()
    async with replica(settings, clock) as client:
        expires_at = clock.now() + timedelta(seconds=2)
        key = await create_key(client, admin_key, expires_at=expires_at.isoformat())
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        # Well inside the cache's delay: the expiry is checked against the clock on every call.
        clock.advance(2)
        assert_problem(await client.get(ME, headers=bearer(key["secret"])), 401, "api_key_expired")


async def test_a_cached_key_still_needs_its_whole_secret(settings: Settings, admin_key: str) -> None:
    async with replica(settings, Clock()) as client:
        key = await create_key(client, admin_key)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        wrong = key["secret"][:-1] + ("A" if key["secret"][-1] != "A" else "B")
        assert_problem(await client.get(ME, headers=bearer(wrong)), 401, "invalid_api_key")


# last_used_at: still written, at most once a minute, never in a client's way.


async def test_last_used_at_moves_at_most_once_a_minute(settings: Settings, admin_key: str) -> None:
    clock = Clock()
    async with replica(settings, clock) as client:
        key = await create_key(client, admin_key)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        first = await last_used_at(client, admin_key, key["id"])
        assert first is not None
        clock.advance(LAST_USED_RESOLUTION.total_seconds() - 1)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        assert await last_used_at(client, admin_key, key["id"]) == first
        clock.advance(2)
        assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
        later = await last_used_at(client, admin_key, key["id"])
        assert later is not None
        assert datetime.fromisoformat(later) >= datetime.fromisoformat(first) + LAST_USED_RESOLUTION


@asynccontextmanager
async def a_writer_holding(settings: Settings, key_id: str) -> AsyncIterator[AsyncConnection]:
    """Another writer with a lock on the key's row (SQLite: the whole database's write lock)."""
    engine = create_engine(settings.database)
    token = write_intent.set(True)
    try:
        async with engine.connect() as connection:
            await connection.begin()
            await connection.execute(select(ApiKey.id).where(ApiKey.id == key_id).with_for_update())
            yield connection
    finally:
        write_intent.reset(token)
        await engine.dispose()


async def call_app(app: Litestar, path: str, token: str, answered: anyio.Event) -> list[int]:
    """Calls the ASGI app as a server does; ``answered`` is set when the last byte is sent,
    which may be before the app returns."""
    statuses: list[int] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answered.set()

    await app(scope, receive, send)  # type: ignore[arg-type]
    return statuses


async def test_a_client_never_waits_for_the_last_used_at_write(settings: Settings, admin_key: str) -> None:
    app = create_app(settings)
    # In the test's own event loop (the test client serves from a loop of its own): the request
    # is called as a server calls it, and the response seen before the app has returned.
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        key = await create_key(client, admin_key)
        answered = anyio.Event()
        results: list[list[int]] = []

        async def first_use() -> None:
            results.append(await call_app(app, ME, key["secret"], answered))

        async with a_writer_holding(settings, key["id"]) as writer, anyio.create_task_group() as tasks:
            tasks.start_soon(first_use)
            # The response leaves while the writer still holds its lock: the key was read
            # without waiting for it, and the bookkeeping write waits after the response.
            with anyio.fail_after(HANG):
                await answered.wait()
            assert not results, "the request should still be waiting to write last_used_at"
            await writer.rollback()
        assert results == [[200]]
        assert await last_used_at(client, admin_key, key["id"]) is not None


async def test_reads_are_served_while_a_write_waits_for_the_lock(settings: Settings, admin_key: str) -> None:
    """SQLite runs read transactions on the event loop (service.db.engine): a write waiting for
    the write lock must wait elsewhere, or it would stop every other request."""
    if not settings.database.is_sqlite:
        pytest.skip("SQLite's write lock; PostgreSQL writers wait on the server, never in the process")
    async with replica(settings) as client:
        client.headers.update(bearer(admin_key))
        key = await create_key(client, admin_key)
        created: list[int] = []

        async def create() -> None:
            created.append((await client.post(ORGANISATIONS, json=organisation_payload())).status_code)

        async with a_writer_holding(settings, key["id"]) as writer, anyio.create_task_group() as tasks:
            tasks.start_soon(create)
            with anyio.fail_after(HANG):
                for _ in range(3):
                    listed = await client.get(ORGANISATIONS)
                    assert listed.status_code == 200, listed.text
            assert not created, "the creation should still be waiting for the write lock"
            await writer.rollback()
        assert created == [201]


# CSRF guards the admin's cookie forms, and is not on the API's path.


async def test_the_api_takes_no_csrf_token_even_from_a_browser_with_the_cookie(
    settings: Settings, admin_key: str
) -> None:
    async with replica(settings) as client:
        client.cookies.set("csrftoken", "a-token-from-the-admin")
        response = await client.post(ORGANISATIONS, json=organisation_payload(), headers=bearer(admin_key))
        assert response.status_code == 201, response.text
        assert "csrftoken" not in response.headers.get("set-cookie", "")
        assert response.headers["content-security-policy"] == API_POLICY


async def test_an_admin_form_posted_without_its_token_is_still_refused(settings: Settings) -> None:
    async with replica(settings) as client:
        form = await client.get("/admin/login")
        assert form.status_code == 200
        response = await client.post("/admin/login", data={"email": "a@b.fr", "password": "x" * 12})
        assert_problem(response, 403, "csrf_failed")
