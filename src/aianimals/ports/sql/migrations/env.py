"""Alembic environment: the URL and connection come from `aianimals.ports.sql.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from aianimals.ports.sql.base import Base

# Base.metadata holds every table: the Database handed to `migrate` was built with the whole
# schema (`aianimals.schema.load_schema`), which imports every feature's models.


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Migrate over the connection that `aianimals.ports.sql.migrate` supplies."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        message = "run migrations through `aianimals migrate`, which supplies a connection"
        raise RuntimeError(message)
    _run(connection)


# Alembic executes this file with `context.config` set; a plain import does nothing.
if hasattr(context, "config"):
    run_migrations()
