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


@dataclass(frozen=True)
class Expansion:
    """A similar word that widens one phrase's match, at a lower weight (0 < weight < 1)."""

    phrase: str
    word: str
    weight: float


@dataclass(frozen=True)
class SearchQuery:
    """Phrases must each match (in any text field); expansions widen their phrase's match.

    An empty `phrases` matches every document. Filters are exact. `seed` orders `random`.
    """

    phrases: tuple[str, ...] = ()
    expansions: tuple[Expansion, ...] = ()
    category_id: int | None = None
    subcategory_id: int | None = None
    sort_by: SortKey = "score"
    limit: int = 100
    offset: int = 0
    seed: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One result: the animal and its text-relevance score (0 without phrases)."""

    animal_id: str
    score: float


@dataclass(frozen=True)
class SearchPage:
    """One page of results, with the total number of matches and the best score overall."""

    hits: int
    max_score: float
    results: list[SearchHit]


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
