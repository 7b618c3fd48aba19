"""Ordering matches: the first k of a lexicographic order without sorting every match."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from aianimals.ports.search.base import SortKey
from aianimals.ports.search.bm25 import ScoreArray
from aianimals.ports.search.state import IndexState, Int64Array

Key = npt.NDArray[np.generic]

_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK64 = (1 << 64) - 1


def random_keys(hashes: Int64Array, seed: int) -> npt.NDArray[np.uint64]:
    """A seeded pseudo-random key per document (splitmix64 of its id hash and the seed):
    the same seed gives the same permutation, whatever else the index holds."""
    x = hashes.astype(np.uint64) ^ np.uint64(((seed & _MASK64) * _GOLDEN) & _MASK64)
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def sort_keys(
    state: IndexState, docs: Int64Array, scores: ScoreArray | None, sort_by: SortKey, seed: int
) -> list[Key]:
    """Keys for `docs`, most significant first, ascending = better (ids break the last tie)."""
    newest: Key = -state.created[docs]
    if sort_by == "random":
        return [random_keys(state.id_hashes[docs], seed)]
    if sort_by == "like":
        return [-state.likes[docs], newest]
    if sort_by == "score" and scores is not None:
        return [-scores[docs], newest]
    return [newest]


def _sorted_fully(docs: Int64Array, keys: Sequence[Key], ids: Sequence[str]) -> Int64Array:
    """`docs` in key order, equal keys by id."""
    if len(docs) <= 1:
        return docs
    id_rank = np.argsort(np.argsort(np.array([ids[d] for d in docs]), kind="stable"))
    order = np.lexsort((id_rank, *reversed(keys)))
    return docs[order]


def top(docs: Int64Array, keys: Sequence[Key], ids: Sequence[str], k: int) -> Int64Array:
    """The first `k` of `docs` in key order (ties by id), partitioning key by key."""
    if k <= 0 or len(docs) == 0:
        return docs[:0]
    if len(docs) <= k or not keys:
        return _sorted_fully(docs, keys, ids)[:k]
    key = keys[0]
    kth = np.partition(key, k - 1)[k - 1]
    better = key < kth
    ties = np.flatnonzero(key == kth)
    head = _sorted_fully(docs[better], [kk[better] for kk in keys], ids)
    rest = top(docs[ties], [kk[ties] for kk in keys[1:]], ids, k - len(head))
    return np.concatenate([head, rest])
