"""Exactly-once in effect: a consumer records each dedupe key with the effects it applies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.ports.sql.outbox_models import ProcessedEvent

_TABLE: Table = ProcessedEvent.metadata.tables[ProcessedEvent.__tablename__]
"""The table itself: a Core insert, so RETURNING tells whether the row went in."""


def once(session: Session, consumer: str, dedupe_key: str) -> bool:
    """Claim `dedupe_key` for `consumer` in the caller's transaction.

    True: the key is new, so apply the effects and commit them with this claim. False: it
    was already processed (or is being processed by a transaction that then commits), so
    skip the effects. The claim is an insert-or-ignore, so a duplicate never breaks the
    caller's transaction; it commits or rolls back with the caller's effects.
    """
    values = {"consumer": consumer, "dedupe_key": dedupe_key, "processed_at": utcnow()}
    dialect = session.get_bind().dialect.name
    statement: Insert
    if dialect == "postgresql":
        statement = postgresql.insert(_TABLE).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(_TABLE).values(values).on_conflict_do_nothing()
    else:
        return _claim_in_savepoint(session, values)
    claimed = session.execute(statement.returning(_TABLE.c.consumer)).first()
    return claimed is not None


def _claim_in_savepoint(session: Session, values: dict[str, Any]) -> bool:
    try:
        with session.begin_nested():
            session.execute(insert(_TABLE).values(values))
    except IntegrityError:
        return False
    return True
