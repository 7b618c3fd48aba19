"""Likes: a heavy-tailed latent appeal per animal, and a book of unique (animal, user) likes."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from aianimals.dataset.generator.behaviour import HiddenModel, UserProfile
from aianimals.dataset.generator.reference import SkeletonAnimal
from aianimals.dataset.generator.rng import DAY, poisson, substream

LIKE_DELAY_MEAN_DAYS = 12.0
FAVOURITE_WEIGHT = 3.0


@dataclass(frozen=True, slots=True)
class LikeEvent:
    """One like, by index into the generated animals and the user profiles."""

    animal: int
    user: int
    created_us: int


class LikeBook:
    """All likes, at most one per (animal, user), with like counts over time."""

    def __init__(self, animal_count: int) -> None:
        self._pairs: set[tuple[int, int]] = set()
        self._events: list[LikeEvent] = []
        self._times: list[list[int]] = [[] for _ in range(animal_count)]
        self._sorted = True

    def add(self, animal: int, user: int, created_us: int) -> bool:
        """Record a like; False (and nothing recorded) if this user already liked it."""
        if (animal, user) in self._pairs:
            return False
        self._pairs.add((animal, user))
        self._events.append(LikeEvent(animal, user, created_us))
        self._times[animal].append(created_us)
        self._sorted = False
        return True

    def has(self, animal: int, user: int) -> bool:
        """Whether the user liked the animal (at any time)."""
        return (animal, user) in self._pairs

    def count_at(self, animal: int, moment_us: int) -> int:
        """Likes the animal had received up to and including ``moment_us``."""
        if not self._sorted:
            for times in self._times:
                times.sort()
            self._sorted = True
        return bisect.bisect_right(self._times[animal], moment_us)

    def counts(self) -> list[int]:
        """Final like count per animal."""
        return [len(times) for times in self._times]

    @property
    def events(self) -> Sequence[LikeEvent]:
        """Every like, in insertion order."""
        return self._events


def latent_popularity(animals: list[SkeletonAnimal], seed: int) -> list[float]:
    """A standard-normal latent appeal per animal (its own stream, so subsets agree)."""
    return [substream(seed, "appeal", animal.animal_id).gauss(0.0, 1.0) for animal in animals]


def background_likes(
    animals: list[SkeletonAnimal],
    *,
    profiles: list[UserProfile],
    appeal: list[float],
    model: HiddenModel,
    target: int,
    end_us: int,
    seed: int,
) -> LikeBook:
    """Likes outside the simulated searches: Poisson counts with log-normal means."""
    book = LikeBook(len(animals))
    weights = [math.exp(model.popularity_sigma * z) for z in appeal]
    scale = target / sum(weights) if weights else 0.0
    likers = _liker_weights(animals, profiles)
    for index, animal in enumerate(animals):
        rng = substream(seed, "likes", animal.animal_id)
        count = min(poisson(rng, weights[index] * scale), len(profiles) // 2)
        cum = likers[animal.breed]
        for user in _distinct_users(rng, cum, count):
            start = max(animal.created_us, profiles[user].created_us)
            if start < end_us:
                book.add(index, user, _like_time(rng, start, end_us))
    return book


def _liker_weights(
    animals: list[SkeletonAnimal], profiles: list[UserProfile]
) -> dict[str, list[float]]:
    """Cumulative liker weights per breed: activity × category affinity² × favourite."""
    breeds = {animal.breed: animal.category for animal in animals}
    table: dict[str, list[float]] = {}
    for breed, category in sorted(breeds.items()):
        weights = [
            (profile.activity + 0.05)
            * profile.category_affinity(category) ** 2
            * (FAVOURITE_WEIGHT if breed in profile.favourite_breeds else 1.0)
            for profile in profiles
        ]
        table[breed] = list(itertools.accumulate(weights))
    return table


def _distinct_users(rng: random.Random, cum_weights: list[float], count: int) -> list[int]:
    chosen: dict[int, None] = {}
    if count <= 0 or not cum_weights or cum_weights[-1] <= 0:
        return []
    population = range(len(cum_weights))
    attempts = 0
    while len(chosen) < count and attempts < 8:
        for user in rng.choices(population, cum_weights=cum_weights, k=count - len(chosen)):
            chosen.setdefault(user, None)
        attempts += 1
    return list(chosen)[:count]


def _like_time(rng: random.Random, start_us: int, end_us: int) -> int:
    delay = int(rng.expovariate(1.0 / LIKE_DELAY_MEAN_DAYS) * DAY) + rng.randint(1, 600) * 10**6
    if start_us + delay < end_us:
        return start_us + delay
    return start_us + int(rng.random() * (end_us - start_us))
