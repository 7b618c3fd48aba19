"""The demo dataset's hidden world, rebuilt from its seed and keyed by the store's ids.

`generate_dataset` builds its simulated users' world from the seed: the skeleton subset,
generated texts with their concepts, user profiles and latent appeal. `build_world` rebuilds
the same pieces with the same generator functions, so a replay against the live API sees
each animal and user exactly as the dataset's simulation did.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aianimals.dataset.generator.behaviour import HiddenModel, Match, UserProfile, make_profiles
from aianimals.dataset.generator.likes import latent_popularity
from aianimals.dataset.generator.queries import Intent
from aianimals.dataset.generator.reference import (
    Breed,
    load_breeds,
    load_skeleton,
    load_users,
    read_reference_json,
    select_subset,
)
from aianimals.dataset.generator.search import Query
from aianimals.dataset.generator.simulation import SimAnimal
from aianimals.dataset.generator.texts import generate_texts

Json = dict[str, Any]


@dataclass(frozen=True)
class ReplayWorld:
    """The generator's hidden world, with animals keyed by the store's animal ids."""

    model: HiddenModel
    animals: dict[str, SimAnimal]
    profiles: list[UserProfile]
    active: list[int]  # indices of profiles that ever search
    cum_weights: list[float]  # cumulative activity of `active`
    handles: dict[str, str]  # user id → handle name
    breeds: dict[str, Breed]
    slug_by_subcategory: dict[int, str]
    category_names: dict[int, str]


def build_world(seed: int, animals: int | None, model: HiddenModel | None = None) -> ReplayWorld:
    """Rebuild the world `generate_dataset(seed, animals)` simulated its users in."""
    hidden = model or HiddenModel()
    skeleton = select_subset(load_skeleton(), animals, seed)
    breeds = load_breeds()
    texts = generate_texts(skeleton, breeds, seed)
    appeal = latent_popularity(skeleton, seed)
    profiles = make_profiles(load_users(), breeds, hidden, seed)
    active = [index for index, profile in enumerate(profiles) if profile.activity > 0]
    categories = read_reference_json("animal_category.json").values()
    return ReplayWorld(
        model=hidden,
        animals={
            animal.animal_id: SimAnimal(animal.breed, animal.category, text.concepts, z)
            for animal, text, z in zip(skeleton, texts, appeal, strict=True)
        },
        profiles=profiles,
        active=active,
        cum_weights=list(itertools.accumulate(profiles[i].activity for i in active)),
        handles={
            user_id: str(row["handle_name"])
            for user_id, row in read_reference_json("user.json").items()
        },
        breeds=breeds,
        slug_by_subcategory={breed.subcategory: slug for slug, breed in breeds.items()},
        category_names={int(row["category"]): str(row["name_en"]) for row in categories},
    )


def match_for(world: ReplayWorld, profile: UserProfile, intent: Intent, result: Json) -> Match:
    """The hidden features of one API result for this user and intent (as simulation.py).

    An animal outside the generated world (posted since) has no concepts and average appeal.
    """
    animal = world.animals.get(str(result["id"]))
    if animal is None:
        breed = world.slug_by_subcategory.get(int(result["animal_subcategory_id"]), "")
        animal = SimAnimal(breed, int(result["animal_category_id"]), frozenset(), 0.0)
    text = 0.0
    if intent.concepts:
        text = len(intent.concepts & animal.concepts) / len(intent.concepts)
    return Match(
        text=text,
        favourite=animal.breed in profile.favourite_breeds,
        category_affinity=profile.category_affinity(animal.category),
        popularity=animal.appeal,
    )


def search_body(world: ReplayWorld, query: Query, sort_by: str) -> Json:
    """The `POST /v0/animal/search` body of a query, filters by English name."""
    body: Json = {"phrases": list(query.phrases), "sort_by": sort_by}
    if query.category is not None:
        body["animal_category_name_en"] = world.category_names[query.category]
    if query.subcategory is not None:
        slug = world.slug_by_subcategory[query.subcategory]
        body["animal_subcategory_name_en"] = world.breeds[slug].name_en
    return body
