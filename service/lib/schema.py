"""Base Structs for request and response bodies, and the constrained text types they share."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

# Text a person must fill in: at least one visible character (spaces alone are refused).
RequiredText = Annotated[str, msgspec.Meta(min_length=1, pattern=r"\S")]


class RequestStruct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields are refused (400) so typos never go unnoticed."""

    def provided_fields(self) -> dict[str, Any]:
        """The fields the client sent (for partial updates), stripped of surrounding spaces."""
        values: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            values[name] = value.strip() if isinstance(value, str) else value
        return values


class ResponseStruct(msgspec.Struct, kw_only=True):
    """A response body."""
