"""The RETEX action plan: actions of an exercise, their status and its history.

Revision ID: ae1b2c3d4e5f
Revises: 9e1a2b3c4d5f
Create Date: 2026-11-28 17:45:00.000000
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

revision: str = "ae1b2c3d4e5f"
down_revision: str | None = "9e1a2b3c4d5f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retex_action",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("library_code", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("horizon", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_date_overridden", sa.Boolean(), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=False),
        sa.Column("contact_id", sa.GUID(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_changed_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("status_history", sa.JsonB, nullable=False),
        sa.Column("competency_items", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_retex_action_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_retex_action_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retex_action")),
    )
    with op.batch_alter_table("retex_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retex_action_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_retex_action_exercise_status_due", ["exercise_id", "status", "due_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("retex_action", schema=None) as batch_op:
        batch_op.drop_index("ix_retex_action_exercise_status_due")
        batch_op.drop_index(batch_op.f("ix_retex_action_contact_id"))

    op.drop_table("retex_action")
