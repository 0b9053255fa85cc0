"""Every route of the service: the versioned API under one router, the admin, then the probes."""

from __future__ import annotations

from litestar import Router
from litestar.middleware import DefineMiddleware
from litestar.types import ControllerRouterHandler

from service.admin.controllers import admin_router
from service.domain.accounts.controllers import ApiKeyController, MeController, UserController
from service.domain.action_plan.controllers import ActionController, OrganisationActionController
from service.domain.audit.controllers import AuditEventController
from service.domain.chronogram.controllers import ChronogramController
from service.domain.evaluation.controllers import EvaluationController
from service.domain.exercises.controllers import ExerciseController
from service.domain.kit.controllers import KitController
from service.domain.organisations.controllers import ContactController, OrganisationController
from service.domain.system.controllers import HealthController
from service.lib.request_checks import check_api_request
from service.openapi import API_KEY_SCHEME
from service.security.authentication import ApiKeyAuthenticationMiddleware
from service.security.caller import CALLER_DEPENDENCIES
from service.security.rate_limits import api_rate_limit, failed_authentications
from service.settings import Settings

API_PREFIX = "/api/v1"


def api_router(settings: Settings) -> Router:
    """``/api/v1``: what every API operation shares — authentication, then rate limiting (per
    key, so it comes second), request checks and the ``caller`` dependency. Each controller
    declares which roles it lets through.

    Litestar runs only the ``before_request`` hook closest to a handler: extend
    ``check_api_request`` rather than adding another hook on a controller.
    """
    limiter = api_rate_limit(settings.security)
    return Router(
        path=API_PREFIX,
        route_handlers=[
            MeController,
            KitController,
            OrganisationController,
            ContactController,
            ExerciseController,
            ChronogramController,
            EvaluationController,
            ActionController,
            OrganisationActionController,
            UserController,
            ApiKeyController,
            AuditEventController,
        ],
        middleware=[
            DefineMiddleware(
                ApiKeyAuthenticationMiddleware, failures=failed_authentications(settings.security)
            ),
            *([limiter.middleware] if limiter else []),
        ],
        before_request=check_api_request,
        dependencies=CALLER_DEPENDENCIES,
        security=[{API_KEY_SCHEME: []}],
    )


def route_handlers(settings: Settings) -> list[ControllerRouterHandler]:
    return [HealthController, api_router(settings), admin_router(settings)]
