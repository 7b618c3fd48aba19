"""Builds an `IndexState` from a stream of (id, vector) pairs of unknown length.

Rows are buffered until `switch_at` of them have arrived: a stream that ends before gets
the layout its size calls for (flat below the embedded index's `exact_below`); a longer one
gets the layout for `switch_at` rows (HNSW) and is then inserted in chunks, so memory holds
the index plus one chunk, never the whole stream twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from aianimals.ports.vectors.base import Matrix, last_wins
from aianimals.ports.vectors.faiss_state import IndexState, Layout

CHUNK_ROWS = 8_192


class StateBuilder:
    """Collects rows; a repeated id keeps its last vector."""

    def __init__(
        self, layout_for: Callable[[int], Layout], threads: int, *, switch_at: int = 0
    ) -> None:
        self._layout_for = layout_for
        self._threads = threads
        self._switch_at = switch_at
        self._state: IndexState | None = None
        self._ids: list[str] = []
        self._rows: list[Matrix] = []
        self._pending = 0
        if switch_at <= 0:
            self._state = IndexState(layout_for(0), build_threads=threads)

    def add(self, value: str, vector: Matrix) -> None:
        """One id and its vector, shape (dim,)."""
        self.add_many([value], vector.reshape(1, -1))

    def add_many(self, ids: Sequence[str], matrix: Matrix) -> None:
        """Ids and their vectors, shape (len(ids), dim)."""
        self._ids.extend(ids)
        self._rows.append(matrix)
        self._pending += len(ids)
        if self._state is None and self._pending >= self._switch_at:
            self._state = IndexState(self._layout_for(self._switch_at), build_threads=self._threads)
        if self._state is not None and self._pending >= CHUNK_ROWS:
            self._flush(self._state)

    def build(self) -> IndexState:
        """The state of every row added so far."""
        state = self._state
        if state is None:
            state = IndexState(self._layout_for(self._pending), build_threads=self._threads)
        self._flush(state)
        self._state = state
        return state

    def _flush(self, state: IndexState) -> None:
        if not self._pending:
            return
        matrix = self._rows[0] if len(self._rows) == 1 else np.concatenate(self._rows)
        ids, matrix = last_wins(self._ids, np.ascontiguousarray(matrix, dtype=np.float32))
        self._ids, self._rows, self._pending = [], [], 0
        state.add(ids, matrix)
