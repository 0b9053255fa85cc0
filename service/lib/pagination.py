"""Bounded list parameters (limit, offset, order) turned into advanced-alchemy filters.

advanced-alchemy's generated filter dependencies accept unbounded page sizes and free-form sort
fields (a 500 on bad input), so each list declares its own sort field enum and shares these.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from advanced_alchemy.filters import LimitOffset, OrderBy, StatementFilter
from litestar.di import Provide
from litestar.params import QueryParameter

SortField = TypeVar("SortField", bound=StrEnum)

MAX_LIMIT = 100
MAX_OFFSET = 100_000


class SortOrder(StrEnum):
    """Sens du tri : croissant ou décroissant."""

    ASC = "asc"
    DESC = "desc"


def provide_limit_offset(
    limit: Annotated[
        int,
        QueryParameter(ge=1, le=MAX_LIMIT, description="Nombre maximal d'éléments renvoyés (1 à 100)."),
    ] = 20,
    offset: Annotated[
        int,
        QueryParameter(ge=0, le=MAX_OFFSET, description="Nombre d'éléments à sauter (pagination)."),
    ] = 0,
) -> LimitOffset:
    return LimitOffset(limit=limit, offset=offset)


PAGINATION_DEPENDENCIES = {"page": Provide(provide_limit_offset, sync_to_thread=False)}


def ordering(sort: SortField, order: SortOrder, columns: Mapping[SortField, str]) -> list[StatementFilter]:
    """Sort by the chosen field (through ``columns`` when it sorts on another column), then by
    id so pages never overlap or skip rows."""
    direction: Literal["asc", "desc"] = "desc" if order is SortOrder.DESC else "asc"
    return [
        OrderBy(field_name=columns.get(sort, sort.value), sort_order=direction),
        OrderBy(field_name="id", sort_order=direction),
    ]
