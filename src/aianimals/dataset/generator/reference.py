"""The bundled reference files (SYSTEM.md §3.1) and the animal skeleton built from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from aianimals.dataset.generator.rng import parse_timestamp, substream

COPIED_FILES = (
    "animal_category.json",
    "animal_subcategory.json",
    "user.json",
    "violation_type.json",
)
VIOLATION_FILE = "violation.json"
SERVICE_BREEDS = frozenset({"mixed_cat", "mixed_dog"})
"""Breeds of animal_subcategory.json the service offers its users beyond the reference's
(雑種 / ミックス): no reference animal has one."""
SKELETON_FILE = "animal_without_text.json"

JsonObject = dict[str, Any]


def reference_dir() -> Traversable:
    """The folder holding the reference json files inside the package."""
    return resources.files("aianimals.dataset") / "reference"


def bundled_photos_dir() -> Traversable:
    """The folder holding the bundled, licensed photos and their manifest."""
    return resources.files("aianimals.dataset") / "photos"


def read_reference_text(name: str) -> str:
    """The raw text of one reference file."""
    return (reference_dir() / name).read_text(encoding="utf-8")


def read_reference_json(name: str) -> JsonObject:
    """One reference file, parsed."""
    loaded: JsonObject = json.loads(read_reference_text(name))
    return loaded


@dataclass(frozen=True, slots=True)
class SkeletonAnimal:
    """One real animal of the reference: id, breed, owner and date, but no text."""

    animal_id: str
    category: int
    subcategory: int
    breed: str
    user_id: str
    created_at: str
    created_us: int


@dataclass(frozen=True, slots=True)
class SimUserRecord:
    """A user of user.json as the simulation needs it."""

    user_id: str
    created_us: int


@dataclass(frozen=True, slots=True)
class Breed:
    """One row of animal_subcategory.json."""

    slug: str
    category: int
    subcategory: int
    name_en: str
    name_ja: str


def load_skeleton() -> list[SkeletonAnimal]:
    """All skeleton animals, sorted by id."""
    raw = read_reference_json(SKELETON_FILE)
    animals = [
        SkeletonAnimal(
            animal_id=animal_id,
            category=int(row["category"]),
            subcategory=int(row["subcategory"]),
            breed=str(row["specie"]),
            user_id=str(row["user_id"]),
            created_at=str(row["created_at"]),
            created_us=parse_timestamp(str(row["created_at"])),
        )
        for animal_id, row in raw.items()
    ]
    return sorted(animals, key=lambda animal: animal.animal_id)


def select_subset(
    animals: list[SkeletonAnimal], count: int | None, seed: int
) -> list[SkeletonAnimal]:
    """A deterministic subset of ``count`` animals (all when ``count`` is None), by id."""
    if count is None or count >= len(animals):
        return list(animals)
    if count <= 0:
        return []
    chosen = substream(seed, "subset").sample(animals, count)
    return sorted(chosen, key=lambda animal: animal.animal_id)


def load_users() -> list[SimUserRecord]:
    """All users of user.json, sorted by id."""
    raw = read_reference_json("user.json")
    users = [
        SimUserRecord(user_id=user_id, created_us=parse_timestamp(str(row["created_at"])))
        for user_id, row in raw.items()
        if not row.get("deactivated", False)
    ]
    return sorted(users, key=lambda user: user.user_id)


def load_breeds() -> dict[str, Breed]:
    """The reference's breeds of animal_subcategory.json by slug, without SERVICE_BREEDS:
    simulated users neither favour nor search for those, so the generated dataset is the
    same with or without them (the dataset's breed table still lists them)."""
    raw = read_reference_json("animal_subcategory.json")
    return {
        slug: Breed(
            slug=slug,
            category=int(row["category"]),
            subcategory=int(row["subcategory"]),
            name_en=str(row["name_en"]),
            name_ja=str(row["name_ja"]),
        )
        for slug, row in raw.items()
        if slug not in SERVICE_BREEDS
    }


def filter_violations(animal_ids: set[str]) -> JsonObject:
    """violation.json restricted to the generated animals."""
    raw = read_reference_json(VIOLATION_FILE)
    return {key: row for key, row in raw.items() if row["animal_id"] in animal_ids}
