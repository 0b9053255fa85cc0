"""The ``caller`` dependency: the authenticated principal with its request's audit context."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from service.logging import current_request_id
from service.security.guards import principal_of_connection
from service.security.principal import Caller


def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    return Caller(
        principal=principal_of_connection(request),
        request_id=current_request_id(),
        client_address=request.client.host if request.client else None,
    )


CALLER_DEPENDENCIES = {"caller": Provide(provide_caller, sync_to_thread=False)}
