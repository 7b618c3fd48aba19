"""Animal documents as the embedded index stores them: attributes plus per-field term counts."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import AnimalDocument

FIELDS: tuple[str, ...] = ("name", "breed", "description", "handle")
FIELD_WEIGHTS: tuple[float, ...] = (3.0, 2.0, 1.0, 0.5)
"""BM25 weight per field: a match in the name counts most, one in the owner's handle least."""

TermCounts = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class AnalyzedDoc:
    """One document after analysis: what the index stores of it."""

    id: str
    category_id: int
    subcategory_id: int
    likes: int
    created_us: int
    fields: tuple[TermCounts, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (for the journal)."""
        return {
            "id": self.id,
            "c": self.category_id,
            "s": self.subcategory_id,
            "l": self.likes,
            "t": self.created_us,
            "f": [dict(counts) for counts in self.fields],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> AnalyzedDoc:
        """The inverse of `to_json`; raises KeyError/TypeError/ValueError on malformed input."""
        fields = tuple(
            tuple((str(term), int(tf)) for term, tf in counts.items()) for counts in obj["f"]
        )
        if len(fields) != len(FIELDS):
            raise ValueError("wrong number of fields")
        return cls(
            id=str(obj["id"]),
            category_id=int(obj["c"]),
            subcategory_id=int(obj["s"]),
            likes=int(obj["l"]),
            created_us=int(obj["t"]),
            fields=fields,
        )


def field_texts(doc: AnimalDocument) -> tuple[str, ...]:
    """The text of each field in `FIELDS` order (breed = breed + category, ja and en)."""
    breed = " ".join(
        name.replace("_", " ")
        for name in (
            doc.subcategory_name_ja,
            doc.subcategory_name_en,
            doc.category_name_ja,
            doc.category_name_en,
        )
    )
    return (doc.name, breed, doc.description, doc.user_handle_name)


def created_us(moment: datetime) -> int:
    """Microseconds since the epoch; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def id_hash(animal_id: str) -> int:
    """A stable 63-bit hash of an id (seeds the `random` order; not Python's salted hash)."""
    digest = hashlib.blake2b(animal_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


class DocumentAnalyzer:
    """Analyses documents field by field, each distinct text once (bounded cache)."""

    def __init__(self, analyzer: Analyzer, cache_size: int = 262_144) -> None:
        self.analyzer = analyzer
        self.term_counts: Callable[[str], TermCounts] = lru_cache(maxsize=cache_size)(
            self._term_counts
        )

    def _term_counts(self, text: str) -> TermCounts:
        return tuple(Counter(self.analyzer.analyze(text)).items())

    def __call__(self, doc: AnimalDocument) -> AnalyzedDoc:
        return AnalyzedDoc(
            id=doc.id,
            category_id=doc.category_id,
            subcategory_id=doc.subcategory_id,
            likes=doc.likes,
            created_us=created_us(doc.created_at),
            fields=tuple(self.term_counts(text) for text in field_texts(doc)),
        )
