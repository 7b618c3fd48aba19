"""Inverted lists of one field: an immutable CSR base plus an append-only delta."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
DocArray = npt.NDArray[np.int32]
TfArray = npt.NDArray[np.uint16]

_TF_BITS = 16
_TF_MAX = (1 << _TF_BITS) - 1
_EMPTY_DOCS: DocArray = np.zeros(0, dtype=np.int32)
_EMPTY_TFS: TfArray = np.zeros(0, dtype=np.uint16)


@dataclass(frozen=True)
class Postings:
    """CSR postings: term `t` occurs in docs[offsets[t]:offsets[t+1]] with those tfs.

    Documents are ordinals, ascending within a term. The arrays may be memory-mapped.
    """

    terms: list[str]
    offsets: IntArray
    docs: DocArray
    tfs: TfArray
    vocab: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocab", {term: i for i, term in enumerate(self.terms)})

    def lookup(self, term: str) -> tuple[DocArray, TfArray]:
        """The (docs, tfs) of `term`; empty arrays when absent."""
        tid = self.vocab.get(term)
        if tid is None:
            return _EMPTY_DOCS, _EMPTY_TFS
        start, end = int(self.offsets[tid]), int(self.offsets[tid + 1])
        return self.docs[start:end], self.tfs[start:end]

    def term_ids(self) -> IntArray:
        """The term id of every posting (aligned with `docs`)."""
        return np.repeat(np.arange(len(self.terms), dtype=np.int64), np.diff(self.offsets))

    @classmethod
    def empty(cls) -> Postings:
        return cls([], np.zeros(1, dtype=np.int64), _EMPTY_DOCS, _EMPTY_TFS)


def build_postings(terms: list[str], tids: IntArray, docs: IntArray, tfs: IntArray) -> Postings:
    """CSR postings from parallel (term id, doc, tf) arrays; unused terms are dropped."""
    order = np.lexsort((docs, tids))
    tids, docs, tfs = tids[order], docs[order], tfs[order]
    counts = np.bincount(tids, minlength=len(terms)).astype(np.int64)
    used = np.flatnonzero(counts)
    offsets = np.zeros(len(used) + 1, dtype=np.int64)
    np.cumsum(counts[used], out=offsets[1:])
    return Postings(
        terms=[terms[i] for i in used],
        offsets=offsets,
        docs=docs.astype(np.int32),
        tfs=np.minimum(tfs, _TF_MAX).astype(np.uint16),
    )


class Delta:
    """Postings of documents added since the base was built: term → packed (doc, tf) ints.

    Append-only and shared between index states: a reader sees only docs below its own
    state's document count, so a writer's appends never change what it reads.
    """

    def __init__(self) -> None:
        self._lists: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self.size = 0

    def add(self, term: str, doc: int, tf: int) -> None:
        """Record that `doc` contains `term` `tf` times."""
        packed = (doc << _TF_BITS) | min(tf, _TF_MAX)
        with self._lock:
            entries = self._lists.get(term)
            if entries is None:
                self._lists[term] = [packed]
            else:
                entries.append(packed)
            self.size += 1

    def lookup(self, term: str, below: int) -> tuple[DocArray, TfArray]:
        """(docs, tfs) of `term` among docs < `below`."""
        entries = self._lists.get(term)
        if not entries:
            return _EMPTY_DOCS, _EMPTY_TFS
        packed = np.array(entries[: len(entries)], dtype=np.int64)
        docs = packed >> _TF_BITS
        keep = docs < below
        return docs[keep].astype(np.int32), (packed[keep] & _TF_MAX).astype(np.uint16)

    def items(self) -> list[tuple[str, list[int]]]:
        """A copy of every term's packed entries."""
        with self._lock:
            return [(term, list(entries)) for term, entries in self._lists.items()]

    @staticmethod
    def unpack(packed: IntArray) -> tuple[IntArray, IntArray]:
        """Packed entries → (docs, tfs)."""
        return packed >> _TF_BITS, packed & _TF_MAX
