"""Alembic commands bound to the service settings (used by the CLI and the tests)."""

from __future__ import annotations

from advanced_alchemy.alembic.commands import AlembicCommands

from service.db.config import build_sqlalchemy_config
from service.settings import Settings

# Date-prefixed revision files read in order in a directory listing.
FILE_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s_%%(rev)s"


def alembic_commands(settings: Settings) -> AlembicCommands:
    commands = AlembicCommands(sqlalchemy_config=build_sqlalchemy_config(settings))
    commands.config.set_main_option("file_template", FILE_TEMPLATE)
    commands.config.set_main_option("truncate_slug_length", "40")
    return commands
