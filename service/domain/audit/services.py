"""Writing and reading the audit trail.

Events are added to the caller's session: they commit with the change they describe, or not at
all. A failed sign-in has no change to ride on and is written in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.repository.typing import ModelT
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AuditEvent
from service.domain.audit.schemas import AuditEventSort
from service.kit.codes import AuditAction, ResourceType
from service.lib.pagination import SortOrder, ordering
from service.security.principal import Caller
from service.security.scopes import visible_audit_events

ANONYMOUS = "ANONYMOUS"


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Names of the fields whose value differs (a field absent before counts as changed)."""
    return sorted(name for name, value in after.items() if name not in before or before[name] != value)


def record_event(
    session: AsyncSession,
    caller: Caller,
    *,
    action: AuditAction,
    resource_type: ResourceType,
    resource_id: UUID | None,
    region_code: str | None,
    fields: Iterable[str] = (),
) -> None:
    principal = caller.principal
    session.add(
        AuditEvent(
            actor_type=principal.kind.value,
            actor_id=principal.id,
            actor_label=principal.label,
            actor_role=principal.role.value,
            action=action.value,
            resource_type=resource_type.value,
            resource_id=resource_id,
            region_code=region_code,
            request_id=caller.request_id,
            client_address=caller.client_address,
            changed_fields=sorted(fields),
        )
    )


def record_failed_sign_in(
    session: AsyncSession, *, email: str, request_id: str | None, client_address: str | None
) -> None:
    session.add(
        AuditEvent(
            actor_type=ANONYMOUS,
            actor_id=None,
            # Whatever was typed, cut to the column: an attacker chooses this text.
            actor_label=email[:254],
            actor_role=None,
            action=AuditAction.LOGIN_FAILED.value,
            resource_type=ResourceType.ADMIN_SESSION.value,
            resource_id=None,
            region_code=None,
            request_id=request_id,
            client_address=client_address,
            changed_fields=[],
        )
    )


class AuditedService(SQLAlchemyAsyncRepositoryService[ModelT]):
    """A service whose writes are recorded, in its own session, as ``audited_as`` resources."""

    audited_as: ClassVar[ResourceType]

    def record(
        self,
        caller: Caller,
        action: AuditAction,
        resource_id: UUID,
        *,
        region_code: str | None,
        fields: Iterable[str] = (),
    ) -> None:
        record_event(
            self.repository.session,
            caller,
            action=action,
            resource_type=self.audited_as,
            resource_id=resource_id,
            region_code=region_code,
            fields=fields,
        )


class AuditService(SQLAlchemyAsyncRepositoryService[AuditEvent]):
    class Repo(SQLAlchemyAsyncRepository[AuditEvent]):
        model_type = AuditEvent

    repository_type = Repo
    count_with_window_function = False

    async def list_events(
        self,
        caller: Caller,
        *,
        page: LimitOffset,
        sort: AuditEventSort,
        order: SortOrder,
        action: AuditAction | None = None,
        resource_type: ResourceType | None = None,
        resource_id: UUID | None = None,
        actor_id: UUID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[Sequence[AuditEvent], int]:
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            *ordering(sort, order, {}),
            visible_audit_events(caller.principal),
        ]
        equalities = {
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "actor_id": actor_id,
        }
        filters += [getattr(AuditEvent, name) == value for name, value in equalities.items() if value]
        if since is not None:
            filters.append(AuditEvent.occurred_at >= since)
        if until is not None:
            filters.append(AuditEvent.occurred_at < until)
        return await self.get_many_and_count(*filters)
