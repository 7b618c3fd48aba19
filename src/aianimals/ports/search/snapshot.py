"""A compacted index (no tombstones, no deltas): built from documents or from a state."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aianimals.ports.search.documents import FIELDS, AnalyzedDoc, TermCounts, id_hash
from aianimals.ports.search.postings import Delta, Postings, build_postings
from aianimals.ports.search.state import FloatArray, IndexState, base_state

COLUMNS: tuple[str, ...] = ("category", "subcategory", "created", "id_hash", "likes")


@dataclass(frozen=True)
class Snapshot:
    """Everything a version directory holds, documents numbered 0..len(ids)-1."""

    ids: list[str]
    columns: dict[str, npt.NDArray[np.int64]]
    postings: tuple[Postings, ...]
    lengths: tuple[FloatArray, ...]

    def to_state(self) -> IndexState:
        return base_state(self.ids, self.columns, self.postings, self.lengths)


class _FieldBuilder:
    """Accumulates one field's postings; each distinct term-count tuple is mapped once."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self.tids = array("q")
        self.docs = array("q")
        self.tfs = array("q")
        self.lengths = array("f")
        self._mapped: dict[TermCounts, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def add(self, ord_: int, counts: TermCounts) -> None:
        mapped = self._mapped.get(counts)
        if mapped is None:
            tids = tuple(self._term_id(term) for term, _ in counts)
            mapped = (tids, tuple(tf for _, tf in counts))
            if len(self._mapped) < 1_000_000:
                self._mapped[counts] = mapped
        self.tids.extend(mapped[0])
        self.tfs.extend(mapped[1])
        self.docs.extend([ord_] * len(mapped[0]))
        self.lengths.append(float(sum(mapped[1])))

    def _term_id(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = self.vocab[term] = len(self.terms)
            self.terms.append(term)
        return tid

    def build(self) -> tuple[Postings, FloatArray]:
        postings = build_postings(
            self.terms,
            np.frombuffer(self.tids, dtype=np.int64),
            np.frombuffer(self.docs, dtype=np.int64),
            np.frombuffer(self.tfs, dtype=np.int64),
        )
        return postings, np.frombuffer(self.lengths, dtype=np.float32).copy()


class SnapshotBuilder:
    """Builds a snapshot from analysed documents (a repeated id keeps its first version)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._seen: set[str] = set()
        self._columns = {name: array("q") for name in COLUMNS}
        self._fields = [_FieldBuilder() for _ in FIELDS]

    def add(self, doc: AnalyzedDoc) -> None:
        if doc.id in self._seen:
            return
        self._seen.add(doc.id)
        ord_ = len(self.ids)
        self.ids.append(doc.id)
        values = (doc.category_id, doc.subcategory_id, doc.created_us, id_hash(doc.id), doc.likes)
        for name, value in zip(COLUMNS, values, strict=True):
            self._columns[name].append(value)
        for builder, counts in zip(self._fields, doc.fields, strict=True):
            builder.add(ord_, counts)

    def build(self) -> Snapshot:
        built = [builder.build() for builder in self._fields]
        return Snapshot(
            ids=self.ids,
            columns={k: np.frombuffer(v, dtype=np.int64).copy() for k, v in self._columns.items()},
            postings=tuple(p for p, _ in built),
            lengths=tuple(length for _, length in built),
        )


def _field_postings(state: IndexState, f: int, new_ord: npt.NDArray[np.int64]) -> Postings:
    """Field `f`'s base and delta postings merged, tombstones dropped, docs renumbered."""
    base = state.postings[f]
    terms = list(base.terms)
    vocab = dict(base.vocab)
    parts_t, parts_d = [base.term_ids()], [base.docs.astype(np.int64)]
    parts_f = [base.tfs.astype(np.int64)]
    for term, packed in state.deltas[f].items():
        tid = vocab.setdefault(term, len(terms))
        if tid == len(terms):
            terms.append(term)
        docs, tfs = Delta.unpack(np.array(packed, dtype=np.int64))
        parts_t.append(np.full(len(docs), tid, dtype=np.int64))
        parts_d.append(docs)
        parts_f.append(tfs)
    tids, docs = np.concatenate(parts_t), np.concatenate(parts_d)
    tfs = np.concatenate(parts_f).astype(np.int64)
    keep = docs < state.n
    keep[keep] = state.alive[docs[keep]]
    return build_postings(terms, tids[keep], new_ord[docs[keep]], tfs[keep])


def compact(state: IndexState) -> Snapshot:
    """The live documents of `state` as a snapshot."""
    live = np.flatnonzero(state.alive[: state.n])
    new_ord = np.full(state.n, -1, dtype=np.int64)
    new_ord[live] = np.arange(len(live), dtype=np.int64)
    columns: dict[str, npt.NDArray[np.generic]] = {
        "category": state.category,
        "subcategory": state.subcategory,
        "created": state.created,
        "id_hash": state.id_hashes,
        "likes": state.likes,
    }
    return Snapshot(
        ids=[state.ids[i] for i in live],
        columns={k: np.asarray(v[: state.n][live], dtype=np.int64) for k, v in columns.items()},
        postings=tuple(_field_postings(state, f, new_ord) for f in range(len(FIELDS))),
        lengths=tuple(np.ascontiguousarray(length[: state.n][live]) for length in state.lengths),
    )
