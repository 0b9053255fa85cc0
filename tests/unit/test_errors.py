"""Database errors reach clients as the problem they are, never as a 500."""

from __future__ import annotations

import msgspec
from advanced_alchemy.exceptions import IntegrityError
from litestar.testing import RequestFactory
from sqlalchemy.exc import OperationalError

from service.errors import handle_integrity_error


def _raised_from(cause: Exception) -> IntegrityError:
    try:
        raise IntegrityError("wrapped by advanced-alchemy") from cause
    except IntegrityError as error:
        return error


def test_a_locked_sqlite_database_is_a_503_to_retry() -> None:
    request = RequestFactory().post("/api/v1/organisations")
    locked = OperationalError("INSERT …", {}, Exception("database is locked"))
    response = handle_integrity_error(request, _raised_from(locked))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    body = msgspec.to_builtins(response.content)
    assert body["code"] == "database_busy"
    assert body["instance"] == "/api/v1/organisations"


def test_a_lost_race_on_a_unique_value_is_a_409() -> None:
    request = RequestFactory().post("/api/v1/organisations")
    response = handle_integrity_error(request, _raised_from(ValueError("UNIQUE constraint failed")))
    assert response.status_code == 409
    assert msgspec.to_builtins(response.content)["code"] == "conflict"
