"""Security headers on every response, router errors included: service.lib.edge, the outermost
ASGI layer, adds them."""

from __future__ import annotations

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


def _encoded(policy: str, *, over_https: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = {**COMMON_HEADERS, "Content-Security-Policy": policy}
    if over_https:
        headers["Strict-Transport-Security"] = HSTS
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())


# Every response gets one of these sets: encoded once, not on every response.
_ENCODED = {
    (policy, over_https): _encoded(policy, over_https=over_https)
    for policy in (API_POLICY, ADMIN_POLICY, SCHEMA_POLICY)
    for over_https in (False, True)
}
NAMES = frozenset(name for name, _ in _ENCODED[API_POLICY, True])


def security_headers(path: str, *, over_https: bool) -> tuple[tuple[bytes, bytes], ...]:
    """The security headers of a response to ``path``, as ASGI header pairs."""
    return _ENCODED[content_security_policy(path), over_https]


def with_security_headers(
    headers: list[tuple[bytes, bytes]], added: tuple[tuple[bytes, bytes], ...]
) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``added``, which replace any header of the same name already there."""
    if any(name.lower() in NAMES for name, _ in headers):
        headers = [(name, value) for name, value in headers if name.lower() not in NAMES]
    return [*headers, *added]
