"""One JSON log line per request, tied to a request id the client can quote; no secrets."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.settings import LogSettings, Settings
from tests.conftest import settings_for
from tests.factories import organisation_payload

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite logs warnings only; these tests read the INFO request lines."""
    return replace(settings_for(database_url), log=LogSettings(level="INFO", format="json"))


def request_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "request"]


async def test_each_request_logs_one_line_with_its_outcome(
    capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    response = await client.get("/api/v1/organisations", params={"limit": 5})
    lines = request_lines(capsys.readouterr().out)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/organisations"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


async def test_a_client_request_id_is_honoured(capsys: pytest.CaptureFixture[str], client: Client) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "crrc-bretagne-42"})
    assert response.headers["x-request-id"] == "crrc-bretagne-42"
    assert request_lines(capsys.readouterr().out)[0]["request_id"] == "crrc-bretagne-42"


async def test_an_unsafe_request_id_is_replaced(client: Client) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "x" * 500})
    assert len(response.headers["x-request-id"]) == 32
    errors = await client.get("/api/v1/organisations/not-a-uuid")
    assert errors.status_code == 404
    assert errors.headers["x-request-id"]


async def test_credentials_and_bodies_never_reach_the_log(
    capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    secret = "kc_live_s3cr3t-value"
    payload = organisation_payload(name="EHPAD Confidentiel")
    await client.post(
        "/api/v1/organisations",
        json=payload,
        headers={"Authorization": f"Bearer {secret}", "Cookie": f"session={secret}"},
        params={"token": secret},
    )
    output = capsys.readouterr().out
    assert request_lines(output)
    assert secret not in output
    assert "EHPAD Confidentiel" not in output
