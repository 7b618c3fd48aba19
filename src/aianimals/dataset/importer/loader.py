"""Idempotent bulk loading of one table: new keys only, references checked, chunked inserts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

from sqlalchemy import JSON, Connection, Table, insert, select
from sqlalchemy import column as lightweight_column
from sqlalchemy import table as lightweight_table

from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.records import Record, Row
from aianimals.dataset.importer.sqlite_bulk import indexes_deferred

CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Reference:
    """`column` must name a row of `table` (its primary key); else fail or skip the record."""

    column: str
    table: Table
    on_unknown: Literal["fail", "skip"] = "fail"


@dataclass(frozen=True)
class TableRules:
    """How one file's rows are matched with what the store already holds."""

    table: Table
    key: tuple[str, ...]
    """The identity: a record whose key is in the store is already imported."""
    also_key: tuple[str, ...] = ()
    """A second identity (a like's animal and user): present already, the record is skipped."""
    unique: tuple[str, ...] = ()
    """Columns whose values must not collide with other rows (a taken handle is an error)."""
    unique_by: tuple[tuple[str, str], ...] = ()
    """Columns compared through another one, their normalised form: `(column, compared)`,
    as `("handle_name", "handle_name_folded")` (a handle taken up to case is an error)."""
    references: tuple[Reference, ...] = ()


@dataclass
class Selection:
    """The records to insert, and how many were left out and why."""

    records: list[Record] = field(default_factory=list)
    existing: int = 0
    duplicates: int = 0
    unknown_skipped: int = 0


def _keyer(columns: tuple[str, ...]) -> Callable[[Row], Hashable]:
    if len(columns) == 1:
        return itemgetter(columns[0])
    return itemgetter(*columns)


def stored_keys(connection: Connection, table: Table, columns: tuple[str, ...]) -> set[Hashable]:
    """Every value of `columns` in `table`, loaded once (single values or tuples)."""
    result = connection.execute(select(*(table.c[column] for column in columns)))
    if len(columns) == 1:
        return set(result.scalars())
    return {tuple(row) for row in result}


def select_new(connection: Connection, rules: TableRules, records: list[Record]) -> Selection:
    """Drop records already stored or repeated in the file (by key, then by `also_key`)."""
    selection = Selection()
    keyer = _keyer(rules.key)
    stored = stored_keys(connection, rules.table, rules.key)
    also = _keyer(rules.also_key) if rules.also_key else None
    also_stored = stored_keys(connection, rules.table, rules.also_key) if also else set()
    seen: set[Hashable] = set()
    also_seen: set[Hashable] = set()
    for record in records:
        key = keyer(record.row)
        also_key = also(record.row) if also else None
        if key in stored or also_key in also_stored:
            selection.existing += 1
        elif key in seen or also_key in also_seen:
            selection.duplicates += 1
        else:
            seen.add(key)
            if also:
                also_seen.add(also_key)
            selection.records.append(record)
    return selection


def check_references(
    connection: Connection, filename: str, rules: TableRules, selection: Selection
) -> None:
    """Fail (or skip, where the rules say so) records naming rows the store does not hold."""
    for reference in rules.references:
        (primary_key,) = reference.table.primary_key.columns
        known = stored_keys(connection, reference.table, (primary_key.name,))
        kept = []
        for record in selection.records:
            value = record.row[reference.column]
            if value is None or value in known:
                kept.append(record)
            elif reference.on_unknown == "skip":
                selection.unknown_skipped += 1
            else:
                problem = f"unknown {reference.table.name} id: {value!r}"
                raise ImportFailed.at(filename, record.record_id, reference.column, problem)
        selection.records = kept


def check_unique(
    connection: Connection, filename: str, rules: TableRules, records: Iterable[Record]
) -> None:
    """Fail on a value of a unique column that another row (stored or in the file) has,
    as it is or, for `unique_by`, once normalised."""
    records = list(records)
    pairs = [(column, column) for column in rules.unique] + list(rules.unique_by)
    for column, compared in pairs:
        taken = stored_keys(connection, rules.table, (compared,))
        alike = "" if compared == column else " (up to case and width)"
        for record in records:
            value = record.row[compared]
            if value in taken:
                problem = f"already taken by another record{alike}: {record.row[column]!r}"
                raise ImportFailed.at(filename, record.record_id, column, problem)
            taken.add(value)


def insert_rows(
    connection: Connection,
    table: Table,
    rows: list[Row],
    on_done: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Insert in chunks (COPY on PostgreSQL, driver executemany elsewhere); returns the count.

    On SQLite a large load into a small table builds the plain indexes once, after the rows.
    """
    write = _copy_chunk if connection.dialect.name == "postgresql" else _insert_chunk
    with indexes_deferred(connection, table, len(rows)):
        for start in range(0, len(rows), chunk_rows):
            chunk = rows[start : start + chunk_rows]
            write(connection, table, chunk)
            if on_done:
                on_done(len(chunk))
    return len(rows)


def _insert_chunk(connection: Connection, table: Table, rows: list[Row]) -> None:
    """The driver's executemany over the columns' own bind processors.

    Same values as `connection.execute(insert(table), rows)`: the column types convert
    datetimes, booleans and JSON exactly as Core would, and columns missing from the rows
    get their Python-side defaults; without Core's per-row parameter bookkeeping, which
    cost as much as SQLite's own inserts.
    """
    rows = _with_defaults(table, rows)
    columns = list(rows[0])
    dialect = connection.dialect
    converters = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    target = lightweight_table(table.name, *(lightweight_column(name) for name in columns))
    statement = str(insert(target).compile(dialect=dialect))
    # Column by column: one pass of C-level map calls per column, instead of a Python
    # generator step per value.
    converted: list[list[object]] = []
    for name, convert in zip(columns, converters, strict=True):
        column = map(itemgetter(name), rows)
        converted.append(list(map(convert, column) if convert else column))
    values = list(zip(*converted, strict=True))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, values)
    finally:
        cursor.close()


def _with_defaults(table: Table, rows: list[Row]) -> list[Row]:
    """Fill columns the rows leave out with their Python-side defaults, once per chunk."""
    missing: dict[str, object] = {}
    for name, table_column in table.c.items():
        default = table_column.default
        if name in rows[0] or default is None or not hasattr(default, "arg"):
            continue
        argument = default.arg
        missing[name] = argument(None) if callable(argument) else argument
    if not missing:
        return rows
    return [{**missing, **row} for row in rows]


def _copy_chunk(connection: Connection, table: Table, rows: list[Row]) -> None:
    """COPY FROM STDIN: about 3x psycopg's pipelined executemany on the access logs."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([Json(row[c]) if c in as_json else row[c] for c in columns])
