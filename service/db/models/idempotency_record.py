"""A create request's outcome, kept so that a retry with the same Idempotency-Key replays it."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("principal", "key", "method", "path"),
        # Expired records are purged by age.
        Index("ix_idempotency_record_created_at", "created_at"),
    )

    # Keys are chosen by clients: two clients choosing the same key must not see each other's
    # responses, so a record belongs to the account or API key that made the request.
    principal: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    # SHA-256 of the canonical request body: the same key with another body is a client error.
    request_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(500))
