"""What a database exception means for the client, whatever layer raised or wrapped it.

advanced-alchemy wraps SQLAlchemy errors (and files every StatementError as an
IntegrityError), SQLAlchemy wraps the driver's, and a refused connection may surface raw from
asyncpg or the socket: the meaning is found by walking the chain of causes.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

import asyncpg
from advanced_alchemy import exceptions as aa_exceptions
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError


class DatabaseFailure(Enum):
    NOT_FOUND = "not_found"
    STALE = "stale"  # the row changed since it was read (optimistic lock)
    CONFLICT = "conflict"  # a constraint refused the write (lost race on a unique value)
    BUSY = "busy"  # SQLite's write lock stayed taken longer than busy_timeout
    UNAVAILABLE = "unavailable"  # the database cannot be reached or does not exist
    BUG = "bug"


_UNREACHABLE = (
    OSError,
    TimeoutError,
    sa_exc.InterfaceError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InvalidCatalogNameError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InterfaceError,
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify(error: BaseException) -> DatabaseFailure:
    chain = list(_chain(error))
    if any(isinstance(link, StaleDataError) for link in chain):
        return DatabaseFailure.STALE
    if isinstance(error, aa_exceptions.NotFoundError):
        return DatabaseFailure.NOT_FOUND
    if any(isinstance(link, sa_exc.IntegrityError) for link in chain):
        return DatabaseFailure.CONFLICT
    if any(isinstance(link, sa_exc.OperationalError) and "locked" in str(link) for link in chain):
        return DatabaseFailure.BUSY
    if any(isinstance(link, _UNREACHABLE) for link in chain) or any(
        isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated for link in chain
    ):
        return DatabaseFailure.UNAVAILABLE
    return DatabaseFailure.BUG
