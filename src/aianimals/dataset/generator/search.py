"""The demo "search system" the simulated users query: filters, a naive text score, sorts.

It is deliberately simple (surface substring counts, no synonyms, like sort by final
background counts) so that a better engine or a learned ranker has room to improve on it.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

SORTS = ("score", "like", "created_at", "random")


@dataclass(frozen=True, slots=True)
class IndexedAnimal:
    """What the search system knows about an animal."""

    category: int
    subcategory: int
    created_us: int
    text: str  # lower-cased name + description + breed names


@dataclass(frozen=True, slots=True)
class Query:
    """One search request, as the reference client sends it."""

    phrases: tuple[str, ...]
    category: int | None
    subcategory: int | None
    sort_by: str


@dataclass(frozen=True, slots=True)
class _Ranking:
    order: list[int]
    neg_created: list[int]  # only meaningful for the created_at order


class DemoSearch:
    """Answers queries with animal indices, best first, visible at a given moment."""

    def __init__(self, animals: list[IndexedAnimal], like_counts: list[int]) -> None:
        self._animals = animals
        self._likes = like_counts
        self._by_created = sorted(
            range(len(animals)), key=lambda index: (-animals[index].created_us, index)
        )
        self._created_rank = [0] * len(animals)
        for rank, index in enumerate(self._by_created):
            self._created_rank[index] = rank
        self._matches: dict[
            tuple[tuple[str, ...], int | None, int | None], tuple[list[int], dict[int, int]]
        ] = {}
        self._pools: dict[tuple[int | None, int | None], list[int]] = {}
        self._phrase_scores: dict[str, dict[int, int]] = {}
        self._rankings: dict[tuple[tuple[str, ...], int | None, int | None, str], _Ranking] = {}

    def score(self, phrases: tuple[str, ...], index: int) -> int:
        """Occurrences of the phrases in the animal's text."""
        return sum(self._scores_for(phrase).get(index, 0) for phrase in phrases)

    def show(self, query: Query, moment_us: int, depth: int, rng: random.Random) -> list[int]:
        """The first ``depth`` results among animals created before ``moment_us``."""
        if query.sort_by == "random":
            ranking = self._ranking(query.phrases, query.category, query.subcategory, "created_at")
            start = bisect.bisect_left(ranking.neg_created, -moment_us)
            visible = ranking.order[start:]
            return rng.sample(visible, min(depth, len(visible)))
        ranking = self._ranking(query.phrases, query.category, query.subcategory, query.sort_by)
        if query.sort_by == "created_at":
            start = bisect.bisect_left(ranking.neg_created, -moment_us)
            return ranking.order[start : start + depth]
        shown: list[int] = []
        for index in ranking.order:
            if self._animals[index].created_us <= moment_us:
                shown.append(index)
                if len(shown) == depth:
                    break
        return shown

    def _candidates(
        self, phrases: tuple[str, ...], category: int | None, subcategory: int | None
    ) -> tuple[list[int], dict[int, int]]:
        """Matching animals, newest first, and their scores (cached per filter)."""
        key = (phrases, category, subcategory)
        cached = self._matches.get(key)
        if cached is not None:
            return cached
        scores: dict[int, int] = {}
        for phrase in phrases:
            for index, count in self._scores_for(phrase).items():
                scores[index] = scores.get(index, 0) + count
        if phrases:
            order = [index for index in scores if self._passes(index, category, subcategory)]
            order.sort(key=self._created_rank.__getitem__)
        else:
            order = self._filtered(category, subcategory)
        self._matches[key] = (order, scores)
        return order, scores

    def _passes(self, index: int, category: int | None, subcategory: int | None) -> bool:
        animal = self._animals[index]
        return (category is None or animal.category == category) and (
            subcategory is None or animal.subcategory == subcategory
        )

    def _filtered(self, category: int | None, subcategory: int | None) -> list[int]:
        key = (category, subcategory)
        cached = self._pools.get(key)
        if cached is None:
            cached = [i for i in self._by_created if self._passes(i, category, subcategory)]
            self._pools[key] = cached
        return cached

    def _scores_for(self, phrase: str) -> dict[int, int]:
        cached = self._phrase_scores.get(phrase)
        if cached is None:
            needle = phrase.lower()
            cached = {}
            for index, animal in enumerate(self._animals):
                if needle in animal.text:
                    cached[index] = animal.text.count(needle)
            self._phrase_scores[phrase] = cached
        return cached

    def _ranking(
        self, phrases: tuple[str, ...], category: int | None, subcategory: int | None, sort: str
    ) -> _Ranking:
        key = (phrases, category, subcategory, sort)
        cached = self._rankings.get(key)
        if cached is None:
            cached = self._build(phrases, category, subcategory, sort)
            self._rankings[key] = cached
        return cached

    def _build(
        self, phrases: tuple[str, ...], category: int | None, subcategory: int | None, sort: str
    ) -> _Ranking:
        base, scores = self._candidates(phrases, category, subcategory)
        order = list(base)
        if phrases and sort == "score":
            order.sort(key=lambda index: -scores[index])
        if sort == "like":
            order.sort(key=lambda index: -self._likes[index])
        neg_created = (
            [-self._animals[index].created_us for index in order] if sort == "created_at" else []
        )
        return _Ranking(order=order, neg_created=neg_created)
