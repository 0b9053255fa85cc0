"""Every controller of the API, in the order the OpenAPI document lists them."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from service.domain.organisations.controllers import ContactController, OrganisationController
from service.domain.system.controllers import HealthController

CONTROLLERS: list[ControllerRouterHandler] = [
    HealthController,
    OrganisationController,
    ContactController,
]
