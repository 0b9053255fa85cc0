"""Declarative base: UUIDv7 primary key, UTC audit timestamps and an optimistic-lock revision."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase, orm_registry
from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

metadata = orm_registry.metadata


class Base(UUIDv7AuditBase):
    """Every table: ``id`` (UUIDv7), ``created_at``/``updated_at`` (UTC) and ``revision``.

    ``revision`` is SQLAlchemy's version counter: each UPDATE checks and bumps it, so two
    concurrent writers cannot silently overwrite each other, and it gives the resource's ETag.
    """

    __abstract__ = True

    revision: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - declared_attr receives the class
        return {"version_id_col": cls.__table__.c.revision}
