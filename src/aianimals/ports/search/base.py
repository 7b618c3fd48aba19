"""The search-index port: animal documents in, ranked pages of animal ids out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

SortKey = Literal["score", "like", "created_at", "random"]
SORT_KEYS: tuple[SortKey, ...] = ("score", "like", "created_at", "random")


@dataclass(frozen=True)
class AnimalDocument:
    """What the index knows of one visible animal (hidden animals are not in the index)."""

    id: str
    category_id: int
    subcategory_id: int
    category_name_en: str
    category_name_ja: str
    subcategory_name_en: str
    subcategory_name_ja: str
    name: str
    description: str
    user_handle_name: str
    likes: int
    created_at: datetime


TEXT_FIELDS: tuple[str, ...] = ("name", "breed", "description")
"""The free-text fields of a document, in the order `DocumentTokens` gives them."""
FIELD_WEIGHTS: tuple[float, ...] = (3.0, 2.0, 1.0)
"""How much a match in each text field counts (name most, description least)."""
COVER_WEIGHT = 100.0
"""Score of each clause a document covers: coverage first, then BM25 (which stays below it)."""
FUZZY_SCORE = 1.0
"""What a fuzzy term adds (times its weight) when it matches in any field, however near.

An exact match of its token adds its BM25 on top, so it always ranks above a fuzzy one."""
MAX_FUZZY = 2
"""The largest edit distance a backend allows; a larger `Term.fuzzy` is taken as this."""

DocumentTokens = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""A document's analysed tokens per text field, in `TEXT_FIELDS` order."""


class DocumentAnalyzer(Protocol):
    """Turns a document into the tokens an index stores (the same analyzer for every backend)."""

    def __call__(self, document: AnimalDocument) -> DocumentTokens: ...


@dataclass(frozen=True)
class Term:
    """One analysed token that a clause looks for in every text field.

    `weight` multiplies its BM25; `fuzzy` is the edit distance allowed (0: exact; a
    transposition costs 1; at most `MAX_FUZZY`). A fuzzy term scores `FUZZY_SCORE` times
    its weight wherever a token within that distance occurs, plus the BM25 of an exact match.
    """

    token: str
    weight: float = 1.0
    fuzzy: int = 0
    fields: tuple[str, ...] = TEXT_FIELDS
    """The text fields it is looked for in (every one by default)."""

    def weighted_fields(self) -> list[tuple[str, float]]:
        """(field, field weight) of each text field this term is looked for in."""
        return [
            (field, weight)
            for field, weight in zip(TEXT_FIELDS, FIELD_WEIGHTS, strict=True)
            if field in self.fields
        ]


@dataclass(frozen=True)
class Clause:
    """One thing the user asked for: a document covers it when any of its terms matches."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class SearchQuery:
    """A document matches when it covers at least `min_cover` clauses and every filter.

    Its score is `COVER_WEIGHT` per covered clause, plus, per covered clause, the best
    weighted BM25 of its matching terms (summed over the text fields, each times its
    `FIELD_WEIGHTS`), plus that of every matching `boost` term (which adds score, never
    membership). No clauses: every document matches, with score 0. Filters are exact;
    `owner` is the owner's handle, in lower case. `seed` orders `random`.
    """

    clauses: tuple[Clause, ...] = ()
    min_cover: int = 0
    boosts: tuple[Term, ...] = ()
    category_id: int | None = None
    subcategory_id: int | None = None
    owner: str | None = None
    sort_by: SortKey = "score"
    limit: int = 100
    offset: int = 0
    seed: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One result: the animal and its text-relevance score (0 without clauses)."""

    animal_id: str
    score: float


@dataclass(frozen=True)
class SearchPage:
    """One page of results, with the total number of matches and the best score overall."""

    hits: int
    max_score: float
    results: list[SearchHit]


@dataclass(frozen=True)
class TermMatch:
    """One term that matched one field of a document, and what it added to the score."""

    field: str
    token: str
    score: float


@dataclass(frozen=True)
class HitExplanation:
    """Why a document scored what it did: the clauses it covers and the terms that matched."""

    animal_id: str
    score: float
    covered: int
    matches: tuple[TermMatch, ...]


Progress = Callable[[int, int], None]
"""(done, total) during a rebuild."""


class SearchIndex(Protocol):
    """A full-text index of the visible animals."""

    def upsert(self, documents: Sequence[AnimalDocument]) -> None:
        """Add or replace these documents; searchable when this returns."""
        ...

    def delete(self, animal_ids: Sequence[str]) -> None:
        """Remove these animals (unknown ids are ignored); gone from results at once."""
        ...

    def set_likes(self, likes: Mapping[str, int]) -> None:
        """Update the like counts used by `sort_by="like"` (unknown ids are ignored)."""
        ...

    def search(self, query: SearchQuery) -> SearchPage:
        """A stable page of matches in the requested order."""
        ...

    def explain(self, query: SearchQuery, animal_ids: Sequence[str]) -> list[HitExplanation]:
        """For each of these animals that matches `query`, in order: its score and matches."""
        ...

    def refresh(self) -> bool:
        """Catch up now with every write that returned (in any process) before this call.

        `search` alone may lag writes made elsewhere by a moment; a result that is kept
        (cached) must be computed after `refresh`. True when something changed.
        """
        ...

    def rebuild(
        self, documents: Iterable[AnimalDocument], total: int, progress: Progress | None = None
    ) -> int:
        """Build a new index from `documents` and swap to it atomically; returns its size."""
        ...

    def count(self) -> int:
        """How many documents are searchable."""
        ...

    def close(self) -> None:
        """Release connections and open index files."""
        ...
