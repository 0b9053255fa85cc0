"""Chronograms and their entries (one chronogram per exercise).

Revision ID: 7c1a2b3c4d5e
Revises: 8d393d43db92
Create Date: 2026-11-28 17:30:00.000000
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

revision: str = "7c1a2b3c4d5e"
down_revision: str | None = "8d393d43db92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chronogram",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("library_version", sa.String(length=32), nullable=False),
        sa.Column("generator_version", sa.String(length=32), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("left_out", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_chronogram_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronogram")),
        sa.UniqueConstraint("exercise_id", name=op.f("uq_chronogram_exercise_id")),
    )
    op.create_table(
        "chronogram_entry",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("chronogram_id", sa.GUID(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("clock_time", sa.Time(), nullable=True),
        sa.Column("phase", sa.String(length=24), nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("stimulus", sa.Text(), nullable=False),
        sa.Column("expected_reactions", sa.JsonB, nullable=False),
        sa.Column("competency_items", sa.JsonB, nullable=False),
        sa.Column("inject_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("routing_note", sa.Text(), nullable=True),
        sa.Column("unresolved_placeholders", sa.JsonB, nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chronogram_id"],
            ["chronogram.id"],
            name=op.f("fk_chronogram_entry_chronogram_id_chronogram"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_chronogram_entry_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronogram_entry")),
    )
    with op.batch_alter_table("chronogram_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chronogram_entry_exercise_id"), ["exercise_id"], unique=False)
        batch_op.create_index(
            "ix_chronogram_entry_order", ["chronogram_id", "offset_minutes", "seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("chronogram_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_chronogram_entry_order")
        batch_op.drop_index(batch_op.f("ix_chronogram_entry_exercise_id"))

    op.drop_table("chronogram_entry")
    op.drop_table("chronogram")
