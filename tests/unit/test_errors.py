"""Database failures reach clients as the problem they are, whatever layer wrapped them."""

from __future__ import annotations

import socket

import asyncpg
import msgspec
import pytest
from advanced_alchemy import exceptions as aa_exceptions
from litestar import Litestar, get
from litestar.testing import AsyncTestClient, RequestFactory
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError

from service.db.engine import create_engine
from service.db.failures import DatabaseFailure, DatabaseUnreachableError, classify
from service.errors import EXCEPTION_HANDLERS, handle_database_error
from service.settings import DatabaseSettings


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
        (
            wrapped(ConnectionRefusedError(111, "refused"), DatabaseUnreachableError),
            DatabaseFailure.UNAVAILABLE,
        ),
        (
            wrapped(DatabaseUnreachableError("connect"), aa_exceptions.RepositoryError),
            DatabaseFailure.UNAVAILABLE,
        ),
        (wrapped(sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")), DatabaseFailure.BUSY),
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
        (
            wrapped(ConnectionRefusedError(111, "refused"), DatabaseUnreachableError),
            503,
            "database_unavailable",
            "5",
        ),
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


# OSErrors that have nothing to do with the database: a template or static file the process may
# not read, a client gone mid-response, a name another service's host does not resolve to.
FOREIGN_OS_ERRORS = [
    PermissionError(13, "Permission denied", "service/admin/templates/base.html"),
    FileNotFoundError(2, "No such file or directory", "service/admin/static/htmx.min.js"),
    BrokenPipeError(32, "Broken pipe"),
    socket.gaierror(-2, "Name or service not known"),
    ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 6379)"),
    TimeoutError(),
]


@pytest.mark.parametrize("error", FOREIGN_OS_ERRORS, ids=lambda error: type(error).__name__)
def test_an_os_error_is_not_a_database_failure_by_itself(error: OSError) -> None:
    assert classify(error) is DatabaseFailure.BUG


@pytest.mark.anyio
@pytest.mark.parametrize("error", FOREIGN_OS_ERRORS, ids=lambda error: type(error).__name__)
async def test_an_os_error_of_a_handler_is_a_500_not_database_unavailable(error: OSError) -> None:
    """Regression: every OSError was answered 503 « La base de données ne répond pas », with
    Retry-After, and logged as database_unavailable: a missing template looked like an outage
    of the database, and clients retried a request that could never succeed."""

    @get("/page", sync_to_thread=False)
    def page() -> None:
        raise error

    app = Litestar([page], exception_handlers=EXCEPTION_HANDLERS)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/page")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "retry-after" not in response.headers


@pytest.mark.anyio
async def test_a_database_that_refuses_connections_is_named_as_the_cause() -> None:
    # Port 9 (discard) is closed on the test machines: the connection is refused at once.
    engine = create_engine(DatabaseSettings(url="postgresql+asyncpg://postgres@127.0.0.1:9/absent"))
    try:
        with pytest.raises(DatabaseUnreachableError) as raised:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert isinstance(raised.value.__cause__, ConnectionRefusedError)
    assert classify(raised.value) is DatabaseFailure.UNAVAILABLE
