"""Rate limits: API calls per key, sign-in attempts per address.

Counters live in a store: Redis when ``KIT_CRISE_REDIS_URL`` is set, so that every replica
counts together; process memory otherwise (one replica, or tests). Litestar's limiter reads and
writes a counter in two steps: under concurrent replicas a burst may overshoot by a few calls,
which is acceptable for abuse protection.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
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


def api_rate_limit(settings: SecuritySettings) -> RateLimitConfig | None:
    if not settings.api_calls_per_minute:
        return None
    return RateLimitConfig(
        rate_limit=("minute", settings.api_calls_per_minute),
        identifier_for_request=_api_identifier,
        store=RATE_LIMIT_STORE,
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
    )
