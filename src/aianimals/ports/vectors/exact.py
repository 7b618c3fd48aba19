"""Exact (brute-force) nearest neighbours with numpy: the yardstick for an index's recall."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from aianimals.ports.vectors.base import Matrix, Neighbour

CHUNK_ROWS = 65_536
"""Rows scored at a time, so that the score matrix stays small next to the vectors."""


def top_rows(
    matrix: npt.NDArray[np.floating], queries: npt.NDArray[np.floating], k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The `k` rows of `matrix` with the largest inner product with each query.

    Returns (rows, scores), each of shape (len(queries), min(k, len(matrix))), best first;
    ties go to the lower row. Scans `matrix` in chunks of CHUNK_ROWS rows.
    """
    n_queries, n = len(queries), len(matrix)
    k = min(k, n)
    best_rows = np.zeros((n_queries, 0), dtype=np.int64)
    best_scores = np.zeros((n_queries, 0), dtype=np.float32)
    q = np.asarray(queries, dtype=np.float32)
    for start in range(0, n, CHUNK_ROWS):
        chunk = np.asarray(matrix[start : start + CHUNK_ROWS], dtype=np.float32)
        scores = q @ chunk.T
        take = min(k, scores.shape[1])
        part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        rows = np.concatenate([best_rows, part + start], axis=1)
        both = np.concatenate([best_scores, np.take_along_axis(scores, part, axis=1)], axis=1)
        order = np.lexsort((rows, -both), axis=1)[:, :k]
        best_rows = np.take_along_axis(rows, order, axis=1)
        best_scores = np.take_along_axis(both, order, axis=1)
    return best_rows, best_scores


def exact_search(
    matrix: Matrix,
    ids: Sequence[str],
    vector: npt.ArrayLike,
    k: int,
    exclude: Collection[str] = (),
) -> list[Neighbour]:
    """The true `k` nearest ids of `vector` among `ids` (row i of `matrix` is `ids[i]`),
    most similar first, leaving out `exclude`."""
    if k <= 0 or len(ids) == 0:
        return []
    query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
    rows, scores = top_rows(matrix, query, k + len(exclude))
    found = [
        (ids[row], float(score))
        for row, score in zip(rows[0], scores[0], strict=True)
        if ids[row] not in exclude
    ]
    return found[:k]


def recall_at_k(found: Sequence[str], truth: Sequence[str], k: int) -> float:
    """The share of the true top `k` (`truth[:k]`) that `found[:k]` holds."""
    expected = set(truth[:k])
    if not expected:
        return 1.0
    return len(expected & set(found[:k])) / len(expected)
