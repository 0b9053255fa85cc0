"""Time on the wire is UTC, written as RFC 3339."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import KwargDefinition, QueryParameter

from service.errors import FieldError, ServiceError


def as_utc(moment: datetime) -> datetime:
    """A date sent without an offset is read as UTC, the API's time zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def moment_parameter(description: str) -> KwargDefinition:
    """A date-time query parameter, taken as text: Litestar would also accept a bare number
    (read as a Unix timestamp), which the contract does not allow."""
    return QueryParameter(format=OpenAPIFormat.DATE_TIME, max_length=64, description=description)


def parse_moment(name: str, raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        return as_utc(msgspec.convert(raw, datetime, strict=True))
    except msgspec.ValidationError:
        raise ServiceError(
            f"Le paramètre « {name} » doit être une date RFC 3339 (ex. 2026-11-28T09:30:00Z).",
            code="invalid_date",
            errors=[FieldError(field=name, code="invalid_date", message="Date RFC 3339 attendue.")],
        ) from None
