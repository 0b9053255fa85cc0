"""CSRF protection for the admin's cookie-authenticated forms, and nowhere else.

The API takes a Bearer key in a header, which a browser never adds by itself: CSRF cannot
reach it, and its middleware is not on the API's path at all (it used to wrap every route,
for nothing but an exclusion check). The admin router carries it.
"""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware

from service.settings import SecuritySettings

ADMIN_COOKIE_PATH = "/admin"


def admin_csrf(security: SecuritySettings) -> DefineMiddleware:
    """Double-submit token: a cookie plus the hidden ``_csrf_token`` field of each form."""
    config = CSRFConfig(
        secret=security.secret_key,
        cookie_secure=security.secure_cookies,
        cookie_path=ADMIN_COOKIE_PATH,
    )
    return DefineMiddleware(CSRFMiddleware, config=config)
