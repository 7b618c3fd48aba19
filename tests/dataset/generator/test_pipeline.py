"""generate_dataset: determinism and the reference shapes of every file (SYSTEM.md §3.1)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from aianimals.dataset.generator import GenerationOptions, generate_dataset
from tests.dataset.generator.conftest import SMALL, load

HEX32 = re.compile(r"^[0-9a-f]{32}$")
ISO = "%Y-%m-%dT%H:%M:%S.%f"
SPACE = "%Y-%m-%d %H:%M:%S.%f"
JSON_FILES = (
    "animal.json",
    "likes.json",
    "access_logs.json",
    "impressions.json",
    "violation.json",
    "user.json",
    "animal_category.json",
    "animal_subcategory.json",
    "violation_type.json",
)


def _is_uuid4_hex(value: str) -> bool:
    return bool(HEX32.match(value)) and value[12] == "4"


def test_same_seed_gives_identical_files(small_dataset: Path, tmp_path: Path) -> None:
    generate_dataset(tmp_path, GenerationOptions(animals=SMALL, photos=False))
    for name in JSON_FILES:
        assert (tmp_path / name).read_bytes() == (small_dataset / name).read_bytes(), name


def test_different_seed_gives_different_files(small_dataset: Path, tmp_path: Path) -> None:
    generate_dataset(tmp_path, GenerationOptions(seed=7, animals=SMALL, photos=False))
    for name in ("animal.json", "likes.json", "access_logs.json"):
        assert (tmp_path / name).read_bytes() != (small_dataset / name).read_bytes(), name


def test_animal_json_has_reference_shape(small_dataset: Path) -> None:
    animals = load(small_dataset, "animal.json")
    assert len(animals) == SMALL
    for animal_id, row in animals.items():
        assert _is_uuid4_hex(animal_id)
        assert set(row) == {
            "category",
            "subcategory",
            "user_id",
            "name",
            "description",
            "photo_url",
            "created_at",
        }
        assert row["category"] in {1, 2}
        assert isinstance(row["subcategory"], int)
        assert row["name"]
        assert isinstance(row["description"], str)
        assert row["photo_url"] == f"images/{animal_id}.jpg"
        datetime.strptime(row["created_at"], ISO)


def test_likes_are_unique_per_animal_and_user_and_after_creation(small_dataset: Path) -> None:
    animals = load(small_dataset, "animal.json")
    likes = load(small_dataset, "likes.json")["likes"]
    assert likes
    pairs = {(like["animal_id"], like["user_id"]) for like in likes}
    assert len(pairs) == len(likes)
    for like in likes:
        assert set(like) == {"id", "animal_id", "user_id", "created_at"}
        assert _is_uuid4_hex(like["id"])
        created = datetime.strptime(like["created_at"], SPACE)
        assert created > datetime.strptime(animals[like["animal_id"]]["created_at"], ISO)


def test_access_logs_have_reference_shape(small_dataset: Path) -> None:
    animals = load(small_dataset, "animal.json")
    users = load(small_dataset, "user.json")
    logs = load(small_dataset, "access_logs.json")["access_logs"]
    assert logs
    for row in logs:
        assert _is_uuid4_hex(row["id"])
        assert _is_uuid4_hex(row["search_id"])
        assert all(isinstance(phrase, str) for phrase in row["phrases"])
        assert row["animal_category_id"] in {None, 1, 2}
        assert row["animal_subcategory_id"] is None or isinstance(row["animal_subcategory_id"], int)
        assert row["sort_by"] in {"score", "like", "created_at", "random"}
        assert row["model_name"] is None
        assert row["user_id"] in users
        assert isinstance(row["likes"], int)
        assert row["animal_id"] in animals
        assert row["action"] in {"select", "see_long", "like"}
        created = datetime.strptime(row["created_at"], SPACE)
        assert created > datetime.strptime(animals[row["animal_id"]]["created_at"], ISO)


def test_every_logged_like_is_in_likes_json(small_dataset: Path) -> None:
    likes = load(small_dataset, "likes.json")["likes"]
    logs = load(small_dataset, "access_logs.json")["access_logs"]
    liked = {(like["animal_id"], like["user_id"]) for like in likes}
    logged = [(row["animal_id"], row["user_id"]) for row in logs if row["action"] == "like"]
    assert logged
    assert all(pair in liked for pair in logged)


def test_impressions_have_extension_shape(small_dataset: Path) -> None:
    animals = load(small_dataset, "animal.json")
    shown = load(small_dataset, "impressions.json")["impressions"]
    assert shown
    for row in shown:
        assert set(row) == {
            "search_id",
            "user_id",
            "animal_id",
            "position",
            "sort_by",
            "model_name",
            "created_at",
        }
        assert row["animal_id"] in animals
        assert isinstance(row["position"], int)
        assert row["position"] >= 0
        datetime.strptime(row["created_at"], SPACE)


def test_every_clicked_animal_was_shown_in_its_search(small_dataset: Path) -> None:
    shown = load(small_dataset, "impressions.json")["impressions"]
    logs = load(small_dataset, "access_logs.json")["access_logs"]
    pairs = {(row["search_id"], row["animal_id"]) for row in shown}
    assert all((row["search_id"], row["animal_id"]) in pairs for row in logs)


def test_reference_files_are_copied_and_violations_filtered(small_dataset: Path) -> None:
    assert len(load(small_dataset, "user.json")) == 2_848
    assert len(load(small_dataset, "animal_subcategory.json")) == 40
    assert len(load(small_dataset, "violation_type.json")) == 5
    animals = load(small_dataset, "animal.json")
    violations = load(small_dataset, "violation.json")
    assert all(row["animal_id"] in animals for row in violations.values())


def test_subset_scales_access_logs_to_the_reference_rate(small_dataset: Path) -> None:
    logs = load(small_dataset, "access_logs.json")["access_logs"]
    expected = 95_000 * SMALL / 7_349
    assert abs(len(logs) - expected) / expected < 0.05
