"""Stores for bench/search.py: the demo dataset imported once, then synthetic growth.

The demo store is the demo dataset's users, animals and likes (access logs and impressions
are left out: search does not read them), imported with `import_directory` under weak
argon2 parameters (a scratch store) and one small placeholder JPEG per animal. Larger
stores are a copy of it plus synthetic animals that re-combine the demo's real names,
descriptions, breeds, owners and photos under new ids and dates, and some likes, inserted
in bulk with SQLAlchemy Core.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from PIL import Image
from sqlalchemy import Connection, create_engine, func, insert, select

from aianimals.animals.models import Animal
from aianimals.dataset.importer import import_directory
from aianimals.likes.models import Like
from aianimals.ports.sql import migrate
from aianimals.roles.container import build_container
from aianimals.settings import Settings
from aianimals.users.models import User

WEAK_AUTH = {
    "AIANIMALS_AUTH__ARGON2_MEMORY_KIB": "64",
    "AIANIMALS_AUTH__ARGON2_TIME_COST": "1",
    "AIANIMALS_AUTH__ALLOW_WEAK_HASHING": "true",
}
"""Scratch stores only: argon2id at m=64 KiB, t=1 so importing 2,848 users takes seconds."""

DEMO_FILES = (
    "animal_category.json",
    "animal_subcategory.json",
    "violation_type.json",
    "user.json",
    "animal.json",
    "violation.json",
    "likes.json",
)
BATCH = 10_000
LIKES_PER_ANIMAL = (0, 0, 1, 1, 2, 3, 5, 8)
"""Synthetic likes per animal, drawn uniformly (mean 2.5; the demo has about 6.9)."""
FIRST_DAY = datetime(2020, 1, 1)
DAYS = 730


@dataclass(frozen=True)
class Grown:
    """What `grow_store` added."""

    animals: int
    likes: int
    seconds: float


def slim_dataset(source: Path, target: Path) -> Path:
    """The demo files search needs, linked, with one placeholder photo per animal."""
    target.mkdir(parents=True)
    for name in DEMO_FILES:
        if (source / name).is_file():
            (target / name).symlink_to((source / name).resolve())
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (180, 140, 90)).save(buffer, format="JPEG")
    images = target / "images"
    images.mkdir()
    for animal_id in json.loads((source / "animal.json").read_text("utf-8")):
        (images / f"{animal_id}.jpg").write_bytes(buffer.getvalue())
    return target


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a SQLite store file (the demo store is built once per run)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def count_rows(url: str) -> tuple[int, int]:
    """(animals, likes) in the store."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            animals = connection.scalar(select(func.count()).select_from(Animal)) or 0
            likes = connection.scalar(select(func.count()).select_from(Like)) or 0
    finally:
        engine.dispose()
    return int(animals), int(likes)


def grow_store(url: str, extra: int, seed: int = 20210521) -> Grown:
    """Add `extra` synthetic animals (and their likes) in bulk, in one transaction."""
    started = perf_counter()
    engine = create_engine(url)
    likes = 0
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            sources, users = _demo_rows(connection)
            rng = random.Random(f"{seed}:grow")
            for animals, like_rows in _batches(rng, sources, users, extra):
                connection.execute(insert(Animal), animals)
                if like_rows:
                    connection.execute(insert(Like), like_rows)
                likes += len(like_rows)
    finally:
        engine.dispose()
    return Grown(extra, likes, perf_counter() - started)


def _demo_rows(connection: Connection) -> tuple[list[dict[str, Any]], list[str]]:
    columns = (
        Animal.name,
        Animal.description,
        Animal.category_id,
        Animal.subcategory_id,
        Animal.photo_url,
    )
    sources = [dict(row._mapping) for row in connection.execute(select(*columns))]
    users = list(connection.scalars(select(User.id).where(User.deactivated.is_(False))))
    return sources, users


def _batches(
    rng: random.Random, sources: list[dict[str, Any]], users: list[str], extra: int
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    for start in range(0, extra, BATCH):
        animals: list[dict[str, Any]] = []
        likes: list[dict[str, Any]] = []
        for _ in range(min(BATCH, extra - start)):
            animal = _synthetic_animal(rng, sources, users)
            animals.append(animal)
            likes.extend(_synthetic_likes(rng, animal, users))
        yield animals, likes


def _new_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _synthetic_animal(
    rng: random.Random, sources: list[dict[str, Any]], users: list[str]
) -> dict[str, Any]:
    """A real description (with its breed and photo) under another real animal's name."""
    text = rng.choice(sources)
    created = FIRST_DAY + timedelta(seconds=rng.uniform(0, DAYS * 86_400))
    return {
        "id": _new_id(rng),
        "category_id": text["category_id"],
        "subcategory_id": text["subcategory_id"],
        "user_id": rng.choice(users),
        "name": rng.choice(sources)["name"],
        "description": text["description"],
        "photo_url": text["photo_url"],
        "deactivated": False,
        "created_at": created,
        "updated_at": created,
    }


def _synthetic_likes(
    rng: random.Random, animal: dict[str, Any], users: list[str]
) -> list[dict[str, Any]]:
    count = rng.choice(LIKES_PER_ANIMAL)
    rows = []
    for user_id in rng.sample(users, count):
        at = animal["created_at"] + timedelta(hours=rng.uniform(1, 24 * 30))
        rows.append(
            {
                "id": _new_id(rng),
                "animal_id": animal["id"],
                "user_id": user_id,
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def import_demo(dataset: Path, work: Path, url: str | None = None) -> tuple[Path, float]:
    """The demo store at `work/demo.db` (blobs under `work/blobs`), or in the database at
    `url` when given; returns the SQLite file (or `work`) and seconds."""
    started = perf_counter()
    slim = slim_dataset(dataset, work / "dataset")
    store = work / "demo.db"
    settings = Settings(
        var_dir=work / "var",
        database={"url": url or f"sqlite:///{store}"},
        blobs={"root": work / "blobs"},
        auth={"argon2_memory_kib": 64, "argon2_time_cost": 1, "allow_weak_hashing": True},
        search={"path": work / "demo-search"},
        queue={"path": work / "demo-queue.db"},
    )
    container = build_container(settings)
    try:
        migrate.upgrade(container.database)
        import_directory(container, slim)
    finally:
        container.close()
    return (store if url is None else work), perf_counter() - started
