"""Runtime settings, read from ``KIT_CRISE_*`` environment variables when the app is built."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar, get_args

ENV_PREFIX = "KIT_CRISE_"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/kit-crise.db"

LogFormat = Literal["json", "console"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)

_Choice = TypeVar("_Choice", bound=str)


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL
    echo: bool = False
    pool_size: int = 5
    # SQLite waits this long for a concurrent writer instead of failing with "database is locked".
    sqlite_busy_timeout_ms: int = 5000

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """File behind a SQLite URL (None for PostgreSQL or an in-memory database)."""
        if not self.is_sqlite:
            return None
        _, _, path = self.url.partition(":///")
        return Path(path) if path and path != ":memory:" else None


@dataclass(frozen=True)
class LogSettings:
    level: LogLevel = "INFO"
    format: LogFormat = "json"

    @property
    def level_number(self) -> int:
        return logging.getLevelName(self.level)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ApiSettings:
    # Bodies above this size are refused with 413 before they are read whole.
    max_body_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    log: LogSettings = field(default_factory=LogSettings)
    api: ApiSettings = field(default_factory=ApiSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: the process environment)."""
        env = _Env(os.environ if environ is None else environ)
        return cls(
            database=DatabaseSettings(
                url=env.text("DATABASE_URL", DEFAULT_DATABASE_URL),
                echo=env.boolean("DATABASE_ECHO", default=False),
                pool_size=env.integer("DATABASE_POOL_SIZE", 5, minimum=1),
                sqlite_busy_timeout_ms=env.integer("SQLITE_BUSY_TIMEOUT_MS", 5000, minimum=0),
            ),
            log=LogSettings(
                level=env.choice("LOG_LEVEL", "INFO", LOG_LEVELS),
                format=env.choice("LOG_FORMAT", "json", LOG_FORMATS),
            ),
            api=ApiSettings(
                max_body_bytes=env.integer("MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
            ),
        )


@dataclass(frozen=True)
class _Env:
    """Typed access to prefixed variables, failing with the variable's name on bad values."""

    environ: Mapping[str, str]

    def text(self, name: str, default: str) -> str:
        value = self.environ.get(ENV_PREFIX + name, "").strip()
        return value or default

    def boolean(self, name: str, *, default: bool) -> bool:
        raw = self.environ.get(ENV_PREFIX + name, "").strip().lower()
        if not raw:
            return default
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{ENV_PREFIX}{name} must be a boolean (true/false), got {raw!r}")

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        raw = self.environ.get(ENV_PREFIX + name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from None
        if value < minimum:
            raise SettingsError(f"{ENV_PREFIX}{name} must be >= {minimum}, got {value}")
        return value

    def choice(self, name: str, default: _Choice, allowed: tuple[_Choice, ...]) -> _Choice:
        raw = self.environ.get(ENV_PREFIX + name, "").strip()
        if not raw:
            return default
        for option in allowed:
            if option.lower() == raw.lower():
                return option
        raise SettingsError(f"{ENV_PREFIX}{name} must be one of {', '.join(allowed)}, got {raw!r}")
