"""Competency evaluations: the grid, one row per rated item, links to chronogram entries, observations.

Revision ID: 9e1a2b3c4d5f
Revises: 7c1a2b3c4d5e
Create Date: 2026-11-28 17:27:09.690941
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

# Autogenerate writes advanced-alchemy column types under the ``sa.`` prefix.
sa.GUID = GUID  # type: ignore[attr-defined]
sa.DateTimeUTC = DateTimeUTC  # type: ignore[attr-defined]

revision: str = "9e1a2b3c4d5f"
down_revision: str | None = "7c1a2b3c4d5e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competency_evaluation",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("evaluator_name", sa.String(length=200), nullable=True),
        sa.Column("evaluator_role", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_competency_evaluation_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_evaluation")),
        sa.UniqueConstraint("exercise_id", name=op.f("uq_competency_evaluation_exercise_id")),
    )
    op.create_table(
        "competency_rating",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.String(length=24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evaluator_name", sa.String(length=200), nullable=True),
        sa.Column("evaluator_role", sa.String(length=200), nullable=True),
        sa.Column("evaluated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_competency_rating_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_rating")),
        sa.UniqueConstraint("exercise_id", "item_code", name=op.f("uq_competency_rating_exercise_id")),
    )
    with op.batch_alter_table("competency_rating", schema=None) as batch_op:
        batch_op.create_index("ix_competency_rating_item_rating", ["item_code", "rating"], unique=False)

    op.create_table(
        "competency_rating_entry",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("rating_id", sa.GUID(length=16), nullable=False),
        sa.Column("entry_id", sa.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["chronogram_entry.id"],
            name=op.f("fk_competency_rating_entry_entry_id_chronogram_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["competency_rating.id"],
            name=op.f("fk_competency_rating_entry_rating_id_competency_rating"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_rating_entry")),
        sa.UniqueConstraint("rating_id", "entry_id", name=op.f("uq_competency_rating_entry_rating_id")),
    )
    with op.batch_alter_table("competency_rating_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competency_rating_entry_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "exercise_observation",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("observed_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("observer", sa.String(length=200), nullable=True),
        sa.Column("entry_id", sa.GUID(length=16), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["chronogram_entry.id"],
            name=op.f("fk_exercise_observation_entry_id_chronogram_entry"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_observation_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_observation")),
    )
    with op.batch_alter_table("exercise_observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_observation_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(
            "ix_exercise_observation_exercise_time", ["exercise_id", "observed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_observation", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_observation_exercise_time")
        batch_op.drop_index(batch_op.f("ix_exercise_observation_entry_id"))

    op.drop_table("exercise_observation")
    with op.batch_alter_table("competency_rating_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_rating_entry_entry_id"))

    op.drop_table("competency_rating_entry")
    with op.batch_alter_table("competency_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_competency_rating_item_rating")

    op.drop_table("competency_rating")
    op.drop_table("competency_evaluation")
