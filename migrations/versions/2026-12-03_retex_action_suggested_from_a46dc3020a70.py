"""RETEX actions remember the weak ratings read by the application of the suggestions that
created them, so that applying the suggestions twice adds nothing the second time.

Revision ID: a46dc3020a70
Revises: ae1b2c3d4e5f
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from alembic import op

# Autogenerate writes advanced-alchemy column types under the ``sa.`` prefix.
sa.JsonB = JsonB  # type: ignore[attr-defined]

revision: str = "a46dc3020a70"
down_revision: str | None = "ae1b2c3d4e5f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no backfill: an action created before knows nothing of the ratings it came
    # from, and is treated as one written by hand (its code and title still keep it from being
    # proposed again).
    with op.batch_alter_table("retex_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_from", sa.JsonB, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("retex_action", schema=None) as batch_op:
        batch_op.drop_column("suggested_from")
