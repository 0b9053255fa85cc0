"""Time on the wire is UTC, written as RFC 3339; an exercise's own date and start time are
Europe/Paris wall-clock values (it happens on site, in local time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import overload
from zoneinfo import ZoneInfo

import msgspec
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import KwargDefinition, QueryParameter

from service.errors import FieldError, ServiceError

# The contract reads every exercise's date and start time in this zone, overseas establishments
# included (their clients convert; see docs/architecture.md).
PARIS = ZoneInfo("Europe/Paris")
# The years an exercise may be dated, and its observations made: a wider range is a typing slip.
EXERCISE_YEARS = range(2000, 2101)


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


def paris_moment(day: date, clock: time) -> datetime | None:
    """The UTC instant of a Paris wall-clock time, or None when that time does not exist on that
    day (the hour skipped when summer time starts). A time that occurs twice (the hour repeated
    in October) is read as its first occurrence, in summer time."""
    local = datetime.combine(day, clock, tzinfo=PARIS)
    moment = local.astimezone(UTC)
    if moment.astimezone(PARIS).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


@overload
def format_clock(clock: time) -> str: ...
@overload
def format_clock(clock: None) -> None: ...
def format_clock(clock: time | None) -> str | None:
    """A Paris wall-clock time as the contract writes it, « HH:MM »."""
    return None if clock is None else f"{clock.hour:02d}:{clock.minute:02d}"
