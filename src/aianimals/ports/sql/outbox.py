"""The transactional outbox: events saved with the change, relayed to the queue afterwards."""

from __future__ import annotations

import logging

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.core.events import Event
from aianimals.ports.queue.base import Queue
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.outbox_models import OutboxMessage

logger = logging.getLogger(__name__)


_INSERT = insert(OutboxMessage)


def record_event(session: Session, event: Event) -> None:
    """Add `event` to the outbox in the caller's transaction (it commits with the change).

    One statement on the session's connection, at once (no unit-of-work object)."""
    row = {
        "event_id": event.id,
        "event_type": event.type,
        "dedupe_key": event.dedupe_key,
        "body": event.to_json(),
        "created_at": event.occurred_at,
    }
    session.connection().execute(_INSERT, row)


class OutboxRelay:
    """Publishes unpublished outbox rows in order; at-least-once (consumers dedupe)."""

    def __init__(self, database: Database, queue: Queue, batch_size: int = 200) -> None:
        self.database = database
        self.queue = queue
        self.batch_size = batch_size

    def relay_once(self) -> int:
        """Publish one batch; returns how many rows were published."""
        with self.database.session() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.published_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(self.batch_size)
            )
            if not self.database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            published: list[int] = []
            try:
                for row in rows:
                    self.queue.publish(Event.from_json(row.body))
                    published.append(row.id)
            finally:
                # What the queue confirmed is marked even when a later row failed, so the
                # next attempt starts where this one stopped.
                if published:
                    session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_(published))
                        .values(published_at=utcnow())
                    )
                session.commit()
            return len(published)

    def relay_all(self) -> int:
        """Publish until the outbox is empty; returns the total."""
        total = 0
        while published := self.relay_once():
            total += published
        return total

    def close(self) -> None:
        """Close the relay's queue connection."""
        close = getattr(self.queue, "close", None)
        if callable(close):
            close()

    def pending(self) -> int:
        """Rows not yet published."""
        with self.database.session() as session:
            rows = session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.published_at.is_(None))
            )
            return len(list(rows))
