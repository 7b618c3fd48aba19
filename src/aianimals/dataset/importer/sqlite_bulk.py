"""SQLite during a bulk load: a larger page cache, and plain indexes built once after the rows.

Both leave durability alone (WAL with synchronous=NORMAL, as every connection has) and both
are undone before the connection goes back to the pool or, for the indexes, before the
file's transaction commits: readers never see a table without its indexes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Connection, Table, func, select

BULK_CACHE_KIB = 131_072
"""Page cache while a file loads (128 MiB, the SQLite default is 2 MiB): random-key
indexes otherwise spill dirty pages to the WAL over and over within one transaction."""
DEFER_FROM_ROWS = 10_000
"""Fewer new rows than this go into the indexes row by row (a rebuild would cost more)."""
_PRAGMAS = {"cache_size": str(-BULK_CACHE_KIB), "temp_store": "MEMORY"}


def _driver(connection: Connection) -> sqlite3.Connection:
    return cast("sqlite3.Connection", connection.connection.driver_connection)


@contextmanager
def bulk_pragmas(connection: Connection) -> Iterator[None]:
    """A large page cache and in-memory sorting on this connection, its own values restored
    on the way out, before the caller's transaction ends (both may change within one while
    the connection has no TEMP table); nothing on other stores."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = _driver(connection)
    saved = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in _PRAGMAS}
    try:
        for name, value in _PRAGMAS.items():
            driver.execute(f"PRAGMA {name}={value}")
        yield
    finally:
        for name, value in saved.items():
            driver.execute(f"PRAGMA {name}={int(value)}")


def begin_writing(connection: Connection) -> None:
    """Open the SQLite transaction now, as a writer (BEGIN IMMEDIATE), unless it is open.

    The driver begins one only at the first INSERT: a DROP INDEX before it would commit on
    its own. Called just before the inserts, so the write lock is not held while passwords
    are hashed or photos copied.
    """
    if connection.dialect.name != "sqlite":
        return
    driver = _driver(connection)
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")


def deferrable_indexes(connection: Connection, table: Table) -> list[tuple[str, str]]:
    """`table`'s plain indexes (CREATE INDEX, not unique) as (name, its CREATE statement)."""
    quote = connection.dialect.identifier_preparer.quote
    listed = connection.exec_driver_sql(f"PRAGMA index_list({quote(table.name)})").all()
    names = [row.name for row in listed if row.origin == "c" and not row.unique]
    if not names:
        return []
    sql = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
        (table.name,),
    ).all()
    statements = {name: statement for name, statement in sql if statement}
    return [(name, statements[name]) for name in names if name in statements]


@contextmanager
def indexes_deferred(connection: Connection, table: Table, new_rows: int) -> Iterator[None]:
    """On SQLite, when `new_rows` at least doubles `table` (and is many), drop its plain
    indexes for the inserts and create them again after, in the caller's transaction.

    Unique indexes and key constraints stay, so they still refuse what they refuse. When
    the inserts raise, nothing is recreated: the rollback brings the indexes back.
    """
    if connection.dialect.name != "sqlite" or new_rows < DEFER_FROM_ROWS:
        yield
        return
    begin_writing(connection)
    quote = connection.dialect.identifier_preparer.quote
    stored = connection.execute(select(func.count()).select_from(table)).scalar_one()
    indexes = deferrable_indexes(connection, table) if new_rows >= stored else []
    for name, _statement in indexes:
        connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _name, statement in indexes:
        connection.exec_driver_sql(statement)
