"""The embedded queue: a SQLite file in WAL mode, shared by the processes of one machine.

Every consumer queue is a set of rows in `messages`. A row is *visible* when its
`visible_at` has passed: `receive` leases visible rows by pushing `visible_at` one lease
ahead and stamping a fresh lease token, so a worker that dies (even by SIGKILL) simply lets
the lease run out and its in-flight messages are delivered again. `retry` sets
`visible_at` to the retry time and counts the attempt up; `dead_letter` moves the row to
`dead_letters` with its reason. Each change is one `BEGIN IMMEDIATE` transaction;
`publish` commits with `synchronous=FULL`, so a message is on disk when it returns.

One instance holds one connection behind a lock: it may be shared by threads, and any
number of processes may open the same file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aianimals.core.events import Event
from aianimals.ports.queue.base import DeadLetter, Delivery

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bindings (
    queue TEXT NOT NULL,
    event_type TEXT NOT NULL,
    PRIMARY KEY (queue, event_type)
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    body BLOB NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    visible_at REAL NOT NULL,
    lease TEXT,
    enqueued_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_messages_visible ON messages (queue, visible_at, id);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    body BLOB NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    dead_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_dead_letters_queue ON dead_letters (queue, id);
"""

_POLL_SECONDS = 0.05
"""How often `receive` looks again while it waits for a message."""


@dataclass(frozen=True)
class _Lease:
    """The tag of a SQLite delivery: the row and the lease it was received under."""

    message_id: int
    token: str


class SqliteQueue:
    """A durable queue in one SQLite file.

    `lease_seconds` is how long a received message stays invisible to other receivers;
    an unacked message is delivered again after it. Pick it well above the time a batch
    takes to handle (a late ack still removes the message; handlers are idempotent).
    """

    def __init__(self, path: Path, *, lease_seconds: float = 60.0) -> None:
        if lease_seconds <= 0:
            msg = "lease_seconds must be positive"
            raise ValueError(msg)
        self.path = path
        self.lease_seconds = lease_seconds
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(
            path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._synced = True
        self._connection.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self, *, synced: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so concurrent processes queue up for it.

        `synced` commits with an fsync (`synchronous=FULL`). Without it (`NORMAL`) the
        commit survives a crash of the process but maybe not of the machine; leases, acks
        and retries are fine with that (the worst case is a redelivery), and the next
        synced commit makes them durable too.
        """
        with self._lock:
            if synced != self._synced:
                mode = "FULL" if synced else "NORMAL"
                self._connection.execute(f"PRAGMA synchronous={mode}")
                self._synced = synced
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def declare(self, queue: str, event_types: Sequence[str]) -> None:
        """Bind `queue` to these event types (bindings only grow)."""
        with self._transaction(synced=True) as connection:
            connection.executemany(
                "INSERT OR IGNORE INTO bindings (queue, event_type) VALUES (?, ?)",
                [(queue, event_type) for event_type in event_types],
            )

    def publish(self, event: Event) -> None:
        """One row per bound queue, in one transaction; no bound queue means no rows."""
        body = event.to_json()
        now = time.time()
        with self._transaction(synced=True) as connection:
            connection.execute(
                "INSERT INTO messages (queue, body, visible_at, enqueued_at)"
                " SELECT queue, ?, ?, ? FROM bindings WHERE event_type = ? ORDER BY queue",
                (body, now, now, event.type),
            )

    def receive(self, queue: str, *, max_messages: int, wait_seconds: float) -> list[Delivery]:
        """Lease up to `max_messages` visible messages, oldest first, polling until one."""
        deadline = time.monotonic() + wait_seconds
        while True:
            deliveries = self._lease(queue, max_messages)
            remaining = deadline - time.monotonic()
            if deliveries or remaining <= 0:
                return deliveries
            time.sleep(min(_POLL_SECONDS, remaining))

    def _lease(self, queue: str, max_messages: int) -> list[Delivery]:
        now = time.time()
        token = uuid.uuid4().hex
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT id, body, attempt FROM messages"
                " WHERE queue = ? AND visible_at <= ? ORDER BY id LIMIT ?",
                (queue, now, max_messages),
            ).fetchall()
            connection.executemany(
                "UPDATE messages SET visible_at = ?, lease = ? WHERE id = ?",
                [(now + self.lease_seconds, token, row[0]) for row in rows],
            )
        return [
            Delivery(queue=queue, body=bytes(body), attempt=attempt, tag=_Lease(row_id, token))
            for row_id, body, attempt in rows
        ]

    def ack(self, delivery: Delivery) -> None:
        """Delete the message (even if its lease ran out: it was handled)."""
        lease = _lease_of(delivery)
        with self._transaction() as connection:
            connection.execute("DELETE FROM messages WHERE id = ?", (lease.message_id,))

    def retry(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Make it visible again after the delay, one attempt higher.

        A no-op when the lease ran out and another receiver holds the message now.
        """
        lease = _lease_of(delivery)
        with self._transaction() as connection:
            connection.execute(
                "UPDATE messages SET visible_at = ?, attempt = ?, lease = NULL"
                " WHERE id = ? AND lease = ?",
                (
                    time.time() + max(delay_seconds, 0.0),
                    delivery.attempt + 1,
                    lease.message_id,
                    lease.token,
                ),
            )

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Move it to the dead letters with the reason, unless another receiver holds it."""
        lease = _lease_of(delivery)
        with self._transaction() as connection:
            deleted = connection.execute(
                "DELETE FROM messages WHERE id = ? AND lease = ?",
                (lease.message_id, lease.token),
            ).rowcount
            if deleted:
                connection.execute(
                    "INSERT INTO dead_letters (queue, body, reason, attempts, dead_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (delivery.queue, delivery.body, reason, delivery.attempt, time.time()),
                )

    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        """The queue's dead letters, oldest first."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT body, reason, attempts FROM dead_letters"
                " WHERE queue = ? ORDER BY id LIMIT ?",
                (queue, limit),
            ).fetchall()
        return [
            DeadLetter(queue=queue, body=bytes(body), reason=reason, attempts=attempts)
            for body, reason, attempts in rows
        ]

    def depth(self, queue: str) -> tuple[int, float | None]:
        """How many messages the queue holds (ready, leased or waiting for a retry), and
        the seconds since the oldest was published (None when it is empty). For metrics."""
        with self._lock:
            count, oldest = self._connection.execute(
                "SELECT count(*), min(enqueued_at) FROM messages WHERE queue = ?", (queue,)
            ).fetchone()
        return int(count), None if oldest is None else max(time.time() - float(oldest), 0.0)

    def close(self) -> None:
        """Close the connection; unacked messages come back when their leases run out."""
        with self._lock:
            self._connection.close()


def _lease_of(delivery: Delivery) -> _Lease:
    if not isinstance(delivery.tag, _Lease):
        msg = f"not a delivery of the SQLite queue: {delivery.tag!r}"
        raise TypeError(msg)
    return delivery.tag
