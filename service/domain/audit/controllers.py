"""HTTP route of the audit trail (read only: nothing in the API edits or deletes an event)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from service.db.models import AuditEvent
from service.domain.audit.schemas import AuditEventPage, AuditEventRead, AuditEventSort
from service.domain.audit.services import AuditService
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import AccountRole, AuditAction, ResourceType
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.lib.time import moment_parameter, parse_moment
from service.security.guards import STAFF, allow
from service.security.principal import Caller


def audit_event_read(event: AuditEvent) -> AuditEventRead:
    catalogue = get_catalogue()
    action, resource_type = AuditAction(event.action), ResourceType(event.resource_type)
    return AuditEventRead(
        id=event.id,
        occurred_at=event.occurred_at,
        actor_type=event.actor_type,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        actor_role=AccountRole(event.actor_role) if event.actor_role else None,
        action=action,
        action_label=catalogue.label(action),
        resource_type=resource_type,
        resource_type_label=catalogue.label(resource_type),
        resource_id=event.resource_id,
        region_code=event.region_code,
        request_id=event.request_id,
        client_address=event.client_address,
        changed_fields=list(event.changed_fields),
    )


class AuditEventController(Controller):
    path = "/audit-events"
    tags = ["audit"]
    guards = [allow(*STAFF)]
    dependencies = {"audit_events": Provide(create_service_provider(AuditService)), **PAGINATION_DEPENDENCIES}

    @get(
        "/",
        operation_id="listAuditEvents",
        summary="Consulter le journal d'audit",
        response_description="Page d'événements.",
        responses=problem_responses(),
    )
    async def list_audit_events(
        self,
        *,
        caller: NamedDependency[Caller],
        audit_events: NamedDependency[AuditService],
        page: NamedDependency[LimitOffset],
        sort: Annotated[
            AuditEventSort, QueryParameter(description="Champ de tri.")
        ] = AuditEventSort.OCCURRED_AT,
        order: Annotated[SortOrder, QueryParameter(description="Sens du tri.")] = SortOrder.DESC,
        action: Annotated[AuditAction | None, QueryParameter(description="Filtre : action.")] = None,
        resource_type: Annotated[
            ResourceType | None, QueryParameter(description="Filtre : type de ressource.")
        ] = None,
        resource_id: Annotated[UUID | None, QueryParameter(description="Filtre : ressource.")] = None,
        actor_id: Annotated[
            UUID | None, QueryParameter(description="Filtre : auteur (compte ou clé).")
        ] = None,
        since: Annotated[str | None, moment_parameter("Filtre : à partir de cette date (incluse).")] = None,
        until: Annotated[str | None, moment_parameter("Filtre : avant cette date (exclue).")] = None,
    ) -> AuditEventPage:
        """Qui a fait quoi, quand : toutes les régions pour l'administration, sa région pour un
        compte régional."""
        items, total = await audit_events.list_events(
            caller,
            page=page,
            sort=sort,
            order=order,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            actor_id=actor_id,
            since=parse_moment("since", since),
            until=parse_moment("until", until),
        )
        return AuditEventPage(
            items=[audit_event_read(item) for item in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )
