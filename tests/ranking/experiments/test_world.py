"""The replayed world is the one the dataset generator simulated its users in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aianimals.dataset.generator import GenerationOptions, generate_dataset
from aianimals.dataset.generator.queries import Intent
from aianimals.dataset.generator.search import Query
from aianimals.ranking.experiments.world import ReplayWorld, build_world, match_for, search_body

SEED, ANIMALS = 7, 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny dataset without photos."""
    out = tmp_path_factory.mktemp("world")
    generate_dataset(out, GenerationOptions(seed=SEED, animals=ANIMALS, photos=False))
    return out


@pytest.fixture(scope="module")
def world() -> ReplayWorld:
    """The world of that dataset, rebuilt from its seed."""
    return build_world(SEED, ANIMALS)


def test_animals_are_keyed_by_the_generated_animal_ids(generated: Path, world: ReplayWorld) -> None:
    animal_ids = set(json.loads((generated / "animal.json").read_text()))

    assert set(world.animals) == animal_ids


def test_every_user_who_searched_in_the_dataset_is_an_active_profile(
    generated: Path, world: ReplayWorld
) -> None:
    logs = json.loads((generated / "access_logs.json").read_text())["access_logs"]
    active = {world.profiles[index].user_id for index in world.active}

    assert logs
    assert {row["user_id"] for row in logs} <= active
    assert all(user_id in world.handles for user_id in active)
    assert len(world.cum_weights) == len(world.active)


def test_match_uses_the_hidden_concepts_breed_and_appeal(world: ReplayWorld) -> None:
    animal_id, animal = next(iter(world.animals.items()))
    profile = world.profiles[world.active[0]]
    concept = sorted(animal.concepts)[0]
    intent = Intent(Query(("x",), None, None, "score"), frozenset({concept, "no-such-concept"}))
    result = {"id": animal_id, "animal_category_id": 9, "animal_subcategory_id": 9}

    match = match_for(world, profile, intent, result)

    assert match.text == pytest.approx(0.5)
    assert match.popularity == animal.appeal
    assert match.favourite == (animal.breed in profile.favourite_breeds)
    assert match.category_affinity == profile.category_affinity(animal.category)


def test_an_animal_posted_after_the_dataset_gets_neutral_hidden_features(
    world: ReplayWorld,
) -> None:
    profile = world.profiles[world.active[0]]
    intent = Intent(Query(("dog",), None, None, "score"), frozenset({"dog"}))
    result = {"id": "f" * 32, "animal_category_id": 2, "animal_subcategory_id": 14}

    match = match_for(world, profile, intent, result)

    assert (match.text, match.popularity) == (0.0, 0.0)
    assert match.category_affinity == profile.category_affinity(2)


def test_search_body_names_the_filters_in_english(world: ReplayWorld) -> None:
    breed = next(b for b in world.breeds.values() if b.category == 2)

    body = search_body(world, Query(("柴犬",), 2, breed.subcategory, "score"), "learn_to_rank")

    assert body == {
        "phrases": ["柴犬"],
        "sort_by": "learn_to_rank",
        "animal_category_name_en": "dog",
        "animal_subcategory_name_en": breed.name_en,
    }
    assert search_body(world, Query((), None, None, "like"), "score") == {
        "phrases": [],
        "sort_by": "score",
    }
