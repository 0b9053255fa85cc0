"""Accounts, API keys, admin sessions and the audit trail; idempotency records per caller.

Revision ID: 2353c8ba692d
Revises: ff3ffd9818d8
Create Date: 2026-11-28 14:20:47.123706
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

revision: str = "2353c8ba692d"
down_revision: str | None = "ff3ffd9818d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The audit trail is append-only in the database too, whatever code runs against it.
_APPEND_ONLY = {
    "postgresql": [
        """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$""",
        """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
        # Row triggers do not fire on TRUNCATE.
        """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
        """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    ],
}
_APPEND_ONLY_REMOVAL = {
    "postgresql": [
        "DROP TRIGGER audit_event_no_truncate ON audit_event",
        "DROP TRIGGER audit_event_append_only ON audit_event",
        "DROP FUNCTION audit_event_append_only()",
    ],
    "sqlite": ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
}


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=True),
        sa.Column("organisation_ids", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_key_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_key_role"), ["role"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.GUID(length=16), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.GUID(length=16), nullable=True),
        sa.Column("region_code", sa.String(length=3), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("changed_fields", sa.JsonB, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_region_occurred", ["region_code", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_resource_id"), ["resource_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_resource_type"), ["resource_type"], unique=False)
    for statement in _APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)

    op.create_table(
        "user_account",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=True),
        sa.Column("organisation_ids", sa.JsonB, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_account_role"), ["role"], unique=False)

    op.create_table(
        "admin_session",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.GUID(length=16), nullable=False),
        sa.Column("last_seen_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_admin_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_session")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_admin_session_token_digest")),
    )
    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_session_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_session_user_id"), ["user_id"], unique=False)

    # Records made before callers were authenticated belong to no one; they are a 24-hour replay
    # cache, so they are dropped rather than given an owner.
    op.execute("DELETE FROM idempotency_record")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("principal", sa.String(length=64), nullable=False))
        batch_op.drop_constraint(batch_op.f("uq_idempotency_record_key"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_idempotency_record_principal"), ["principal", "key", "method", "path"]
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_idempotency_record_principal"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_idempotency_record_key"), ["key", "method", "path"])
        batch_op.drop_column("principal")

    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_admin_session_expires_at"))

    op.drop_table("admin_session")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_role"))
        batch_op.drop_index(batch_op.f("ix_user_account_region_code"))

    op.drop_table("user_account")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_resource_type"))
        batch_op.drop_index(batch_op.f("ix_audit_event_resource_id"))
        batch_op.drop_index("ix_audit_event_region_occurred")
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    for statement in _APPEND_ONLY_REMOVAL[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("audit_event")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_role"))
        batch_op.drop_index(batch_op.f("ix_api_key_region_code"))
        batch_op.drop_index(batch_op.f("ix_api_key_created_by_id"))

    op.drop_table("api_key")
