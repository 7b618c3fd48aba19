"""The embedded vector index: FAISS in-process over local files, shared between processes.

Every write is appended to the live snapshot's journal under a cross-process file lock,
then applied in memory; other processes (the API, when a worker owns the writes) replay
the journal on `refresh()`, which searches run at most every `refresh_interval` seconds,
and load a new snapshot when CURRENT names one. A writer checkpoints (saves its index as
a new snapshot) when the journal outgrows `checkpoint_bytes` and a quarter of the vectors'
size, and compacts (copies the live rows into a fresh index) when dead rows pile up or a
flat index outgrows `exact_below`. `rebuild` builds a whole new snapshot aside and swaps
to it. Writes may come from any process; the intended split is one worker that writes
and API processes that read.

Below `exact_below` live vectors the index is flat (an exact scan, faster than HNSW at
that size); from there on HNSW. Searches share a readers-writer lock and run in parallel;
writes hold it exclusively only while FAISS inserts (in chunks of `APPLY_ROWS`), and a
rebuild or a new snapshot is swapped in at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy.typing as npt

from aianimals.ports.vectors.base import (
    AnnParams,
    Neighbour,
    VectorIndex,
    as_matrix,
    as_query,
    check_ids,
    last_wins,
)
from aianimals.ports.vectors.builder import StateBuilder
from aianimals.ports.vectors.faiss_state import IndexState, Layout, Storage, Structure
from aianimals.ports.vectors.rwlock import ReadWriteLock
from aianimals.ports.vectors.storage import Record, VectorStore

logger = logging.getLogger(__name__)

APPLY_ROWS = 256
"""Rows inserted per exclusive hold of the lock, so that searches interleave with a batch."""


class EmbeddedVectorIndex:
    """`VectorIndex` over files under `path`, safe for threads and for several processes."""

    def __init__(
        self,
        path: Path,
        dim: int,
        *,
        params: AnnParams | None = None,
        storage: Storage = "float32",
        exact_below: int = 10_000,
        refresh_interval: float = 0.5,
        checkpoint_bytes: int = 64 << 20,
        compact_min: int = 1_000,
        build_threads: int | None = None,
        fsync: bool = True,
    ) -> None:
        if dim < 1:
            raise ValueError(f"dim must be positive, got {dim}")
        self._dim = dim
        self._params = params or AnnParams()
        self.ef_search = self._params.ef_search
        """HNSW candidates per query; may be tuned at run time."""
        self._storage: Storage = storage
        self.exact_below = exact_below
        self.refresh_interval = refresh_interval
        self.checkpoint_bytes = checkpoint_bytes
        self.compact_min = compact_min
        self._threads = build_threads or os.cpu_count() or 1
        self._store = VectorStore(path, fsync=fsync)
        self._mutex = threading.RLock()  # one writer or refresher at a time in this process
        self._rw = ReadWriteLock()  # searches against in-memory changes
        self._state = self._builder(1).build()
        self._snapshot = ""
        self._offset = 0
        self._next_check = 0.0
        self._closed = False
        with self._mutex, self._store.locked():
            if self._store.current() is None:
                self._store.set_current(self._store.write_snapshot(self._state.save))
            self._catch_up()

    # -- the port -------------------------------------------------------------------------

    @property
    def version(self) -> str:
        self._maybe_refresh()
        return f"{self._snapshot}.{self._offset}"

    @property
    def dim(self) -> int:
        return self._dim

    def add(self, ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        checked = check_ids(ids)
        unique, matrix = last_wins(checked, as_matrix(vectors, len(checked), self._dim))
        if unique:
            self._write(Record("add", unique, matrix))

    def remove(self, ids: Iterable[str]) -> None:
        unique = list(dict.fromkeys(check_ids(ids)))
        if unique:
            self._write(Record("remove", unique))

    def search(
        self, vector: npt.ArrayLike, k: int, exclude: Collection[str] = ()
    ) -> list[Neighbour]:
        query = as_query(vector, self._dim)
        if k <= 0:
            return []
        self._maybe_refresh()
        excluded = exclude if isinstance(exclude, set | frozenset) else set(exclude)
        with self._rw.reading():
            self._check_open()
            return self._state.search(query, k, excluded, self.ef_search)

    def count(self) -> int:
        self._maybe_refresh()
        return self._state.live

    def rebuild(self, items: Iterable[tuple[str, npt.ArrayLike]]) -> str:
        with self._mutex:
            started = (self._snapshot, self._offset)
        builder = self._builder(self._threads)
        for value, vector in items:
            (checked,) = check_ids([value])
            builder.add(checked, as_query(vector, self._dim)[0])
        state = builder.build()
        name = self._store.write_snapshot(state.save)
        with self._mutex, self._store.locked():
            current = self._store.current() or ""
            since = started[1] if current == started[0] else 0
            records, _, data = self._store.read_journal(current, since, self._dim)
            for record in records:  # writes made while building: keep them
                self._apply(record, state)
            offset = self._store.append(name, data, 0) if data else 0
            self._store.set_current(name)
            self._swap(state, name, offset)
            self._store.collect_garbage()
        return f"{name}.{offset}"

    def close(self) -> None:
        with self._mutex, self._rw.writing():
            self._closed = True
            self._state = self._builder(1).build()

    # -- beyond the port ------------------------------------------------------------------

    def refresh(self) -> bool:
        """Catch up with other processes' writes now; True when something changed."""
        if self._snapshot == self._store.current() and (
            self._store.journal_size(self._snapshot) <= self._offset
        ):
            return False
        with self._mutex:
            before = (self._snapshot, self._offset)
            self._catch_up()
            return before != (self._snapshot, self._offset)

    def compact(self) -> None:
        """Copy the live vectors into a fresh index of the structure their number calls
        for, and make it the live snapshot (drops dead rows)."""
        with self._mutex, self._store.locked():
            self._catch_up()
            self._compact_locked()

    def checkpoint(self) -> None:
        """Save the index as it is (dead rows included) as the live snapshot, so that
        opening it no longer replays the journal."""
        with self._mutex, self._store.locked():
            self._catch_up()
            self._checkpoint_locked()

    @property
    def structure(self) -> str:
        """How the live snapshot searches: "flat" (an exact scan) or "hnsw"."""
        return self._state.layout.structure

    # -- internals ------------------------------------------------------------------------

    def _layout(self, size: int) -> Layout:
        structure: Structure = "flat" if size < self.exact_below else "hnsw"
        return Layout(self._dim, structure, self._storage, self._params)

    def _builder(self, threads: int) -> StateBuilder:
        return StateBuilder(self._layout, threads, switch_at=self.exact_below)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the vector index is closed")

    def _write(self, record: Record) -> None:
        with self._mutex, self._store.locked():
            self._check_open()
            self._catch_up()
            if record.op == "remove":
                record = Record("remove", [i for i in record.ids if i in self._state.rows])
                if not record.ids:
                    return
            offset = self._store.append(self._snapshot, record.encode(), self._offset)
            try:
                self._apply(record)
            except BaseException:
                self._snapshot = ""  # half-applied: reload the snapshot and its journal
                raise
            self._offset = offset
            self._maintain()

    def _maintain(self) -> None:
        """Compact or checkpoint when due (both locks held)."""
        state = self._state
        grown = state.layout.structure == "flat" and state.live >= self.exact_below
        if grown or state.dead > max(self.compact_min, state.live // 5):
            self._compact_locked()
        elif self._offset > max(self.checkpoint_bytes, len(state.ids) * self._dim):
            self._checkpoint_locked()  # the journal outgrew a quarter of the vectors' size

    def _compact_locked(self) -> None:
        state = self._state
        builder = StateBuilder(lambda _: self._layout(state.live), self._threads)
        with self._rw.reading():
            for ids, matrix in state.live_chunks():
                builder.add_many(ids, matrix)
        compacted = builder.build()
        name = self._store.write_snapshot(compacted.save)
        self._store.set_current(name)
        self._swap(compacted, name, 0)
        self._store.collect_garbage()

    def _checkpoint_locked(self) -> None:
        with self._rw.reading():
            name = self._store.write_snapshot(self._state.save)
        self._store.set_current(name)
        self._snapshot, self._offset = name, 0
        self._store.collect_garbage()

    def _apply(self, record: Record, state: IndexState | None = None) -> None:
        """Apply one record to `state`, which nobody searches yet, or else to the live
        state, a chunk of rows per exclusive hold of the lock."""
        lock = self._rw.writing if state is None else nullcontext
        target = self._state if state is None else state
        vectors = record.vectors
        if vectors is None:
            with lock():
                target.remove(record.ids)
            return
        for start in range(0, len(record.ids), APPLY_ROWS):
            rows = slice(start, start + APPLY_ROWS)
            with lock():
                target.add(record.ids[rows], vectors[rows])

    def _swap(self, state: IndexState, name: str, offset: int) -> None:
        with self._rw.writing():
            self._state = state
        self._snapshot, self._offset = name, offset

    def _catch_up(self) -> None:
        """Load the live snapshot if it changed, then replay its journal (mutex held)."""
        current = self._store.current()
        if current is None:
            return
        if current != self._snapshot:
            directory = self._store.path(current)
            state = IndexState.load(directory, self._dim, self._params, self._threads)
            self._swap(state, current, 0)
        records, offset, _ = self._store.read_journal(self._snapshot, self._offset, self._dim)
        for record in records:
            self._apply(record)
        self._offset = offset

    def _maybe_refresh(self) -> None:
        self._check_open()
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + self.refresh_interval
        if not self._mutex.acquire(blocking=False):  # a write or refresh is under way
            return
        try:
            self.refresh()
        except (OSError, ValueError):  # keep answering from what is loaded; retry later
            logger.exception("vector index %s: refresh failed", self._store.root)
        finally:
            self._mutex.release()


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, nothing at runtime)
    _PORT: type[VectorIndex] = EmbeddedVectorIndex
