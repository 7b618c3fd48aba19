"""One immutable view of the embedded index, and the writes that derive the next view.

Readers take the current `IndexState` and never see it change: per-document columns are
append-only buffers read below `n` (a writer only fills rows at `n` and beyond), `alive`
and `likes` are copied on write, and new postings go to append-only deltas read below `n`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from aianimals.ports.search.documents import FIELDS, AnalyzedDoc, id_hash
from aianimals.ports.search.postings import Delta, Postings

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T", bound=np.generic)


@dataclass(frozen=True)
class IndexState:
    """Documents 0..n-1 (ordinals); those not `alive` are tombstones."""

    n: int
    base_n: int
    n_live: int
    ids: list[str]
    id_to_ord: dict[str, int]
    category: Int32Array
    subcategory: Int32Array
    created: Int64Array
    id_hashes: Int64Array
    alive: BoolArray
    likes: Int64Array
    postings: tuple[Postings, ...]
    deltas: tuple[Delta, ...]
    lengths: tuple[FloatArray, ...]
    total_lengths: tuple[float, ...]

    @property
    def tombstones(self) -> int:
        return self.n - self.n_live

    @property
    def delta_docs(self) -> int:
        return self.n - self.base_n


def _grow(buffer: npt.NDArray[T], needed: int) -> npt.NDArray[T]:
    """`buffer` itself when it holds `needed` rows, else a larger copy."""
    if len(buffer) >= needed:
        return buffer
    bigger = np.zeros(max(needed, 2 * len(buffer), 1024), dtype=buffer.dtype)
    bigger[: len(buffer)] = buffer
    return bigger


def base_state(
    ids: list[str],
    columns: Mapping[str, npt.NDArray[np.generic]],
    postings: tuple[Postings, ...],
    lengths: tuple[FloatArray, ...],
) -> IndexState:
    """A state of a freshly loaded base: every document alive, empty deltas."""
    n = len(ids)
    return IndexState(
        n=n,
        base_n=n,
        n_live=n,
        ids=list(ids),
        id_to_ord={animal_id: i for i, animal_id in enumerate(ids)},
        category=np.asarray(columns["category"], dtype=np.int32),
        subcategory=np.asarray(columns["subcategory"], dtype=np.int32),
        created=np.asarray(columns["created"], dtype=np.int64),
        id_hashes=np.asarray(columns["id_hash"], dtype=np.int64),
        alive=np.ones(n, dtype=np.bool_),
        likes=np.array(columns["likes"], dtype=np.int64),
        postings=postings,
        deltas=tuple(Delta() for _ in FIELDS),
        lengths=lengths,
        total_lengths=tuple(float(np.sum(length[:n], dtype=np.float64)) for length in lengths),
    )


class Transaction:
    """Writes applied to private copies of `alive` and `likes` (copied once per batch);
    `commit()` returns the new state. The source state stays valid for its readers."""

    def __init__(self, state: IndexState) -> None:
        self.state = state
        self.n, self.n_live = state.n, state.n_live
        self.alive = _grow(state.alive[: state.n].copy(), state.n)
        self.likes = _grow(state.likes[: state.n].copy(), state.n)
        self.category, self.subcategory = state.category, state.subcategory
        self.created, self.id_hashes = state.created, state.id_hashes
        self.lengths = list(state.lengths)
        self.totals = list(state.total_lengths)
        del state.ids[state.n :]

    def upsert(self, docs: Sequence[AnalyzedDoc]) -> None:
        """Add or replace `docs` (the last of a repeated id wins)."""
        unique = list({doc.id: doc for doc in docs}.values())
        self.delete([doc.id for doc in unique])
        needed = self.n + len(unique)
        self.alive, self.likes = _grow(self.alive, needed), _grow(self.likes, needed)
        self.category, self.subcategory = (
            _grow(self.category, needed),
            _grow(self.subcategory, needed),
        )
        self.created, self.id_hashes = _grow(self.created, needed), _grow(self.id_hashes, needed)
        self.lengths = [_grow(length, needed) for length in self.lengths]
        for ord_, doc in enumerate(unique, start=self.n):
            self.category[ord_], self.subcategory[ord_] = doc.category_id, doc.subcategory_id
            self.created[ord_], self.id_hashes[ord_] = doc.created_us, id_hash(doc.id)
            self.alive[ord_], self.likes[ord_] = True, doc.likes
            for f, counts in enumerate(doc.fields):
                for term, tf in counts:
                    self.state.deltas[f].add(term, ord_, tf)
                self.lengths[f][ord_] = sum(tf for _, tf in counts)
                self.totals[f] += float(self.lengths[f][ord_])
            self.state.ids.append(doc.id)
            self.state.id_to_ord[doc.id] = ord_
        self.n, self.n_live = needed, self.n_live + len(unique)

    def delete(self, animal_ids: Sequence[str]) -> None:
        """Tombstone these documents (unknown ids ignored)."""
        for animal_id in animal_ids:
            ord_ = self.state.id_to_ord.pop(animal_id, None)
            if ord_ is None:
                continue
            self.alive[ord_] = False
            self.n_live -= 1
            for f, length in enumerate(self.lengths):
                self.totals[f] -= float(length[ord_])

    def set_likes(self, likes: Mapping[str, int]) -> None:
        """Set like counts (unknown ids ignored)."""
        for animal_id, count in likes.items():
            ord_ = self.state.id_to_ord.get(animal_id)
            if ord_ is not None:
                self.likes[ord_] = count

    def commit(self) -> IndexState:
        return replace(
            self.state,
            n=self.n,
            n_live=self.n_live,
            category=self.category,
            subcategory=self.subcategory,
            created=self.created,
            id_hashes=self.id_hashes,
            alive=self.alive,
            likes=self.likes,
            lengths=tuple(self.lengths),
            total_lengths=tuple(self.totals),
        )
