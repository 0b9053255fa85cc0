"""Every route of the service: the versioned API under one router, then the probes."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from service.domain.organisations.controllers import ContactController, OrganisationController
from service.domain.system.controllers import HealthController
from service.lib.request_checks import check_api_request

API_PREFIX = "/api/v1"


def api_router() -> Router:
    """``/api/v1``: what every API operation shares (request checks; later, authentication).

    Litestar runs only the ``before_request`` hook closest to a handler: extend
    ``check_api_request`` rather than adding another hook on a controller.
    """
    return Router(
        path=API_PREFIX,
        route_handlers=[OrganisationController, ContactController],
        before_request=check_api_request,
    )


def route_handlers() -> list[ControllerRouterHandler]:
    return [HealthController, api_router()]
