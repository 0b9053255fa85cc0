"""Probes: liveness without I/O, readiness that tells when the database is gone."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.conftest import settings_for

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
