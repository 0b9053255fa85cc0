"""Rate limits: API calls per key, sign-in attempts per address.

Counters live in a store: Redis when ``KIT_CRISE_REDIS_URL`` is set, so that every replica
counts together; process memory otherwise (one replica, or tests). Litestar's limiter reads and
writes a counter in two steps: under concurrent replicas a burst may overshoot by a few calls,
which is acceptable for abuse protection.
"""

from __future__ import annotations

from time import time
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.middleware import rate_limit as litestar_rate_limit
from litestar.middleware.rate_limit import (
    DURATION_VALUES,
    CacheObject,
    RateLimitConfig,
    RateLimitMiddleware,
    get_remote_address,
)
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from service.security.principal import Principal
from service.settings import SecuritySettings

RATE_LIMIT_STORE = "rate_limit"
SIGN_IN_PATH = "/admin/login"


def rate_limit_store(settings: SecuritySettings) -> Store:
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace="kit-crise")
    return MemoryStore()


def _api_identifier(request: Request[Any, Any, Any]) -> str:
    """The API key once authenticated (the limiter runs after authentication)."""
    principal = request.scope.get("user")
    if isinstance(principal, Principal):
        return "api:" + principal.key
    return "api-address:" + get_remote_address(request)


def _is_sign_in_attempt(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and request.scope["path"] == SIGN_IN_PATH


def _sign_in_identifier(request: Request[Any, Any, Any]) -> str:
    return "sign-in:" + get_remote_address(request)


class _Calls(list[int]):
    """Stands for ``count`` calls: all Litestar's limiter ever asks of its history is its length."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.calls = count

    def __len__(self) -> int:
        return self.calls


class CountingRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's limiter, storing how many calls the window holds instead of one timestamp per
    call: Litestar's decodes and re-encodes the whole list on every call, work that grows with
    the allowance (600 integers a call at the default limit). Same window, same headers, same
    store; another key prefix (the class name), so replicas of both versions never read each
    other's format during an upgrade."""

    async def retrieve_cached_history(self, key: str, store: Store) -> CacheObject:
        # Litestar's clock, which the tests move.
        now = int(litestar_rate_limit.time())  # type: ignore[attr-defined]
        raw = await store.get(key)
        if raw:
            window = msgspec.json.decode(raw, type=_Window)
            if window.reset > now:
                return CacheObject(history=_Calls(window.count), reset=window.reset)
        return CacheObject(history=_Calls(0), reset=now + DURATION_VALUES[self.unit])

    async def set_cached_history(self, key: str, cache_object: CacheObject, store: Store) -> None:
        calls = len(cache_object.history) + 1
        cache_object.history = _Calls(calls)
        window = _Window(count=calls, reset=cache_object.reset)
        await store.set(key, msgspec.json.encode(window), expires_in=DURATION_VALUES[self.unit])


class FailedAuthentications:
    """Calls without a valid API key, counted per address over a one-minute window: the limiter
    of API calls counts per key, after authentication, so without this guessing keys would be
    free."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute

    async def retry_after(self, app: Litestar, address: str) -> int | None:
        """Seconds to wait when the address has used up its failures, else None."""
        window = await self._window(app, address)
        if window is None or window.count < self.per_minute:
            return None
        return max(window.reset - int(time()), 1)

    async def record(self, app: Litestar, address: str) -> None:
        window = await self._window(app, address) or _Window(count=0, reset=int(time()) + 60)
        window = _Window(count=window.count + 1, reset=window.reset)
        expires_in = max(window.reset - int(time()), 1)
        await _store(app).set(_failure_key(address), msgspec.json.encode(window), expires_in=expires_in)

    @staticmethod
    async def _window(app: Litestar, address: str) -> _Window | None:
        raw = await _store(app).get(_failure_key(address))
        if raw is None:
            return None
        window = msgspec.json.decode(raw, type=_Window)
        return window if window.reset > int(time()) else None


class _Window(msgspec.Struct, frozen=True):
    count: int
    reset: int


def _store(app: Litestar) -> Store:
    return app.stores.get(RATE_LIMIT_STORE)


def _failure_key(address: str) -> str:
    return "failed-authentication:" + address


def failed_authentications(settings: SecuritySettings) -> FailedAuthentications | None:
    return FailedAuthentications(settings.api_calls_per_minute) if settings.api_calls_per_minute else None


def api_rate_limit(settings: SecuritySettings) -> RateLimitConfig | None:
    if not settings.api_calls_per_minute:
        return None
    return RateLimitConfig(
        rate_limit=("minute", settings.api_calls_per_minute),
        identifier_for_request=_api_identifier,
        store=RATE_LIMIT_STORE,
        middleware_class=CountingRateLimitMiddleware,
    )


def sign_in_rate_limit(settings: SecuritySettings) -> RateLimitConfig | None:
    if not settings.login_attempts_per_minute:
        return None
    return RateLimitConfig(
        rate_limit=("minute", settings.login_attempts_per_minute),
        identifier_for_request=_sign_in_identifier,
        # Only sign-in attempts count: showing the form or signing out is free.
        check_throttle_handler=_is_sign_in_attempt,
        store=RATE_LIMIT_STORE,
        middleware_class=CountingRateLimitMiddleware,
    )
