"""Allowed hosts: requests naming another host are refused (400, French problem+json).

Litestar's own middleware answers with a bare JSON message and compares the Host header whole;
this one ignores the port and the case (RFC 9110 §4.2.3) and accepts ``*.domain`` patterns.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import ServiceError

# Kubernetes probes address the pod by its IP, whatever the public name.
EXEMPT_PREFIX = "/health/"


def host_name(header: str) -> str:
    """The host of a Host header, without port, lower-cased (IPv6 literals keep their brackets)."""
    host = header.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if ":" in host else host


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """``host`` is one of ``allowed``, or under a ``*.domain`` pattern of it."""
    patterns = [pattern.lower() for pattern in allowed]
    return host in patterns or any(
        host.endswith(pattern[1:]) for pattern in patterns if pattern.startswith("*.")
    )


class AllowedHostsMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.allowed = allowed

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if self.allowed and not scope["path"].startswith(EXEMPT_PREFIX):
            header = next((value for name, value in scope["headers"] if name == b"host"), b"")
            if not host_allowed(host_name(header.decode("latin-1")), self.allowed):
                raise ServiceError(
                    "Ce service ne répond pas sous ce nom d'hôte (en-tête Host non autorisé).",
                    code="invalid_host",
                )
        await next_app(scope, receive, send)
