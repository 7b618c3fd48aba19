"""Which photo each animal gets, and rendering them all in parallel.

Sources: the bundled photos of the animal's category, or a user's folder (``--photos``)
with Oxford-IIIT Pet names (``Abyssinian_12.jpg`` → breed ``abyssinian``) or
``<animal_id>.jpg`` names. Animals without a match fall back to the bundled photos.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aianimals.dataset.generator.imaging import PhotoJob, render_batch
from aianimals.dataset.generator.reference import SkeletonAnimal, bundled_photos_dir
from aianimals.dataset.generator.rng import DatasetError, substream

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
CATEGORY_FOLDERS = {0: "other_animal", 1: "cat", 2: "dog"}
BATCH = 48
_OXFORD = re.compile(r"^(?P<breed>.+?)_(?P<number>\d+)$")


@dataclass(frozen=True, slots=True)
class PhotoSource:
    """A source photo: ``label`` is what credits show (``cat/x.jpg`` or ``user:x.jpg``)."""

    label: str
    path: Path
    bundled: bool


@dataclass(frozen=True, slots=True)
class Assignment:
    """The source chosen for one animal."""

    animal_id: str
    source: PhotoSource
    varied: bool


def bundled_sources() -> dict[int, list[PhotoSource]]:
    """Bundled photos per category id, sorted by file name."""
    root = Path(str(bundled_photos_dir()))
    table: dict[int, list[PhotoSource]] = {}
    for category, folder in CATEGORY_FOLDERS.items():
        files = sorted(p for p in (root / folder).iterdir() if p.suffix in IMAGE_SUFFIXES)
        table[category] = [PhotoSource(f"{folder}/{p.name}", p, bundled=True) for p in files]
    return table


def user_sources(
    folder: Path, animal_ids: set[str]
) -> tuple[dict[str, PhotoSource], dict[str, list[PhotoSource]]]:
    """A user's photos by animal id and by breed slug (Oxford-IIIT Pet naming)."""
    if not folder.is_dir():
        message = f"photo folder not found: {folder}"
        raise DatasetError(message)
    by_animal: dict[str, PhotoSource] = {}
    by_breed: dict[str, list[PhotoSource]] = defaultdict(list)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            continue
        source = PhotoSource(f"user:{path.name}", path, bundled=False)
        if path.stem in animal_ids:
            by_animal[path.stem] = source
            continue
        oxford = _OXFORD.match(path.stem)
        if oxford is not None:
            by_breed[oxford.group("breed").lower()].append(source)
    return by_animal, dict(by_breed)


def assign_photos(
    animals: list[SkeletonAnimal], seed: int, photo_dir: Path | None = None
) -> list[Assignment]:
    """One source per animal; ``varied`` when the source is shared by several animals."""
    bundled = bundled_sources()
    by_animal: dict[str, PhotoSource] = {}
    by_breed: dict[str, list[PhotoSource]] = {}
    if photo_dir is not None:
        by_animal, by_breed = user_sources(photo_dir, {a.animal_id for a in animals})
    position: dict[str, int] = defaultdict(int)
    chosen: list[PhotoSource] = []
    for animal in animals:
        if animal.animal_id in by_animal:
            source = by_animal[animal.animal_id]
        elif animal.breed in by_breed:
            files = by_breed[animal.breed]
            source = files[position[animal.breed] % len(files)]
            position[animal.breed] += 1
        else:
            pool = bundled.get(animal.category) or bundled[0]
            source = substream(seed, "photo-source", animal.animal_id).choice(pool)
        chosen.append(source)
    uses: dict[Path, int] = defaultdict(int)
    for source in chosen:
        uses[source.path] += 1
    return [
        Assignment(animal.animal_id, source, varied=uses[source.path] > 1 or source.bundled)
        for animal, source in zip(animals, chosen, strict=True)
    ]


def render_photos(
    assignments: list[Assignment],
    images_dir: Path,
    seed: int,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write ``images/<animal_id>.jpg`` for every assignment, on several processes."""
    images_dir.mkdir(parents=True, exist_ok=True)
    jobs = [
        PhotoJob(
            a.animal_id, str(a.source.path), str(images_dir / f"{a.animal_id}.jpg"), seed, a.varied
        )
        for a in assignments
    ]
    batches = [jobs[start : start + BATCH] for start in range(0, len(jobs), BATCH)]
    count = workers if workers is not None else (os.cpu_count() or 1)
    done = 0
    if count <= 1 or len(batches) <= 1:
        for batch in batches:
            done += render_batch(batch)
            if progress is not None:
                progress(done, len(jobs))
        return
    # fork: workers need no re-import of __main__ (works from notebooks and stdin too);
    # they only touch PIL and this package, never a lock held by the parent's threads.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        for written in pool.map(render_batch, batches):
            done += written
            if progress is not None:
                progress(done, len(jobs))
