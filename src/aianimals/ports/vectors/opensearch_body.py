"""The k-NN adapter's wire format, as pure functions: index bodies, bulk bodies, queries and
the reading of search answers, for OpenSearch 2.9+ (k-NN plugin, `faiss` engine) and
Elasticsearch 8.10+ (`dense_vector`).

Both store the vector in the field `vector` of a document whose `_id` is the animal id,
index it as an HNSW graph with the port's `m` / `ef_construction`, and score by inner
product (our vectors are L2-normalised, so it is their cosine). Each server reports a
score that is a monotone function of the inner product; `similarity` inverts it:

- OpenSearch, faiss engine, `innerproduct`: score = 1 + ip when ip >= 0, else 1 / (1 - ip);
- Elasticsearch, `dot_product`: score = (1 + ip) / 2.

Exclusions go into the k-NN query's own `filter` (a `must_not` of `ids`), which both
servers apply while searching the graph, so `k` hits come back when k are left.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from aianimals.ports.vectors.base import AnnParams, Matrix, Neighbour

Flavour = Literal["opensearch", "elasticsearch"]
FIELD = "vector"


def flavour_of(root: Mapping[str, Any]) -> Flavour:
    """Which server answered `GET /`: OpenSearch names itself in `version.distribution`."""
    version = root.get("version")
    distribution = version.get("distribution") if isinstance(version, Mapping) else None
    return "opensearch" if distribution == "opensearch" else "elasticsearch"


def _vector_mapping(flavour: Flavour, dim: int, params: AnnParams) -> dict[str, Any]:
    if flavour == "opensearch":
        return {
            "type": "knn_vector",
            "dimension": dim,
            "method": {
                "name": "hnsw",
                "engine": "faiss",
                "space_type": "innerproduct",
                "parameters": {"m": params.m, "ef_construction": params.ef_construction},
            },
        }
    return {
        "type": "dense_vector",
        "dims": dim,
        "index": True,
        "similarity": "dot_product",
        "index_options": {
            "type": "hnsw",
            "m": params.m,
            "ef_construction": params.ef_construction,
        },
    }


def index_body(
    flavour: Flavour, dim: int, params: AnnParams, alias: str | None = None
) -> dict[str, Any]:
    """Settings and mapping of a new concrete index (joined to `alias` when given)."""
    settings: dict[str, Any] = {"number_of_shards": 1}  # replicas: the cluster's default
    if flavour == "opensearch":
        settings.update({"knn": True, "knn.algo_param.ef_search": params.ef_search})
    body: dict[str, Any] = {
        "settings": {"index": settings},
        "mappings": {
            "dynamic": "strict",
            "properties": {FIELD: _vector_mapping(flavour, dim, params)},
        },
    }
    if alias is not None:
        body["aliases"] = {alias: {"is_write_index": True}}
    return body


def mapped_dim(mapping: Mapping[str, Any]) -> int | None:
    """The vector dimension in a `GET <alias>/_mapping` answer (None when absent)."""
    for index in mapping.values():
        field = index.get("mappings", {}).get("properties", {}).get(FIELD, {})
        dim = field.get("dimension", field.get("dims"))
        if dim is not None:
            return int(dim)
    return None


def search_body(
    flavour: Flavour, vector: Sequence[float], k: int, exclude: Iterable[str], ef_search: int
) -> dict[str, Any]:
    """The `_search` body of a k-NN query for `k` hits outside `exclude`."""
    excluded = sorted(set(exclude))
    knn_filter = {"bool": {"must_not": [{"ids": {"values": excluded}}]}} if excluded else None
    if flavour == "opensearch":
        clause: dict[str, Any] = {"vector": list(vector), "k": k}
        if knn_filter is not None:
            clause["filter"] = knn_filter
        return {"size": k, "_source": False, "query": {"knn": {FIELD: clause}}}
    knn: dict[str, Any] = {
        "field": FIELD,
        "query_vector": list(vector),
        "k": k,
        "num_candidates": max(ef_search, k),
    }
    if knn_filter is not None:
        knn["filter"] = knn_filter
    return {"size": k, "_source": False, "knn": knn}


def similarity(flavour: Flavour, score: float) -> float:
    """The inner product behind a server's k-NN score (see the module docstring)."""
    if flavour == "opensearch":
        return score - 1.0 if score >= 1.0 else 1.0 - 1.0 / score
    return 2.0 * score - 1.0


def parse_neighbours(flavour: Flavour, response: Mapping[str, Any]) -> list[Neighbour]:
    """(id, similarity) of each hit, best first."""
    hits = response.get("hits", {}).get("hits", [])
    return [(str(hit["_id"]), similarity(flavour, float(hit["_score"]))) for hit in hits]


def _ndjson(lines: Iterable[Mapping[str, Any]]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def bulk_upsert_body(ids: Sequence[str], matrix: Matrix) -> bytes:
    """A `_bulk` body that indexes (inserts or replaces) one document per id."""
    lines: list[dict[str, Any]] = []
    for value, row in zip(ids, matrix, strict=True):
        lines += [{"index": {"_id": value}}, {FIELD: row.tolist()}]
    return _ndjson(lines)


def bulk_delete_body(ids: Iterable[str]) -> bytes:
    """A `_bulk` body that deletes these ids (a missing one answers 404, not a failure)."""
    return _ndjson({"delete": {"_id": value}} for value in ids)
