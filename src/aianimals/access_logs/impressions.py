"""Impressions written off the request path: one thread batches many searches per transaction.

A search hands its impressions to `ImpressionWriter.submit` and answers at once; the
writer's thread gathers what arrives for up to `flush_seconds` (or `max_rows` rows) and
inserts it with one executemany in one transaction. The queue is bounded: when the store
falls behind, `submit` waits for room (back-pressure) rather than dropping rows. `close`
writes everything submitted before it, then stops the thread, so a clean shutdown loses
nothing. Rows are keyed by (search_id, position) and inserted with ON CONFLICT DO NOTHING,
so a batch written twice (a retry) stores each impression once.

Until a page is stored, `holds` answers for it: an action logged right after its search
(before the batch is written) is checked against what this process showed (see
`aianimals.access_logs.verified`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite

from aianimals.access_logs.models import Impression
from aianimals.core.clock import utcnow
from aianimals.ports.sql.database import Database

logger = logging.getLogger(__name__)

_TABLE: Table = Impression.metadata.tables[Impression.__tablename__]
_COLUMNS = tuple(column.key for column in _TABLE.columns)
_STOP = "stop"
_FLUSH = "flush"

Row = dict[str, Any]


@dataclass(frozen=True)
class Shown:
    """One search result as shown: the animal at an absolute position of a search."""

    search_id: str
    position: int
    animal_id: str
    sort_by: str
    model_name: str | None


def impression_rows(user_id: str, shown: Sequence[Shown], at: datetime) -> list[Row]:
    """The `impressions` rows of one page of a search."""
    return [
        {
            "search_id": item.search_id,
            "position": item.position,
            "user_id": user_id,
            "animal_id": item.animal_id,
            "sort_by": item.sort_by,
            "model_name": item.model_name,
            "created_at": at,
        }
        for item in shown
    ]


class ImpressionWriter:
    """A bounded queue of impression rows and the one thread that stores them in batches."""

    def __init__(
        self,
        database: Database,
        *,
        flush_seconds: float = 0.1,
        max_rows: int = 5_000,
        max_pending: int = 1_000,
    ) -> None:
        self.database = database
        self.flush_seconds = flush_seconds
        self.max_rows = max_rows
        self._queue: queue.Queue[list[Row] | str] = queue.Queue(maxsize=max_pending)
        self._closed = False
        self._lock = threading.Lock()
        self._held: dict[str, list[list[Row]]] = {}  # search id → its pages not stored yet
        self._held_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="impression-writer", daemon=True)
        self._thread.start()

    def submit(self, user_id: str, shown: Sequence[Shown]) -> None:
        """Queue one search page's impressions (taken at this moment); waits when full.

        After `close`, they are written at once in the caller's thread.
        """
        if not shown:
            return
        rows = impression_rows(user_id, shown, utcnow())
        with self._lock:
            if not self._closed:
                self._hold(rows)
                self._queue.put(rows)
                return
        self._write([rows])

    def holds(self, search_id: str, user_id: str, animal_id: str) -> bool:
        """Whether a page submitted here and not stored yet showed `animal_id` to `user_id`
        in that search.

        A page is let go only once its transaction has committed (or failed), so a caller
        that asks here first and then reads the store misses no page in between.
        """
        with self._held_lock:
            return any(
                row["search_id"] == search_id
                and row["user_id"] == user_id
                and row["animal_id"] == animal_id
                for page in self._held.get(search_id, ())
                for row in page
            )

    def flush(self) -> None:
        """Store everything submitted so far now, and wait until it is stored (or logged
        as failed)."""
        with self._lock:
            if not self._closed:
                self._queue.put(_FLUSH)
        self._queue.join()

    def close(self) -> None:
        """Store everything submitted, then stop the thread (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            batch: list[list[Row]] = []
            markers, stop = self._gather(batch)
            try:
                if batch:
                    self._write(batch)
            finally:
                self._let_go(batch)
                for _ in range(len(batch) + markers):
                    self._queue.task_done()

    def _hold(self, page: list[Row]) -> None:
        with self._held_lock:
            for search_id in {row["search_id"] for row in page}:
                self._held.setdefault(search_id, []).append(page)

    def _let_go(self, pages: list[list[Row]]) -> None:
        with self._held_lock:
            for page in pages:
                for search_id in {row["search_id"] for row in page}:
                    held = [kept for kept in self._held.get(search_id, ()) if kept is not page]
                    if held:
                        self._held[search_id] = held
                    else:
                        self._held.pop(search_id, None)

    def _gather(self, batch: list[list[Row]]) -> tuple[int, bool]:
        """Wait for a page, then add pages to `batch` for up to flush_seconds or max_rows,
        or until a marker; (markers taken, whether to stop)."""
        item = self._queue.get()
        deadline = time.monotonic() + self.flush_seconds
        rows = 0
        while isinstance(item, list):
            batch.append(item)
            rows += len(item)
            remaining = deadline - time.monotonic()
            if rows >= self.max_rows or remaining <= 0:
                return 0, False
            try:
                item = self._queue.get(timeout=remaining)
            except queue.Empty:
                return 0, False
        return 1, item == _STOP

    def _write(self, pages: list[list[Row]]) -> None:
        """One transaction for every page; if it fails, each page alone (bad ones logged)."""
        try:
            self._insert([row for page in pages for row in page])
        except Exception:
            if len(pages) == 1:
                logger.exception("impressions of search %s lost", pages[0][0]["search_id"])
                return
            for page in pages:
                self._write([page])

    def _insert(self, rows: list[Row]) -> None:
        """One executemany at the driver: the statement is compiled once per batch and only
        `created_at` (one value per page) needs the dialect's conversion, so the rows skip
        SQLAlchemy's per-row parameter processing (about half the writer's time)."""
        with self.database.begin() as connection:
            dialect = connection.dialect
            compiled = _insert_ignoring_duplicates(dialect.name).compile(
                dialect=dialect, column_keys=list(_COLUMNS)
            )
            convert = _TABLE.c.created_at.type.bind_processor(dialect)
            converted: dict[datetime, Any] = {}
            prepared = []
            for row in rows:
                at = row["created_at"]
                if at not in converted:
                    converted[at] = convert(at) if convert is not None else at
                prepared.append({**row, "created_at": converted[at]})
            params: list[Any] = prepared
            if compiled.positional:
                order = compiled.positiontup or []
                params = [tuple(row[key] for key in order) for row in prepared]
            connection.exec_driver_sql(str(compiled), params)


def _insert_ignoring_duplicates(dialect: str) -> Insert:
    if dialect == "postgresql":
        return postgresql.insert(_TABLE).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(_TABLE).on_conflict_do_nothing()
    return insert(_TABLE)
