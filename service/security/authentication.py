"""``Authorization: Bearer <API key>`` on the API: who is calling, or 401 (RFC 6750)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import structlog
from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from service.db.models import ApiKey
from service.db.transactions import separate_transaction
from service.errors import UnauthenticatedError
from service.security.api_keys import parse_key, secret_matches
from service.security.principal import principal_of
from service.security.rate_limits import FailedAuthentications

logger = structlog.get_logger("service.security")

REALM = 'Bearer realm="kit-crise"'
# last_used_at is a hint for people auditing keys, not a log: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _refused(detail: str, code: str, *, error: str | None = "invalid_token") -> UnauthenticatedError:
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return UnauthenticatedError(detail, code=code, headers={"WWW-Authenticate": challenge})


class ApiKeyAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, failures: FailedAuthentications | None = None) -> None:
        super().__init__(app)
        self.failures = failures

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        try:
            return await self._authenticate(connection)
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

    async def _authenticate(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
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
        key = await self._verified_key(connection, token.strip())
        now = datetime.now(UTC)
        if key.revoked_at is not None:
            raise _refused("Cette clé d'API a été révoquée.", "api_key_revoked")
        if key.expires_at is not None and key.expires_at <= now:
            raise _refused("Cette clé d'API a expiré : demandez-en une nouvelle.", "api_key_expired")
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
            await self._record_use(connection, key.id, now)
        return AuthenticationResult(user=principal_of(key), auth=key.id)

    @staticmethod
    async def _verified_key(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> ApiKey:
        parts = parse_key(token)
        key: ApiKey | None = None
        if parts is not None:
            async with separate_transaction(connection.app, write=False) as session:
                key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts.prefix))
        # Unknown prefix and wrong secret take the same path and the same time.
        if (
            parts is None
            or not secret_matches(key.secret_digest if key else None, parts.secret)
            or key is None
        ):
            raise _refused("Clé d'API inconnue ou invalide.", "invalid_api_key")
        return key

    @staticmethod
    async def _record_use(
        connection: ASGIConnection[Any, Any, Any, Any], key_id: UUID, now: datetime
    ) -> None:
        try:
            async with separate_transaction(connection.app, write=True) as session:
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
            # A busy database must not refuse a valid key over a bookkeeping write.
            logger.warning("api_key_last_used_not_recorded", api_key_id=str(key_id))
