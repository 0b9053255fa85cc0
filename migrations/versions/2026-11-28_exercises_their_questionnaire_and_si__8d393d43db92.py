"""Exercises, with their business questionnaire and SI description (one JSON document each).

Revision ID: 8d393d43db92
Revises: 2353c8ba692d
Create Date: 2026-11-28 14:56:33.011217
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

revision: str = "8d393d43db92"
down_revision: str | None = "2353c8ba692d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exercise",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("organisation_id", sa.GUID(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kit_version", sa.String(length=16), nullable=False),
        sa.Column("exercise_date", sa.Date(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("briefing_minutes", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("scenario_type", sa.String(length=40), nullable=False),
        sa.Column("objectives", sa.JsonB, nullable=False),
        sa.Column("participants", sa.JsonB, nullable=False),
        sa.Column("facilitators_count", sa.Integer(), nullable=False),
        sa.Column("observers_count", sa.Integer(), nullable=False),
        sa.Column("include_perturbations", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("prefilled_from_id", sa.GUID(length=16), nullable=True),
        sa.Column("sort_title", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_exercise_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
    )
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_exercise_date"), ["exercise_date"], unique=False)
        batch_op.create_index(
            "ix_exercise_organisation_date", ["organisation_id", "exercise_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exercise_scenario_type"), ["scenario_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_exercise_status"), ["status"], unique=False)

    op.create_table(
        "exercise_information_system",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("components", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_information_system_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_information_system")),
        sa.UniqueConstraint("exercise_id", name=op.f("uq_exercise_information_system_exercise_id")),
    )
    op.create_table(
        "exercise_questionnaire",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("exercise_id", sa.GUID(length=16), nullable=False),
        sa.Column("answers", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_questionnaire_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_questionnaire")),
        sa.UniqueConstraint("exercise_id", name=op.f("uq_exercise_questionnaire_exercise_id")),
    )


def downgrade() -> None:
    op.drop_table("exercise_questionnaire")
    op.drop_table("exercise_information_system")
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_status"))
        batch_op.drop_index(batch_op.f("ix_exercise_scenario_type"))
        batch_op.drop_index("ix_exercise_organisation_date")
        batch_op.drop_index(batch_op.f("ix_exercise_exercise_date"))

    op.drop_table("exercise")
