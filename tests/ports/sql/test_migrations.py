"""Migrations describe the tables exactly, and run down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from aianimals.ports.sql import migrate
from aianimals.ports.sql.database import Database
from aianimals.roles.container import Container
from aianimals.schema import Base, load_schema
from aianimals.settings import DatabaseSettings


def test_migrated_schema_matches_the_models(migrated: Container) -> None:
    with migrated.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert not migrate.pending(migrated.database)


def test_likes_are_unique_per_user_and_animal() -> None:
    likes = Base.metadata.tables["likes"]
    unique = [
        {c.name for c in constraint.columns}
        for constraint in likes.constraints
        if constraint.__class__.__name__ == "UniqueConstraint"
    ]
    assert {"animal_id", "user_id"} in unique


def test_access_logs_allow_many_events_per_search() -> None:
    table = Base.metadata.tables["access_logs"]
    assert [c.name for c in table.primary_key.columns] == ["id"]
    assert not any(
        getattr(index, "unique", False) for index in table.indexes if "search_id" in index.columns
    )


def test_migrations_run_down_to_nothing_and_up_again(tmp_path: Path) -> None:
    database = Database(
        DatabaseSettings(url=f"sqlite:///{tmp_path / 'roundtrip.db'}"), load_schema()
    )
    try:
        migrate.upgrade(database)
        migrate.downgrade(database, "base")
        assert set(inspect(database.engine).get_table_names()) == {"alembic_version"}
        migrate.upgrade(database)
        assert set(Base.metadata.tables) <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()
