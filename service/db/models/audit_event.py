"""One line of the append-only audit trail: who did what to which resource, and when."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column


class AuditEvent(UUIDv7Base):
    """Never updated nor deleted by the service: no revision, no ``updated_at``."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_region_occurred", "region_code", "occurred_at"),)

    occurred_at: Mapped[datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=lambda: datetime.now(UTC), index=True
    )
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[UUID | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), index=True)
    resource_type: Mapped[str] = mapped_column(String(32), index=True)
    resource_id: Mapped[UUID | None] = mapped_column(index=True)
    # Region of the resource, so that a regional account reads the events of its region.
    region_code: Mapped[str | None] = mapped_column(String(3))
    request_id: Mapped[str | None] = mapped_column(String(128))
    client_address: Mapped[str | None] = mapped_column(String(64))
    # Names of the fields written, never their values: secrets and personal data stay out.
    changed_fields: Mapped[list[str]] = mapped_column(JsonB, default=list)
