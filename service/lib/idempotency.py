"""Idempotency-Key on create endpoints: a client that retries after a timeout gets the first
answer again instead of a duplicate establishment or contact.

The record is written in the same transaction as the creation, so it exists exactly when the
creation committed; a refused request (4xx) leaves no record and may be retried with the same
key once corrected. Records are kept 24 hours, per caller: two integrations that happen to
choose the same key never see each other's responses.

A request with a key claims it before creating anything: it inserts its record, empty, and
fills it with the response at the end. Two requests with the same key at the same moment (a
client retrying while its first attempt still runs) thus meet on the record's unique key:
``INSERT … ON CONFLICT DO NOTHING`` makes the second wait for the first's transaction, then
replay its answer once it committed, or run in its place if it was refused. On SQLite writers
are serialised anyway (BEGIN IMMEDIATE): the second finds the first's committed record.

Expired records are never replayed, and are deleted in bounded batches by a keyed create at
most once per ``PURGE_INTERVAL`` in each process (:class:`ExpiredRecordsPurge`), rather than by
every keyed create: concurrent creations on PostgreSQL no longer all delete, and wait on, the
same expired rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar, cast

import msgspec
from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import HeaderParameter
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import IdempotencyRecord
from service.errors import ConflictError, InvalidDataError
from service.security.guards import principal_of_connection

T = TypeVar("T")

RETENTION = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"
# What a claimed record holds until the response fills it (never visible to another request:
# the claim and the response commit together).
_CLAIMED_STATUS, _CLAIMED_BODY = 0, ""
_UNIQUE_KEY = ("principal", "key", "method", "path")
# A day of creations is a few thousand records at national scale: one batch every ten minutes
# per process keeps the table at about a day of records with short, rare deletes.
PURGE_INTERVAL = timedelta(minutes=10)
PURGE_BATCH = 1000
# Where each application keeps its purge schedule (tests put one with their own clock there).
PURGE_STATE_KEY = "idempotency_purge"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ExpiredRecordsPurge:
    """Deletes expired records, at most ``batch`` at a time and once per ``interval``.

    One per application, hence per process. The keyed create that finds it due runs it in its
    own transaction: no task or thread of its own, and a write only where a write happens
    anyway. On PostgreSQL the batch skips rows another process is deleting (SKIP LOCKED)
    rather than wait for them. A full batch leaves the next keyed create due at once."""

    clock: Clock = utc_now
    interval: timedelta = PURGE_INTERVAL
    batch: int = PURGE_BATCH
    _next_at: datetime | None = field(default=None, init=False, repr=False)

    def due(self, now: datetime) -> bool:
        """True at most once per interval; the next run is booked before any await, so the
        concurrent requests of the process do not all purge."""
        if self._next_at is not None and now < self._next_at:
            return False
        self._next_at = now + self.interval
        return True

    async def run(self, session: AsyncSession, now: datetime) -> int:
        expired = (
            select(IdempotencyRecord.id)
            .where(IdempotencyRecord.created_at < now - RETENTION)
            .order_by(IdempotencyRecord.created_at)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        result = await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(expired)),
            execution_options={"synchronize_session": False},
        )
        deleted = cast(CursorResult[Any], result).rowcount
        if deleted >= self.batch:
            self._next_at = now
        return deleted


def purge_of(request: Request[Any, Any, Any]) -> ExpiredRecordsPurge:
    """The application's purge schedule, made on its first keyed create."""
    state = request.app.state
    if PURGE_STATE_KEY not in state:
        state[PURGE_STATE_KEY] = ExpiredRecordsPurge()
    purge: ExpiredRecordsPurge = state[PURGE_STATE_KEY]
    return purge


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
        self,
        session: AsyncSession,
        principal: str,
        key: str | None,
        method: str,
        path: str,
        *,
        purge: ExpiredRecordsPurge,
    ) -> None:
        self.session = session
        self.principal = principal
        self.key = key
        self.method = method
        self.path = path
        self.purge = purge
        self._digest = ""

    async def replay(self, data: msgspec.Struct, response_type: type[T]) -> Response[T] | None:
        """The first response for this key, or None when the request must run."""
        if self.key is None:
            return None
        self._digest = hashlib.sha256(msgspec.json.encode(data, order="sorted")).hexdigest()
        now = self.purge.clock()
        if self.purge.due(now):
            await self.purge.run(self.session, now)
        # Not found: claim the key. A claim that meets a concurrent one waited for it to
        # commit, so the second look finds its record (twice at most: see the module's doc).
        for _ in range(2):
            record = await self._record()
            if record is not None and record.created_at >= now - RETENTION:
                return self._replayed(record, response_type)
            if record is not None:
                # Expired, not purged yet: forgotten, as the purge would have.
                await self.session.execute(
                    delete(IdempotencyRecord).where(*self._same_request()),
                    execution_options={"synchronize_session": False},
                )
            if await self._claim():
                return None
        raise ConflictError(
            "Une autre requête utilise la même clé d'idempotence au même moment\u00a0: réessayez dans "
            "un instant.",
            code="idempotency_key_in_use",
        )

    def _replayed(self, record: IdempotencyRecord, response_type: type[T]) -> Response[T]:
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
            await self.session.execute(
                update(IdempotencyRecord)
                .where(*self._same_request())
                .values(
                    status_code=response.status_code,
                    body=msgspec.json.encode(response.content).decode(),
                    etag=response.headers.get("ETag"),
                    location=response.headers.get("Location"),
                )
            )
        return response

    async def _record(self) -> IdempotencyRecord | None:
        found = await self.session.execute(select(IdempotencyRecord).where(*self._same_request()))
        return found.scalar()

    async def _claim(self) -> bool:
        """Inserts this request's record, empty; False when another request holds the key."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        claimed = await self.session.execute(
            insert(IdempotencyRecord)
            .values(
                principal=self.principal,
                key=self.key,
                method=self.method,
                path=self.path,
                request_digest=self._digest,
                status_code=_CLAIMED_STATUS,
                body=_CLAIMED_BODY,
                revision=1,
            )
            .on_conflict_do_nothing(index_elements=_UNIQUE_KEY)
            .returning(IdempotencyRecord.id)
        )
        return claimed.scalar() is not None

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
    return Idempotency(
        db_session,
        principal.key,
        idempotency_key,
        request.method,
        request.url.path,
        purge=purge_of(request),
    )


IDEMPOTENCY_DEPENDENCIES = {"idempotency": Provide(provide_idempotency)}
