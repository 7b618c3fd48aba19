"""Migrations describe the tables exactly, and run down and up again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_a_store_imported_before_mixed_breeds_gets_them_once(tmp_path: Path) -> None:
    database = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'mixed.db'}"), load_schema())
    try:
        migrate.upgrade(database, "0007")
        with database.engine.begin() as connection:
            for category_id, name_en, name_ja in ((1, "cat", "ネコ"), (2, "dog", "イヌ")):
                connection.execute(
                    text(
                        "INSERT INTO animal_categories (id, name_en, name_ja, created_at,"
                        " updated_at) VALUES (:id, :en, :ja, :now, :now)"
                    ),
                    {"id": category_id, "en": name_en, "ja": name_ja, "now": datetime(2026, 1, 1)},
                )
        migrate.upgrade(database)
        migrate.downgrade(database, "0007")
        migrate.upgrade(database)
        with database.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, category_id, name_en FROM animal_subcategories ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [(38, 1, "mixed_cat"), (39, 2, "mixed_dog")]
    finally:
        database.dispose()


def test_a_fresh_store_gets_mixed_breeds_from_its_import_not_the_migration(
    tmp_path: Path,
) -> None:
    database = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'fresh.db'}"), load_schema())
    try:
        migrate.upgrade(database)
        with database.engine.connect() as connection:
            count = connection.execute(text("SELECT COUNT(*) FROM animal_subcategories")).scalar()
        assert count == 0
    finally:
        database.dispose()
