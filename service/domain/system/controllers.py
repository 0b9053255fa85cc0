"""Liveness (no I/O) and readiness (the database answers) probes."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Literal

import anyio
import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.errors import ServiceUnavailableError, problem_responses
from service.lib.schema import ResponseStruct

READINESS_TIMEOUT_SECONDS = 3
# Read once: importlib.metadata parses the package's METADATA file on every call (half the
# cost of a liveness probe when it was read per request).
SERVICE_VERSION = version("kit-crise")


class HealthStatus(ResponseStruct):
    """État du service."""

    status: Annotated[Literal["ok"], msgspec.Meta(description="Toujours « ok » quand la réponse est 200.")]
    version: Annotated[str, msgspec.Meta(description="Version du service.")]


class HealthController(Controller):
    path = "/health"
    tags = ["system"]

    @get(
        "/live",
        operation_id="checkLiveness",
        response_description="Le processus est vivant.",
        summary="Le processus répond",
    )
    async def live(self) -> HealthStatus:
        """Sonde de vivacité, sans accès à la base : une panne de base ne doit pas redémarrer les pods."""
        return HealthStatus(status="ok", version=SERVICE_VERSION)

    @get(
        "/ready",
        operation_id="checkReadiness",
        response_description="Le service est prêt.",
        summary="Le service peut traiter des requêtes",
        responses={503: problem_responses(503)[503]},
    )
    async def ready(self, db_engine: NamedDependency[AsyncEngine]) -> HealthStatus:
        """Sonde de disponibilité : la base de données répond à une requête simple."""
        try:
            with anyio.fail_after(READINESS_TIMEOUT_SECONDS):
                async with db_engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means "not ready"
            raise ServiceUnavailableError(
                "La base de données ne répond pas : le service ne peut pas traiter de requêtes "
                "pour le moment.",
                code="database_unavailable",
            ) from exc
        return HealthStatus(status="ok", version=SERVICE_VERSION)
