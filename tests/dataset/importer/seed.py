"""A tiny dataset directory in the seed format, written by tests."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from aianimals.core.ids import new_id

Json = dict[str, Any]
# Both timestamp forms, with and without microseconds (one digit of them, too).
LOG_TIMES = ("2021-07-05T12:00:01", "2021-07-05 12:00:02.5", "2021-07-05 12:00:03")


def tiny_jpeg(colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A 4x4 JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Seed:
    """The records of a tiny dataset; tests change them before `write`."""

    categories: Json = field(default_factory=dict)
    subcategories: Json = field(default_factory=dict)
    users: Json = field(default_factory=dict)
    animals: Json = field(default_factory=dict)
    violation_types: Json = field(default_factory=dict)
    violations: Json = field(default_factory=dict)
    likes: list[Json] = field(default_factory=list)
    access_logs: list[Json] = field(default_factory=list)
    impressions: list[Json] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        """Write every file (and the photos) under `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        files = {
            "animal_category.json": self.categories,
            "animal_subcategory.json": self.subcategories,
            "user.json": self.users,
            "animal.json": self.animals,
            "violation_type.json": self.violation_types,
            "violation.json": self.violations,
            "likes.json": {"likes": self.likes},
            "access_logs.json": {"access_logs": self.access_logs},
            "impressions.json": {"impressions": self.impressions},
        }
        for name, content in files.items():
            (directory / name).write_text(json.dumps(content, ensure_ascii=False), "utf-8")
        for relative, data in self.photos.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return directory


def _categories(seed: Seed) -> None:
    for cid, en, ja in ((0, "other", "その他"), (1, "cat", "ネコ"), (2, "dog", "イヌ")):
        seed.categories[en] = {"category": cid, "name_en": en, "name_ja": ja}
    for sid, cid, en, ja in (
        (0, 0, "other", "その他"),
        (1, 1, "abyssinian", "アビシニアン"),
        (14, 2, "shiba_inu", "柴犬"),
        (16, 2, "pug", "パグ"),
    ):
        seed.subcategories[en] = {"category": cid, "subcategory": sid, "name_en": en, "name_ja": ja}


def _people_and_animals(seed: Seed) -> tuple[list[str], list[str]]:
    users = [new_id() for _ in range(3)]
    for index, user_id in enumerate(users):
        seed.users[user_id] = {
            "handle_name": f"user_{index}",
            "email_address": f"user_{index}@example.com",
            "deactivated": False,
            "created_at": "2021-05-21T18:46:20.208762",
            "age": 30 + index,
            "gender": index % 3,
            "password": "password",
        }
    animals = [new_id() for _ in range(4)]
    breeds = ((1, 1), (2, 14), (2, 16), (1, 1))
    for index, (animal_id, (category, subcategory)) in enumerate(zip(animals, breeds, strict=True)):
        seed.animals[animal_id] = {
            "category": category,
            "subcategory": subcategory,
            "user_id": users[index % len(users)],
            "name": f"ポチ{index}",
            "description": "" if index % 2 else "散歩が大好きです",
            "photo_url": f"images/{animal_id}.jpg",
            "created_at": "2021-06-01T10:00:00",
        }
        seed.photos[f"images/{animal_id}.jpg"] = tiny_jpeg((index * 40, 100, 200))
    return users, animals


def _moderation(seed: Seed, animals: list[str]) -> None:
    names = ("human_face", "no_animal", "inappropriate", "not_photo", "copyright")
    type_ids = [new_id() for _ in names]
    for type_id, name in zip(type_ids, names, strict=True):
        seed.violation_types[type_id] = {"name": f"{name}_violation"}
    seed.violations[new_id()] = {
        "animal_id": animals[0],
        "violation_type_id": type_ids[0],
        "violation_type": "human_face_violation",
        "judge": "administrator",
        "probability": 1.0,
        "is_effective": True,
    }


def _events(seed: Seed, users: list[str], animals: list[str]) -> None:
    for index, (user, animal) in enumerate(zip(users, animals[1:], strict=True)):
        created_at = f"2021-07-0{index + 1} 12:00:00.12345{index}"
        seed.likes.append(
            {"id": new_id(), "animal_id": animal, "user_id": user, "created_at": created_at}
        )
    search_id = new_id()
    for index, animal in enumerate(animals):
        seed.impressions.append(
            {
                "search_id": search_id,
                "user_id": users[0],
                "animal_id": animal,
                "position": index,
                "sort_by": "score",
                "model_name": "learn_to_rank_lgbm_ranker",
                "created_at": "2021-07-05 12:00:00",
            }
        )
    for index, action in enumerate(("select", "see_long", "like")):
        seed.access_logs.append(
            {
                "id": new_id(),
                "search_id": search_id,
                "phrases": ["柴犬", "かわいい"] if index else [],
                "animal_category_id": None if index == 0 else 2,
                "animal_subcategory_id": None if index == 0 else 14,
                "sort_by": "score",
                "model_name": None if index == 0 else "learn_to_rank_lgbm_ranker",
                "user_id": users[0],
                "likes": index,
                "animal_id": animals[1],
                "action": action,
                # Both timestamp forms, with and without microseconds.
                "created_at": (
                    "2021-07-05T12:00:01",
                    "2021-07-05 12:00:02.5",
                    "2021-07-05 12:00:03",
                )[index],
            }
        )


def tiny_seed() -> Seed:
    """3 categories, 4 breeds, 3 users, 4 animals with photos, likes, logs, impressions,
    5 violation types and one effective violation."""
    seed = Seed()
    _categories(seed)
    users, animals = _people_and_animals(seed)
    _moderation(seed, animals)
    _events(seed, users, animals)
    return seed
