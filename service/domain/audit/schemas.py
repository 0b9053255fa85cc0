"""Wire format of audit events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from service.kit.codes import AccountRole, AuditAction, ResourceType
from service.lib.schema import Limit, Offset, ResourceId, ResponseStruct, Total


class AuditEventRead(ResponseStruct):
    """Un événement du journal d'audit."""

    id: ResourceId
    occurred_at: Annotated[datetime, Meta(description="Date de l'événement (UTC).")]
    actor_type: Annotated[
        str, Meta(description="« API_KEY », « USER » ou « ANONYMOUS » (échec de connexion).")
    ]
    actor_id: Annotated[UUID | None, Meta(description="Compte ou clé d'API auteur de l'action.")]
    actor_label: Annotated[str, Meta(description="Nom de la clé ou adresse électronique de l'auteur.")]
    actor_role: Annotated[AccountRole | None, Meta(description="Rôle de l'auteur au moment de l'action.")]
    action: Annotated[AuditAction, Meta(description="Action enregistrée.")]
    action_label: Annotated[str, Meta(description="Libellé français de l'action.")]
    resource_type: Annotated[ResourceType, Meta(description="Type de ressource concernée.")]
    resource_type_label: Annotated[str, Meta(description="Libellé français du type de ressource.")]
    resource_id: Annotated[UUID | None, Meta(description="Identifiant de la ressource concernée.")]
    region_code: Annotated[str | None, Meta(description="Région de la ressource concernée.")]
    request_id: Annotated[str | None, Meta(description="Identifiant de la requête (X-Request-ID).")]
    client_address: Annotated[str | None, Meta(description="Adresse IP du client.")]
    changed_fields: Annotated[
        list[str], Meta(description="Champs écrits (jamais leurs valeurs ni aucun secret).")
    ]


class AuditEventPage(ResponseStruct):
    """Une page du journal d'audit, du plus récent au plus ancien par défaut."""

    items: Annotated[list[AuditEventRead], Meta(description="Événements de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class AuditEventSort(StrEnum):
    """Champ de tri du journal d'audit."""

    OCCURRED_AT = "occurred_at"
