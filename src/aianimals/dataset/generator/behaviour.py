"""The hidden model behind simulated users: preferences, relevance and action probabilities.

Everything a learned ranker should rediscover from the logs lives here, in one dataclass.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from aianimals.dataset.generator.reference import Breed, SimUserRecord
from aianimals.dataset.generator.rng import sigmoid, substream
from aianimals.dataset.generator.vocabulary import CAT, DOG


@dataclass(frozen=True, slots=True)
class HiddenModel:
    """Parameters of the generative model (documented in docs/dataset.md)."""

    popularity_sigma: float = 1.3  # log-normal spread of an animal's latent appeal
    activity_sigma: float = 1.0  # log-normal spread of how often a user searches
    active_user_share: float = 0.7  # users who ever search
    continue_prob: float = 0.86  # examine the next position after skipping one
    continue_after_click: float = 0.72  # examine the next position after a click
    max_depth: int = 50  # results the demo search returns (pages of 24: 24 + 24 + 2)
    click_bias: float = -3.0
    click_text: float = 2.0  # × share of query concepts the animal matches
    click_breed: float = 1.3  # favourite breed
    click_category: float = 1.2  # × (affinity for the animal's category − 0.5) × 2
    click_popularity: float = 0.45  # × standardised latent appeal
    see_long_bias: float = -0.7
    see_long_text: float = 1.0
    see_long_breed: float = 1.2
    see_long_popularity: float = 0.35
    like_bias: float = -2.0
    like_breed: float = 1.4
    like_category: float = 0.6
    like_popularity: float = 0.5


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A simulated user's hidden preferences."""

    user_id: str
    created_us: int
    activity: float
    dog_affinity: float  # 0 = only cats, 1 = only dogs
    favourite_breeds: tuple[str, ...]

    def category_affinity(self, category: int) -> float:
        """How much this user likes the animal's category (0..1)."""
        if category == DOG:
            return self.dog_affinity
        if category == CAT:
            return 1.0 - self.dog_affinity
        return 0.3


@dataclass(frozen=True, slots=True)
class Match:
    """How one shown animal relates to one user and query (the hidden features)."""

    text: float  # share of query concepts the animal's text/breed covers (0..1)
    favourite: bool
    category_affinity: float
    popularity: float  # standardised latent appeal


def make_profiles(
    users: list[SimUserRecord], breeds: dict[str, Breed], model: HiddenModel, seed: int
) -> list[UserProfile]:
    """One profile per user, each from its own sub-stream."""
    cat_breeds = sorted(slug for slug, breed in breeds.items() if breed.category == CAT)
    dog_breeds = sorted(slug for slug, breed in breeds.items() if breed.category == DOG)
    return [
        _profile(user, cat_breeds, dog_breeds, model, substream(seed, "user", user.user_id))
        for user in users
    ]


def _profile(
    user: SimUserRecord,
    cat_breeds: list[str],
    dog_breeds: list[str],
    model: HiddenModel,
    rng: random.Random,
) -> UserProfile:
    kind = rng.random()
    if kind < 0.45:
        dog_affinity = rng.uniform(0.75, 0.97)
    elif kind < 0.78:
        dog_affinity = rng.uniform(0.03, 0.25)
    else:
        dog_affinity = rng.uniform(0.35, 0.65)
    favourites: list[str] = []
    for _ in range(rng.randint(1, 3)):
        pool = dog_breeds if rng.random() < dog_affinity else cat_breeds
        if pool:
            favourites.append(rng.choice(pool))
    active = rng.random() < model.active_user_share
    activity = rng.lognormvariate(0.0, model.activity_sigma) if active else 0.0
    return UserProfile(
        user_id=user.user_id,
        created_us=user.created_us,
        activity=activity,
        dog_affinity=dog_affinity,
        favourite_breeds=tuple(dict.fromkeys(favourites)),
    )


def _preference(model_breed: float, model_category: float, match: Match) -> float:
    favourite = model_breed if match.favourite else 0.0
    return favourite + model_category * (match.category_affinity - 0.5) * 2.0


def click_probability(model: HiddenModel, match: Match) -> float:
    """P(select | examined)."""
    score = (
        model.click_bias
        + model.click_text * match.text
        + _preference(model.click_breed, model.click_category, match)
        + model.click_popularity * match.popularity
    )
    return sigmoid(score)


def see_long_probability(model: HiddenModel, match: Match) -> float:
    """P(see_long | select)."""
    score = (
        model.see_long_bias
        + model.see_long_text * match.text
        + (model.see_long_breed if match.favourite else 0.0)
        + model.see_long_popularity * match.popularity
    )
    return sigmoid(score)


def like_probability(model: HiddenModel, match: Match) -> float:
    """P(like | see_long)."""
    score = (
        model.like_bias
        + _preference(model.like_breed, model.like_category, match)
        + model.like_popularity * match.popularity
    )
    return sigmoid(score)
