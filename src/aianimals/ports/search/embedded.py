"""The embedded search index: tantivy over local files, shared between processes.

Readers (API processes) open the live version and reload it on `refresh()`, which
`search()` runs at most every `refresh_interval` seconds; they never wait for a writer.
Writers (workers, the CLI) take the store's flock, open a tantivy writer on the live
version, commit and let tantivy merge segments, then release it: one writer at a time
across processes, each write a single short commit, searchable here when it returns.
`rebuild` builds a new version beside the live one, then, under the writers' lock,
replays the writes logged since it began and swaps CURRENT (see `storage`).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tantivy

from aianimals.ports.search.base import (
    AnimalDocument,
    DocumentAnalyzer,
    HitExplanation,
    Progress,
    SearchIndex,
    SearchPage,
    SearchQuery,
)
from aianimals.ports.search.documents import IndexedDocument, indexed_document
from aianimals.ports.search.storage import Signature, Store
from aianimals.ports.search.tantivy_explain import Explainer
from aianimals.ports.search.tantivy_pages import Pager
from aianimals.ports.search.tantivy_query import match_query
from aianimals.ports.search.tantivy_schema import (
    build_schema,
    from_stored,
    register_tokenizer,
    to_tantivy,
)

Record = dict[str, Any]


@dataclass(frozen=True)
class _View:
    """The live version as this process reads it."""

    name: str
    index: tantivy.Index
    signature: Signature | None
    ids: dict[tuple[int, int], str] = field(default_factory=dict)
    """Animal ids by document address, for this view's searcher only (emptied on reload)."""


class _Batch:
    """Writes to one tantivy writer; documents written earlier in the batch are seen."""

    def __init__(self, writer: tantivy.IndexWriter, index: tantivy.Index) -> None:
        self.writer = writer
        self.schema = index.schema
        self.searcher = index.searcher()
        self.changes = 0
        self._written: dict[str, IndexedDocument | None] = {}

    def apply(self, record: Mapping[str, Any]) -> None:
        op = record.get("op")
        if op == "upsert":
            for doc in record["docs"]:
                self.upsert(IndexedDocument.from_json(doc))
        elif op == "delete":
            for animal_id in record["ids"]:
                self.delete(str(animal_id))
        elif op == "likes":
            for animal_id, likes in record["likes"].items():
                self.set_likes(str(animal_id), int(likes))
        else:
            raise ValueError(f"unknown write record {op!r}")

    def upsert(self, document: IndexedDocument) -> None:
        self.writer.delete_documents_by_term("id", document.id)
        self.writer.add_document(to_tantivy(document))
        self._written[document.id] = document
        self.changes += 1

    def delete(self, animal_id: str) -> None:
        self.writer.delete_documents_by_term("id", animal_id)
        self._written[animal_id] = None
        self.changes += 1

    def set_likes(self, animal_id: str, likes: int) -> None:
        """tantivy cannot update in place: the stored document is added again."""
        if animal_id in self._written:
            document = self._written[animal_id]
        else:
            document = self._stored(animal_id)
        if document is not None and document.likes != likes:
            self.upsert(replace(document, likes=likes))

    def _stored(self, animal_id: str) -> IndexedDocument | None:
        query = tantivy.Query.term_query(self.schema, "id", animal_id)
        hits = self.searcher.search(query, 1, count=False).hits
        return from_stored(self.searcher.doc(hits[0][1]).to_dict()) if hits else None


class EmbeddedSearchIndex:
    """`SearchIndex` over tantivy indexes under `path`, for threads and for processes.

    `writer_heap` is a write's tantivy buffer; `build_heap` and `build_threads` a rebuild's
    (the heap bounds its memory: about 500 MB of RSS at a million animals by default).
    """

    def __init__(
        self,
        path: Path,
        analyzer: DocumentAnalyzer,
        *,
        refresh_interval: float = 0.5,
        writer_heap: int = 50_000_000,
        build_heap: int = 400_000_000,
        build_threads: int = 2,
    ) -> None:
        self.analyzer = analyzer
        self.refresh_interval = refresh_interval
        self.writer_heap = writer_heap
        self.build_heap = build_heap
        self.build_threads = build_threads
        self._store = Store(path)
        self._schema = build_schema()
        self._write_lock = threading.Lock()
        self._view_lock = threading.Lock()
        self._view: _View | None = None
        self._next_check = 0.0
        with self._store.locked():
            current = self._store.current()
            if current is None or not self._store.is_ours(current):
                # first use, or an index of an older format: start empty (`up` rebuilds)
                self._store.set_current(self._store.publish(self._build(iter(()), 0, None)))
        self.refresh()

    # -- the port -------------------------------------------------------------------------

    def close(self) -> None:
        """Let go of the open version's files (a later call opens the live one again)."""
        with self._view_lock:
            self._view = None

    def upsert(self, documents: Sequence[AnimalDocument]) -> None:
        latest = {doc.id: indexed_document(doc, self.analyzer) for doc in documents}
        if latest:
            self._write({"op": "upsert", "docs": [doc.to_json() for doc in latest.values()]})

    def delete(self, animal_ids: Sequence[str]) -> None:
        if animal_ids:
            self._write({"op": "delete", "ids": list(animal_ids)})

    def set_likes(self, likes: Mapping[str, int]) -> None:
        if likes:
            self._write({"op": "likes", "likes": {k: int(v) for k, v in likes.items()}})

    def search(self, query: SearchQuery) -> SearchPage:
        searcher, ids = self._searcher_and_ids()
        return Pager(searcher, self._schema, ids).page(match_query(self._schema, query), query)

    def explain(self, query: SearchQuery, animal_ids: Sequence[str]) -> list[HitExplanation]:
        return Explainer(self._searcher(), self._schema).explain(query, animal_ids)

    def refresh(self) -> bool:
        self._next_check = time.monotonic() + self.refresh_interval
        with self._view_lock:
            return self._catch_up()

    def rebuild(
        self, documents: Iterable[AnimalDocument], total: int, progress: Progress | None = None
    ) -> int:
        with self._store.begin_rebuild() as log:
            name = self._store.publish(self._build(documents, total, progress))
            with self._write_lock, self._store.locked():
                records = log.records()
                if records:
                    self._commit(self._open(name).index, records)
                self._store.set_current(name)
                with self._view_lock:
                    self._catch_up()
                self._store.collect_garbage()
        return self.count()

    def count(self) -> int:
        return int(self._searcher().num_docs)

    # -- internals ------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        return self._searcher_and_ids()[0]

    def _searcher_and_ids(self) -> tuple[tantivy.Searcher, dict[tuple[int, int], str]]:
        """A searcher and the id cache of the same reader generation."""
        if time.monotonic() >= self._next_check:
            self.refresh()
        with self._view_lock:
            assert self._view is not None  # opened by __init__
            return self._view.index.searcher(), self._view.ids

    def _write(self, record: Record) -> None:
        """Commit one write to the live version, log it for running rebuilds, and see it."""
        with self._write_lock, self._store.locked():
            with self._view_lock:
                self._catch_up()
            assert self._view is not None
            self._commit(self._view.index, [record])
            self._store.log_write(record)
            with self._view_lock:
                self._catch_up()

    def _commit(self, index: tantivy.Index, records: Sequence[Record]) -> None:
        """Apply records with one writer and one commit, then let its merges finish."""
        writer = index.writer(self.writer_heap, 1)
        try:
            batch = _Batch(writer, index)
            for record in records:
                batch.apply(record)
            if batch.changes:
                writer.commit()
            else:
                writer.rollback()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    def _build(
        self, documents: Iterable[AnimalDocument], total: int, progress: Progress | None
    ) -> Path:
        """A new version in a temporary directory, documents ordered newest first."""
        temporary = self._store.new_version()
        try:
            index = tantivy.Index(
                self._schema,
                str(temporary),
                reuse=False,
                sort_by_field="created",
                sort_order=tantivy.Order.Desc,
            )
            register_tokenizer(index)
            writer = index.writer(self.build_heap, self.build_threads)
            try:
                done = 0
                for document in documents:
                    writer.add_document(to_tantivy(indexed_document(document, self.analyzer)))
                    done += 1
                    if progress is not None and done % 1000 == 0:
                        progress(done, total)
                writer.commit()
            finally:
                writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        if progress is not None:
            progress(done, total)
        return temporary

    def _catch_up(self) -> bool:
        """Open the live version, or reload it if a commit landed (view lock held)."""
        current = self._store.current()
        view = self._view
        if current is None:
            return False
        if view is None or view.name != current:
            self._view = self._open(current)
            return True
        signature = self._store.signature(current)
        if signature == view.signature:
            return False
        view.index.reload()  # tantivy's meta lock keeps a writer's cleanup from racing it
        self._view = replace(view, signature=signature, ids={})
        return True

    def _open(self, name: str) -> _View:
        signature = self._store.signature(name)  # before opening: a later commit shows
        index = tantivy.Index.open(str(self._store.path_of(name)))
        register_tokenizer(index)
        index.config_reader(reload_policy="manual")
        return _View(name, index, signature)


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, nothing at runtime)
    _PORT: type[SearchIndex] = EmbeddedSearchIndex
