"""Chronogram entries say who of the facilitators plays them, when to play them, and what was
observed while playing them; CMPP move to the ambulatory mode of care.

Revision ID: b7c2d4e6f801
Revises: a46dc3020a70
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c2d4e6f801"
down_revision: str | None = "a46dc3020a70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Entries generated before know nothing of their facilitator: the main one plays them until
    # the next generation says better.
    with op.batch_alter_table("chronogram_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "facilitator", sa.String(length=40), nullable=False, server_default="ANIMATEUR_PRINCIPAL"
            )
        )
        batch_op.add_column(sa.Column("play_if", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("observation", sa.Text(), nullable=True))
    with op.batch_alter_table("chronogram_entry", schema=None) as batch_op:
        batch_op.alter_column("facilitator", server_default=None)
    # A CMPP runs consultations: it was filed as day care by default, which gave it midday
    # medication. Only the old default moves; a mode chosen by hand stays.
    op.execute(
        "UPDATE organisation SET service_mode = 'AMBULATOIRE' "
        "WHERE category = 'CMPP' AND service_mode = 'ACCUEIL_JOUR'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE organisation SET service_mode = 'ACCUEIL_JOUR' "
        "WHERE category IN ('CMPP', 'CAMSP', 'CSAPA', 'CAARUD') AND service_mode = 'AMBULATOIRE'"
    )
    with op.batch_alter_table("chronogram_entry", schema=None) as batch_op:
        batch_op.drop_column("observation")
        batch_op.drop_column("play_if")
        batch_op.drop_column("facilitator")
