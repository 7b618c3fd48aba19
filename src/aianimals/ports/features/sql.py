"""The embedded feature store: rows of the `feature_rows` table of the SQL store.

Upserts use `INSERT … ON CONFLICT (kind, entity_id, version) DO UPDATE`, which SQLite and
PostgreSQL both understand; each call is one transaction, in chunks that stay below
either database's limit on bound parameters. Errors of the SQL store are raised as
`FeatureStoreError`, as Redis's are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.ports.features.base import FeatureStoreError
from aianimals.ports.features.models import FeatureRow
from aianimals.ports.sql.database import Database

T = TypeVar("T")

_TABLE: Table = FeatureRow.metadata.tables[FeatureRow.__tablename__]
CHUNK = 500
"""Rows (or ids) per statement."""


class SqlFeatureStore:
    """A `FeatureStore` over the SQL store; the `Database` belongs to the caller."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        if not rows:
            return
        now = utcnow()
        values = [
            {"kind": kind, "entity_id": entity_id, "version": version, "body": dict(body)}
            for entity_id, body in rows.items()
        ]
        try:
            with self._database.session() as session:
                statement = _upsert(session)
                for chunk in _chunks(values):
                    session.execute(statement, [{**value, "updated_at": now} for value in chunk])
                session.commit()
        except SQLAlchemyError as exc:
            msg = f"feature rows of {kind!r} could not be stored: {exc}"
            raise FeatureStoreError(msg) from exc

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        columns = _TABLE.c
        try:
            with self._database.connect() as connection:
                for chunk in _chunks(list(dict.fromkeys(ids))):
                    query = select(columns.entity_id, columns.body).where(
                        columns.kind == kind,
                        columns.version == version,
                        columns.entity_id.in_(chunk),
                    )
                    rows = connection.execute(query)
                    found.update({entity_id: dict(body) for entity_id, body in rows})
        except SQLAlchemyError as exc:
            msg = f"feature rows of {kind!r} could not be read: {exc}"
            raise FeatureStoreError(msg) from exc
        return found

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        try:
            with self._database.session() as session:
                for chunk in _chunks(list(ids)):
                    rows = FeatureRow.kind == kind, FeatureRow.entity_id.in_(chunk)
                    session.execute(delete(FeatureRow).where(*rows))
                session.commit()
        except SQLAlchemyError as exc:
            msg = f"feature rows of {kind!r} could not be deleted: {exc}"
            raise FeatureStoreError(msg) from exc

    def close(self) -> None:
        """Nothing to release: the SQL store's connections belong to its `Database`."""


def _upsert(session: Session) -> Insert:
    """An insert that replaces the body and time of a row that exists (SQLite, PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg_insert = postgresql.insert(_TABLE)
        return pg_insert.on_conflict_do_update(
            index_elements=["kind", "entity_id", "version"],
            set_={"body": pg_insert.excluded.body, "updated_at": pg_insert.excluded.updated_at},
        )
    if dialect == "sqlite":
        lite_insert = sqlite.insert(_TABLE)
        return lite_insert.on_conflict_do_update(
            index_elements=["kind", "entity_id", "version"],
            set_={"body": lite_insert.excluded.body, "updated_at": lite_insert.excluded.updated_at},
        )
    msg = f"the SQL feature store needs SQLite or PostgreSQL, not {dialect}"
    raise ValueError(msg)


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
