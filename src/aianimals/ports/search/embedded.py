"""The embedded search index: in-process BM25 over local files, shared between processes.

Writes go to the live version's journal (under a cross-process file lock) and to the
in-memory state; other processes replay the journal on `refresh()`, which `search()` runs
at most every `refresh_interval` seconds. When tombstones or journalled documents pile
up, the index is compacted into a new version; `rebuild` writes a whole new version and
swaps to it. Readers use one immutable state per query and never wait for a writer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import AnimalDocument, Progress, SearchHit, SearchPage, SearchQuery
from aianimals.ports.search.bm25 import match_query
from aianimals.ports.search.documents import AnalyzedDoc, DocumentAnalyzer
from aianimals.ports.search.phrase_cache import PhraseScores
from aianimals.ports.search.ranking import sort_keys, top
from aianimals.ports.search.snapshot import SnapshotBuilder, compact
from aianimals.ports.search.state import IndexState, Transaction
from aianimals.ports.search.storage import Store

Record = dict[str, Any]
_COMPACT_MAX = 50_000
"""Compact at the latest when this many documents are tombstoned or in the deltas."""


def apply_records(state: IndexState, records: Iterable[Mapping[str, Any]]) -> IndexState:
    """The state after these journal records (one copy-on-write for the whole batch)."""
    transaction = Transaction(state)
    for record in records:
        op = record.get("op")
        if op == "upsert":
            transaction.upsert([AnalyzedDoc.from_json(d) for d in record["docs"]])
        elif op == "delete":
            transaction.delete([str(i) for i in record["ids"]])
        elif op == "likes":
            transaction.set_likes({str(k): int(v) for k, v in record["likes"].items()})
        else:
            raise ValueError(f"unknown journal record {op!r}")
    return transaction.commit()


class EmbeddedSearchIndex:
    """`SearchIndex` over files under `path`, safe for threads and for several processes."""

    def __init__(
        self,
        path: Path,
        analyzer: Analyzer,
        *,
        refresh_interval: float = 0.5,
        compact_min: int = 2_000,
        fsync: bool = True,
    ) -> None:
        self.analyzer = analyzer
        self.refresh_interval = refresh_interval
        self.compact_min = compact_min
        self._store = Store(path, fsync=fsync)
        self._documents = DocumentAnalyzer(analyzer)
        self._phrases = PhraseScores()
        self._lock = threading.RLock()
        self._state: IndexState
        self._version = ""
        self._offset = 0
        self._next_check = 0.0
        with self._lock, self._store.locked():
            if self._store.current() is None:
                self._store.set_current(self._store.write_version(SnapshotBuilder().build()))
            self._catch_up()

    # -- the port -------------------------------------------------------------------------

    def upsert(self, documents: Sequence[AnimalDocument]) -> None:
        analysed = [self._documents(doc) for doc in documents]
        if analysed:
            self._write({"op": "upsert", "docs": [doc.to_json() for doc in analysed]})

    def delete(self, animal_ids: Sequence[str]) -> None:
        if animal_ids:
            self._write({"op": "delete", "ids": list(animal_ids)})

    def set_likes(self, likes: Mapping[str, int]) -> None:
        if likes:
            self._write({"op": "likes", "likes": {k: int(v) for k, v in likes.items()}})

    def search(self, query: SearchQuery) -> SearchPage:
        self._maybe_refresh()
        state = self._state
        match, scores = match_query(state, query, self.analyzer.query_terms, self._phrases)
        docs = np.flatnonzero(match)
        max_score = float(scores[docs].max()) if scores is not None and len(docs) else 0.0
        keys = sort_keys(state, docs, scores, query.sort_by, query.seed)
        offset, limit = max(query.offset, 0), max(query.limit, 0)
        page = top(docs, keys, state.ids, offset + limit)[offset:]
        results = [
            SearchHit(state.ids[d], float(scores[d]) if scores is not None else 0.0) for d in page
        ]
        return SearchPage(hits=len(docs), max_score=max_score, results=results)

    def rebuild(
        self, documents: Iterable[AnimalDocument], total: int, progress: Progress | None = None
    ) -> int:
        with self._lock:
            started_version, started_offset = self._version, self._offset
        builder = SnapshotBuilder()
        done = 0
        for doc in documents:
            builder.add(self._documents(doc))
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done, total)
        snapshot = builder.build()
        name = self._store.write_version(snapshot)
        with self._lock, self._store.locked():
            self._catch_up()
            since = started_offset if self._version == started_version else 0
            self._store.append_bytes(name, self._store.journal_bytes(self._version, since))
            self._swap(name)
        if progress is not None:
            progress(done, total)
        return len(snapshot.ids)

    def count(self) -> int:
        return self._state.n_live

    def refresh(self) -> bool:
        """Catch up with writes of other processes; True when something changed."""
        self._next_check = time.monotonic() + self.refresh_interval
        current = self._store.current()
        size = self._store.journal_size(self._version)
        if current == self._version and size <= self._offset:
            return False
        with self._lock:
            before = (self._version, self._offset)
            self._catch_up()
            return before != (self._version, self._offset)

    # -- beyond the port ------------------------------------------------------------------

    def compact(self) -> None:
        """Write the live documents as a new version (drops tombstones, merges deltas)."""
        with self._lock, self._store.locked():
            self._catch_up()
            self._swap(self._store.write_version(compact(self._state)))

    # -- internals ------------------------------------------------------------------------

    def _write(self, record: Record) -> None:
        with self._lock, self._store.locked():
            self._catch_up()
            offset = self._store.append(self._version, [record])
            try:
                self._state = apply_records(self._state, [record])
            except BaseException:
                self._version = ""  # half-applied: reload the version and its journal
                raise
            self._offset = offset
            state = self._state
            threshold = min(max(self.compact_min, state.n_live // 10), _COMPACT_MAX)
            if state.delta_docs + state.tombstones > threshold:
                self._swap(self._store.write_version(compact(state)))

    def _swap(self, name: str) -> None:
        """Make version `name` live here and for every process (locks held)."""
        self._store.set_current(name)
        self._catch_up()
        self._store.collect_garbage()

    def _catch_up(self) -> None:
        """Load the live version if it changed, then replay its journal (lock held)."""
        current = self._store.current()
        if current is None:
            return
        if current != self._version:
            self._state = self._store.load_version(current).to_state()
            self._version, self._offset = current, 0
        records, offset = self._store.read_journal(self._version, self._offset)
        if records:
            self._state = apply_records(self._state, records)
        self._offset = offset

    def _maybe_refresh(self) -> None:
        if time.monotonic() >= self._next_check:
            self.refresh()
