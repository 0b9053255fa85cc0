"""Accounts created from the server's console: the first admin, keys for integrations, and the
local admin key ``make run`` leaves in ``./data`` for a developer.

They go through the same services, rules and audit trail as the API.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.engine import create_engine, write_intent
from service.db.models import ApiKey
from service.db.transactions import separate_session_maker
from service.domain.accounts.schemas import ApiKeyCreate, UserCreate
from service.domain.accounts.services import ApiKeyService, UserService
from service.kit.codes import AccountRole
from service.security.api_keys import parse_key, secret_matches
from service.security.principal import COMMAND_LINE_PRINCIPAL, Caller
from service.settings import Settings

COMMAND_LINE = Caller(principal=COMMAND_LINE_PRINCIPAL)
LOCAL_KEY_NAME = "Clé d'administration locale (make run)"


@asynccontextmanager
async def _transaction(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings.database)
    token = write_intent.set(True)
    try:
        async with separate_session_maker(engine).begin() as session:
            yield session
    finally:
        write_intent.reset(token)
        await engine.dispose()


async def create_user(settings: Settings, data: UserCreate) -> None:
    async with _transaction(settings) as session:
        await UserService(session=session).create_user(COMMAND_LINE, data)


async def create_api_key(settings: Settings, data: ApiKeyCreate) -> str:
    """The new key's full token (shown once, never stored)."""
    async with _transaction(settings) as session:
        _, token = await ApiKeyService(session=session).create_api_key(COMMAND_LINE, data)
    return token


async def admin_key_is_usable(settings: Settings, token: str) -> bool:
    parts = parse_key(token)
    if parts is None:
        return False
    async with _transaction(settings) as session:
        key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts.prefix))
    if key is None or key.revoked_at is not None or not secret_matches(key.secret_digest, parts.secret):
        return False
    if key.role != AccountRole.ADMIN:
        return False
    return key.expires_at is None or key.expires_at > datetime.now(UTC)


def ensure_local_admin_key(settings: Settings, path: Path) -> bool:
    """Make sure ``path`` holds a working admin key (file mode 0600); True when one was created.

    A key file left from a deleted database is replaced, not trusted."""
    if path.is_file() and asyncio.run(
        admin_key_is_usable(settings, path.read_text(encoding="utf-8").strip())
    ):
        return False
    token = asyncio.run(create_api_key(settings, ApiKeyCreate(name=LOCAL_KEY_NAME, role=AccountRole.ADMIN)))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # An existing file keeps its old mode through O_CREAT: set it explicitly.
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(token + "\n")
    return True
