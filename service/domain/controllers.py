"""Every route of the service: the versioned API under one router, then the probes."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from service.domain.organisations.controllers import ContactController, OrganisationController
from service.domain.system.controllers import HealthController
from service.lib.media_types import require_declared_media_type

API_PREFIX = "/api/v1"


def api_router() -> Router:
    """``/api/v1``: what every API operation shares (body media types; later, authentication)."""
    return Router(
        path=API_PREFIX,
        route_handlers=[OrganisationController, ContactController],
        before_request=require_declared_media_type,
    )


def route_handlers() -> list[ControllerRouterHandler]:
    return [HealthController, api_router()]
