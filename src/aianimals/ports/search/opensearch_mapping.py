"""The OpenSearch adapter's wire format, as pure functions: index settings and mapping,
document, bulk, query and alias bodies, and the parsing of responses.

The server analyses Japanese text itself, with the kuromoji and icu plugins
(`analysis-kuromoji`, `analysis-icu`) installed: NFKC case-folding, kuromoji in search
mode (compounds also split into their parts), base forms, part-of-speech and stop-word
removal, long-vowel stemming, width folding and lower case. Every text field also has an
`.en` sub-field analysed with the built-in `english` analyzer, and every Japanese one a
`.reading` sub-field of katakana readings, so that ねこ, ネコ and 猫 meet (at a lower boost:
readings also join homophones).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aianimals.ports.search.base import (
    AnimalDocument,
    Expansion,
    SearchHit,
    SearchPage,
    SearchQuery,
    SortKey,
)

JA_ANALYZER = "aianimals_ja"
READING_ANALYZER = "aianimals_ja_reading"
EN_ANALYZER = "english"
EN_NAME_ANALYZER = "aianimals_en_name"  # breed names: american_shorthair → american, shorthair

# The fields a phrase is matched against, with the embedded index's weights: name 3,
# breed and category names 2, description 1, handle 0.5 (readings a little lower).
TEXT_FIELDS: tuple[str, ...] = (
    *("name^3", "name.en^3", "name.reading^2"),
    *("subcategory_name_ja^2", "subcategory_name_ja.reading^1.5", "subcategory_name_en^2"),
    *("category_name_ja^2", "category_name_ja.reading^1.5", "category_name_en^2"),
    *("description", "description.en", "description.reading^0.5"),
    "user_handle_name^0.5",
)

_JA_FILTERS = [
    "kuromoji_baseform",
    "kuromoji_part_of_speech",
    "cjk_width",
    "ja_stop",
    "kuromoji_stemmer",
    "lowercase",
]

_ANALYSIS: dict[str, Any] = {
    "char_filter": {
        "aianimals_nfkc_cf": {"type": "icu_normalizer", "name": "nfkc_cf"},
        "aianimals_underscore": {"type": "mapping", "mappings": ["_ => \\u0020"]},
    },
    "tokenizer": {
        "aianimals_kuromoji_search": {"type": "kuromoji_tokenizer", "mode": "search"},
    },
    "analyzer": {
        JA_ANALYZER: {
            "type": "custom",
            "char_filter": ["aianimals_nfkc_cf"],
            "tokenizer": "aianimals_kuromoji_search",
            "filter": _JA_FILTERS,
        },
        READING_ANALYZER: {
            "type": "custom",
            "char_filter": ["aianimals_nfkc_cf"],
            "tokenizer": "aianimals_kuromoji_search",
            "filter": [*_JA_FILTERS[:-2], "aianimals_katakana_reading", *_JA_FILTERS[-2:]],
        },
        EN_NAME_ANALYZER: {
            "type": "custom",
            "char_filter": ["aianimals_underscore"],
            "tokenizer": "standard",
            "filter": ["lowercase", "porter_stem"],
        },
    },
    "filter": {
        "aianimals_katakana_reading": {"type": "kuromoji_readingform", "use_romaji": False},
    },
}


def _text(analyzer: str = JA_ANALYZER, *, keyword: bool = False) -> dict[str, Any]:
    """A text field analysed by `analyzer`, with English (and reading, and keyword) sub-fields."""
    fields: dict[str, Any] = {"en": {"type": "text", "analyzer": EN_ANALYZER}}
    if analyzer == JA_ANALYZER:
        fields["reading"] = {"type": "text", "analyzer": READING_ANALYZER}
    if keyword:
        fields["keyword"] = {"type": "keyword", "ignore_above": 256}
    return {"type": "text", "analyzer": analyzer, "fields": fields}


def _properties() -> dict[str, Any]:
    return {
        "animal_id": {"type": "keyword"},
        "name": _text(),
        "description": _text(),
        "category_id": {"type": "integer"},
        "subcategory_id": {"type": "integer"},
        "category_name_ja": _text(keyword=True),
        "category_name_en": _text(EN_NAME_ANALYZER, keyword=True),
        "subcategory_name_ja": _text(keyword=True),
        "subcategory_name_en": _text(EN_NAME_ANALYZER, keyword=True),
        "user_handle_name": _text(keyword=True),
        "likes": {"type": "integer"},
        "created_at": {"type": "date"},
    }


def index_body(alias: str | None = None) -> dict[str, Any]:
    """The body of `PUT /<index>`: one shard (stable scores and paging), our analyzers,
    a strict mapping, and optionally the alias it is created under (as its write index)."""
    body: dict[str, Any] = {
        "settings": {"index": {"number_of_shards": 1}, "analysis": _ANALYSIS},
        "mappings": {"dynamic": "strict", "properties": _properties()},
    }
    if alias is not None:
        body["aliases"] = {alias: {"is_write_index": True}}
    return body


def document_body(document: AnimalDocument) -> dict[str, Any]:
    """The `_source` stored for one animal (its id is also the `_id`)."""
    return {
        "animal_id": document.id,
        "name": document.name,
        "description": document.description,
        "category_id": document.category_id,
        "subcategory_id": document.subcategory_id,
        "category_name_ja": document.category_name_ja,
        "category_name_en": document.category_name_en,
        "subcategory_name_ja": document.subcategory_name_ja,
        "subcategory_name_en": document.subcategory_name_en,
        "user_handle_name": document.user_handle_name,
        "likes": document.likes,
        "created_at": document.created_at.isoformat(),
    }


def _phrase_clause(phrase: str, expansions: Sequence[Expansion]) -> dict[str, Any]:
    """A phrase (each of its terms in some field) or any of its expansions, at their weights."""
    should: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": phrase,
                "fields": list(TEXT_FIELDS),
                "operator": "and",
                "type": "cross_fields",
            }
        }
    ]
    should.extend(
        {
            "multi_match": {
                "query": expansion.word,
                "fields": list(TEXT_FIELDS),
                "operator": "and",
                "type": "cross_fields",
                "boost": expansion.weight,
            }
        }
        for expansion in expansions
        if expansion.phrase == phrase
    )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _filtered_query(query: SearchQuery) -> dict[str, Any]:
    """Every phrase must match; the id filters are exact and do not score. Without phrases
    the query is filters only, which matches everything (filtered) with a score of 0."""
    clauses: dict[str, Any] = {}
    if query.phrases:
        clauses["must"] = [_phrase_clause(phrase, query.expansions) for phrase in query.phrases]
    filters = [
        {"term": {field: value}}
        for field, value in (
            ("category_id", query.category_id),
            ("subcategory_id", query.subcategory_id),
        )
        if value is not None
    ]
    if filters or not query.phrases:
        clauses["filter"] = filters or [{"match_all": {}}]
    return {"bool": clauses}


_SORTS: dict[SortKey, list[dict[str, str]]] = {
    "score": [{"_score": "desc"}, {"created_at": "desc"}, {"animal_id": "asc"}],
    "like": [{"likes": "desc"}, {"created_at": "desc"}, {"animal_id": "asc"}],
    "created_at": [{"created_at": "desc"}, {"animal_id": "asc"}],
    "random": [{"_score": "desc"}, {"animal_id": "asc"}],
}


def search_body(query: SearchQuery) -> dict[str, Any]:
    """The body of `POST /<alias>/_search` for one page of `query`."""
    matched = _filtered_query(query)
    if query.sort_by == "random":  # the same seed gives the same order; ids are hashed
        matched = {
            "function_score": {
                "query": matched,
                "random_score": {"seed": query.seed, "field": "animal_id"},
                "boost_mode": "replace",
            }
        }
    body: dict[str, Any] = {
        "query": matched,
        "sort": _SORTS[query.sort_by],
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "_source": False,
    }
    if query.sort_by in ("like", "created_at"):
        body["track_scores"] = True  # text scores (and max_score) even when not sorted by them
    return body


def parse_search_page(response: Mapping[str, Any], *, scored: bool) -> SearchPage:
    """A `_search` response as a page; scores are 0 where they are not text relevance."""
    hits = response["hits"]
    results = [
        SearchHit(str(hit["_id"]), float(hit.get("_score") or 0.0) if scored else 0.0)
        for hit in hits["hits"]
    ]
    max_score = float(hits.get("max_score") or 0.0) if scored else 0.0
    return SearchPage(hits=int(hits["total"]["value"]), max_score=max_score, results=results)


def is_scored(query: SearchQuery) -> bool:
    """Whether the server's `_score` is text relevance for this query."""
    return bool(query.phrases) and query.sort_by != "random"


def _ndjson(lines: Iterable[Mapping[str, Any]]) -> bytes:
    text = "".join(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines
    )
    return text.encode("utf-8")


def bulk_index_body(documents: Iterable[AnimalDocument]) -> bytes:
    """NDJSON for `_bulk`: add or replace each document under its animal id."""
    return _ndjson(
        line
        for document in documents
        for line in ({"index": {"_id": document.id}}, document_body(document))
    )


def bulk_delete_body(animal_ids: Iterable[str]) -> bytes:
    """NDJSON for `_bulk`: remove each animal."""
    return _ndjson({"delete": {"_id": animal_id}} for animal_id in animal_ids)


def bulk_likes_body(likes: Mapping[str, int]) -> bytes:
    """NDJSON for `_bulk`: set the like count of each animal, leaving the rest as it is."""
    return _ndjson(
        line
        for animal_id, count in likes.items()
        for line in (
            {"update": {"_id": animal_id, "retry_on_conflict": 3}},
            {"doc": {"likes": count}},
        )
    )


def bulk_failures(response: Mapping[str, Any]) -> list[str]:
    """The failed items of a `_bulk` response, as "id: type: reason". Deleting or updating
    an animal the index does not hold (404) is not a failure: unknown ids are ignored."""
    if not response.get("errors"):
        return []
    failures = []
    for item in response["items"]:
        ((action, result),) = item.items()
        error = result.get("error")
        if error is None or (action in ("delete", "update") and result.get("status") == 404):
            continue
        reason = error.get("reason") if isinstance(error, Mapping) else error
        kind = error.get("type") if isinstance(error, Mapping) else "error"
        failures.append(f"{result.get('_id')}: {kind}: {reason}")
    return failures


def alias_swap_body(alias: str, new_index: str, old_indices: Iterable[str]) -> dict[str, Any]:
    """The body of `POST /_aliases`: move `alias` from the old indices to the new one in a
    single atomic step."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": index, "alias": alias}} for index in old_indices
    ]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    return {"actions": actions}
