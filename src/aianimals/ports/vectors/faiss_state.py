"""One in-memory FAISS index with its id mapping and tombstones, saved and loaded as files.

Row r of the FAISS index holds the vector of `ids[r]`. Removing an id, or adding it again,
only clears `alive[r]` (FAISS's HNSW cannot delete); searches skip dead rows and excluded
ids inside FAISS with a bitmap selector, so they still return k results without
over-fetching. `compacted` copies the live rows into a fresh index.

Not thread-safe by itself: the embedded index serialises writes against searches.
FAISS parallelises with OpenMP, whose thread count is per calling thread: searches run
with one thread (a single query gains nothing, and two OpenMP threads per API thread on a
small machine made a flat search four times slower), large adds with `build_threads`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import faiss
import numpy as np
import numpy.typing as npt

from aianimals.ports.vectors.base import AnnParams, Matrix, Neighbour, VectorDimensionError

FORMAT = 1
Structure = Literal["flat", "hnsw"]
Storage = Literal["float32", "float16"]
PARALLEL_ROWS = 1_024
"""Adds of at least this many rows use `build_threads` OpenMP threads."""
RECONSTRUCT_ROWS = 16_384


@dataclass(frozen=True)
class Layout:
    """How a FAISS index is built: exhaustive (exact) or HNSW, over float32 or float16."""

    dim: int
    structure: Structure
    storage: Storage = "float32"
    params: AnnParams = field(default_factory=AnnParams)

    def new_index(self) -> faiss.Index:
        """An empty FAISS index of this layout (inner-product metric)."""
        ip = faiss.METRIC_INNER_PRODUCT
        if self.structure == "flat":
            if self.storage == "float16":
                return faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_fp16, ip)
            return faiss.IndexFlatIP(self.dim)
        codec = "SQfp16" if self.storage == "float16" else "Flat"
        index = faiss.index_factory(self.dim, f"HNSW{self.params.m},{codec}", ip)
        if not isinstance(index, faiss.IndexHNSW):  # index_factory answers the subclass
            raise TypeError(f"unexpected FAISS index {type(index).__name__}")
        index.hnsw.efConstruction = self.params.ef_construction
        return index


@contextmanager
def omp_threads(count: int) -> Iterator[None]:
    """Run FAISS in this thread with `count` OpenMP threads for the block."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(count, 1))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


class IndexState:
    """A FAISS index, row → id, id → row, and which rows are alive."""

    def __init__(
        self,
        layout: Layout,
        index: faiss.Index | None = None,
        ids: list[str] | None = None,
        alive: npt.NDArray[np.bool_] | None = None,
        *,
        build_threads: int = 1,
    ) -> None:
        self.layout = layout
        self.build_threads = build_threads
        self.index = index if index is not None else layout.new_index()
        self.ids: list[str] = ids if ids is not None else []
        self._alive = np.zeros(max(len(self.ids), 1024), dtype=bool)
        if alive is not None:
            self._alive[: len(alive)] = alive
        self.rows = {i: r for r, i in enumerate(self.ids) if self._alive[r]}
        self._bitmap: npt.NDArray[np.uint8] | None = None

    @property
    def dim(self) -> int:
        return self.layout.dim

    @property
    def live(self) -> int:
        """How many ids are searchable."""
        return len(self.rows)

    @property
    def dead(self) -> int:
        """Rows that still take space in the index but are never returned."""
        return len(self.ids) - len(self.rows)

    def add(self, ids: Sequence[str], matrix: Matrix) -> None:
        """Append one row per id (distinct ids), retiring the rows they had."""
        self._retire(ids)
        start = len(self.ids)
        if start + len(ids) > len(self._alive):
            grown = np.zeros(max(2 * len(self._alive), start + len(ids)), dtype=bool)
            grown[:start] = self._alive[:start]
            self._alive = grown
        threads = self.build_threads if len(ids) >= PARALLEL_ROWS else 1
        with omp_threads(threads):
            self.index.add(matrix)
        self.ids.extend(ids)
        self._alive[start : start + len(ids)] = True
        self.rows.update((value, start + n) for n, value in enumerate(ids))

    def remove(self, ids: Collection[str]) -> None:
        """Retire these ids' rows (unknown ids are ignored)."""
        self._retire(ids)

    def search(
        self, query: Matrix, k: int, exclude: Collection[str], ef_search: int
    ) -> list[Neighbour]:
        """Up to `k` live ids nearest to `query`, outside `exclude`, best first."""
        excluded = [r for r in (self.rows.get(i) for i in exclude) if r is not None]
        wanted = min(k, self.live - len(excluded))
        if wanted <= 0:
            return []
        selector = self._selector(excluded)  # (selector, the bitmap it points into)
        ef = max(ef_search, wanted)
        while True:
            params = self._search_params(ef)
            if selector is not None:
                params.sel = selector[0]
            with omp_threads(1):
                scores, rows = self.index.search(query, wanted, params=params)
            found = [
                (self.ids[row], float(score))
                for row, score in zip(rows[0], scores[0], strict=True)
                if row >= 0
            ]
            # HNSW may stop short when many rows are filtered out: widen the search.
            if len(found) >= wanted or self.layout.structure == "flat" or ef >= len(self.ids):
                return found
            ef *= 4

    def live_chunks(self, size: int = RECONSTRUCT_ROWS) -> Iterator[tuple[list[str], Matrix]]:
        """The live ids and their vectors (as stored: float16 storage rounds), in chunks."""
        rows = np.flatnonzero(self._alive[: len(self.ids)])
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size].astype(np.int64)
            vectors = np.ascontiguousarray(self.index.reconstruct_batch(chunk), np.float32)
            yield [self.ids[int(r)] for r in chunk], vectors

    def save(self, directory: Path) -> None:
        """Write this state's files into `directory`."""
        faiss.write_index(self.index, str(directory / "index.faiss"))
        (directory / "ids.json").write_text(json.dumps(self.ids, ensure_ascii=False))
        np.save(directory / "alive.npy", self._alive[: len(self.ids)], allow_pickle=False)
        meta = {
            "format": FORMAT,
            "dim": self.dim,
            "structure": self.layout.structure,
            "storage": self.layout.storage,
            "rows": len(self.ids),
            "live": self.live,
        }
        (directory / "meta.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, directory: Path, dim: int, params: AnnParams, build_threads: int) -> IndexState:
        """The state saved in `directory`; its dimension must be `dim`."""
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"vector index {directory} has an unknown format; rebuild it")
        if meta["dim"] != dim:
            raise VectorDimensionError(
                f"vector index {directory} holds dimension {meta['dim']}, not {dim}"
            )
        index = faiss.read_index(str(directory / "index.faiss"))
        ids = [str(i) for i in json.loads((directory / "ids.json").read_text())]
        alive = np.load(directory / "alive.npy", allow_pickle=False)
        if index.ntotal != len(ids) or len(alive) != len(ids):
            raise ValueError(f"vector index {directory} is inconsistent; rebuild it")
        layout = Layout(dim, meta["structure"], meta["storage"], params)
        return cls(layout, index, ids, alive, build_threads=build_threads)

    def _retire(self, ids: Collection[str]) -> None:
        for value in ids:
            row = self.rows.pop(value, None)
            if row is not None:
                self._alive[row] = False
        self._bitmap = None

    def _selector(
        self, excluded: list[int]
    ) -> tuple[faiss.IDSelector, npt.NDArray[np.uint8]] | None:
        """A selector of the live, not excluded rows, with the bitmap it points into (the
        caller keeps both alive); None when every row qualifies."""
        if not excluded and self.dead == 0:
            return None
        bitmap = self._bitmap
        if bitmap is None:
            bitmap = np.packbits(self._alive[: len(self.ids)], bitorder="little")
            self._bitmap = bitmap
        if excluded:
            bitmap = bitmap.copy()
            rows = np.asarray(excluded, dtype=np.int64)
            np.bitwise_and.at(bitmap, rows >> 3, ~(1 << (rows & 7)).astype(np.uint8))
        return faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap)), bitmap

    def _search_params(self, ef: int) -> faiss.SearchParameters:
        if self.layout.structure == "hnsw":
            hnsw = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # not in the stubs
            hnsw.efSearch = ef
            params: faiss.SearchParameters = hnsw
            return params
        return faiss.SearchParameters()
