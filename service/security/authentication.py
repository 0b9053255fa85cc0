"""``Authorization: Bearer <API key>`` on the API: who is calling, or 401 (RFC 6750).

On the request path (docs/performance.md, ADR 0005):

- a key verified in the last ``KIT_CRISE_API_KEY_CACHE_SECONDS`` seconds is not read again:
  its digest, scope, expiry and revocation are kept in process memory. The secret is still
  compared with the digest on every request, and the expiry with the clock. A key revoked or
  changed through this process is forgotten at once; through another replica (or straight in
  the database), it is refused at the latest when its entry ages out;
- otherwise the key is read on the request's own session (the one its handler then uses), in
  the request's transaction, not in one of its own;
- ``last_used_at`` is written once the response has left, at most once a minute per key: the
  client never waits for it, and a GET never waits for a write lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from uuid import UUID
from weakref import WeakSet

import structlog
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import bindparam, event, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session, object_session

from service.db.models import ApiKey
from service.db.transactions import separate_transaction
from service.errors import UnauthenticatedError
from service.security.api_keys import parse_key, secret_matches
from service.security.principal import Principal, principal_of
from service.security.rate_limits import FailedAuthentications

logger = structlog.get_logger("service.security")

REALM = 'Bearer realm="kit-crise"'
# last_used_at is a hint for people auditing keys, not a log: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Only keys that verified are kept, so this bounds memory against nothing but real keys.
MAX_CACHED_KEYS = 10_000
VERIFIER_STATE_KEY = "api_key_verifier"

# Built once: a bound parameter, not a new expression tree per request.
_KEY_BY_PREFIX: Final = select(ApiKey).where(ApiKey.prefix == bindparam("prefix"))
_CHANGED_PREFIXES = "kit_crise_changed_api_key_prefixes"


def _refused(detail: str, code: str, *, error: str | None = "invalid_token") -> UnauthenticatedError:
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return UnauthenticatedError(detail, code=code, headers={"WWW-Authenticate": challenge})


def _invalid_key() -> UnauthenticatedError:
    return _refused("Clé d'API inconnue ou invalide.", "invalid_api_key")


@dataclass(frozen=True, slots=True)
class VerifiedKey:
    """What a request needs of a key row, kept between requests."""

    id: UUID
    secret_digest: str
    principal: Principal
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    # On the verifier's monotonic clock.
    read_at: float

    @classmethod
    def of(cls, key: ApiKey, read_at: float) -> VerifiedKey:
        return cls(
            id=key.id,
            secret_digest=key.secret_digest,
            principal=principal_of(key),
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
            read_at=read_at,
        )


SessionProvider = Callable[[ASGIConnection[Any, Any, Any, Any]], AsyncSession]


class ApiKeyVerifier:
    """The keys verified lately, and the ``last_used_at`` writes still under way (one per app)."""

    def __init__(
        self,
        session_of: SessionProvider,
        *,
        cache_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session_of = session_of
        self.cache_seconds = cache_seconds
        # Injectable clocks: tests move time instead of waiting for it.
        self.monotonic = monotonic
        self.now = now
        self._keys: dict[str, VerifiedKey] = {}
        # When this process last wrote (or read) each key's last_used_at.
        self._last_used: dict[UUID, datetime] = {}
        _VERIFIERS.add(self)

    async def verify(self, connection: ASGIConnection[Any, Any, Any, Any], token: str) -> VerifiedKey:
        parts = parse_key(token)
        if parts is None:
            raise _invalid_key()
        key = self._keys.get(parts.prefix)
        if key is not None and self.monotonic() - key.read_at >= self.cache_seconds:
            key = None
        if key is None:
            key = await self._read(connection, parts.prefix)
        # Unknown prefix and wrong secret take the same path and the same time.
        if not secret_matches(key.secret_digest if key else None, parts.secret) or key is None:
            raise _invalid_key()
        if key.revoked_at is not None:
            raise _refused("Cette clé d'API a été révoquée.", "api_key_revoked")
        if key.expires_at is not None and key.expires_at <= self.now():
            raise _refused("Cette clé d'API a expiré : demandez-en une nouvelle.", "api_key_expired")
        return key

    async def _read(self, connection: ASGIConnection[Any, Any, Any, Any], prefix: str) -> VerifiedKey | None:
        read_at = self.monotonic()
        row = await self.session_of(connection).scalar(_KEY_BY_PREFIX, {"prefix": prefix})
        if row is None:
            return None
        key = VerifiedKey.of(row, read_at)
        if self.cache_seconds > 0:
            if len(self._keys) >= MAX_CACHED_KEYS:
                del self._keys[next(iter(self._keys))]
            self._keys[prefix] = key
        if key.last_used_at is not None:
            known = self._last_used.get(key.id)
            self._last_used[key.id] = max(known, key.last_used_at) if known else key.last_used_at
        return key

    def forget_all(self) -> None:
        self._keys.clear()
        self._last_used.clear()

    def forget(self, prefixes: set[str]) -> None:
        for prefix in prefixes:
            self._keys.pop(prefix, None)

    async def used(self, app: Litestar, key: VerifiedKey) -> None:
        """Record that ``key`` served a request, at most once a minute per key and process."""
        now = self.now()
        known = self._last_used.get(key.id, key.last_used_at)
        if known is not None and known >= now - LAST_USED_RESOLUTION:
            return
        # Before the write: concurrent requests of the same key do not all write.
        self._last_used[key.id] = now
        await _record_use(app, key.id, now)


async def _record_use(app: Litestar, key_id: UUID, now: datetime) -> None:
    try:
        async with separate_transaction(app, write=True) as session:
            await session.execute(
                update(ApiKey)
                .where(
                    ApiKey.id == key_id,
                    or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_RESOLUTION),
                )
                # updated_at stays: using a key is not editing it.
                .values(last_used_at=now, updated_at=ApiKey.updated_at)
                # A bookkeeping column: neither the key's revision nor its ETag change.
                .execution_options(synchronize_session=False)
            )
    except (SQLAlchemyError, OSError):
        # A busy database must not cost anything but this hint.
        logger.warning("api_key_last_used_not_recorded", api_key_id=str(key_id))


def verifier_of(app: Litestar) -> ApiKeyVerifier:
    verifier: ApiKeyVerifier = app.state[VERIFIER_STATE_KEY]
    return verifier


# A key changed through this process (revoked, renamed, rescoped) is read again on its next use.
_VERIFIERS: WeakSet[ApiKeyVerifier] = WeakSet()


@event.listens_for(ApiKey, "after_update")
def _note_changed_key(_mapper: Mapper[ApiKey], _connection: Any, key: ApiKey) -> None:
    session = object_session(key)
    if session is not None:
        session.info.setdefault(_CHANGED_PREFIXES, set()).add(key.prefix)


@event.listens_for(Session, "after_commit")
def _forget_changed_keys(session: Session) -> None:
    prefixes: set[str] | None = session.info.pop(_CHANGED_PREFIXES, None)
    if prefixes:
        for verifier in list(_VERIFIERS):
            verifier.forget(prefixes)


@event.listens_for(Session, "after_rollback")
def _keep_keys_rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED_PREFIXES, None)


class ApiKeyAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, failures: FailedAuthentications | None = None) -> None:
        super().__init__(app)
        self.failures = failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)
        # The response has left: the client does not wait for this bookkeeping, and the server
        # reads its next request on the connection meanwhile.
        key = scope.get("auth")
        if isinstance(key, VerifiedKey):
            await verifier_of(scope["app"]).used(scope["app"], key)

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        try:
            key = await self._authenticate(connection)
        except UnauthenticatedError:
            if self.failures is None:
                raise
            # Only failures count: a valid key behind the same address (a proxy, a NAT) is
            # never locked out by someone else's guesses.
            address = connection.client.host if connection.client else "unknown"
            if wait := await self.failures.retry_after(connection.app, address):
                raise TooManyRequestsException(headers={"Retry-After": str(wait)}) from None
            await self.failures.record(connection.app, address)
            raise
        return AuthenticationResult(user=key.principal, auth=key)

    @staticmethod
    async def _authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> VerifiedKey:
        header = connection.headers.get("authorization")
        if header is None:
            raise _refused(
                "Cette opération demande une clé d'API, dans l'en-tête « Authorization: Bearer <clé> ».",
                "missing_credentials",
                error=None,
            )
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refused(
                "L'en-tête Authorization doit avoir la forme « Bearer <clé> ».",
                "malformed_authorization",
                error="invalid_request",
            )
        return await verifier_of(connection.app).verify(connection, token.strip())
