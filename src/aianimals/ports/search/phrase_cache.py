"""The dense (match, score) arrays of recent phrases, kept for the index state they came from.

A common word's BM25 scores cost a pass over its postings in every field (tens of
milliseconds at a million animals); a phrase asked again against the same immutable
`IndexState` gets the same arrays back. Any write makes a new state, which empties the
cache, so a cached array never outlives the data it was computed from. The arrays are
read-only: callers combine them into new arrays, never in place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from aianimals.ports.search.bm25 import ScoreArray, all_terms_scores
from aianimals.ports.search.state import BoolArray, IndexState

Entry = tuple[BoolArray, ScoreArray]


class PhraseScores:
    """`all_terms_scores` with an LRU of its results for one state, bounded in bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._state: IndexState | None = None
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self._bytes = 0

    def __call__(self, state: IndexState, terms: tuple[str, ...]) -> Entry:
        """(docs containing every term, their summed scores), both read-only."""
        with self._lock:
            if self._state is not state:
                self._state = state
                self._entries.clear()
                self._bytes = 0
            hit = self._entries.get(terms)
            if hit is not None:
                self._entries.move_to_end(terms)
                return hit
        match, scores = all_terms_scores(state, terms)
        match.flags.writeable = False
        scores.flags.writeable = False
        entry, size = (match, scores), match.nbytes + scores.nbytes
        with self._lock:
            if self._state is state and size <= self.max_bytes and terms not in self._entries:
                self._entries[terms] = entry
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (old_match, old_scores) = self._entries.popitem(last=False)
                    self._bytes -= old_match.nbytes + old_scores.nbytes
        return entry
