"""Learn-to-rank features: pure functions shared by training and serving.

One function, `feature_vector`, turns a query, a candidate animal, the candidate's counters,
the user's profile and the candidate's place in the index order into a vector, by name. The
trainer calls it with the state as it was when each logged search happened (see history.py);
the API calls it with the state now. Nothing here reads a clock, a store or a model: the
parity of both paths follows from sharing this code, and is tested.

No one-hot of query strings: the query enters only through what it shares with the animal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aianimals.search.expansion import Expansion

FEATURE_VERSION = "ltr-features-v2"
FEATURE_NAMES: tuple[str, ...] = (
    # query-document
    "index_score",  # BM25 score of the text index for this query (0 without phrases)
    "index_rank",  # position of the candidate in the index's own order (context)
    "name_overlap",  # share of query terms found in the name
    "description_overlap",  # … in the description
    "breed_overlap",  # … in the breed's names (ja and en)
    "category_overlap",  # … in the category's names
    "phrase_in_name",  # 1 when a whole phrase appears in the name
    "phrase_coverage",  # share of phrases the animal matches, directly or by a similar word
    "query_terms",  # how many terms the query has (0: browsing)
    "category_filtered",  # 1 when the search filters by category or breed
    # document priors
    "likes",
    "log_likes",
    "age_days",
    "description_length",
    "log_impressions",  # how often it was shown before
    "smoothed_ctr",  # actions per showing, shrunk towards the prior for new animals
    # user context
    "user_breed_click_share",  # share of the user's earlier actions on this breed
    "user_category_click_share",  # … on this category
    "user_breed_like_share",  # share of the user's likes on this breed
    "log_user_history",  # how many earlier actions the user has
    "user_earlier_grade",  # the best grade this user gave this animal before (0: none)
)
CTR_PRIOR_ACTIONS = 0.1
CTR_PRIOR_SHOWINGS = 1.0
"""A new animal's click-through rate is imputed as 0.1 (0.1 actions in 1 showing)."""


@dataclass(frozen=True)
class PhraseSense:
    """One query phrase's analysed terms, and its similar words' terms with their weight.

    The similar words come from the same dictionary the search expands queries with, so
    「寝顔」 can meet an animal described as "sleeping".
    """

    terms: frozenset[str]
    similar: tuple[tuple[frozenset[str], float], ...] = ()


@dataclass(frozen=True)
class QueryContext:
    """The search as the ranker sees it: analysed terms, raw phrases, filters, time, user."""

    terms: frozenset[str]
    phrases: tuple[str, ...]
    filtered: bool
    at: datetime
    senses: tuple[PhraseSense, ...] = ()


@dataclass(frozen=True)
class AnimalText:
    """An animal's analysed texts and fixed attributes (from the analyzer of the index)."""

    animal_id: str
    category_id: int
    subcategory_id: int
    name: str
    name_terms: frozenset[str]
    description_terms: frozenset[str]
    breed_terms: frozenset[str]
    category_terms: frozenset[str]
    description_length: int
    created_at: datetime


@dataclass(frozen=True)
class AnimalCounters:
    """What happened to an animal before the search: likes, showings, actions."""

    likes: int = 0
    impressions: int = 0
    actions: int = 0

    def to_dict(self) -> dict[str, int]:
        """A JSON object (the feature store's row)."""
        return {"likes": self.likes, "impressions": self.impressions, "actions": self.actions}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnimalCounters:
        """The counters `to_dict` wrote (absent fields are 0)."""
        return cls(
            likes=int(data.get("likes", 0)),
            impressions=int(data.get("impressions", 0)),
            actions=int(data.get("actions", 0)),
        )


@dataclass(frozen=True)
class UserProfile:
    """A user's earlier actions and likes, counted by breed and category."""

    actions: int = 0
    actions_by_breed: Mapping[int, int] = field(default_factory=dict)
    actions_by_category: Mapping[int, int] = field(default_factory=dict)
    likes: int = 0
    likes_by_breed: Mapping[int, int] = field(default_factory=dict)
    graded: Mapping[str, int] = field(default_factory=dict)
    """Animal id → the best grade of the user's earlier actions on it."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON object (the feature store's row); JSON makes the ids' keys strings."""
        return {
            "actions": self.actions,
            "actions_by_breed": _keyed(self.actions_by_breed),
            "actions_by_category": _keyed(self.actions_by_category),
            "likes": self.likes,
            "likes_by_breed": _keyed(self.likes_by_breed),
            "graded": dict(self.graded),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UserProfile:
        """The profile `to_dict` wrote, its ids' keys integers again."""
        return cls(
            actions=int(data.get("actions", 0)),
            actions_by_breed=_unkeyed(data.get("actions_by_breed", {})),
            actions_by_category=_unkeyed(data.get("actions_by_category", {})),
            likes=int(data.get("likes", 0)),
            likes_by_breed=_unkeyed(data.get("likes_by_breed", {})),
            graded={str(key): int(grade) for key, grade in data.get("graded", {}).items()},
        )


def _keyed(counts: Mapping[int, int]) -> dict[str, int]:
    return {str(key): int(count) for key, count in counts.items()}


def _unkeyed(counts: Mapping[str, Any]) -> dict[int, int]:
    return {int(key): int(count) for key, count in counts.items()}


@dataclass(frozen=True)
class IndexPlace:
    """The candidate's score and rank in the text index's order for this query."""

    score: float
    rank: int


def query_terms(analyze: Callable[[str], Iterable[str]], phrases: Iterable[str]) -> frozenset[str]:
    """Every term of every phrase, as the index's analyzer makes them."""
    terms: set[str] = set()
    for phrase in phrases:
        terms.update(analyze(phrase))
    return frozenset(terms)


def query_context(
    analyze: Callable[[str], Iterable[str]],
    *,
    phrases: tuple[str, ...],
    expansions: Iterable[Expansion],
    filtered: bool,
    at: datetime,
) -> QueryContext:
    """The ranker's view of a search; training and serving both build it here."""
    by_phrase: dict[str, list[tuple[frozenset[str], float]]] = {}
    for expansion in expansions:
        terms = frozenset(analyze(expansion.word))
        if terms:
            by_phrase.setdefault(expansion.phrase, []).append((terms, expansion.weight))
    senses = tuple(
        PhraseSense(frozenset(analyze(phrase)), tuple(by_phrase.get(phrase, ())))
        for phrase in phrases
    )
    return QueryContext(query_terms(analyze, phrases), phrases, filtered, at, senses)


def _coverage(senses: tuple[PhraseSense, ...], animal: AnimalText) -> float:
    """Mean over phrases of 1 (a term of its own matches) or the best similar word's weight."""
    if not senses:
        return 0.0
    words = animal.name_terms | animal.description_terms | animal.breed_terms
    words = words | animal.category_terms
    total = 0.0
    for sense in senses:
        if sense.terms & words:
            total += 1.0
        else:
            total += max((weight for terms, weight in sense.similar if terms & words), default=0.0)
    return total / len(senses)


def _share(query: frozenset[str], field_terms: frozenset[str]) -> float:
    return len(query & field_terms) / len(query) if query else 0.0


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def feature_vector(
    query: QueryContext,
    animal: AnimalText,
    counters: AnimalCounters,
    user: UserProfile,
    place: IndexPlace,
) -> list[float]:
    """The candidate's features, in FEATURE_NAMES order."""
    terms = query.terms
    age_days = max(0.0, (query.at - animal.created_at).total_seconds() / 86_400)
    ctr = (counters.actions + CTR_PRIOR_ACTIONS) / (counters.impressions + CTR_PRIOR_SHOWINGS)
    return [
        place.score,
        float(place.rank),
        _share(terms, animal.name_terms),
        _share(terms, animal.description_terms),
        _share(terms, animal.breed_terms),
        _share(terms, animal.category_terms),
        1.0 if any(phrase and phrase in animal.name for phrase in query.phrases) else 0.0,
        _coverage(query.senses, animal),
        float(len(terms)),
        1.0 if query.filtered else 0.0,
        float(counters.likes),
        math.log1p(counters.likes),
        age_days,
        float(animal.description_length),
        math.log1p(counters.impressions),
        ctr,
        _ratio(user.actions_by_breed.get(animal.subcategory_id, 0), user.actions),
        _ratio(user.actions_by_category.get(animal.category_id, 0), user.actions),
        _ratio(user.likes_by_breed.get(animal.subcategory_id, 0), user.likes),
        math.log1p(user.actions),
        float(user.graded.get(animal.animal_id, 0)),
    ]


def animal_text(
    analyze: Callable[[str], Iterable[str]],
    *,
    animal_id: str,
    category_id: int,
    subcategory_id: int,
    name: str,
    description: str,
    breed_names: Iterable[str],
    category_names: Iterable[str],
    created_at: datetime,
) -> AnimalText:
    """An animal's texts analysed once, for every query that meets it."""
    return AnimalText(
        animal_id=animal_id,
        category_id=category_id,
        subcategory_id=subcategory_id,
        name=name,
        name_terms=frozenset(analyze(name)),
        description_terms=frozenset(analyze(description)),
        breed_terms=query_terms(analyze, breed_names),
        category_terms=query_terms(analyze, category_names),
        description_length=len(description),
        created_at=created_at,
    )
