"""Who may call the service: people (user accounts, for the admin) and integrations (API keys).

Both carry the same authorisation: a role and a scope (a region, or organisations).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, declarative_mixin, mapped_column

from service.db.base import Base


@declarative_mixin
class AccountScope:
    """Role and scope. An establishment account's region is that of its organisations, kept here
    so that a regional account finds the accounts of its region with one indexed comparison."""

    role: Mapped[str] = mapped_column(String(16), index=True)
    region_code: Mapped[str | None] = mapped_column(String(3), index=True)
    # Ids of the organisations an ESTABLISHMENT account acts for (an organisme gestionnaire may
    # hold several). An organisation deleted later simply stops matching.
    organisation_ids: Mapped[list[str]] = mapped_column(JsonB, default=list)


class UserAccount(AccountScope, Base):
    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Argon2id, in the PHC string format (algorithm and parameters travel with the hash).
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ApiKey(AccountScope, Base):
    __tablename__ = "api_key"

    name: Mapped[str] = mapped_column(String(120))
    # Public part of the key, shown in lists so a person can tell keys apart; the secret part is
    # stored only as a SHA-256 digest (it carries 256 random bits: no slow hash needed).
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_by_id: Mapped[UUID | None] = mapped_column(index=True)


class AdminSession(Base):
    """A signed-in person in the admin. The cookie holds a random token; only its digest is
    stored, so a copy of the database opens no session."""

    __tablename__ = "admin_session"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    client_address: Mapped[str | None] = mapped_column(String(64))
