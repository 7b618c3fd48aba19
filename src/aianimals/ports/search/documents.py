"""What every backend indexes of an animal: its analysed tokens per field, and the attributes
that filter and sort (the same for the embedded index and OpenSearch)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aianimals.ports.search.base import (
    TEXT_FIELDS,
    AnimalDocument,
    DocumentAnalyzer,
    DocumentTokens,
)


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """One animal as an index stores it; `owner` is the handle in lower case."""

    id: str
    category_id: int
    subcategory_id: int
    owner: str
    likes: int
    created_us: int
    tokens: DocumentTokens

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (for the log of writes made during a rebuild)."""
        return {
            "id": self.id,
            "category_id": self.category_id,
            "subcategory_id": self.subcategory_id,
            "owner": self.owner,
            "likes": self.likes,
            "created_us": self.created_us,
            "tokens": [list(tokens) for tokens in self.tokens],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> IndexedDocument:
        """The inverse of `to_json`; raises KeyError, TypeError or ValueError when malformed."""
        name, breed, description = (tuple(str(t) for t in tokens) for tokens in obj["tokens"])
        return cls(
            id=str(obj["id"]),
            category_id=int(obj["category_id"]),
            subcategory_id=int(obj["subcategory_id"]),
            owner=str(obj["owner"]),
            likes=int(obj["likes"]),
            created_us=int(obj["created_us"]),
            tokens=(name, breed, description),
        )


def indexed_document(document: AnimalDocument, analyzer: DocumentAnalyzer) -> IndexedDocument:
    """`document` analysed: its tokens per text field, and its attributes."""
    tokens = analyzer(document)
    if len(tokens) != len(TEXT_FIELDS):
        raise ValueError(f"the analyzer gave {len(tokens)} fields, not {len(TEXT_FIELDS)}")
    return IndexedDocument(
        id=document.id,
        category_id=document.category_id,
        subcategory_id=document.subcategory_id,
        owner=document.user_handle_name.lower(),
        likes=document.likes,
        created_us=created_us(document.created_at),
        tokens=tokens,
    )


def created_us(moment: datetime) -> int:
    """Microseconds since the epoch; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
