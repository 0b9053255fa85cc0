"""Runtime settings, read from ``KIT_CRISE_*`` environment variables when the app is built."""

from __future__ import annotations

import logging
import os
import secrets
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
    # Read transactions run on the event loop instead of aiosqlite's thread (service.db.engine).
    sqlite_inline_reads: bool = True

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


def _random_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class SecuritySettings:
    # Signs the admin's CSRF tokens. Replicas and workers must share it: `kit-crise serve`
    # hands one to its workers; a cluster sets KIT_CRISE_SECRET_KEY from a Secret.
    secret_key: str = field(default_factory=_random_secret, repr=False)
    # Forces the Secure flag on cookies even when TLS ends at a proxy that hides it.
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # How long a verified API key is trusted without reading it again (0: read on every call).
    # A key revoked through another replica, or in the database, works that long at most (ADR 0005).
    api_key_cache_seconds: int = 5
    # Calls per minute and per API key (0: unlimited); login attempts per minute and per address.
    api_calls_per_minute: int = 600
    login_attempts_per_minute: int = 10
    # Shared rate-limit counters across replicas; per-process memory when unset.
    redis_url: str | None = None
    # Browser origins allowed to call the API (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    # Host headers accepted; every host when empty (a cluster sets its public name).
    allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    log: LogSettings = field(default_factory=LogSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)

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
                sqlite_inline_reads=env.boolean("SQLITE_INLINE_READS", default=True),
            ),
            log=LogSettings(
                level=env.choice("LOG_LEVEL", "INFO", LOG_LEVELS),
                format=env.choice("LOG_FORMAT", "json", LOG_FORMATS),
            ),
            api=ApiSettings(
                max_body_bytes=env.integer("MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
            ),
            security=SecuritySettings(
                secret_key=env.text("SECRET_KEY", "") or _random_secret(),
                secure_cookies=env.boolean("SECURE_COOKIES", default=False),
                session_idle_minutes=env.integer("SESSION_IDLE_MINUTES", 30, minimum=1),
                session_absolute_hours=env.integer("SESSION_ABSOLUTE_HOURS", 12, minimum=1),
                api_key_cache_seconds=env.integer("API_KEY_CACHE_SECONDS", 5, minimum=0),
                api_calls_per_minute=env.integer("RATE_LIMIT_PER_MINUTE", 600, minimum=0),
                login_attempts_per_minute=env.integer("LOGIN_ATTEMPTS_PER_MINUTE", 10, minimum=0),
                redis_url=env.text("REDIS_URL", "") or None,
                cors_origins=env.items("CORS_ORIGINS"),
                allowed_hosts=env.items("ALLOWED_HOSTS"),
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

    def items(self, name: str) -> tuple[str, ...]:
        """A comma-separated list."""
        raw = self.environ.get(ENV_PREFIX + name, "")
        return tuple(item.strip() for item in raw.split(",") if item.strip())

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
