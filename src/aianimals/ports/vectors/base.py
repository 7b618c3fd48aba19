"""The vector-index port: string ids with L2-normalised float32 vectors, searched by
inner product (= cosine similarity on unit vectors), plus the input checks adapters share."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
"""Vectors as rows: shape (n, dim), C-contiguous float32."""

Neighbour = tuple[str, float]
"""(id, similarity): the inner product of the query and the stored vector."""


class VectorDimensionError(ValueError):
    """A vector of the wrong shape or dimension for this index."""


class VectorBackendError(RuntimeError):
    """The vector server could not be reached, or refused a request (with its reason)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AnnParams:
    """HNSW graph parameters, shared by every adapter.

    `m` links per node and `ef_construction` candidates while inserting set the graph's
    quality (and build time); `ef_search` candidates per query trade latency for recall.
    The defaults reach recall@10 >= 0.98 against exact search on the cases the contract
    tests and bench/images_ann.py measure.
    """

    m: int = 32
    ef_construction: int = 200
    ef_search: int = 128

    def __post_init__(self) -> None:
        if min(self.m, self.ef_construction, self.ef_search) < 1:
            raise ValueError(f"HNSW parameters must be positive: {self}")


class VectorIndex(Protocol):
    """Approximate nearest neighbours of image embeddings, safe to share between threads.

    Ids are non-empty strings; vectors are float32 of length `dim`, L2-normalised by the
    caller, so that the similarity (inner product) is their cosine.
    """

    @property
    def version(self) -> str:
        """Names the index's content: it changes on every rebuild (adapters may also change
        it on other writes), so it can key cached results. Equal in every process that
        sees the same content."""
        ...

    @property
    def dim(self) -> int:
        """The length of every vector."""
        ...

    def add(self, ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        """Insert or replace (upsert) one vector per id: `vectors` has shape (len(ids), dim).
        A repeated id keeps its last vector. Searchable when this returns."""
        ...

    def remove(self, ids: Iterable[str]) -> None:
        """Forget these ids (absent ones are ignored); gone from results when this returns."""
        ...

    def search(
        self, vector: npt.ArrayLike, k: int, exclude: Collection[str] = ()
    ) -> list[Neighbour]:
        """Up to `k` nearest neighbours of `vector`, most similar first, never an id of
        `exclude` nor a removed one; fewer than `k` only when fewer are left to return."""
        ...

    def count(self) -> int:
        """How many ids are searchable."""
        ...

    def rebuild(self, items: Iterable[tuple[str, npt.ArrayLike]]) -> str:
        """Replace the whole content with `items` (a repeated id keeps its last vector).

        Searches keep answering from the old content until the new one is swapped in, in
        one step; returns the new version.
        """
        ...

    def close(self) -> None:
        """Release files, memory and connections."""
        ...


def check_ids(ids: Iterable[str]) -> list[str]:
    """The ids as a list; every one must be a non-empty string."""
    checked = list(ids)
    for value in checked:
        if not isinstance(value, str) or not value:
            raise ValueError(f"vector ids must be non-empty strings, got {value!r}")
    return checked


def as_matrix(vectors: npt.ArrayLike, rows: int, dim: int) -> Matrix:
    """`vectors` as a (rows, dim) C-contiguous float32 matrix of finite values."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape != (rows, dim):
        raise VectorDimensionError(
            f"expected {rows} vector(s) of dimension {dim}, got an array of shape {matrix.shape}"
        )
    if not np.isfinite(matrix).all():
        raise ValueError("vectors must not contain NaN or infinity")
    return matrix


def as_query(vector: npt.ArrayLike, dim: int) -> Matrix:
    """One query vector of length `dim` as a (1, dim) float32 matrix."""
    query = np.asarray(vector, dtype=np.float32)
    if query.ndim != 1 or query.shape[0] != dim:
        raise VectorDimensionError(
            f"expected a query vector of dimension {dim}, got an array of shape {query.shape}"
        )
    return as_matrix(query.reshape(1, dim), 1, dim)


def last_wins(ids: Sequence[str], matrix: Matrix) -> tuple[list[str], Matrix]:
    """Drop all but the last row of each repeated id (order of last occurrences kept)."""
    if len(set(ids)) == len(ids):
        return list(ids), matrix
    last = {value: row for row, value in enumerate(ids)}
    rows = sorted(last.values())
    return [ids[row] for row in rows], np.ascontiguousarray(matrix[rows])
