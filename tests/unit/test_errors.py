"""Database failures reach clients as the problem they are, whatever layer wrapped them."""

from __future__ import annotations

import asyncpg
import msgspec
import pytest
from advanced_alchemy import exceptions as aa_exceptions
from litestar.testing import RequestFactory
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

from service.db.failures import DatabaseFailure, classify
from service.errors import handle_database_error


def wrapped(cause: BaseException, wrapper: type[Exception] = aa_exceptions.RepositoryError) -> Exception:
    """``cause`` as advanced-alchemy re-raises it (``raise Wrapper(...) from cause``)."""
    try:
        try:
            raise cause
        except BaseException as inner:
            raise wrapper("wrapped") from inner
    except Exception as outer:
        return outer


LOCKED = sa_exc.OperationalError("UPDATE …", {}, Exception("database is locked"))
UNIQUE = sa_exc.IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: organisation.finess_et"))
STALE = StaleDataError("UPDATE statement on table 'organisation' expected to update 1 row(s); 0 were matched")


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (wrapped(STALE), DatabaseFailure.STALE),
        (STALE, DatabaseFailure.STALE),
        (aa_exceptions.NotFoundError("no row"), DatabaseFailure.NOT_FOUND),
        (wrapped(UNIQUE, aa_exceptions.IntegrityError), DatabaseFailure.CONFLICT),
        (wrapped(LOCKED, aa_exceptions.IntegrityError), DatabaseFailure.BUSY),
        (ConnectionRefusedError(111, "Connect call failed"), DatabaseFailure.UNAVAILABLE),
        (
            asyncpg.exceptions.InvalidCatalogNameError('database "x" does not exist'),
            DatabaseFailure.UNAVAILABLE,
        ),
        (wrapped(sa_exc.InterfaceError("connect", {}, Exception("closed"))), DatabaseFailure.UNAVAILABLE),
        (
            wrapped(sa_exc.OperationalError("SELECT …", {}, Exception("no such table: organisation"))),
            DatabaseFailure.BUG,
        ),
        (wrapped(sa_exc.DataError("INSERT …", {}, Exception("value too long"))), DatabaseFailure.BUG),
    ],
    ids=lambda value: value.name if isinstance(value, DatabaseFailure) else type(value).__name__,
)
def test_failures_are_recognised_through_their_wrappers(error: Exception, failure: DatabaseFailure) -> None:
    assert classify(error) is failure


@pytest.mark.parametrize(
    ("error", "status", "code", "retry_after"),
    [
        (wrapped(STALE), 412, "precondition_failed", None),
        (wrapped(UNIQUE, aa_exceptions.IntegrityError), 409, "conflict", None),
        (wrapped(LOCKED, aa_exceptions.IntegrityError), 503, "database_busy", "1"),
        (ConnectionRefusedError(111, "refused"), 503, "database_unavailable", "5"),
        (
            wrapped(sa_exc.OperationalError("SELECT …", {}, Exception("no such table"))),
            500,
            "internal_error",
            None,
        ),
    ],
)
def test_each_failure_has_its_problem(
    error: Exception, status: int, code: str, retry_after: str | None
) -> None:
    response = handle_database_error(RequestFactory().post("/api/v1/organisations"), error)
    assert response.status_code == status
    assert response.headers.get("Retry-After") == retry_after
    body = msgspec.to_builtins(response.content)
    assert body["code"] == code
    assert body["instance"] == "/api/v1/organisations"
