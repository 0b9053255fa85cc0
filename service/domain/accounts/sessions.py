"""Admin sign-in: people's passwords, server-side sessions with idle and absolute expiry.

The cookie carries a random token; the table keeps its SHA-256 only. Every sign-in opens a new
session (never the one the browser presented), so a planted session id is worthless.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import anyio
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AdminSession, UserAccount
from service.security.passwords import hash_password, needs_rehash, verify_password
from service.settings import SecuritySettings

SESSION_COOKIE = "kit_crise_session"
# The idle clock is moved at most once a minute: a page view is not a database write.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class OpenSession:
    session: AdminSession
    user: UserAccount


async def authenticate_person(db: AsyncSession, email: str, password: str) -> UserAccount | None:
    """The active account matching these credentials, or None — in the same time whether the
    address is unknown, the password wrong or the account disabled."""
    user = await db.scalar(select(UserAccount).where(UserAccount.email == email.strip().lower()))
    matches = await anyio.to_thread.run_sync(verify_password, user.password_hash if user else None, password)
    if not matches or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = await anyio.to_thread.run_sync(hash_password, password)
    return user


async def open_session(
    db: AsyncSession, user: UserAccount, settings: SecuritySettings, client_address: str | None
) -> tuple[AdminSession, str]:
    """A new session for ``user`` and the token for its cookie; expired sessions are purged."""
    now = datetime.now(UTC)
    await db.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session = AdminSession(
        token_digest=_digest(token),
        user_id=user.id,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        client_address=client_address,
    )
    db.add(session)
    user.last_login_at = now
    await db.flush()
    return session, token


async def find_session(db: AsyncSession, token: str, settings: SecuritySettings) -> OpenSession | None:
    """The live session behind ``token``; an expired one, or one of a disabled account, is None."""
    row = (
        await db.execute(
            select(AdminSession, UserAccount)
            .join(UserAccount, AdminSession.user_id == UserAccount.id)
            .where(AdminSession.token_digest == _digest(token))
        )
    ).first()
    if row is None:
        return None
    session, user = row
    now = datetime.now(UTC)
    idle_limit = session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if session.expires_at <= now or idle_limit <= now or not user.active:
        return None
    return OpenSession(session=session, user=user)


def needs_touch(session: AdminSession) -> bool:
    return session.last_seen_at < datetime.now(UTC) - LAST_SEEN_RESOLUTION


async def touch_session(db: AsyncSession, session_id: UUID) -> None:
    await db.execute(
        update(AdminSession)
        .where(AdminSession.id == session_id)
        # updated_at stays: a page view is not an edit of the session.
        .values(last_seen_at=datetime.now(UTC), updated_at=AdminSession.updated_at)
        .execution_options(synchronize_session=False)
    )


async def close_session(db: AsyncSession, token: str) -> AdminSession | None:
    session = await db.scalar(select(AdminSession).where(AdminSession.token_digest == _digest(token)))
    if session is not None:
        await db.delete(session)
    return session
