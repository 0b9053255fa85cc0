"""``create_app(settings)``: the only place the Litestar application is assembled."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.stores.registry import StoreRegistry
from litestar.template import TemplateConfig

from service.admin.controllers import TEMPLATES_DIRECTORY
from service.db.config import build_sqlalchemy_config
from service.db.engine import create_engine
from service.db.transactions import SESSION_MAKER_STATE_KEY, separate_session_maker
from service.domain.controllers import route_handlers
from service.errors import EXCEPTION_HANDLERS
from service.kit.context import KIT_CONTEXT_STATE_KEY, load_kit_context, provide_kit_context
from service.lib.edge import EdgeMiddleware
from service.lib.geography import load_geography
from service.lib.request import ServiceRequest
from service.lib.request_checks import QUERY_PARAMETERS_STATE_KEY, declared_query_parameters
from service.logging import RequestLog, configure_logging
from service.openapi import apply_contract_fixes, openapi_config, swagger_assets_router
from service.security.authentication import VERIFIER_STATE_KEY, ApiKeyVerifier
from service.security.hosts import AllowedHostsMiddleware
from service.security.rate_limits import RATE_LIMIT_STORE, rate_limit_store
from service.settings import SecuritySettings, Settings


def _cors(security: SecuritySettings) -> CORSConfig | None:
    """Closed unless origins are listed; bearer keys travel in a header, never as credentials."""
    if not security.cors_origins:
        return None
    return CORSConfig(allow_origins=list(security.cors_origins), allow_credentials=False)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the application; settings come from the environment when not given."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log)
    # Broken kit data must stop the service now, not fail a request later; the engines are
    # handed this one context (through DI) rather than reading the kit themselves.
    kit = load_kit_context()
    load_geography()
    engine = create_engine(settings.database)
    security = settings.security
    alchemy = build_sqlalchemy_config(settings, engine)
    # Reads an API key on the request's own session (the plugin keeps it in the scope and
    # hands the same one to the handler), when the key is not among those verified lately.
    verifier = ApiKeyVerifier(
        lambda connection: alchemy.provide_session(connection.app.state, connection.scope),
        cache_seconds=security.api_key_cache_seconds,
    )
    app = Litestar(
        route_handlers=[*route_handlers(settings), swagger_assets_router()],
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        # What the process knew of keys is forgotten when it starts serving; the plugin does
        # not own an engine it was handed: close its connections ourselves.
        on_startup=[verifier.forget_all],
        on_shutdown=[engine.dispose],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        request_max_body_size=settings.api.max_body_bytes,
        request_class=ServiceRequest,
        # Only when hosts are configured: a layer on every request costs even when it lets all through.
        middleware=[AllowedHostsMiddleware(security.allowed_hosts)] if security.allowed_hosts else [],
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False, use_cache=True),
            "kit": Provide(provide_kit_context, sync_to_thread=False, use_cache=True),
        },
        stores=StoreRegistry(stores={RATE_LIMIT_STORE: rate_limit_store(security)}),
        cors_config=_cors(security),
        template_config=TemplateConfig(directory=TEMPLATES_DIRECTORY, engine=JinjaTemplateEngine),
        # Errors are logged once, by the handler of unexpected exceptions.
        logging_config=None,
        state=State(
            {
                "settings": settings,
                SESSION_MAKER_STATE_KEY: separate_session_maker(engine),
                VERIFIER_STATE_KEY: verifier,
                KIT_CONTEXT_STATE_KEY: kit,
            }
        ),
    )
    # Request id, write intent, security headers and the request's log line, outside
    # everything else (service.lib.edge says why). CSRF guards the admin's forms only: its
    # middleware is on the admin router (service.security.csrf).
    app.asgi_handler = EdgeMiddleware(app.asgi_handler, RequestLog(settings.log))
    apply_contract_fixes(app)
    app.state[QUERY_PARAMETERS_STATE_KEY] = declared_query_parameters(app)
    return app
