"""Settings come from KIT_CRISE_* variables and refuse values the service cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_defaults_use_the_embedded_sqlite_database() -> None:
    settings = Settings.from_env({})
    assert settings.database.url == DEFAULT_DATABASE_URL
    assert settings.database.sqlite_path == Path("data/kit-crise.db")
    assert settings.log.format == "json"
    assert settings.log.level == "INFO"
    assert settings.api.max_body_bytes == 1024 * 1024


def test_variables_are_read_with_their_prefix() -> None:
    settings = Settings.from_env(
        {
            "KIT_CRISE_DATABASE_URL": "postgresql+asyncpg://kit@db/kit",
            "KIT_CRISE_LOG_LEVEL": "debug",
            "KIT_CRISE_LOG_FORMAT": "Console",
            "KIT_CRISE_DATABASE_ECHO": "yes",
            "DATABASE_URL": "ignored: no prefix",
        }
    )
    assert settings.database.url == "postgresql+asyncpg://kit@db/kit"
    assert settings.database.is_sqlite is False
    assert settings.database.sqlite_path is None
    assert settings.database.echo is True
    assert settings.log.level == "DEBUG"
    assert settings.log.format == "console"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KIT_CRISE_LOG_FORMAT", "xml"),
        ("KIT_CRISE_LOG_LEVEL", "loud"),
        ("KIT_CRISE_DATABASE_ECHO", "peut-être"),
        ("KIT_CRISE_DATABASE_POOL_SIZE", "zero"),
        ("KIT_CRISE_DATABASE_POOL_SIZE", "0"),
        ("KIT_CRISE_MAX_BODY_BYTES", "10"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_blank_values_fall_back_to_defaults() -> None:
    assert Settings.from_env({"KIT_CRISE_DATABASE_URL": "  "}).database.url == DEFAULT_DATABASE_URL
