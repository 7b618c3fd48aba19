"""The search index on an OpenSearch 2.x / Elasticsearch 8 server, over plain HTTP.

Documents are analysed here, by the same `DocumentAnalyzer` as the embedded index's, and
the server indexes those tokens as they are (no plugin needed); queries have the embedded
index's shape, so both backends rank alike (see `opensearch_query`). `explain` needs named
query scores (OpenSearch 2.13, Elasticsearch 8.8). `settings.index` is an alias: it points
at one concrete index `<index>-<timestamp>`, created on first use and replaced atomically
by `rebuild`. Writes wait for a refresh, so they are searchable (and deletions gone) when
they return. Every failure raises `SearchBackendError` with the server's reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from aianimals.ports.opensearch_http import AliasedIndex, OpenSearchHttp
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
from aianimals.ports.search.opensearch_mapping import (
    alias_swap_body,
    bulk_delete_body,
    bulk_index_body,
    bulk_likes_body,
    index_body,
    ndjson,
)
from aianimals.ports.search.opensearch_query import (
    explain_body,
    is_scored,
    parse_explanations,
    parse_search_page,
    search_body,
    text_scores_bodies,
    with_text_scores,
)
from aianimals.settings import SearchSettings

CONNECT_TIMEOUT_S = 5.0
REQUEST_TIMEOUT_S = 60.0  # a bulk of BULK_DOCUMENTS waiting for a refresh can take a while
BULK_DOCUMENTS = 500

T = TypeVar("T")


class SearchBackendError(RuntimeError):
    """The search server could not be reached, or refused a request (with its reason)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OpenSearchIndex(AliasedIndex):
    """`SearchIndex` on an OpenSearch or Elasticsearch server."""

    def __init__(
        self,
        settings: SearchSettings,
        analyzer: DocumentAnalyzer,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.analyzer = analyzer
        self._alias = settings.index
        self._clock = clock
        self._ready = False
        self._client = httpx.Client(
            base_url=settings.url,
            timeout=httpx.Timeout(REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            headers={"Accept": "application/json"},
        )
        self._http = OpenSearchHttp(self._client, SearchBackendError, "search server")

    def upsert(self, documents: Sequence[AnimalDocument]) -> None:
        self._ensure_index()
        for chunk in _chunks(self._analysed(documents), BULK_DOCUMENTS):
            self._http.bulk(self._alias, bulk_index_body(chunk), live=True)

    def delete(self, animal_ids: Sequence[str]) -> None:
        self._ensure_index()
        for chunk in _chunks(animal_ids, BULK_DOCUMENTS):
            self._http.bulk(self._alias, bulk_delete_body(chunk), live=True)

    def set_likes(self, likes: Mapping[str, int]) -> None:
        self._ensure_index()
        for chunk in _chunks(likes.items(), BULK_DOCUMENTS):
            self._http.bulk(self._alias, bulk_likes_body(dict(chunk)), live=True)

    def search(self, query: SearchQuery) -> SearchPage:
        self._ensure_index()
        body = self._http.json("POST", f"/{self._alias}/_search", json=search_body(query))
        if query.sort_by != "random":
            return parse_search_page(body, scored=is_scored(query))
        page = parse_search_page(body, scored=False)
        if not is_scored(query) or not page.results:
            return page
        ids = [hit.animal_id for hit in page.results]
        return with_text_scores(page, self._msearch(text_scores_bodies(query, ids)))

    def explain(self, query: SearchQuery, animal_ids: Sequence[str]) -> list[HitExplanation]:
        if not animal_ids:
            return []
        self._ensure_index()
        body = self._http.json(
            "POST",
            f"/{self._alias}/_search",
            json=explain_body(query, animal_ids),
            params={"include_named_queries_score": "true"},
        )
        return parse_explanations(body, query, animal_ids)

    def refresh(self) -> bool:
        """Nothing to catch up with: writes return after the server's refresh."""
        return False

    def count(self) -> int:
        self._ensure_index()
        return int(self._http.json("GET", f"/{self._alias}/_count")["count"])

    def rebuild(
        self, documents: Iterable[AnimalDocument], total: int, progress: Progress | None = None
    ) -> int:
        """Load a new concrete index, then move the alias to it and delete the old ones.
        Searches see the old index until the swap; on failure the new index is removed."""
        new_index = self._new_index_name()
        self._http.request("PUT", f"/{new_index}", json=index_body())
        try:
            done = 0
            for chunk in _chunks(self._analysed(documents), BULK_DOCUMENTS):
                self._http.bulk(new_index, bulk_index_body(chunk), live=False)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            self._http.request("POST", f"/{new_index}/_refresh")
            size = int(self._http.json("GET", f"/{new_index}/_count")["count"])
            old_indices = self._http.aliased_indices(self._alias)
            self._http.request(
                "POST", "/_aliases", json=alias_swap_body(self._alias, new_index, old_indices)
            )
        except BaseException:
            self._http.delete_index_quietly(new_index)
            raise
        for index in old_indices:
            self._http.delete_index_quietly(index)
        self._ready = True
        return size

    def _analysed(self, documents: Iterable[AnimalDocument]) -> Iterator[IndexedDocument]:
        return (indexed_document(document, self.analyzer) for document in documents)

    def _msearch(self, bodies: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """Several searches of the alias in one request; any failure raises."""
        lines = [line for body in bodies for line in ({}, body)]
        answer = self._http.json("POST", f"/{self._alias}/_msearch", content=ndjson(lines))
        responses: list[Mapping[str, Any]] = answer["responses"]
        for response in responses:
            if "error" in response:
                raise SearchBackendError(f"_msearch failed: {response['error']}", None)
        return responses

    def _ensure_index(self) -> None:
        """Create the first concrete index under the alias unless the alias exists."""
        if self._ready:
            return
        if not self._alias_exists():
            try:
                self._http.request(
                    "PUT", f"/{self._new_index_name()}", json=index_body(self._alias)
                )
            except SearchBackendError:
                if not self._alias_exists():  # else another process created it first
                    raise
        self._ready = True

    def _alias_exists(self) -> bool:
        return self._http.request("HEAD", f"/{self._alias}", missing_ok=True).status_code == 200

    def _new_index_name(self) -> str:
        return f"{self._alias}-{self._clock().strftime('%Y%m%d%H%M%S%f')}"


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, nothing at runtime)
    _PORT: type[SearchIndex] = OpenSearchIndex
