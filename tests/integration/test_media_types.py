"""API writes take JSON and say so when they get something else."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

URL = "/api/v1/organisations"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""]
)
async def test_a_body_that_is_not_declared_json_is_415(
    client: AsyncTestClient[Litestar], content_type: str
) -> None:
    body = json.dumps(organisation_payload()).encode()
    response = await client.post(URL, content=body, headers={"Content-Type": content_type})
    assert_problem(response, 415, "unsupported_media_type")
    assert (await client.get(URL)).json()["total"] == 0


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]
)
async def test_json_media_types_are_accepted(client: AsyncTestClient[Litestar], content_type: str) -> None:
    body = json.dumps(organisation_payload()).encode()
    response = await client.post(URL, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 201
