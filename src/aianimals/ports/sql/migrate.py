"""Schema migrations (Alembic), run by the explicit `aianimals migrate` step."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from aianimals.ports.sql.database import Database


def _config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("aianimals.ports.sql") / "migrations"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default)."""
    config = _config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every table)."""
    config = _config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def pending(database: Database) -> bool:
    """Whether the store is behind the newest migration."""
    head = ScriptDirectory.from_config(_config(database)).get_current_head()
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current != head


def autogenerate(database: Database, message: str) -> None:
    """Write a new migration from the difference between the tables and the store."""
    config = _config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
