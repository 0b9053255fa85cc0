"""API rate limits: calls per minute and per key, counted in a store all replicas share.

The limit is turned on per test (the suite runs with it off). Each test counts with keys of its
own, so tests running in parallel — even against the same Redis — never share a counter. The
minute is moved forward by patching the limiter's clock, never by waiting.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.conftest import bearer, settings_for
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ME = "/api/v1/me"
ORGANISATIONS = "/api/v1/organisations"
API_KEYS = "/api/v1/api-keys"
LIMIT = 3
REDIS_URL = "redis://127.0.0.1:6379/0"
# Nothing listens on port 1: a Redis that is down.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
# The namespace of the service's keys in a shared Redis.
REDIS_NAMESPACE = "kit-crise"


@dataclass(frozen=True)
class Key:
    id: str
    token: str


KeyMaker = Callable[..., Awaitable[Key]]


@pytest.fixture
async def new_key(client: Client) -> KeyMaker:
    """Creates an API key through the API (with the admin key, on an unlimited instance)."""

    async def create(role: str = "ADMIN", **scope: Any) -> Key:
        name = f"Intégration {uuid.uuid4().hex[:8]}"
        response = await client.post(API_KEYS, json={"name": name, "role": role} | scope)
        assert response.status_code == 201, response.text
        body = response.json()
        return Key(id=body["id"], token=body["secret"])

    return create


@asynccontextmanager
async def instance(database_url: str, **security: Any) -> AsyncIterator[Client]:
    """One replica of the service over the test's database, with its own settings."""
    settings: Settings = settings_for(database_url, **security)
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


def move_limiter_clock(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    later = time.time() + seconds
    monkeypatch.setattr("litestar.middleware.rate_limit.time", lambda: later)


def assert_rate_limited(response: httpx.Response) -> None:
    body = assert_problem(response, 429, "rate_limited")
    assert body["title"] == "Trop de requêtes"
    assert 0 < int(response.headers["retry-after"]) <= 60


async def use_up(client: Client, key: Key, calls: int = LIMIT) -> list[httpx.Response]:
    responses = [await client.get(ME, headers=bearer(key.token)) for _ in range(calls)]
    assert [response.status_code for response in responses] == [200] * calls
    return responses


# One replica, counters in memory.


async def test_fourth_call_in_a_minute_is_429_with_retry_after(database_url: str, new_key: KeyMaker) -> None:
    key = await new_key()
    async with instance(database_url, api_calls_per_minute=LIMIT) as api:
        responses = await use_up(api, key)
        assert [response.headers["ratelimit-remaining"] for response in responses] == ["2", "1", "0"]
        for response in responses:
            assert response.headers["ratelimit-limit"] == str(LIMIT)
            assert 0 < int(response.headers["ratelimit-reset"]) <= 60

        assert_rate_limited(await api.get(ME, headers=bearer(key.token)))
        # It stays refused for the rest of the minute.
        assert_rate_limited(await api.get(ORGANISATIONS, headers=bearer(key.token)))


async def test_reads_and_writes_share_the_allowance_and_a_refused_write_writes_nothing(
    database_url: str, new_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = await new_key()
    async with instance(database_url, api_calls_per_minute=LIMIT) as api:
        headers = bearer(key.token)
        assert (
            await api.post(ORGANISATIONS, json=organisation_payload(), headers=headers)
        ).status_code == 201
        assert (await api.get(ORGANISATIONS, headers=headers)).status_code == 200
        assert (await api.get(ME, headers=headers)).status_code == 200
        assert_rate_limited(await api.post(ORGANISATIONS, json=organisation_payload(), headers=headers))

        move_limiter_clock(monkeypatch, 61)
        listed = await api.get(ORGANISATIONS, headers=headers)
        assert listed.status_code == 200
        assert listed.json()["total"] == 1


async def test_each_key_has_its_own_allowance(database_url: str, new_key: KeyMaker) -> None:
    first, second = await new_key(), await new_key(role="REGIONAL", region_code="53")
    async with instance(database_url, api_calls_per_minute=LIMIT) as api:
        await use_up(api, first)
        assert_rate_limited(await api.get(ME, headers=bearer(first.token)))
        responses = await use_up(api, second)
        assert responses[0].headers["ratelimit-remaining"] == "2"
        assert_rate_limited(await api.get(ME, headers=bearer(second.token)))


async def test_calls_pass_again_after_the_minute(
    database_url: str, new_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = await new_key()
    async with instance(database_url, api_calls_per_minute=LIMIT) as api:
        await use_up(api, key)
        assert_rate_limited(await api.get(ME, headers=bearer(key.token)))

        move_limiter_clock(monkeypatch, 61)
        responses = await use_up(api, key)
        assert responses[0].headers["ratelimit-remaining"] == "2"
        assert_rate_limited(await api.get(ME, headers=bearer(key.token)))


async def test_calls_without_a_valid_key_are_limited_per_address(
    database_url: str, new_key: KeyMaker
) -> None:
    """Before authentication the client is its address: guessing keys gets 429 like anything."""
    key = await new_key()
    forged = key.token[:-4] + "AAAA"
    async with instance(database_url, api_calls_per_minute=LIMIT) as api:
        for _ in range(LIMIT):
            assert (await api.get(ME, headers=bearer(forged))).status_code == 401
        assert_rate_limited(await api.get(ME, headers=bearer(forged)))
        # The address's allowance is not the key's: the real key still gets through.
        assert (await api.get(ME, headers=bearer(key.token))).status_code == 200


async def test_the_limit_is_off_when_set_to_zero(database_url: str, new_key: KeyMaker) -> None:
    key = await new_key()
    async with instance(database_url, api_calls_per_minute=0) as api:
        responses = await use_up(api, key, calls=LIMIT * 4)
        assert "ratelimit-limit" not in responses[-1].headers


async def test_probes_are_never_limited(database_url: str, new_key: KeyMaker) -> None:
    """Kubernetes polls the probes every few seconds: they must never be throttled."""
    async with instance(database_url, api_calls_per_minute=1, login_attempts_per_minute=1) as api:
        for _ in range(5):
            assert (await api.get("/health/live")).status_code == 200
            assert (await api.get("/health/ready")).status_code == 200


# Counters shared by every replica (Redis).


@dataclass
class SharedRedis:
    url: str
    connection: redis.Redis
    tracked: list[Key]

    def track(self, key: Key) -> Key:
        """Marks ``key``'s counters for deletion after the test, whatever happens."""
        self.tracked.append(key)
        return key

    def counters_of(self, key: Key) -> list[bytes]:
        return list(self.connection.scan_iter(match=f"{REDIS_NAMESPACE}:*{key.id}*"))


@pytest.fixture
def shared_redis() -> Iterator[SharedRedis]:
    """The Redis on 127.0.0.1:6379 (skipped, saying so, when none answers)."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        connection.close()
        pytest.skip(f"no Redis reachable at {REDIS_URL} ({error}): shared counters not tested")
    shared = SharedRedis(REDIS_URL, connection, [])
    yield shared
    for key in shared.tracked:
        for name in shared.counters_of(key):
            connection.delete(name)
    connection.close()


async def test_replicas_share_one_counter(
    database_url: str, new_key: KeyMaker, shared_redis: SharedRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = shared_redis.track(await new_key())
    async with (
        instance(database_url, api_calls_per_minute=LIMIT, redis_url=shared_redis.url) as first,
        instance(database_url, api_calls_per_minute=LIMIT, redis_url=shared_redis.url) as second,
    ):
        headers = bearer(key.token)
        assert (await first.get(ME, headers=headers)).status_code == 200
        assert (await first.get(ME, headers=headers)).status_code == 200
        response = await second.get(ME, headers=headers)
        assert response.status_code == 200
        assert response.headers["ratelimit-remaining"] == "0"
        assert_rate_limited(await second.get(ME, headers=headers))
        assert_rate_limited(await first.get(ME, headers=headers))
        assert shared_redis.counters_of(key), "the counter lives in Redis, under the service's namespace"

        move_limiter_clock(monkeypatch, 61)
        assert (await second.get(ME, headers=headers)).status_code == 200


async def test_keys_are_counted_apart_in_redis(
    database_url: str, new_key: KeyMaker, shared_redis: SharedRedis
) -> None:
    first, second = shared_redis.track(await new_key()), shared_redis.track(await new_key())
    async with instance(database_url, api_calls_per_minute=LIMIT, redis_url=shared_redis.url) as api:
        await use_up(api, first)
        assert_rate_limited(await api.get(ME, headers=bearer(first.token)))
        await use_up(api, second)


async def test_a_redis_that_is_down_gives_503_not_500(database_url: str, new_key: KeyMaker) -> None:
    key = await new_key()
    async with instance(database_url, api_calls_per_minute=LIMIT, redis_url=DEAD_REDIS_URL) as api:
        response = await api.get(ME, headers=bearer(key.token))
        body = assert_problem(response, 503, "rate_limit_store_unavailable")
        assert "Redis" in body["detail"]
        assert int(response.headers["retry-after"]) > 0
        # The liveness probe does not depend on Redis: the pod is not restarted for it.
        assert (await api.get("/health/live")).status_code == 200


async def test_sign_in_with_redis_down_gives_503_not_500(database_url: str) -> None:
    async with instance(database_url, redis_url=DEAD_REDIS_URL) as browser:
        form = await browser.get("/admin/login")
        assert form.status_code == 200
        response = await browser.post(
            "/admin/login",
            data={"email": "a@exemple.fr", "password": "x" * 12, "_csrf_token": browser.cookies["csrftoken"]},
        )
        assert_problem(response, 503, "rate_limit_store_unavailable")
