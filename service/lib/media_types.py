"""API writes take JSON: any other body is refused with 415 before it is parsed.

Litestar decodes a JSON body whatever Content-Type announces; refusing here keeps clients
honest and the error clear. A handler that takes another format (a workbook upload) lists
it in its ``opt["request_media_types"]``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException

JSON_MEDIA_TYPES = ("application/json",)
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _has_body(request: Request[Any, Any, Any]) -> bool:
    length = request.headers.get("content-length")
    return bool(length and length != "0") or "transfer-encoding" in request.headers


async def require_declared_media_type(request: Request[Any, Any, Any]) -> None:
    if request.method not in _WRITE_METHODS or not _has_body(request):
        return
    accepted = request.route_handler.opt.get("request_media_types", JSON_MEDIA_TYPES)
    media_type = _media_type(request.headers.get("content-type", ""))
    if media_type in accepted or (media_type.endswith("+json") and "application/json" in accepted):
        return
    raise HTTPException(status_code=415)
