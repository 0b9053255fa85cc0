"""The `kit-crise` command: migrate a database and export the contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main


@pytest.fixture
def env(empty_database_url: str) -> dict[str, str]:
    return {"KIT_CRISE_DATABASE_URL": empty_database_url, "KIT_CRISE_LOG_LEVEL": "WARNING"}


def test_db_commands_migrate_check_and_revert(env: dict[str, str]) -> None:
    runner = CliRunner()
    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert "Base de données à jour" in upgraded.output
    checked = runner.invoke(main, ["db", "check"], env=env)
    assert checked.exit_code == 0, checked.output
    reverted = runner.invoke(main, ["db", "downgrade", "base"], env=env)
    assert reverted.exit_code == 0, reverted.output
    # With the tables gone, check reports that the database is behind the models.
    behind = runner.invoke(main, ["db", "check"], env=env)
    assert behind.exit_code != 0


def test_bad_settings_stop_the_command_with_the_variable_name() -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"KIT_CRISE_LOG_FORMAT": "xml"})
    assert result.exit_code == 1
    assert "KIT_CRISE_LOG_FORMAT" in result.output


def test_openapi_export_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "spec" / "openapi.json"
    result = CliRunner().invoke(main, ["openapi", "export", str(target)])
    assert result.exit_code == 0, result.output
    committed = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
    assert target.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "db", "openapi"):
        assert command in result.output
