"""What every API request must respect before it is parsed, beyond its parameters' types.

- Writes take JSON: Litestar decodes a JSON body whatever Content-Type announces, so any other
  declared type is refused with 415. A handler that takes another format (a workbook upload)
  lists it in its ``opt["request_media_types"]``.
- Query parameters must be ones the operation declares: a misspelt filter
  (``regoin_code=84``) would otherwise be ignored and return the unfiltered list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import HTTPException
from litestar.openapi.spec import Parameter

from service.errors import FieldError, ServiceError

JSON_MEDIA_TYPES = ("application/json",)
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
QUERY_PARAMETERS_STATE_KEY = "query_parameters_by_operation"


class UnknownQueryParameterError(ServiceError):
    default_code = "invalid_request"
    title = "Requête invalide"


def declared_query_parameters(app: Litestar) -> dict[str, frozenset[str]]:
    """Query parameter names per operationId, read from the app's own OpenAPI document."""
    declared: dict[str, frozenset[str]] = {}
    for path_item in (app.openapi_schema.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(path_item, method)
            if operation is None or operation.operation_id is None:
                continue
            declared[operation.operation_id] = frozenset(
                parameter.name
                for parameter in operation.parameters or ()
                if isinstance(parameter, Parameter) and parameter.param_in == "query"
            )
    return declared


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _has_body(request: Request[Any, Any, Any]) -> bool:
    length = request.headers.get("content-length")
    return bool(length and length != "0") or "transfer-encoding" in request.headers


def _check_media_type(request: Request[Any, Any, Any]) -> None:
    if request.method not in _WRITE_METHODS or not _has_body(request):
        return
    accepted = request.route_handler.opt.get("request_media_types", JSON_MEDIA_TYPES)
    media_type = _media_type(request.headers.get("content-type", ""))
    if media_type in accepted or (media_type.endswith("+json") and "application/json" in accepted):
        return
    raise HTTPException(status_code=415)


def _check_query_parameters(request: Request[Any, Any, Any]) -> None:
    declared: Mapping[str, frozenset[str]] = request.app.state[QUERY_PARAMETERS_STATE_KEY]
    operation_id = request.route_handler.operation_id
    if not isinstance(operation_id, str):
        return  # every API operation names its operationId (the contract tests see to it)
    known = declared.get(operation_id, frozenset())
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise UnknownQueryParameterError(
            "Paramètre de requête inconnu : vérifiez son orthographe dans la documentation.",
            errors=[
                FieldError(
                    field=name, code="unknown_parameter", message="Paramètre inconnu pour cette opération."
                )
                for name in unknown
            ],
        )


async def check_api_request(request: Request[Any, Any, Any]) -> None:
    _check_query_parameters(request)
    _check_media_type(request)
