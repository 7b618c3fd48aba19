"""Write-behind of feature rows: serving hands rows over and returns at once.

Serving computes counters and profiles from SQL when the feature store lacks them, and
writes them back so the next process finds them. Writing on the request path would spend
the ranking's time budget, and writing at once from another thread would compete with the
request for the interpreter; so a thread of its own gathers the rows for `delay` seconds
and then stores each kind's in one `put_many`.

Only rows the store still lacks are written: a row the feature updater stored meanwhile
was computed later, so it is left alone (a row it stores between that check and the
write can still be overwritten; its next event corrects it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from aianimals.ports.features.base import FeatureStore

logger = logging.getLogger(__name__)

MAX_PENDING_ROWS = 50_000
"""Rows that may wait for the writer; beyond, write-backs are dropped (the updater, a
later miss or `aianimals features rebuild` stores them)."""


class WriteBehind:
    """Gathers rows by kind and stores them `delay` seconds after the first one arrived."""

    def __init__(self, store: FeatureStore, version: str, delay: float = 0.5) -> None:
        self._store = store
        self._version = version
        self._delay = delay
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Mapping[str, Any]]] = {}
        self._count = 0
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None

    def put(self, kind: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        """Queue rows for the store (later rows of the same entity replace earlier ones)."""
        if not rows:
            return
        with self._lock:
            if self._closing.is_set():
                return
            if self._count + len(rows) > MAX_PENDING_ROWS:
                logger.info(
                    "feature write-back of %d %s rows dropped: writer behind", len(rows), kind
                )
                return
            bucket = self._pending.setdefault(kind, {})
            before = len(bucket)
            bucket.update(rows)
            self._count += len(bucket) - before
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="feature-write-behind", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def close(self) -> None:
        """Store what is pending now and stop the thread."""
        with self._lock:
            self._closing.set()
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        """The thread's outermost loop: every failure is logged and the loop goes on."""
        while True:
            self._wake.wait()
            self._closing.wait(self._delay)
            self._wake.clear()
            self._flush()
            if self._closing.is_set():
                self._flush()
                return

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending, self._count = self._pending, {}, 0
        for kind, rows in pending.items():
            try:
                present = self._store.get_many(kind, self._version, list(rows))
                absent = {key: row for key, row in rows.items() if key not in present}
                self._store.put_many(kind, self._version, absent)
            except Exception:
                logger.exception("feature write-back of %d %s rows failed", len(rows), kind)
