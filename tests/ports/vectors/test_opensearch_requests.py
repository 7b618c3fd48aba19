"""The k-NN adapter's wire format and the order of its HTTP calls.

No server runs here: these tests pin the JSON we send and how we read answers shaped like
the servers'. Whether a server accepts and ranks as intended is the contract suite's job
(with AIANIMALS_TEST_VECTOR_URL set).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest

from aianimals.ports.vectors.base import AnnParams, VectorBackendError, VectorDimensionError
from aianimals.ports.vectors.opensearch import OpenSearchVectorIndex
from aianimals.ports.vectors.opensearch_body import (
    bulk_delete_body,
    bulk_upsert_body,
    flavour_of,
    index_body,
    mapped_dim,
    parse_neighbours,
    search_body,
    similarity,
)
from tests.ports.vectors.conftest import unit_vectors

OPENSEARCH_ROOT = {"version": {"distribution": "opensearch", "number": "2.17.0"}}
ELASTIC_ROOT = {"version": {"number": "8.15.0"}, "tagline": "You Know, for Search"}
NEW = "images-20240102030405000678"


def test_the_flavour_comes_from_the_root_answer() -> None:
    assert flavour_of(OPENSEARCH_ROOT) == "opensearch"
    assert flavour_of(ELASTIC_ROOT) == "elasticsearch"


def test_index_bodies_map_an_hnsw_inner_product_vector_per_flavour() -> None:
    params = AnnParams(m=24, ef_construction=300, ef_search=90)
    body = index_body("opensearch", 1280, params, "images")
    assert body["settings"]["index"]["knn"] is True
    assert body["settings"]["index"]["knn.algo_param.ef_search"] == 90
    assert body["mappings"]["properties"]["vector"] == {
        "type": "knn_vector",
        "dimension": 1280,
        "method": {
            "name": "hnsw",
            "engine": "faiss",
            "space_type": "innerproduct",
            "parameters": {"m": 24, "ef_construction": 300},
        },
    }
    assert body["aliases"] == {"images": {"is_write_index": True}}
    elastic = index_body("elasticsearch", 1280, params)
    assert elastic["mappings"]["properties"]["vector"]["similarity"] == "dot_product"
    assert elastic["mappings"]["properties"]["vector"]["index_options"]["m"] == 24
    assert "aliases" not in elastic
    assert mapped_dim({"images-1": body}) == 1280
    assert mapped_dim({"images-1": elastic}) == 1280


def test_queries_exclude_ids_inside_the_knn_filter() -> None:
    body = search_body("opensearch", [0.5, 0.5], 3, ["b", "a"], 100)
    assert body == {
        "size": 3,
        "_source": False,
        "query": {
            "knn": {
                "vector": {
                    "vector": [0.5, 0.5],
                    "k": 3,
                    "filter": {"bool": {"must_not": [{"ids": {"values": ["a", "b"]}}]}},
                }
            }
        },
    }
    assert "filter" not in search_body("opensearch", [1.0], 3, [], 100)["query"]["knn"]["vector"]
    elastic = search_body("elasticsearch", [1.0], 5, ["a"], 100)["knn"]
    assert elastic["num_candidates"] == 100
    assert elastic["k"] == 5
    assert elastic["filter"] == {"bool": {"must_not": [{"ids": {"values": ["a"]}}]}}


@pytest.mark.parametrize("ip", [-0.9, -0.2, 0.0, 0.3, 1.0])
def test_scores_turn_back_into_inner_products(ip: float) -> None:
    opensearch_score = 1 + ip if ip >= 0 else 1 / (1 - ip)
    assert similarity("opensearch", opensearch_score) == pytest.approx(ip)
    assert similarity("elasticsearch", (1 + ip) / 2) == pytest.approx(ip)


def test_neighbours_keep_the_servers_order() -> None:
    answer = {"hits": {"hits": [{"_id": "a", "_score": 1.9}, {"_id": "b", "_score": 1.5}]}}
    found = parse_neighbours("opensearch", answer)
    assert [value for value, _ in found] == ["a", "b"]
    assert [s for _, s in found] == pytest.approx([0.9, 0.5])


def test_bulk_bodies_are_ndjson_action_then_vector() -> None:
    rows = unit_vectors(2, 3)
    lines = [json.loads(line) for line in bulk_upsert_body(["a", "b"], rows).splitlines()]
    assert lines[0] == {"index": {"_id": "a"}}
    assert np.allclose(lines[1]["vector"], rows[0])
    assert np.array_equal(np.float32(lines[3]["vector"]), rows[1])  # float32 round-trips
    assert bulk_delete_body(["a"]) == b'{"delete": {"_id": "a"}}\n'


# --- the sequence of HTTP calls (a scripted stand-in, not a server) -------------------


class ScriptedServer:
    """Answers requests from a script keyed by "METHOD path" and records them in order."""

    def __init__(self, answers: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        self.answers = answers
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        return self.answers[f"{request.method} {request.url.path}"](request)

    def sequence(self) -> list[str]:
        return [f"{call.method} {call.url.path}" for call in self.calls]


def _ok(body: Any = None, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, json=body if body is not None else {})


BULK_OK = {"errors": False, "items": []}
MAPPING = {NEW: index_body("opensearch", 3, AnnParams())}


def _index(server: ScriptedServer, dim: int = 3) -> OpenSearchVectorIndex:
    return OpenSearchVectorIndex(
        "http://search:9200",
        "images",
        dim,
        transport=httpx.MockTransport(server),
        clock=lambda: datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
    )


def test_first_write_creates_the_aliased_index_then_bulks_with_wait_for() -> None:
    server = ScriptedServer(
        {
            "GET /": _ok(OPENSEARCH_ROOT),
            "HEAD /_alias/images": _ok(status=404),
            f"PUT /{NEW}": _ok({"acknowledged": True}),
            "GET /images/_mapping": _ok(MAPPING),
            "POST /images/_bulk": _ok(BULK_OK),
        }
    )
    index = _index(server)
    index.add(["a"], unit_vectors(1, 3))
    index.remove(["a"])
    assert server.sequence() == [
        "GET /",
        "HEAD /_alias/images",
        f"PUT /{NEW}",
        "GET /images/_mapping",
        "POST /images/_bulk",
        "POST /images/_bulk",
    ]
    assert json.loads(server.calls[2].content)["aliases"] == {"images": {"is_write_index": True}}
    bulk = server.calls[4]
    assert dict(bulk.url.params) == {"refresh": "wait_for", "require_alias": "true"}
    assert bulk.headers["content-type"] == "application/x-ndjson"


def test_an_existing_index_of_another_dimension_is_refused() -> None:
    server = ScriptedServer(
        {
            "GET /": _ok(OPENSEARCH_ROOT),
            "HEAD /_alias/images": _ok(),
            "GET /images/_mapping": _ok(MAPPING),
        }
    )
    with pytest.raises(VectorDimensionError, match="holds dimension 3, not 4"):
        _index(server, dim=4).count()


def test_search_excludes_and_converts_scores() -> None:
    answer = {"hits": {"hits": [{"_id": "b", "_score": 0.9}, {"_id": "c", "_score": 0.5}]}}
    server = ScriptedServer(
        {
            "GET /": _ok(ELASTIC_ROOT),
            "HEAD /_alias/images": _ok(),
            "GET /images/_mapping": _ok(MAPPING),
            "POST /images/_search": _ok(answer),
        }
    )
    found = _index(server).search([1.0, 0.0, 0.0], 2, exclude={"a"})
    assert [value for value, _ in found] == ["b", "c"]
    assert [s for _, s in found] == pytest.approx([0.8, 0.0])
    sent = json.loads(server.calls[-1].content)
    assert sent["knn"]["filter"] == {"bool": {"must_not": [{"ids": {"values": ["a"]}}]}}


def test_rebuild_loads_a_new_index_then_swaps_the_alias_and_drops_the_old() -> None:
    server = ScriptedServer(
        {
            "GET /": _ok(OPENSEARCH_ROOT),
            f"PUT /{NEW}": _ok({"acknowledged": True}),
            f"POST /{NEW}/_bulk": _ok(BULK_OK),
            f"POST /{NEW}/_refresh": _ok(),
            "GET /_alias/images": _ok({"images-1": {"aliases": {"images": {}}}}),
            "POST /_aliases": _ok({"acknowledged": True}),
            "DELETE /images-1": _ok({"acknowledged": True}),
        }
    )
    index = _index(server)
    vectors = unit_vectors(3, 3)
    assert index.rebuild((f"a{n}", vectors[n]) for n in range(3)) == NEW
    assert index.version == NEW  # known from the rebuild: no request
    assert server.sequence() == [
        "GET /",
        f"PUT /{NEW}",
        f"POST /{NEW}/_bulk",
        f"POST /{NEW}/_refresh",
        "GET /_alias/images",
        "POST /_aliases",
        "DELETE /images-1",
    ]
    assert "aliases" not in json.loads(server.calls[1].content)
    assert not server.calls[2].url.params  # loading a hidden index: no per-bulk refresh
    actions = json.loads(server.calls[5].content)["actions"]
    assert actions[0] == {"remove": {"index": "images-1", "alias": "images"}}
    assert actions[1]["add"]["index"] == NEW


def test_failed_rebuild_deletes_its_new_index() -> None:
    rejected = {
        "errors": True,
        "items": [{"index": {"_id": "a0", "status": 400, "error": {"type": "x", "reason": "bad"}}}],
    }
    server = ScriptedServer(
        {
            "GET /": _ok(OPENSEARCH_ROOT),
            f"PUT /{NEW}": _ok({"acknowledged": True}),
            f"POST /{NEW}/_bulk": _ok(rejected),
            f"DELETE /{NEW}": _ok({"acknowledged": True}),
        }
    )
    with pytest.raises(VectorBackendError, match="a0: x: bad"):
        _index(server).rebuild([("a0", unit_vectors(1, 3)[0])])
    assert server.sequence()[-1] == f"DELETE /{NEW}"


def test_unreachable_server_is_a_vector_backend_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(VectorBackendError, match="unreachable"):
        _index(ScriptedServer({"GET /": refuse})).count()
