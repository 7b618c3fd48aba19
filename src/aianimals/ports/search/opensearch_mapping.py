"""The OpenSearch adapter's wire format for indexes and documents, as pure functions:
index settings and mapping, document, bulk and alias bodies, and bulk failures.

The server does not analyse: each text field holds our own tokens (the `DocumentAnalyzer`'s,
the same as the embedded index's) joined by spaces, split again by a whitespace tokenizer
with no filters. Fields are scored with OpenSearch's default BM25 (k1 1.2, b 0.75), as the
embedded index scores them. No plugin is needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from aianimals.ports.search.base import TEXT_FIELDS
from aianimals.ports.search.documents import IndexedDocument

TOKENS_ANALYZER = "aianimals_tokens"
MAX_TOKEN_LENGTH = 1024
"""Longer tokens would be cut by the whitespace tokenizer (tantivy keeps them whole)."""

_ANALYSIS: dict[str, Any] = {
    "tokenizer": {
        "aianimals_whitespace": {"type": "whitespace", "max_token_length": MAX_TOKEN_LENGTH}
    },
    "analyzer": {TOKENS_ANALYZER: {"type": "custom", "tokenizer": "aianimals_whitespace"}},
}


def _properties() -> dict[str, Any]:
    text = {"type": "text", "analyzer": TOKENS_ANALYZER}
    return {
        "animal_id": {"type": "keyword"},
        **{field: dict(text) for field in TEXT_FIELDS},
        "owner": {"type": "keyword"},
        "category_id": {"type": "integer"},
        "subcategory_id": {"type": "integer"},
        "likes": {"type": "integer"},
        "created_us": {"type": "long"},
    }


def index_body(alias: str | None = None) -> dict[str, Any]:
    """The body of `PUT /<index>`: one shard (stable scores and paging), our tokenizer,
    a strict mapping, and optionally the alias it is created under (as its write index)."""
    body: dict[str, Any] = {
        "settings": {"index": {"number_of_shards": 1}, "analysis": _ANALYSIS},
        "mappings": {"dynamic": "strict", "properties": _properties()},
    }
    if alias is not None:
        body["aliases"] = {alias: {"is_write_index": True}}
    return body


def document_body(document: IndexedDocument) -> dict[str, Any]:
    """The `_source` stored for one animal (its id is also the `_id`)."""
    return {
        "animal_id": document.id,
        **{
            field: " ".join(tokens)
            for field, tokens in zip(TEXT_FIELDS, document.tokens, strict=True)
        },
        "owner": document.owner,
        "category_id": document.category_id,
        "subcategory_id": document.subcategory_id,
        "likes": document.likes,
        "created_us": document.created_us,
    }


def ndjson(lines: Iterable[Mapping[str, Any]]) -> bytes:
    text = "".join(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines
    )
    return text.encode("utf-8")


def bulk_index_body(documents: Iterable[IndexedDocument]) -> bytes:
    """NDJSON for `_bulk`: add or replace each document under its animal id."""
    return ndjson(
        line
        for document in documents
        for line in ({"index": {"_id": document.id}}, document_body(document))
    )


def bulk_delete_body(animal_ids: Iterable[str]) -> bytes:
    """NDJSON for `_bulk`: remove each animal."""
    return ndjson({"delete": {"_id": animal_id}} for animal_id in animal_ids)


def bulk_likes_body(likes: Mapping[str, int]) -> bytes:
    """NDJSON for `_bulk`: set the like count of each animal, leaving the rest as it is."""
    return ndjson(
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
