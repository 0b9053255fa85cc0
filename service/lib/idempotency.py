"""Idempotency-Key on create endpoints: a client that retries after a timeout gets the first
answer again instead of a duplicate establishment or contact.

The record is written in the same transaction as the creation, so it exists exactly when the
creation committed; a refused request (4xx) leaves no record and may be retried with the same
key once corrected. Records are kept 24 hours, per caller: two integrations that happen to
choose the same key never see each other's responses.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import HeaderParameter
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import IdempotencyRecord
from service.errors import InvalidDataError
from service.security.guards import principal_of_connection

T = TypeVar("T")

RETENTION = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Clé choisie par le client (ex. un UUID) : renvoyer la même requête avec la même clé "
            "dans les 24 heures renvoie la première réponse au lieu de créer un doublon."
        ),
    ),
]

REPLAYED_RESPONSE_HEADER = ResponseHeader(
    name=REPLAYED_HEADER,
    description="« true » quand la réponse est celle d'une requête précédente de même clé.",
    documentation_only=True,
    required=False,
)


class Idempotency:
    """Replays or records the outcome of one create request."""

    def __init__(
        self, session: AsyncSession, principal: str, key: str | None, method: str, path: str
    ) -> None:
        self.session = session
        self.principal = principal
        self.key = key
        self.method = method
        self.path = path
        self._digest = ""

    async def replay(self, data: msgspec.Struct, response_type: type[T]) -> Response[T] | None:
        """The first response for this key, or None when the request must run."""
        if self.key is None:
            return None
        self._digest = hashlib.sha256(msgspec.json.encode(data, order="sorted")).hexdigest()
        # Expired records of every key go here, so the table never outgrows one day of creations.
        await self.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created_at < datetime.now(UTC) - RETENTION)
        )
        record = (await self.session.execute(select(IdempotencyRecord).where(*self._same_request()))).scalar()
        if record is None:
            return None
        if record.request_digest != self._digest:
            raise InvalidDataError(
                "Cette clé d'idempotence a déjà servi pour une requête différente : "
                "choisissez une nouvelle clé pour une nouvelle création.",
                code="idempotency_key_reused",
            )
        headers = {REPLAYED_HEADER: "true"}
        headers |= {
            name: value for name, value in (("ETag", record.etag), ("Location", record.location)) if value
        }
        body = msgspec.json.decode(record.body, type=response_type)
        return Response(body, status_code=record.status_code, headers=headers)

    async def remember(self, response: Response[Any]) -> Response[Any]:
        """Store ``response`` for later retries (no-op without a key) and return it."""
        if self.key is not None:
            self.session.add(
                IdempotencyRecord(
                    principal=self.principal,
                    key=self.key,
                    method=self.method,
                    path=self.path,
                    request_digest=self._digest,
                    status_code=response.status_code,
                    body=msgspec.json.encode(response.content).decode(),
                    etag=response.headers.get("ETag"),
                    location=response.headers.get("Location"),
                )
            )
            await self.session.flush()
        return response

    def _same_request(self) -> tuple[Any, ...]:
        return (
            IdempotencyRecord.principal == self.principal,
            IdempotencyRecord.key == self.key,
            IdempotencyRecord.method == self.method,
            IdempotencyRecord.path == self.path,
        )


async def provide_idempotency(
    request: Request[Any, Any, Any], db_session: AsyncSession, idempotency_key: IdempotencyKeyHeader = None
) -> Idempotency:
    principal = principal_of_connection(request)
    return Idempotency(db_session, principal.key, idempotency_key, request.method, request.url.path)


IDEMPOTENCY_DEPENDENCIES = {"idempotency": Provide(provide_idempotency)}
