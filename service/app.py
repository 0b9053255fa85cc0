"""``create_app(settings)``: the only place the Litestar application is assembled."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.datastructures import State

from service.db.config import build_sqlalchemy_config
from service.db.engine import create_engine
from service.db.intent import TransactionIntentMiddleware
from service.domain.controllers import route_handlers
from service.errors import EXCEPTION_HANDLERS
from service.kit.catalogue import get_catalogue
from service.lib.geography import load_geography
from service.lib.request import ServiceRequest
from service.lib.request_checks import QUERY_PARAMETERS_STATE_KEY, declared_query_parameters
from service.logging import RequestLogMiddleware, configure_logging
from service.openapi import apply_contract_fixes, openapi_config, swagger_assets_router
from service.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the application; settings come from the environment when not given."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log)
    # Broken kit data must stop the service now, not fail a request later.
    get_catalogue()
    load_geography()
    engine = create_engine(settings.database)
    app = Litestar(
        route_handlers=[*route_handlers(), swagger_assets_router()],
        plugins=[SQLAlchemyPlugin(config=build_sqlalchemy_config(settings, engine))],
        # The plugin does not own an engine it was handed: close its connections ourselves.
        on_shutdown=[engine.dispose],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        request_max_body_size=settings.api.max_body_bytes,
        request_class=ServiceRequest,
        middleware=[TransactionIntentMiddleware()],
        # Errors are logged once, by the handler of unexpected exceptions.
        logging_config=None,
        state=State({"settings": settings}),
    )
    # Outermost, like Litestar's own CORS and OpenTelemetry wrappers: route middleware never
    # sees the router's 404/405, and those requests need a log line and a request id too.
    app.asgi_handler = RequestLogMiddleware()(app.asgi_handler)
    apply_contract_fixes(app)
    app.state[QUERY_PARAMETERS_STATE_KEY] = declared_query_parameters(app)
    return app
