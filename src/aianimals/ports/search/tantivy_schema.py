"""The embedded index's tantivy schema, and animals as tantivy documents.

Text fields hold our analysed tokens joined by spaces, split again by a whitespace tokenizer
with no filters: what the `DocumentAnalyzer` made is what is indexed, unchanged. Everything
needed to add a document again (to change its likes) is stored. Fast fields order results:

    created   microseconds since the epoch (also the order of documents within a segment)
    like_key  likes (saturated at 2**22 - 1) above created milliseconds: one key for `like`
    random_k  K independent 32-bit hashes of the id: the seeded `random` orders
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import tantivy

from aianimals.ports.search.base import TEXT_FIELDS
from aianimals.ports.search.documents import IndexedDocument

TOKENIZER = "aianimals_tokens"
RANDOM_KEYS = 4
LIKES_MAX = (1 << 22) - 1
_CREATED_MS_BITS = 42  # milliseconds until the year 2109


def random_field(k: int) -> str:
    return f"random_{k}"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for field in TEXT_FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name=TOKENIZER, index_option="freq")
    builder.add_text_field("owner", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("category_id", stored=True, indexed=True)
    builder.add_unsigned_field("subcategory_id", stored=True, indexed=True)
    builder.add_unsigned_field("likes", stored=True)
    builder.add_integer_field("created", stored=True, fast=True)
    builder.add_unsigned_field("like_key", fast=True)
    for k in range(RANDOM_KEYS):
        builder.add_unsigned_field(random_field(k), fast=True)
    return builder.build()


def register_tokenizer(index: tantivy.Index) -> None:
    """Our tokenizer on an opened index (tantivy does not persist tokenizers)."""
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer(TOKENIZER, analyzer)


def like_key(likes: int, created_us: int) -> int:
    """More likes first, then newer (to the millisecond); ties are resolved by the caller."""
    created_ms = min(max(created_us // 1000, 0), (1 << _CREATED_MS_BITS) - 1)
    return (min(max(likes, 0), LIKES_MAX) << _CREATED_MS_BITS) | created_ms


def random_keys(animal_id: str) -> tuple[int, ...]:
    """K stable 32-bit hashes of an id (not Python's salted `hash`)."""
    digest = hashlib.blake2b(animal_id.encode(), digest_size=4 * RANDOM_KEYS).digest()
    return tuple(int.from_bytes(digest[4 * k : 4 * k + 4], "little") for k in range(RANDOM_KEYS))


def to_tantivy(document: IndexedDocument) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", document.id)
    for field, tokens in zip(TEXT_FIELDS, document.tokens, strict=True):
        doc.add_text(field, " ".join(tokens))
    doc.add_text("owner", document.owner)
    doc.add_unsigned("category_id", max(document.category_id, 0))
    doc.add_unsigned("subcategory_id", max(document.subcategory_id, 0))
    doc.add_unsigned("likes", max(document.likes, 0))
    doc.add_integer("created", document.created_us)
    doc.add_unsigned("like_key", like_key(document.likes, document.created_us))
    for k, key in enumerate(random_keys(document.id)):
        doc.add_unsigned(random_field(k), key)
    return doc


def from_stored(stored: Mapping[str, list[Any]]) -> IndexedDocument:
    """A document as `to_tantivy` stored it."""
    name, breed, description = (
        tuple(str(stored[field][0]).split()) if stored.get(field) else () for field in TEXT_FIELDS
    )
    return IndexedDocument(
        id=str(stored["id"][0]),
        category_id=int(stored["category_id"][0]),
        subcategory_id=int(stored["subcategory_id"][0]),
        owner=str(stored["owner"][0]),
        likes=int(stored["likes"][0]),
        created_us=int(stored["created"][0]),
        tokens=(name, breed, description),
    )
