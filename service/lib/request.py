"""The request class of the service: a body that cannot be decoded is the client's error."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException


class ServiceRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        """Litestar turns msgspec's DecodeError into a 400 but lets invalid UTF-8 and absurd
        nesting escape as 500s; they are malformed JSON too."""
        try:
            return await super().json()
        except (UnicodeDecodeError, RecursionError) as exc:
            raise SerializationException(str(exc)) from exc
