"""Security headers on every response, router errors included (so: an outermost ASGI wrapper)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# JSON never needs to load anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The admin serves its own scripts and styles (htmx vendored), never inline code.
ADMIN_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# Litestar's Swagger UI page boots with an inline script.
SCHEMA_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(path: str) -> str:
    if path == "/admin" or path.startswith("/admin/"):
        return ADMIN_POLICY
    if path == "/schema" or path.startswith("/schema/"):
        return SCHEMA_POLICY
    return API_POLICY


class SecurityHeadersMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        policy = content_security_policy(scope["path"])
        # Behind a TLS-terminating proxy, uvicorn's --proxy-headers sets the scheme.
        over_https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in COMMON_HEADERS.items():
                    headers[name] = value
                headers["Content-Security-Policy"] = policy
                if over_https:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await next_app(scope, receive, send_with_headers)
