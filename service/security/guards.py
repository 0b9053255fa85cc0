"""Route guards: which roles may call an operation, declared next to the route.

Scope (which objects) is enforced by the services' queries; guards decide only on the role,
so a forbidden write answers 403 whatever the object, and reveals nothing about it.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from service.errors import ForbiddenError, UnauthenticatedError
from service.kit.catalogue import get_catalogue
from service.kit.codes import AccountRole
from service.security.principal import Principal

ADMIN = (AccountRole.ADMIN,)
STAFF = (AccountRole.ADMIN, AccountRole.REGIONAL)
ORGANISATION_MEMBERS = (AccountRole.ADMIN, AccountRole.REGIONAL, AccountRole.ESTABLISHMENT)
EVERYONE = tuple(AccountRole)


def principal_of_connection(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        # Only reachable if a route escaped the authentication middleware: fail closed.
        raise UnauthenticatedError("Cette opération demande une clé d'API.", code="missing_credentials")
    return principal


def allow(*roles: AccountRole) -> Guard:
    """Guard letting through the given roles; any other role gets 403."""
    allowed = frozenset(roles)

    # A coroutine: Litestar runs a plain function guard in a worker thread, a thread round trip
    # on every request for a set lookup (docs/performance.md).
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        # Litestar runs controller guards on its generated OPTIONS handlers too; those answer
        # CORS preflights, which carry no credentials, and reveal only the allowed methods.
        if connection.scope.get("method") == "OPTIONS":
            return
        principal = principal_of_connection(connection)
        if principal.role not in allowed:
            label = get_catalogue().label(principal.role)
            raise ForbiddenError(f"Le rôle « {label} » ne permet pas cette opération.", code="role_forbidden")

    guard.__name__ = "allow_" + "_".join(sorted(role.lower() for role in allowed))
    return guard
