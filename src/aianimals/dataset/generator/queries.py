"""What simulated users type: phrases, filters and sort orders, with the concepts meant."""

from __future__ import annotations

import random
from dataclasses import dataclass

from aianimals.dataset.generator.behaviour import UserProfile
from aianimals.dataset.generator.reference import Breed
from aianimals.dataset.generator.search import Query
from aianimals.dataset.generator.texts import breed_names
from aianimals.dataset.generator.vocabulary import CAT, DOG, QUERY_FORMS

TOPICS = tuple(
    concept for concept in QUERY_FORMS if concept not in {"cat", "dog", "kitten", "puppy"}
)
PHRASE_SORTS = (("score", 0.50), ("created_at", 0.28), ("like", 0.14), ("random", 0.08))
BROWSE_SORTS = (("created_at", 0.60), ("like", 0.20), ("random", 0.10), ("score", 0.10))


@dataclass(frozen=True, slots=True)
class Intent:
    """A query and the concepts the user means by it (hidden from the search system)."""

    query: Query
    concepts: frozenset[str]


def first_intent() -> Intent:
    """What the reference client sends when it opens: no phrase, newest first."""
    return Intent(Query((), None, None, "created_at"), frozenset())


def next_intent(rng: random.Random, profile: UserProfile, breeds: dict[str, Breed]) -> Intent:
    """A search a user with these preferences plausibly makes."""
    category = DOG if rng.random() < profile.dog_affinity else CAT
    roll = rng.random()
    if roll < 0.30:
        phrases, concepts = _breed_phrase(rng, profile, breeds, category)
        filters: tuple[int | None, int | None] = (None, None)
    elif roll < 0.48:
        phrases, concepts = _category_phrase(rng, category)
        filters = (None, None)
    elif roll < 0.75:
        phrases, concepts = _topic_phrases(rng, category)
        filters = (None, None)
    elif roll < 0.90:
        phrases, concepts = [], set()
        filters = (category, _favourite_subcategory(rng, profile, breeds, category))
    else:
        phrases, concepts = _surface(rng, rng.choice(TOPICS))
        filters = (category, None)
    if phrases and rng.random() < 0.25:
        extra, extra_concepts = _surface(rng, rng.choice(TOPICS))
        phrases += extra
        concepts |= extra_concepts
    sorts = PHRASE_SORTS if phrases else BROWSE_SORTS
    sort_by = _weighted(rng, sorts)
    query = Query(tuple(dict.fromkeys(phrases)), filters[0], filters[1], sort_by)
    return Intent(query, frozenset(concepts))


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(names, weights=weights, k=1)[0]


def _surface(rng: random.Random, concept: str) -> tuple[list[str], set[str]]:
    forms = QUERY_FORMS[concept]
    if forms[-1].isascii() and rng.random() < 0.12:
        return [forms[-1]], {concept}
    form = forms[0] if rng.random() < 0.55 else rng.choice(forms[:-1] or forms)
    return [form], {concept}


def _breed_phrase(
    rng: random.Random, profile: UserProfile, breeds: dict[str, Breed], category: int
) -> tuple[list[str], set[str]]:
    favourites = [slug for slug in profile.favourite_breeds if slug in breeds]
    if favourites and rng.random() < 0.8:
        slug = rng.choice(favourites)
    else:
        slug = rng.choice(sorted(s for s, b in breeds.items() if b.category == category))
    names = breed_names(breeds[slug])
    roll = rng.random()
    if roll < 0.6 or len(names) == 1:
        name = names[0]
    elif roll < 0.85 and len(names) > 2:
        name = rng.choice(names[1:-1])
    else:
        name = names[-1]
    return [name], {f"breed:{slug}"}


def _category_phrase(rng: random.Random, category: int) -> tuple[list[str], set[str]]:
    young = rng.random() < 0.3
    if category == CAT:
        return _surface(rng, "kitten" if young else "cat")
    return _surface(rng, "puppy" if young else "dog")


def _topic_phrases(rng: random.Random, category: int) -> tuple[list[str], set[str]]:
    phrases, concepts = _surface(rng, rng.choice(TOPICS))
    if rng.random() < 0.4:
        more, more_concepts = _surface(rng, "cat" if category == CAT else "dog")
        phrases += more
        concepts |= more_concepts
    return phrases, concepts


def _favourite_subcategory(
    rng: random.Random, profile: UserProfile, breeds: dict[str, Breed], category: int
) -> int | None:
    own = [breeds[s] for s in profile.favourite_breeds if s in breeds]
    matching = [breed.subcategory for breed in own if breed.category == category]
    if matching and rng.random() < 0.5:
        return rng.choice(matching)
    return None
