"""What a database exception means for the client, whatever layer raised or wrapped it.

advanced-alchemy wraps SQLAlchemy errors (and files every StatementError as an
IntegrityError), SQLAlchemy wraps the driver's, and the meaning is found by walking the chain
of causes. A connection that cannot be opened surfaces from the driver as a bare ``OSError``
(refused, unknown host, timed out), which says nothing about where it came from: the engine
re-raises it as :class:`DatabaseUnreachableError` (``service.db.engine``), so that an
``OSError`` from anything else (a template file, a socket to another service) is never
blamed on the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

import asyncpg
from advanced_alchemy import exceptions as aa_exceptions
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError


class DatabaseUnreachableError(sa_exc.SQLAlchemyError):
    """The database server could not be reached; the driver's ``OSError`` is the cause."""


class DatabaseFailure(Enum):
    NOT_FOUND = "not_found"
    STALE = "stale"  # the row changed since it was read (optimistic lock)
    CONFLICT = "conflict"  # a constraint refused the write (lost race on a unique value)
    BUSY = "busy"  # SQLite's write lock, or every pooled connection, stayed taken too long
    UNAVAILABLE = "unavailable"  # the database cannot be reached or does not exist
    BUG = "bug"


# No bare OSError here: only the ones the engine re-raised as DatabaseUnreachableError count.
_UNREACHABLE = (
    DatabaseUnreachableError,
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


def _is_busy(link: BaseException) -> bool:
    # SQLite's write lock stayed taken past busy_timeout, or the pool had no free connection
    # within its timeout: the database is saturated, not gone.
    locked = isinstance(link, sa_exc.OperationalError) and "locked" in str(link)
    return locked or isinstance(link, sa_exc.TimeoutError)


def classify(error: BaseException) -> DatabaseFailure:
    chain = list(_chain(error))
    if any(isinstance(link, StaleDataError) for link in chain):
        return DatabaseFailure.STALE
    if isinstance(error, aa_exceptions.NotFoundError):
        return DatabaseFailure.NOT_FOUND
    if any(isinstance(link, sa_exc.IntegrityError) for link in chain):
        return DatabaseFailure.CONFLICT
    if any(_is_busy(link) for link in chain):
        return DatabaseFailure.BUSY
    if any(isinstance(link, _UNREACHABLE) for link in chain) or any(
        isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated for link in chain
    ):
        return DatabaseFailure.UNAVAILABLE
    return DatabaseFailure.BUG
