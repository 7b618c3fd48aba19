"""sqlite_bulk: plain indexes built after a large load, within its transaction; pragmas restored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    inspect,
)
from sqlalchemy.exc import IntegrityError

from aianimals.dataset.importer import sqlite_bulk
from aianimals.dataset.importer.sqlite_bulk import bulk_pragmas, indexes_deferred

METADATA = MetaData()
ITEMS = Table(
    "items",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", String(32), nullable=False),
    Column("code", String(32), nullable=False),
    Index("ix_items_owner", "owner"),
    Index("ix_items_code", "code", unique=True),
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def defer_from_few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_bulk, "DEFER_FROM_ROWS", 3)


def rows(start: int, count: int) -> list[dict[str, object]]:
    return [{"id": i, "owner": f"o{i % 2}", "code": f"c{i}"} for i in range(start, start + count)]


def index_names(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("items")}


def index_sql(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        statement = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        return [(row.name, row.sql) for row in connection.exec_driver_sql(statement)]


def test_a_large_load_into_an_empty_table_builds_the_plain_indexes_after_the_rows(
    engine: Engine,
) -> None:
    before = index_sql(engine)
    seen_during: list[str] = []
    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 10):
        statement = "SELECT name FROM sqlite_master WHERE type = 'index'"
        seen_during = [row.name for row in connection.exec_driver_sql(statement)]
        connection.execute(insert(ITEMS), rows(0, 10))

    assert "ix_items_owner" not in seen_during
    assert "ix_items_code" in seen_during  # unique indexes stay and keep refusing
    assert index_sql(engine) == before


def load_with_a_taken_code(engine: Engine) -> None:
    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 11):
        connection.execute(insert(ITEMS), [*rows(0, 10), {"id": 10, "owner": "o", "code": "c3"}])


def test_a_failed_load_gets_its_indexes_back_from_the_rollback(engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        load_with_a_taken_code(engine)

    assert index_names(engine) == {"ix_items_owner", "ix_items_code"}
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM items").scalar() == 0


def test_a_load_smaller_than_the_table_keeps_the_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(ITEMS), rows(0, 10))
    dropped: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: dropped.append(args[2]))

    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 5):
        connection.execute(insert(ITEMS), rows(10, 5))

    assert not [statement for statement in dropped if "DROP INDEX" in statement]


def test_a_small_load_keeps_the_indexes(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_bulk, "DEFER_FROM_ROWS", 100)
    dropped: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: dropped.append(args[2]))

    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 10):
        connection.execute(insert(ITEMS), rows(0, 10))

    assert not [statement for statement in dropped if "DROP INDEX" in statement]


def test_bulk_pragmas_give_the_connection_its_own_values_back(engine: Engine) -> None:
    with engine.connect() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        with bulk_pragmas(connection):
            during = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        after = connection.exec_driver_sql("PRAGMA cache_size").scalar()

    assert during == -sqlite_bulk.BULK_CACHE_KIB
    assert after == before
