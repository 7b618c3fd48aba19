"""The vector index on an OpenSearch 2.9+ or Elasticsearch 8.10+ server, over plain HTTP.

It lives in the same cluster as the text index and follows its pattern: `index` is an
alias pointing at one concrete index `<index>-<timestamp>`, created on first use and
replaced atomically by `rebuild`, whose name is the `version`. Writes wait for a refresh,
so they are searchable (and removals gone) when they return. The server's flavour is read
from `GET /` unless given. Every failure raises `VectorBackendError` with the server's
reason.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal

import httpx
import numpy as np
import numpy.typing as npt

from aianimals.ports.opensearch_http import AliasedIndex, OpenSearchHttp
from aianimals.ports.search.opensearch_mapping import alias_swap_body
from aianimals.ports.vectors.base import (
    AnnParams,
    Neighbour,
    VectorBackendError,
    VectorDimensionError,
    VectorIndex,
    as_matrix,
    as_query,
    check_ids,
    last_wins,
)
from aianimals.ports.vectors.opensearch_body import (
    Flavour,
    bulk_delete_body,
    bulk_upsert_body,
    flavour_of,
    index_body,
    mapped_dim,
    parse_neighbours,
    search_body,
)

CONNECT_TIMEOUT_S = 5.0
REQUEST_TIMEOUT_S = 120.0
BULK_VECTORS = 200  # about 5 MB of JSON at 1280 dimensions


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OpenSearchVectorIndex(AliasedIndex):
    """`VectorIndex` on an OpenSearch (k-NN plugin) or Elasticsearch server."""

    def __init__(
        self,
        url: str,
        index: str,
        dim: int,
        params: AnnParams | None = None,
        *,
        flavour: Flavour | Literal["auto"] = "auto",
        version_ttl: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._alias = index
        self._dim = dim
        self._params = params or AnnParams()
        self._flavour: Flavour | None = None if flavour == "auto" else flavour
        self._version_ttl = version_ttl
        self._version = ""
        self._version_checked = -float("inf")
        self._clock = clock
        self._ready = False
        self._lock = threading.Lock()
        self._client = httpx.Client(
            base_url=url,
            timeout=httpx.Timeout(REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            headers={"Accept": "application/json"},
        )
        self._http = OpenSearchHttp(self._client, VectorBackendError, "vector server")

    # -- the port -------------------------------------------------------------------------

    @property
    def version(self) -> str:
        self._ensure_index()
        if time.monotonic() - self._version_checked > self._version_ttl:
            indices = self._http.aliased_indices(self._alias)
            self._version = indices[-1] if indices else ""
            self._version_checked = time.monotonic()
        return self._version

    @property
    def dim(self) -> int:
        return self._dim

    def add(self, ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        checked = check_ids(ids)
        unique, matrix = last_wins(checked, as_matrix(vectors, len(checked), self._dim))
        if not unique:
            return
        self._ensure_index()
        for start in range(0, len(unique), BULK_VECTORS):
            rows = slice(start, start + BULK_VECTORS)
            self._http.bulk(self._alias, bulk_upsert_body(unique[rows], matrix[rows]), live=True)

    def remove(self, ids: Iterable[str]) -> None:
        unique = list(dict.fromkeys(check_ids(ids)))
        if not unique:
            return
        self._ensure_index()
        for start in range(0, len(unique), BULK_VECTORS * 5):
            chunk = unique[start : start + BULK_VECTORS * 5]
            self._http.bulk(self._alias, bulk_delete_body(chunk), live=True)

    def search(
        self, vector: npt.ArrayLike, k: int, exclude: Collection[str] = ()
    ) -> list[Neighbour]:
        query = as_query(vector, self._dim)[0]
        if k <= 0:
            return []
        flavour = self._ensure_index()
        body = search_body(flavour, query.tolist(), k, exclude, self._params.ef_search)
        answer = self._http.json("POST", f"/{self._alias}/_search", json=body)
        excluded = set(exclude)
        return [n for n in parse_neighbours(flavour, answer) if n[0] not in excluded][:k]

    def count(self) -> int:
        self._ensure_index()
        return int(self._http.json("GET", f"/{self._alias}/_count")["count"])

    def rebuild(self, items: Iterable[tuple[str, npt.ArrayLike]]) -> str:
        """Load a new concrete index, then move the alias to it and delete the old ones.
        Searches see the old index until the swap; on failure the new index is removed."""
        flavour = self._detect_flavour()
        new_index = f"{self._alias}-{self._clock().strftime('%Y%m%d%H%M%S%f')}"
        self._http.request(
            "PUT", f"/{new_index}", json=index_body(flavour, self._dim, self._params)
        )
        try:
            for chunk in _chunks(items, BULK_VECTORS):
                ids = check_ids(value for value, _ in chunk)
                rows = np.stack([as_query(vector, self._dim)[0] for _, vector in chunk])
                unique, matrix = last_wins(ids, rows)
                self._http.bulk(new_index, bulk_upsert_body(unique, matrix), live=False)
            self._http.request("POST", f"/{new_index}/_refresh")
            old_indices = self._http.aliased_indices(self._alias)
            swap = alias_swap_body(self._alias, new_index, old_indices)
            self._http.request("POST", "/_aliases", json=swap)
        except BaseException:
            self._http.delete_index_quietly(new_index)
            raise
        for index in old_indices:
            self._http.delete_index_quietly(index)
        self._ready = True
        self._version, self._version_checked = new_index, time.monotonic()
        return new_index

    # -- internals ------------------------------------------------------------------------

    def _detect_flavour(self) -> Flavour:
        if self._flavour is None:
            self._flavour = flavour_of(self._http.json("GET", "/"))
        return self._flavour

    def _ensure_index(self) -> Flavour:
        """Create the first concrete index under the alias unless the alias exists, and
        check that an existing one holds vectors of our dimension."""
        flavour = self._detect_flavour()
        if self._ready:
            return flavour
        with self._lock:
            if not self._alias_exists():
                name = f"{self._alias}-{self._clock().strftime('%Y%m%d%H%M%S%f')}"
                body = index_body(flavour, self._dim, self._params, self._alias)
                try:
                    self._http.request("PUT", f"/{name}", json=body)
                except VectorBackendError:
                    if not self._alias_exists():  # else another process created it first
                        raise
            dim = mapped_dim(self._http.json("GET", f"/{self._alias}/_mapping"))
            if dim is not None and dim != self._dim:
                raise VectorDimensionError(
                    f"vector index {self._alias} holds dimension {dim}, not {self._dim}"
                )
            self._ready = True
        return flavour

    def _alias_exists(self) -> bool:
        return (
            self._http.request("HEAD", f"/_alias/{self._alias}", missing_ok=True).status_code == 200
        )


def _chunks(items: Iterable[tuple[str, npt.ArrayLike]], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, nothing at runtime)
    _PORT: type[VectorIndex] = OpenSearchVectorIndex
