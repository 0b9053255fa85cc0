"""Base Structs for request and response bodies, and the constrained text types they share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

# Characters no one types in a name: C0 controls (PostgreSQL cannot even store NUL) and the
# bidirectional overrides that make a name display other than it reads (« Trojan Source »).
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_CONTROL = r"\x00-\x1f\x7f" + _BIDI
# Every character Python's str.strip() removes or ECMAScript's \s matches (the two differ, so
# the class is spelled out: the schema must mean the same thing to clients and to the service).
_BLANK = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"

# One line a person must fill in: no control character, at least one visible character.
RequiredText = Annotated[
    str, msgspec.Meta(min_length=1, pattern=f"^[^{_CONTROL}]*[^{_BLANK}{_BIDI}][^{_CONTROL}]*$")
]
# Free text over several lines: tabs and line breaks allowed, other controls refused.
MultilineText = Annotated[str, msgspec.Meta(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
# A search term typed in a box.
SEARCH_PATTERN = f"^[^{_CONTROL}]*$"
# INSEE region code (two digits, overseas included: 01 to 06).
REGION_PATTERN = r"^[0-9]{2}$"
Email = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=254,
        pattern=r"^[^\x00-\x20\x7f@]+@[^\x00-\x20\x7f@]+$",
        description="Adresse électronique (vérifiée et normalisée).",
    ),
]

# Fields every resource shares.
ResourceId = Annotated[UUID, Meta(description="Identifiant (UUIDv7).")]
Revision = Annotated[int, Meta(description="Version de la ressource ; l'en-tête ETag en est la forme citée.")]
CreatedAt = Annotated[datetime, Meta(description="Date de création (UTC).")]
UpdatedAt = Annotated[datetime, Meta(description="Date de dernière modification (UTC).")]
Total = Annotated[int, Meta(description="Nombre total d'éléments correspondant aux filtres.")]
Limit = Annotated[int, Meta(description="Nombre maximal d'éléments de la page.")]
Offset = Annotated[int, Meta(description="Nombre d'éléments sautés avant cette page.")]


class RequestStruct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields are refused (400) so typos never go unnoticed."""

    def provided_fields(self) -> dict[str, Any]:
        """The fields the client sent (for partial updates), stripped of surrounding spaces."""
        values: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            # Blank optional text (notes of spaces) is no text: stored as null, not "".
            values[name] = (value.strip() or None) if isinstance(value, str) else value
        return values


class ResponseStruct(msgspec.Struct, kw_only=True):
    """A response body."""
