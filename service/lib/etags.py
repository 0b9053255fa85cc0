"""ETags from the row revision, and the If-Match check that guards every write."""

from __future__ import annotations

from typing import Annotated, TypeVar

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter

from service.errors import PreconditionFailedError

T = TypeVar("T")

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        max_length=1000,
        description="ETag lu auparavant : la modification est refusée (412) si la ressource a changé depuis.",
    ),
]

ETAG_HEADER = ResponseHeader(
    name="ETag",
    description="Version de la ressource, à renvoyer dans If-Match pour la modifier.",
    documentation_only=True,
    required=True,
)
LOCATION_HEADER = ResponseHeader(
    name="Location",
    description="Adresse de la ressource créée.",
    documentation_only=True,
    required=True,
)


def etag(revision: int) -> str:
    return f'"{revision}"'


def check_if_match(if_match: str | None, revision: int) -> None:
    """RFC 9110 If-Match with strong comparison: weak tags (W/"…") never match."""
    if if_match is None:
        return
    candidates = {tag.strip() for tag in if_match.split(",")}
    if "*" in candidates or etag(revision) in candidates:
        return
    raise PreconditionFailedError(
        "La ressource a été modifiée depuis votre lecture (ETag différent) : rechargez-la puis réessayez.",
        headers={"ETag": etag(revision)},
    )


def tagged(body: T, revision: int, *, status_code: int = 200, location: str | None = None) -> Response[T]:
    """A resource response carrying its ETag (and its Location when just created)."""
    headers = {"ETag": etag(revision)}
    if location is not None:
        headers["Location"] = location
    return Response(body, status_code=status_code, headers=headers)
