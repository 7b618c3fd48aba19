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
from aianimals.ports.search.base import (
    COVER_WEIGHT,
    FUZZY_SCORE,
    AnimalDocument,
    Clause,
    SearchQuery,
    Term,
)
from aianimals.ports.search.documents import IndexedDocument, indexed_document
from aianimals.ports.search.opensearch import OpenSearchIndex, SearchBackendError
from aianimals.ports.search.opensearch_mapping import (
    alias_swap_body,
    bulk_delete_body,
    bulk_failures,
    bulk_index_body,
    bulk_likes_body,
    document_body,
    index_body,
)
from aianimals.ports.search.opensearch_query import (
    explain_body,
    is_scored,
    match_query,
    parse_explanations,
    parse_search_page,
    search_body,
    text_scores_bodies,
)
from aianimals.settings import SearchSettings
from tests.ports.search.contract import split_fields

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
        description="ひなたぼっこ 中",
        user_handle_name="Shibui",
        likes=3,
        created_at=CREATED,
    )


def _indexed(animal_id: str = "a1", name: str = "ミケ") -> IndexedDocument:
    return indexed_document(_document(animal_id, name), split_fields)


def _lines(body: bytes) -> list[dict[str, Any]]:
    text = body.decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _query(*clauses: tuple[Term, ...], **fields: Any) -> SearchQuery:
    return SearchQuery(clauses=tuple(Clause(terms) for terms in clauses), **fields)


# --- index settings and mapping -------------------------------------------------------


def test_text_fields_are_split_on_whitespace_only() -> None:
    body = index_body()
    analysis = body["settings"]["analysis"]
    analyzer = analysis["analyzer"]["aianimals_tokens"]
    assert analyzer == {"type": "custom", "tokenizer": "aianimals_whitespace"}  # no filters
    tokenizer = analysis["tokenizer"]["aianimals_whitespace"]
    assert tokenizer["type"] == "whitespace"
    assert tokenizer["max_token_length"] >= 255
    assert "similarity" not in body["settings"]  # the default BM25 (k1 1.2, b 0.75)
    properties = body["mappings"]["properties"]
    for field in ("name", "breed", "description"):
        assert properties[field] == {"type": "text", "analyzer": "aianimals_tokens"}


def test_filters_and_sort_keys_are_exact_fields() -> None:
    properties = index_body()["mappings"]["properties"]
    assert properties["animal_id"] == properties["owner"] == {"type": "keyword"}
    assert {properties[f]["type"] for f in ("category_id", "subcategory_id", "likes")} == {
        "integer"
    }
    assert properties["created_us"] == {"type": "long"}
    assert index_body()["mappings"]["dynamic"] == "strict"
    assert set(document_body(_indexed())) == set(properties)


def test_index_body_names_its_alias_only_when_asked() -> None:
    assert "aliases" not in index_body()
    assert index_body("animals")["aliases"] == {"animals": {"is_write_index": True}}


def test_document_body_holds_our_tokens_and_the_lower_cased_owner() -> None:
    body = document_body(_indexed())
    assert body["animal_id"] == "a1"
    assert body["name"] == "ミケ"
    assert body["breed"] == "三毛猫 calico ねこ cat #b12"
    assert body["description"] == "ひなたぼっこ 中"
    assert body["owner"] == "shibui"
    assert body["created_us"] == 1_658_042_227_000_000
    assert body["likes"] == 3


# --- queries ----------------------------------------------------------------------------


def test_query_without_clauses_matches_everything_unscored_newest_first() -> None:
    body = search_body(SearchQuery(sort_by="created_at", limit=20, offset=40))
    assert body["query"] == {"bool": {"filter": [{"match_all": {}}]}}
    assert body["sort"] == [{"created_us": "desc"}, {"animal_id": "asc"}]
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["_source"] is False
    boosted = match_query(SearchQuery(boosts=(Term("ねこ"),), owner="bob"))
    assert boosted == {"bool": {"filter": [{"term": {"owner": "bob"}}]}}


def test_a_term_is_a_term_query_per_field_boosted_by_field_and_term_weight() -> None:
    query = _query((Term("ねこ", weight=0.5),), min_cover=1)
    clause = match_query(query)["bool"]["should"][0]
    best, cover = clause["bool"]["must"]
    assert cover == {"constant_score": {"filter": {"match_all": {}}, "boost": COVER_WEIGHT}}
    assert best["bool"]["should"] == [
        {"term": {"name": {"value": "ねこ", "boost": 1.5}}},
        {"term": {"breed": {"value": "ねこ", "boost": 1.0}}},
        {"term": {"description": {"value": "ねこ", "boost": 0.5}}},
    ]


def test_a_clause_of_alternatives_scores_the_best_of_them() -> None:
    query = _query((Term("ねこ"), Term("猫", weight=0.5)), min_cover=1)
    best = match_query(query)["bool"]["should"][0]["bool"]["must"][0]
    assert best["dis_max"]["tie_breaker"] == 0.0
    alternatives = [q["bool"]["should"][0]["term"]["name"] for q in best["dis_max"]["queries"]]
    assert alternatives == [{"value": "ねこ", "boost": 3.0}, {"value": "猫", "boost": 1.5}]


def test_a_fuzzy_term_adds_a_constant_for_near_tokens_in_any_field() -> None:
    query = _query((Term("ねこ", weight=2.0, fuzzy=5),), min_cover=1)
    term = match_query(query)["bool"]["should"][0]["bool"]["must"][0]
    *exact, near = term["bool"]["should"]
    assert [next(iter(q["term"])) for q in exact] == ["name", "breed", "description"]
    assert near["constant_score"]["boost"] == 2.0 * FUZZY_SCORE
    fuzzy = near["constant_score"]["filter"]["bool"]["should"]
    assert [next(iter(q["fuzzy"])) for q in fuzzy] == ["name", "breed", "description"]
    assert fuzzy[0]["fuzzy"]["name"] == {
        "value": "ねこ",
        "fuzziness": 2,  # at most MAX_FUZZY
        "transpositions": True,
        "prefix_length": 0,
        "rewrite": "constant_score",  # every near token, as tantivy's automaton
    }


def test_min_cover_is_minimum_should_match_over_the_clauses() -> None:
    two = (Term("ねこ"),), (Term("白い"),)
    core = match_query(_query(*two, min_cover=1))["bool"]
    assert core["minimum_should_match"] == 1
    assert len(core["should"]) == 2
    optional = match_query(_query(*two, min_cover=0))["bool"]
    assert optional["filter"] == [{"match_all": {}}]
    assert len(optional["should"]) == 2
    assert match_query(_query(*two, min_cover=3)) == {"match_none": {}}


def test_filters_are_exact_and_boosts_optional_beside_the_clauses() -> None:
    query = _query(
        (Term("ねこ"),),
        min_cover=1,
        category_id=1,
        subcategory_id=12,
        owner="shibui",
        boosts=(Term("白い", weight=0.25),),
    )
    clauses = match_query(query)["bool"]
    assert clauses["filter"] == [
        {"term": {"category_id": 1}},
        {"term": {"subcategory_id": 12}},
        {"term": {"owner": "shibui"}},
    ]
    (core,) = clauses["must"]
    assert core["bool"]["minimum_should_match"] == 1
    (boost,) = clauses["should"]
    assert boost["bool"]["should"][0] == {"term": {"name": {"value": "白い", "boost": 0.75}}}


@pytest.mark.parametrize(
    ("sort_by", "first_key", "tracks_scores"),
    [("score", "_score", False), ("like", "likes", True), ("created_at", "created_us", True)],
)
def test_each_sort_key_orders_by_its_field_then_stable_tiebreaks(
    sort_by: Any, first_key: str, tracks_scores: bool
) -> None:
    body = search_body(_query((Term("ねこ"),), min_cover=1, sort_by=sort_by))
    assert body["sort"][0] == {first_key: "desc"}
    assert body["sort"][-1] == {"animal_id": "asc"}
    if sort_by != "created_at":
        assert body["sort"][1] == {"created_us": "desc"}
    assert body.get("track_scores", False) is tracks_scores
    assert "function_score" not in body["query"]


def test_random_sort_scores_by_a_seeded_hash_of_the_animal_id() -> None:
    query = _query((Term("ねこ"),), min_cover=1, category_id=1, sort_by="random", seed=7)
    function_score = search_body(query)["query"]["function_score"]
    assert function_score["random_score"] == {"seed": 7, "field": "animal_id"}
    assert function_score["boost_mode"] == "replace"
    assert function_score["query"] == match_query(query)
    assert search_body(query)["sort"] == [{"_score": "desc"}, {"animal_id": "asc"}]


def test_a_random_pages_text_scores_come_from_two_more_searches() -> None:
    query = _query((Term("ねこ"),), min_cover=1, sort_by="random")
    these, best = text_scores_bodies(query, ["a2", "a1"])
    assert these["query"]["bool"]["must"] == [match_query(query)]
    assert these["query"]["bool"]["filter"] == [{"ids": {"values": ["a2", "a1"]}}]
    assert these["size"] == 2
    assert (best["query"], best["size"]) == (match_query(query), 1)


def test_scores_are_text_relevance_only_with_clauses() -> None:
    assert is_scored(_query((Term("ねこ"),)))
    assert is_scored(_query((Term("ねこ"),), sort_by="random"))
    assert not is_scored(SearchQuery())
    assert not is_scored(_query(()))


def test_explain_names_every_leaf_and_reads_their_scores_back() -> None:
    query = _query(
        (Term("ねこ"), Term("猫", fuzzy=1)),
        (Term("白い"),),
        min_cover=1,
        boosts=(Term("ミケ"),),
    )
    body = explain_body(query, ["a1", "a2"])
    assert body["query"]["bool"]["filter"] == [{"ids": {"values": ["a1", "a2"]}}]
    text = json.dumps(body)
    for name in ("c0.0.name", "c0.1.~breed", "c1.0.description", "b0.name"):
        assert f'"_name": "{name}"' in text
    assert json.dumps(match_query(query)).count("_name") == 0
    response = {
        "hits": {
            "hits": [
                {
                    "_id": "a2",
                    "_score": 103.5,
                    "matched_queries": {"c0.1.breed": 2.5, "c0.1.~breed": 0.0, "b0.name": 1.0},
                },
                {"_id": "a1", "_score": 101.0, "matched_queries": {"c1.0.description": 1.0}},
            ]
        }
    }
    a1, a2 = parse_explanations(response, query, ["a1", "x", "a2"])
    assert (a1.animal_id, a1.score, a1.covered) == ("a1", 101.0, 1)
    assert [(m.field, m.token, m.score) for m in a1.matches] == [("description", "白い", 1.0)]
    assert a2.covered == 1
    assert [(m.field, m.token, m.score) for m in a2.matches] == [
        ("breed", "猫", 2.5),
        ("breed", "猫~1", FUZZY_SCORE),
        ("name", "ミケ", 1.0),
    ]


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
    body = bulk_index_body([_indexed("a1"), _indexed("a2", "タマ")])
    assert "三毛猫".encode() in body  # not \\u-escaped
    lines = _lines(body)
    assert lines[0] == {"index": {"_id": "a1"}}
    assert lines[1] == document_body(_indexed("a1"))
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
        split_fields,
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
    query = _query((Term("ねこ"),), min_cover=1, limit=2)
    page = _index(server).search(query)
    assert [hit.animal_id for hit in page.results] == ["a1", "a2"]
    assert json.loads(server.calls[1].content) == search_body(query)


def test_random_search_then_asks_for_the_text_scores_in_one_msearch() -> None:
    scored = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "max_score": 101.5,
            "hits": [{"_id": "a2", "_score": 100.5}, {"_id": "a1", "_score": 101.5}],
        }
    }
    best = {"hits": {"max_score": 108.0, "hits": [{"_id": "a9", "_score": 108.0}]}}
    server = ScriptedServer(
        {
            "HEAD /animals": _ok(),
            "POST /animals/_search": _ok(RECORDED_SEARCH),
            "POST /animals/_msearch": _ok({"responses": [scored, best]}),
        }
    )
    query = _query((Term("ねこ"),), min_cover=1, sort_by="random", seed=4, limit=2)
    page = _index(server).search(query)
    assert server.sequence() == ["HEAD /animals", "POST /animals/_search", "POST /animals/_msearch"]
    assert [(hit.animal_id, hit.score) for hit in page.results] == [("a1", 101.5), ("a2", 100.5)]
    assert (page.hits, page.max_score) == (57, 108.0)
    lines = _lines(server.calls[2].content)
    assert lines[0::2] == [{}, {}]
    assert lines[1::2] == text_scores_bodies(query, ["a1", "a2"])


def test_random_search_without_clauses_is_one_request() -> None:
    server = ScriptedServer({"HEAD /animals": _ok(), "POST /animals/_search": _ok(RECORDED_SEARCH)})
    page = _index(server).search(SearchQuery(sort_by="random"))
    assert server.sequence() == ["HEAD /animals", "POST /animals/_search"]
    assert {hit.score for hit in page.results} == {0.0}


def test_explain_asks_for_named_query_scores() -> None:
    response = {"hits": {"hits": [{"_id": "a1", "_score": 101.0, "matched_queries": {}}]}}
    server = ScriptedServer({"HEAD /animals": _ok(), "POST /animals/_search": _ok(response)})
    query = _query((Term("ねこ"),), min_cover=1)
    (explained,) = _index(server).explain(query, ["a1"])
    assert explained.score == 101.0
    call = server.calls[1]
    assert dict(call.url.params) == {"include_named_queries_score": "true"}
    assert json.loads(call.content) == explain_body(query, ["a1"])
