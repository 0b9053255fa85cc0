"""Every error leaves as RFC 9457 ``application/problem+json`` with French text and a stable code.

Services raise :class:`ServiceError` subclasses; framework, database and unexpected errors are
mapped here once, so handlers never catch anything themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Annotated, Any, ClassVar, Self

import asyncpg
import msgspec
import structlog
from advanced_alchemy import exceptions as aa_exceptions
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from service.db.failures import DatabaseFailure, classify
from service.lib.problems import Problem
from service.lib.schema import ResponseStruct
from service.lib.validation_messages import field_path, french_message

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:kit-crise:problem:"
# What Litestar's CSRF middleware says when it refuses a form.
CSRF_FAILURE = "CSRF token verification failed"

logger = structlog.get_logger("service.errors")


class FieldError(ResponseStruct):
    """Champ invalide et explication en français."""

    field: Annotated[str, msgspec.Meta(description="Champ en cause (chemin JSON ou paramètre).")]
    message: Annotated[str, msgspec.Meta(description="Explication en français.")]
    code: Annotated[str, msgspec.Meta(description="Code stable (anglais) de l'erreur.")] = "invalid"

    @classmethod
    def of(cls, problem: Problem) -> FieldError:
        """The field error that reports a rule's problem."""
        return cls(field=problem.field, message=problem.message, code=problem.code)


class ProblemDetails(ResponseStruct):
    """Description d'une erreur (RFC 9457)."""

    type: Annotated[str, msgspec.Meta(description="URI du type d'erreur.")]
    title: Annotated[str, msgspec.Meta(description="Résumé de l'erreur, en français.")]
    status: Annotated[int, msgspec.Meta(description="Code de statut HTTP.")]
    detail: Annotated[str, msgspec.Meta(description="Explication précise, en français.")]
    instance: Annotated[str, msgspec.Meta(description="Chemin de la requête en cause.")]
    code: Annotated[str, msgspec.Meta(description="Code stable (anglais) sur lequel s'appuyer.")]
    errors: Annotated[
        list[FieldError], msgspec.Meta(description="Champs invalides (erreurs de validation).")
    ] = msgspec.field(default_factory=list)


class ServiceError(Exception):
    """A business rule refused the request; subclasses fix the status and default code."""

    status: ClassVar[int] = HTTPStatus.BAD_REQUEST
    default_code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Requête invalide"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.errors = list(errors)
        self.headers = dict(headers or {})

    @classmethod
    def refusing(cls, problem: Problem) -> Self:
        """The error that refuses the request for a rule's problem, naming its field."""
        return cls(problem.message, code=problem.code, errors=[FieldError.of(problem)])


class UnauthenticatedError(ServiceError):
    """No usable credentials: the client must authenticate (RFC 6750 challenge attached)."""

    status = HTTPStatus.UNAUTHORIZED
    default_code = "unauthenticated"
    title = "Authentification requise"


class ForbiddenError(ServiceError):
    """Authenticated, but the role or scope does not allow this write."""

    status = HTTPStatus.FORBIDDEN
    default_code = "forbidden"
    title = "Accès refusé"


class NotFoundError(ServiceError):
    status = HTTPStatus.NOT_FOUND
    default_code = "not_found"
    title = "Ressource introuvable"


class ConflictError(ServiceError):
    status = HTTPStatus.CONFLICT
    default_code = "conflict"
    title = "Conflit avec l'état actuel"


class InvalidDataError(ServiceError):
    """Well-formed input that breaks a rule of the field (FINESS key, département, …)."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    default_code = "validation_failed"
    title = "Données invalides"


class PreconditionFailedError(ServiceError):
    status = HTTPStatus.PRECONDITION_FAILED
    default_code = "precondition_failed"
    title = "Version périmée"


class ServiceUnavailableError(ServiceError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    title = "Service indisponible"


# French wording of the errors the framework raises by itself, keyed by status.
_HTTP_ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("invalid_request", "Requête invalide", "La requête est mal formée."),
    401: ("unauthenticated", "Authentification requise", "Identifiants absents ou invalides."),
    403: ("forbidden", "Accès refusé", "Vous n'avez pas le droit d'effectuer cette opération."),
    404: ("not_found", "Ressource introuvable", "Aucune ressource ne correspond à cette adresse."),
    405: (
        "method_not_allowed",
        "Méthode non autorisée",
        "Cette méthode HTTP n'est pas acceptée sur cette adresse.",
    ),
    406: ("not_acceptable", "Format non disponible", "Le format de réponse demandé n'existe pas."),
    413: (
        "payload_too_large",
        "Requête trop volumineuse",
        "Le corps de la requête dépasse la taille maximale acceptée.",
    ),
    415: (
        "unsupported_media_type",
        "Format non pris en charge",
        "Le corps de la requête doit être du JSON (application/json).",
    ),
    429: ("rate_limited", "Trop de requêtes", "Trop de requêtes : réessayez plus tard."),
    500: (
        "internal_error",
        "Erreur interne",
        "Une erreur inattendue est survenue ; elle a été journalisée.",
    ),
    503: (
        "service_unavailable",
        "Service indisponible",
        "Le service est momentanément indisponible.",
    ),
}


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response[ProblemDetails]:
    body = ProblemDetails(
        type=PROBLEM_TYPE_PREFIX + code,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        errors=list(errors),
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _http_problem(request: Request[Any, Any, Any], status: int, **overrides: Any) -> Response[ProblemDetails]:
    code, title, detail = _HTTP_ERRORS.get(status, _HTTP_ERRORS[500] if status >= 500 else _HTTP_ERRORS[400])
    fields: dict[str, Any] = {"code": code, "title": title, "detail": detail} | overrides
    return problem_response(request, status=status, **fields)


def handle_service_error(request: Request[Any, Any, Any], exc: ServiceError) -> Response[ProblemDetails]:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


def _wire_name(item: dict[str, Any]) -> str | None:
    """Headers are reported under their Python parameter name; clients know ``If-Match``."""
    if item.get("source") != "header" or not item.get("key"):
        return None
    return "-".join(part.capitalize() for part in str(item["key"]).split("_"))


def handle_validation_exception(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[ProblemDetails]:
    raw_errors = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(
            field=_wire_name(item) or field_path(item.get("key"), str(item.get("message", ""))),
            message=french_message(str(item.get("message", ""))),
            code="invalid",
        )
        for item in raw_errors
        if isinstance(item, dict)
    ]
    if not errors:
        return _http_problem(request, 400)
    detail = "Certaines valeurs sont invalides : voir la liste des erreurs."
    return _http_problem(request, 400, detail=detail, errors=errors)


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ProblemDetails]:
    headers = dict(exc.headers or {}) or None
    if exc.status_code == HTTPStatus.TOO_MANY_REQUESTS and headers and "RateLimit-Reset" in headers:
        # Litestar sends the draft RateLimit-* headers; every HTTP client knows Retry-After.
        headers["Retry-After"] = headers["RateLimit-Reset"]
    if isinstance(exc.__cause__, SerializationException):
        # Litestar wraps the JSON decoder's error in a plain 400 ClientException.
        detail = "Le corps de la requête n'est pas un JSON valide."
        return _http_problem(request, 400, code="malformed_json", detail=detail, headers=headers)
    if exc.status_code >= 500:
        logger.error("server_error", exc_info=exc)
    if exc.status_code == HTTPStatus.FORBIDDEN and exc.detail == CSRF_FAILURE:
        detail = "Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page puis réessayez."
        return _http_problem(request, 403, code="csrf_failed", detail=detail, headers=headers)
    return _http_problem(request, exc.status_code, headers=headers)


class DatabaseBusyError(ServiceUnavailableError):
    default_code = "database_busy"
    title = "Service momentanément occupé"


# What each recognised database failure tells the client (fresh instances: headers are mutable).
_DATABASE_PROBLEMS: dict[DatabaseFailure, Callable[[], ServiceError]] = {
    DatabaseFailure.STALE: lambda: PreconditionFailedError(
        "La ressource a été modifiée entre-temps : rechargez-la puis réessayez."
    ),
    # Services check the rules they know before writing; a constraint refusing the write means
    # a race with another request (e.g. two creations with the same FINESS at the same moment).
    DatabaseFailure.CONFLICT: lambda: ConflictError(
        "L'opération entre en conflit avec une autre modification : rechargez et réessayez."
    ),
    DatabaseFailure.BUSY: lambda: DatabaseBusyError(
        "La base de données est occupée par d'autres requêtes : réessayez dans un instant.",
        headers={"Retry-After": "1"},
    ),
    DatabaseFailure.UNAVAILABLE: lambda: ServiceUnavailableError(
        "La base de données ne répond pas : réessayez dans quelques instants.",
        code="database_unavailable",
        headers={"Retry-After": "5"},
    ),
}


def handle_database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ProblemDetails]:
    failure = classify(exc)
    if failure is DatabaseFailure.NOT_FOUND:
        return _http_problem(request, 404)
    if failure is DatabaseFailure.BUG:
        return handle_unexpected(request, exc)
    if failure is DatabaseFailure.UNAVAILABLE:
        logger.error("database_unavailable", exc_info=exc)
    elif failure is not DatabaseFailure.STALE:
        logger.warning(f"database_{failure.value}", cause=str(exc.__cause__)[:200])
    return handle_service_error(request, _DATABASE_PROBLEMS[failure]())


def handle_counter_store_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ProblemDetails]:
    logger.error("rate_limit_store_unavailable", exc_info=exc)
    return handle_service_error(
        request,
        ServiceUnavailableError(
            "Le stockage des compteurs de requêtes (Redis) ne répond pas : réessayez dans quelques instants.",
            code="rate_limit_store_unavailable",
            headers={"Retry-After": "5"},
        ),
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[ProblemDetails]:
    logger.error("unhandled_exception", exc_info=exc)
    return _http_problem(request, 500)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ServiceError: handle_service_error,
    ValidationException: handle_validation_exception,
    HTTPException: handle_http_exception,
    # Database failures, wrapped or raw: classified by service.db.failures. No OSError here: a
    # refused database connection arrives as DatabaseUnreachableError (a SQLAlchemyError), and
    # any other OSError (a file, another service) is a fault of ours, not the database's.
    aa_exceptions.RepositoryError: handle_database_error,
    SQLAlchemyError: handle_database_error,
    asyncpg.PostgresError: handle_database_error,
    asyncpg.InterfaceError: handle_database_error,
    # Shared rate-limit counters (KIT_CRISE_REDIS_URL).
    RedisError: handle_counter_store_error,
    Exception: handle_unexpected,
}


RESPONSE_DESCRIPTIONS: dict[int, str] = {
    400: "Requête mal formée (JSON invalide, type ou champ inconnu).",
    401: "Clé d'API absente, invalide, expirée ou révoquée (en-tête WWW-Authenticate).",
    403: "Le rôle ou le périmètre du compte n'autorise pas cette opération.",
    404: "Ressource introuvable.",
    409: "Conflit avec l'état actuel (doublon, ressource encore utilisée).",
    412: "La ressource a changé depuis la lecture (en-tête If-Match périmé).",
    413: "Corps de requête trop volumineux.",
    415: "Le corps de la requête doit être du JSON (application/json).",
    422: "Données bien formées mais refusées par une règle métier.",
    429: "Trop de requêtes : réessayer après le délai de Retry-After (secondes).",
    503: "Base de données indisponible ou occupée : réessayer après le délai de Retry-After.",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem+json responses a handler may send.

    400 and 503 are always included: any parameter or body can be malformed, and every
    operation needs the database.
    """
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_MEDIA_TYPE,
            description=RESPONSE_DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            generate_examples=False,
        )
        for status in sorted({400, 503, *statuses})
    }


__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "ConflictError",
    "FieldError",
    "ForbiddenError",
    "InvalidDataError",
    "NotFoundError",
    "PreconditionFailedError",
    "ProblemDetails",
    "ServiceError",
    "ServiceUnavailableError",
    "UnauthenticatedError",
    "problem_response",
    "problem_responses",
]
