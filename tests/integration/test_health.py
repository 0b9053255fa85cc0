"""Probes: liveness without I/O, readiness that tells when the database is gone."""

from __future__ import annotations

import anyio
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from service.app import create_app
from service.db.engine import create_engine
from service.settings import Settings
from tests.conftest import bearer, settings_for
from tests.factories import organisation_payload

pytestmark = pytest.mark.anyio


async def test_liveness_answers_without_database(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readiness_checks_the_database(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readiness_is_503_problem_when_database_is_unreachable() -> None:
    # Port 9 (discard) is closed on the test machines: the connection is refused at once.
    app = create_app(settings_for("postgresql+asyncpg://postgres@127.0.0.1:9/absent"))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health/ready")
        live = await client.get("/health/live")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["title"] == "Service indisponible"
    assert live.status_code == 200


async def test_api_calls_are_503_problems_when_the_database_is_unreachable() -> None:
    """Regression: a refused connection escaped as a 500 (authenticating the key is the first
    database access)."""
    app = create_app(settings_for("postgresql+asyncpg://postgres@127.0.0.1:9/absent"))
    async with AsyncTestClient(app=app) as client:
        client.headers.update(bearer("kc_0123456789ab_" + "A" * 43))
        listing = await client.get("/api/v1/organisations")
        creation = await client.post("/api/v1/organisations", json=organisation_payload())
    for response in (listing, creation):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        assert response.json()["code"] == "database_unavailable"


async def test_readiness_does_not_wait_for_a_writer(
    settings: Settings, client: AsyncTestClient[Litestar]
) -> None:
    """Regression: on SQLite every transaction took the write lock, so readiness timed out
    behind a long write (a migration, an import) and the pod was taken out of service."""
    if not settings.database.is_sqlite:
        pytest.skip("SQLite locking only")
    engine = create_engine(settings.database)
    try:
        async with engine.begin() as writer:  # BEGIN IMMEDIATE: holds the write lock
            await writer.execute(text("UPDATE organisation SET sites_count = sites_count"))
            with anyio.fail_after(2):
                ready = await client.get("/health/ready")
                listing = await client.get("/api/v1/organisations")
    finally:
        await engine.dispose()
    assert ready.status_code == 200
    assert listing.status_code == 200
