"""The SQLAlchemy plugin configuration (sessions, transactions, migrations) built from settings."""

from __future__ import annotations

from pathlib import Path

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db.engine import create_engine
from service.settings import Settings

VERSION_TABLE = "alembic_version"


def migrations_path() -> Path:
    """The Alembic scripts: packaged inside the wheel, or the repository's ``migrations/``."""
    packaged = Path(__file__).resolve().parents[1] / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "migrations"


def build_sqlalchemy_config(settings: Settings, engine: AsyncEngine | None = None) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine or create_engine(settings.database),
        # Responses are serialised after commit: expired attributes would trigger lazy I/O.
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Services never commit: the plugin commits on 2xx/3xx and rolls back anything else.
        before_send_handler="autocommit_include_redirects",
        alembic_config=AlembicAsyncConfig(
            script_location=str(migrations_path()),
            script_config="",
            version_table_name=VERSION_TABLE,
            render_as_batch=True,
            compare_type=True,
        ),
        create_all=False,
    )
