"""The OpenSearch adapter's pure wire format, and the order of its HTTP calls.

No server runs here: these tests pin the JSON we send and how we read answers shaped like
the server's. Whether the server accepts and ranks as intended is the contract suite's job
(tests/ports/search, with AIANIMALS_TEST_SEARCH_URL set).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from aianimals.ports.opensearch_http import error_reason
from aianimals.ports.search.base import AnimalDocument, Expansion, SearchQuery
from aianimals.ports.search.opensearch import OpenSearchIndex, SearchBackendError
from aianimals.ports.search.opensearch_mapping import (
    alias_swap_body,
    bulk_delete_body,
    bulk_failures,
    bulk_index_body,
    bulk_likes_body,
    document_body,
    index_body,
    is_scored,
    parse_search_page,
    search_body,
)
from aianimals.settings import SearchSettings

CREATED = datetime(2022, 7, 17, 7, 17, 7, tzinfo=UTC)


def _document(animal_id: str = "a1", name: str = "ミケ") -> AnimalDocument:
    return AnimalDocument(
        id=animal_id,
        category_id=1,
        subcategory_id=12,
        category_name_en="cat",
        category_name_ja="ねこ",
        subcategory_name_en="calico",
        subcategory_name_ja="三毛猫",
        name=name,
        description="ひなたぼっこ中",
        user_handle_name="shibui",
        likes=3,
        created_at=CREATED,
    )


def _lines(body: bytes) -> list[dict[str, Any]]:
    text = body.decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


# --- index settings and mapping -------------------------------------------------------


def test_index_analyzer_chains_icu_normalizer_and_kuromoji_in_search_mode() -> None:
    analysis = index_body()["settings"]["analysis"]
    analyzer = analysis["analyzer"]["aianimals_ja"]
    (char_filter,) = analyzer["char_filter"]
    assert analysis["char_filter"][char_filter] == {"type": "icu_normalizer", "name": "nfkc_cf"}
    tokenizer = analysis["tokenizer"][analyzer["tokenizer"]]
    assert tokenizer == {"type": "kuromoji_tokenizer", "mode": "search"}
    assert analyzer["filter"] == [
        "kuromoji_baseform",
        "kuromoji_part_of_speech",
        "cjk_width",
        "ja_stop",
        "kuromoji_stemmer",
        "lowercase",
    ]
    reading = analysis["analyzer"]["aianimals_ja_reading"]
    assert reading["tokenizer"] == analyzer["tokenizer"]
    (reading_filter,) = set(reading["filter"]) - set(analyzer["filter"])
    assert analysis["filter"][reading_filter] == {
        "type": "kuromoji_readingform",
        "use_romaji": False,
    }


def test_index_mapping_types_every_field_and_adds_english_subfields() -> None:
    properties = index_body()["mappings"]["properties"]
    for field in ("name", "description", "category_name_ja", "subcategory_name_ja"):
        assert properties[field]["analyzer"] == "aianimals_ja"
        assert properties[field]["fields"]["en"] == {"type": "text", "analyzer": "english"}
        assert properties[field]["fields"]["reading"]["analyzer"] == "aianimals_ja_reading"
    for field in ("category_name_en", "subcategory_name_en"):
        assert properties[field]["analyzer"] == "aianimals_en_name"
    for field in ("category_name_ja", "category_name_en", "subcategory_name_ja"):
        assert properties[field]["fields"]["keyword"]["type"] == "keyword"
    assert properties["user_handle_name"]["type"] == "text"
    assert {properties[f]["type"] for f in ("category_id", "subcategory_id", "likes")} == {
        "integer"
    }
    assert properties["created_at"] == {"type": "date"}
    assert properties["animal_id"] == {"type": "keyword"}
    assert set(document_body(_document())) == set(properties)


def test_index_body_names_its_alias_only_when_asked() -> None:
    assert "aliases" not in index_body()
    assert index_body("animals")["aliases"] == {"animals": {"is_write_index": True}}


def test_document_body_carries_every_field_with_an_iso_timestamp() -> None:
    body = document_body(_document())
    assert body["animal_id"] == "a1"
    assert body["subcategory_name_ja"] == "三毛猫"
    assert body["created_at"] == "2022-07-17T07:17:07+00:00"
    assert body["likes"] == 3


# --- queries ----------------------------------------------------------------------------


def test_query_without_phrases_matches_everything_unscored_newest_first() -> None:
    body = search_body(SearchQuery(sort_by="created_at", limit=20, offset=40))
    assert body["query"] == {"bool": {"filter": [{"match_all": {}}]}}
    assert body["sort"] == [{"created_at": "desc"}, {"animal_id": "asc"}]
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["_source"] is False


def test_query_requires_every_phrase_and_widens_each_with_its_own_expansions() -> None:
    query = SearchQuery(
        phrases=("ねこ", "白い"),
        expansions=(Expansion("ねこ", "猫", 0.5), Expansion("ねこ", "キャット", 0.25)),
    )
    must = search_body(query)["query"]["bool"]["must"]
    assert len(must) == 2
    first, second = (clause["bool"] for clause in must)
    assert first["minimum_should_match"] == 1
    exact, *widened = (clause["multi_match"] for clause in first["should"])
    assert exact["query"] == "ねこ"
    assert (exact["operator"], exact["type"]) == ("and", "cross_fields")
    assert {
        "name^3",
        "subcategory_name_ja^2",
        "category_name_en^2",
        "description",
        "user_handle_name^0.5",
    } <= set(exact["fields"])
    assert "boost" not in exact
    assert [(m["query"], m["boost"]) for m in widened] == [("猫", 0.5), ("キャット", 0.25)]
    assert [clause["multi_match"]["query"] for clause in second["should"]] == ["白い"]


def test_query_filters_category_and_breed_exactly_without_scoring() -> None:
    query = SearchQuery(phrases=("ねこ",), category_id=1, subcategory_id=12)
    clauses = search_body(query)["query"]["bool"]
    assert clauses["filter"] == [{"term": {"category_id": 1}}, {"term": {"subcategory_id": 12}}]
    only_breed = search_body(SearchQuery(subcategory_id=12))["query"]["bool"]
    assert only_breed == {"filter": [{"term": {"subcategory_id": 12}}]}


@pytest.mark.parametrize(
    ("sort_by", "first_key", "tracks_scores"),
    [("score", "_score", False), ("like", "likes", True), ("created_at", "created_at", True)],
)
def test_each_sort_key_orders_by_its_field_then_stable_tiebreaks(
    sort_by: Any, first_key: str, tracks_scores: bool
) -> None:
    body = search_body(SearchQuery(phrases=("ねこ",), sort_by=sort_by))
    assert body["sort"][0] == {first_key: "desc"}
    assert body["sort"][-1] == {"animal_id": "asc"}
    assert body.get("track_scores", False) is tracks_scores
    assert "function_score" not in body["query"]


def test_random_sort_scores_by_a_seeded_hash_of_the_animal_id() -> None:
    body = search_body(SearchQuery(phrases=("ねこ",), category_id=1, sort_by="random", seed=7))
    function_score = body["query"]["function_score"]
    assert function_score["random_score"] == {"seed": 7, "field": "animal_id"}
    assert function_score["boost_mode"] == "replace"
    assert function_score["query"]["bool"]["filter"] == [{"term": {"category_id": 1}}]
    assert body["sort"] == [{"_score": "desc"}, {"animal_id": "asc"}]


def test_scores_are_text_relevance_only_with_phrases_and_not_in_random_order() -> None:
    assert is_scored(SearchQuery(phrases=("ねこ",)))
    assert is_scored(SearchQuery(phrases=("ねこ",), sort_by="like"))
    assert not is_scored(SearchQuery())
    assert not is_scored(SearchQuery(phrases=("ねこ",), sort_by="random"))


# --- responses ------------------------------------------------------------------------

RECORDED_SEARCH = {
    "took": 3,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 57, "relation": "eq"},
        "max_score": 8.25,
        "hits": [
            {"_index": "animals-1", "_id": "a1", "_score": 8.25, "sort": [8.25, 1, "a1"]},
            {"_index": "animals-1", "_id": "a2", "_score": 4.5, "sort": [4.5, 1, "a2"]},
        ],
    },
}


def test_search_response_becomes_a_page_with_total_and_max_score() -> None:
    page = parse_search_page(RECORDED_SEARCH, scored=True)
    assert page.hits == 57
    assert page.max_score == 8.25
    assert [(hit.animal_id, hit.score) for hit in page.results] == [("a1", 8.25), ("a2", 4.5)]


def test_unscored_search_response_reports_zero_scores() -> None:
    response = json.loads(json.dumps(RECORDED_SEARCH))
    response["hits"]["max_score"] = None
    for hit in response["hits"]["hits"]:
        hit["_score"] = None
    page = parse_search_page(response, scored=True)
    assert (page.max_score, page.results[0].score) == (0.0, 0.0)
    page = parse_search_page(RECORDED_SEARCH, scored=False)
    assert page.max_score == 0.0
    assert {hit.score for hit in page.results} == {0.0}


def test_error_reason_prefers_the_root_cause() -> None:
    body = {
        "error": {
            "root_cause": [{"type": "index_not_found_exception", "reason": "no such index [x]"}],
            "type": "index_not_found_exception",
            "reason": "no such index [x]",
        },
        "status": 404,
    }
    assert error_reason(404, json.dumps(body)) == "index_not_found_exception: no such index [x]"
    assert error_reason(404, '{"error": "alias [x] missing", "status": 404}') == "alias [x] missing"
    assert error_reason(502, "Bad Gateway") == "Bad Gateway"
    assert error_reason(500, "") == "HTTP 500"


# --- bulk bodies ----------------------------------------------------------------------


def test_bulk_index_body_is_ndjson_action_then_source_per_document() -> None:
    body = bulk_index_body([_document("a1"), _document("a2", "タマ")])
    assert "三毛猫".encode() in body  # not \u-escaped
    lines = _lines(body)
    assert lines[0] == {"index": {"_id": "a1"}}
    assert lines[1] == document_body(_document("a1"))
    assert lines[2] == {"index": {"_id": "a2"}}
    assert lines[3]["name"] == "タマ"
    assert len(lines) == 4


def test_bulk_delete_and_likes_bodies() -> None:
    assert _lines(bulk_delete_body(["a1", "a2"])) == [
        {"delete": {"_id": "a1"}},
        {"delete": {"_id": "a2"}},
    ]
    assert _lines(bulk_likes_body({"a1": 9})) == [
        {"update": {"_id": "a1", "retry_on_conflict": 3}},
        {"doc": {"likes": 9}},
    ]


def test_bulk_failures_ignore_unknown_ids_but_report_real_errors() -> None:
    missing = {"type": "document_missing_exception", "reason": "[x]: document missing"}
    response = {
        "errors": True,
        "items": [
            {"delete": {"_id": "x", "status": 404, "result": "not_found"}},
            {"update": {"_id": "x", "status": 404, "error": missing}},
            {"index": {"_id": "a1", "status": 201, "result": "created"}},
            {
                "index": {
                    "_id": "a2",
                    "status": 400,
                    "error": {"type": "mapper_parsing_exception", "reason": "bad date"},
                }
            },
        ],
    }
    assert bulk_failures(response) == ["a2: mapper_parsing_exception: bad date"]
    assert bulk_failures({"errors": False, "items": []}) == []


def test_alias_swap_removes_old_and_adds_new_in_one_body() -> None:
    assert alias_swap_body("animals", "animals-2", ["animals-1"]) == {
        "actions": [
            {"remove": {"index": "animals-1", "alias": "animals"}},
            {"add": {"index": "animals-2", "alias": "animals", "is_write_index": True}},
        ]
    }


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


def _index(server: ScriptedServer) -> OpenSearchIndex:
    moments = iter([datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC)] * 10)
    return OpenSearchIndex(
        SearchSettings(kind="opensearch", url="http://search:9200", index="animals"),
        None,
        transport=httpx.MockTransport(server),
        clock=lambda: next(moments),
    )


def test_first_write_creates_the_aliased_index_then_bulks_with_wait_for() -> None:
    server = ScriptedServer(
        {
            "HEAD /animals": _ok(status=404),
            "PUT /animals-20240102030405000678": _ok({"acknowledged": True}),
            "POST /animals/_bulk": _ok(BULK_OK),
        }
    )
    index = _index(server)
    index.upsert([_document()])
    index.delete(["a1"])
    assert server.sequence() == [
        "HEAD /animals",
        "PUT /animals-20240102030405000678",
        "POST /animals/_bulk",
        "POST /animals/_bulk",
    ]
    created = json.loads(server.calls[1].content)
    assert created["aliases"] == {"animals": {"is_write_index": True}}
    bulk = server.calls[2]
    assert dict(bulk.url.params) == {"refresh": "wait_for", "require_alias": "true"}
    assert bulk.headers["content-type"] == "application/x-ndjson"


def test_rebuild_loads_a_new_index_then_swaps_the_alias_and_drops_the_old() -> None:
    new = "animals-20240102030405000678"
    server = ScriptedServer(
        {
            f"PUT /{new}": _ok({"acknowledged": True}),
            f"POST /{new}/_bulk": _ok(BULK_OK),
            f"POST /{new}/_refresh": _ok(),
            f"GET /{new}/_count": _ok({"count": 3}),
            "GET /_alias/animals": _ok({"animals-1": {"aliases": {"animals": {}}}}),
            "POST /_aliases": _ok({"acknowledged": True}),
            "DELETE /animals-1": _ok({"acknowledged": True}),
            "GET /animals/_count": _ok({"count": 3}),
        }
    )
    index = _index(server)
    seen: list[tuple[int, int]] = []
    documents = (_document(f"a{n}") for n in range(3))
    assert index.rebuild(documents, 3, lambda done, total: seen.append((done, total))) == 3
    assert index.count() == 3  # the alias now exists: no creation on first use
    assert server.sequence() == [
        f"PUT /{new}",
        f"POST /{new}/_bulk",
        f"POST /{new}/_refresh",
        f"GET /{new}/_count",
        "GET /_alias/animals",
        "POST /_aliases",
        "DELETE /animals-1",
        "GET /animals/_count",
    ]
    assert "aliases" not in json.loads(server.calls[0].content)
    assert not server.calls[1].url.params  # loading a hidden index: no per-bulk refresh
    assert json.loads(server.calls[5].content) == alias_swap_body("animals", new, ["animals-1"])
    assert seen == [(3, 3)]


def test_failed_rebuild_deletes_its_new_index_and_keeps_the_alias() -> None:
    new = "animals-20240102030405000678"
    rejected = {
        "errors": True,
        "items": [{"index": {"_id": "a0", "status": 400, "error": {"type": "x", "reason": "bad"}}}],
    }
    server = ScriptedServer(
        {
            f"PUT /{new}": _ok({"acknowledged": True}),
            f"POST /{new}/_bulk": _ok(rejected),
            f"DELETE /{new}": _ok({"acknowledged": True}),
        }
    )
    with pytest.raises(SearchBackendError, match="a0: x: bad"):
        _index(server).rebuild([_document("a0")], 1)
    assert server.sequence() == [f"PUT /{new}", f"POST /{new}/_bulk", f"DELETE /{new}"]


def test_http_errors_carry_the_servers_reason_and_status() -> None:
    refusal = {
        "error": {
            "root_cause": [{"type": "illegal_argument_exception", "reason": "Result window"}]
        },
        "status": 400,
    }
    server = ScriptedServer(
        {"HEAD /animals": _ok(), "POST /animals/_search": _ok(refusal, status=400)}
    )
    with pytest.raises(
        SearchBackendError, match="illegal_argument_exception: Result window"
    ) as info:
        _index(server).search(SearchQuery(offset=20_000))
    assert info.value.status == 400


def test_unreachable_server_is_a_search_backend_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(SearchBackendError, match="unreachable"):
        _index(ScriptedServer({"HEAD /animals": refuse})).count()


def test_search_reads_the_page_from_the_alias() -> None:
    server = ScriptedServer({"HEAD /animals": _ok(), "POST /animals/_search": _ok(RECORDED_SEARCH)})
    page = _index(server).search(SearchQuery(phrases=("ねこ",), limit=2))
    assert [hit.animal_id for hit in page.results] == ["a1", "a2"]
    assert json.loads(server.calls[1].content) == search_body(
        SearchQuery(phrases=("ねこ",), limit=2)
    )
