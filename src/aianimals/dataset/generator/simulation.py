"""Simulated sessions: users search, scan results top-down, click, dwell and like.

A cascade examination model: the user examines position 0, then each next position with
probability ``continue_prob`` (``continue_after_click`` after a click); an examined
animal is selected, read at length and liked according to the hidden model. Impressions
are logged as the app logs them: every result of each page the user loaded (``PAGE_SIZE``
per page; a user who examines past a page loads the next one).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from aianimals.dataset.generator.behaviour import (
    HiddenModel,
    Match,
    UserProfile,
    click_probability,
    like_probability,
    see_long_probability,
)
from aianimals.dataset.generator.likes import LikeBook
from aianimals.dataset.generator.queries import Intent, first_intent, next_intent
from aianimals.dataset.generator.reference import Breed
from aianimals.dataset.generator.rng import SECOND, substream, uuid_hex
from aianimals.dataset.generator.search import DemoSearch, Query

Progress = Callable[[int, int], None]
PAGE_SIZE = 24
"""Results per page, as the app's search screen loads them."""


@dataclass(frozen=True, slots=True)
class SimAnimal:
    """What the hidden model knows about an animal."""

    breed: str
    category: int
    concepts: frozenset[str]
    appeal: float


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One row of access_logs.json (before ids and like counts are filled in)."""

    search_id: str
    query: Query
    user: int
    animal: int
    action: str
    created_us: int


@dataclass(frozen=True, slots=True)
class Impression:
    """One shown result of one search."""

    search_id: str
    query: Query
    user: int
    animal: int
    position: int
    created_us: int


@dataclass(frozen=True, slots=True)
class Trace:
    """What the logs of one search do not tell: who meant what, and how deep they looked.

    Kept in memory only (never written to the dataset): checks and the generator's own
    model in the learn-to-rank report read it.
    """

    search_id: str
    user: int
    concepts: frozenset[str]
    sort_by: str
    shown: int  # results the search returned (at most ``max_depth``)
    deepest: int  # the last position examined (0-based)


@dataclass(slots=True)
class SimulationResult:
    """Everything the simulated sessions produced."""

    events: list[AccessEvent] = field(default_factory=list)
    impressions: list[Impression] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    searches: int = 0


@dataclass(frozen=True, slots=True)
class World:
    """The fixed inputs of a simulation."""

    animals: list[SimAnimal]
    profiles: list[UserProfile]
    breeds: dict[str, Breed]
    search: DemoSearch
    likes: LikeBook
    model: HiddenModel
    window: tuple[int, int]  # sessions start in [start, end)


def simulate(
    world: World, target_rows: int, seed: int, progress: Progress | None = None
) -> SimulationResult:
    """Run sessions until at least ``target_rows`` access-log rows exist."""
    rng = substream(seed, "simulation")
    result = SimulationResult()
    users = [i for i, profile in enumerate(world.profiles) if profile.activity > 0]
    if not users or not world.animals:
        return result
    cum = list(itertools.accumulate(world.profiles[i].activity for i in users))
    attempts = 0
    while len(result.events) < target_rows and attempts < target_rows * 20:
        attempts += 1
        user = rng.choices(users, cum_weights=cum, k=1)[0]
        _session(world, user, rng, result)
        if progress is not None:
            progress(min(len(result.events), target_rows), target_rows)
    return result


def _session(world: World, user: int, rng: random.Random, result: SimulationResult) -> None:
    profile = world.profiles[user]
    start, end = max(world.window[0], profile.created_us), world.window[1]
    if start >= end:
        return
    moment = start + int(rng.random() * (end - start))
    searches = rng.choices((1, 2, 3, 4, 5), weights=(30, 28, 20, 13, 9), k=1)[0]
    for number in range(searches):
        if number == 0 and rng.random() < 0.75:
            intent = first_intent()
        else:
            intent = next_intent(rng, profile, world.breeds)
        moment = _search(world, user, intent, moment=moment, rng=rng, result=result)
        moment += rng.randint(5, 60) * SECOND


def _search(
    world: World,
    user: int,
    intent: Intent,
    *,
    moment: int,
    rng: random.Random,
    result: SimulationResult,
) -> int:
    """Show results, let the user scan them; returns the time the user leaves."""
    search_id = uuid_hex(rng)
    result.searches += 1
    shown = world.search.show(intent.query, moment, world.model.max_depth, rng)
    shown_at, deepest = moment, -1
    for position, animal in enumerate(shown):
        deepest = position
        moment += rng.randint(1, 4) * SECOND
        match = _match(world, user, animal, intent)
        clicked = rng.random() < click_probability(world.model, match)
        if clicked:
            what = (search_id, intent.query, user, animal)
            moment = _engage(world, what, match, moment=moment, rng=rng, result=result)
        keep_going = world.model.continue_after_click if clicked else world.model.continue_prob
        if rng.random() >= keep_going:
            break
    result.traces.append(
        Trace(search_id, user, intent.concepts, intent.query.sort_by, len(shown), deepest)
    )
    for position in range(min(len(shown), loaded_results(deepest))):
        result.impressions.append(
            Impression(search_id, intent.query, user, shown[position], position, shown_at)
        )
    return moment


def loaded_results(deepest: int) -> int:
    """How many results the app loaded for a user who examined down to ``deepest``."""
    return (deepest // PAGE_SIZE + 1) * PAGE_SIZE


def _engage(
    world: World,
    what: tuple[str, Query, int, int],
    match: Match,
    *,
    moment: int,
    rng: random.Random,
    result: SimulationResult,
) -> int:
    """select → maybe see_long → maybe like; returns the time the user is back."""
    search_id, query, user, animal = what
    result.events.append(AccessEvent(search_id, query, user, animal, "select", moment))
    if rng.random() < see_long_probability(world.model, match):
        moment += rng.randint(6, 40) * SECOND
        result.events.append(AccessEvent(search_id, query, user, animal, "see_long", moment))
        liked = rng.random() < like_probability(world.model, match)
        if liked and not world.likes.has(animal, user):
            moment += rng.randint(1, 10) * SECOND
            world.likes.add(animal, user, moment)
            result.events.append(AccessEvent(search_id, query, user, animal, "like", moment))
    return moment + rng.randint(2, 10) * SECOND


def _match(world: World, user: int, animal_index: int, intent: Intent) -> Match:
    return match_of(world, user, animal_index, intent.concepts)


def match_of(world: World, user: int, animal_index: int, concepts: frozenset[str]) -> Match:
    """The hidden features of showing this animal to this user for the concepts meant."""
    animal = world.animals[animal_index]
    profile = world.profiles[user]
    text = 0.0
    if concepts:
        text = len(concepts & animal.concepts) / len(concepts)
    return Match(
        text=text,
        favourite=animal.breed in profile.favourite_breeds,
        category_affinity=profile.category_affinity(animal.category),
        popularity=animal.appeal,
    )
