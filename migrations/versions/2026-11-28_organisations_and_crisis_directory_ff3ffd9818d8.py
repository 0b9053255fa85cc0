"""Organisations (ESSMS), their crisis directory, and idempotency records.

Revision ID: ff3ffd9818d8
Revises:
Create Date: 2026-11-28 12:23:50.747865
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

# Autogenerate writes advanced-alchemy column types under the ``sa.`` prefix.
sa.GUID = GUID  # type: ignore[attr-defined]
sa.DateTimeUTC = DateTimeUTC  # type: ignore[attr-defined]
sa.JsonB = JsonB  # type: ignore[attr-defined]

revision: str = "ff3ffd9818d8"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=True),
        sa.Column("finess_et", sa.String(length=9), nullable=False),
        sa.Column("finess_ej", sa.String(length=9), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("service_mode", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("organisme_gestionnaire", sa.String(length=200), nullable=True),
        sa.Column("capacity_places", sa.Integer(), nullable=True),
        sa.Column("sites_count", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("finess_et", name=op.f("uq_organisation_finess_et")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organisation_departement_code"), ["departement_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_organisation_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisation_sort_name"), ["sort_name"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("organisation_id", sa.GUID(length=16), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=True),
        sa.Column("phones", sa.JsonB, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("backup_for_id", sa.GUID(length=16), nullable=True),
        sa.Column("availability", sa.String(length=16), nullable=False),
        sa.Column("availability_hours", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["backup_for_id"], ["contact.id"], name=op.f("fk_contact_backup_for_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_contact_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_backup_for_id"), ["backup_for_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("key", "method", "path", name=op.f("uq_idempotency_record_key")),
    )
    op.create_index("ix_idempotency_record_created_at", "idempotency_record", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_idempotency_record_created_at", table_name="idempotency_record")
    op.drop_table("idempotency_record")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_contact_backup_for_id"))

    op.drop_table("contact")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_sort_name"))
        batch_op.drop_index(batch_op.f("ix_organisation_region_code"))
        batch_op.drop_index(batch_op.f("ix_organisation_departement_code"))
        batch_op.drop_index(batch_op.f("ix_organisation_category"))

    op.drop_table("organisation")
