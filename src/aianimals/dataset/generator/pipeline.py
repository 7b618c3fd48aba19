"""``generate_dataset``: the whole demo dataset, deterministically from a seed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aianimals.dataset.generator.behaviour import HiddenModel, UserProfile, make_profiles
from aianimals.dataset.generator.likes import LikeBook, background_likes, latent_popularity
from aianimals.dataset.generator.photos import assign_photos, render_photos
from aianimals.dataset.generator.records import (
    access_log_rows,
    animal_rows,
    impression_rows,
    like_rows,
)
from aianimals.dataset.generator.reference import (
    Breed,
    SkeletonAnimal,
    load_breeds,
    load_skeleton,
    load_users,
    select_subset,
)
from aianimals.dataset.generator.rng import parse_timestamp
from aianimals.dataset.generator.search import DemoSearch, IndexedAnimal
from aianimals.dataset.generator.simulation import SimAnimal, SimulationResult, World, simulate
from aianimals.dataset.generator.texts import AnimalText, generate_texts, searchable_text
from aianimals.dataset.generator.writer import (
    copy_reference_files,
    write_json,
    write_photo_credits,
)

DEFAULT_SEED = 20210521
FULL_ANIMALS = 7_349
FULL_ACCESS_LOGS = 95_000
FULL_BACKGROUND_LIKES = 40_000
SESSIONS_FROM = parse_timestamp("2021-06-01T00:00:00")
TIMELINE_END = parse_timestamp("2021-12-31T23:59:59")

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """What to generate. Sizes default to the reference's, scaled to ``animals``."""

    seed: int = DEFAULT_SEED
    animals: int | None = None  # a deterministic subset of the 7,349 skeleton animals
    photos: bool = True
    photo_dir: Path | None = None  # the user's own photos instead of the bundled ones
    workers: int | None = None  # photo processes (default: every core)
    access_logs: int | None = None  # target rows (default 95,000 × animals / 7,349)
    background_likes: int | None = None  # likes outside searches (default 40,000, scaled)
    model: HiddenModel = field(default_factory=HiddenModel)


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What was written: rows per file, images, seconds."""

    out_dir: Path
    counts: dict[str, int]
    searches: int
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class Simulated:
    """The generated world and its simulated sessions, before anything is written."""

    animals: list[SkeletonAnimal]
    texts: list[AnimalText]
    profiles: list[UserProfile]
    book: LikeBook
    world: World
    result: SimulationResult


def simulate_demo(
    options: GenerationOptions | None = None, progress: ProgressCallback | None = None
) -> Simulated:
    """The animals, users, likes and simulated sessions of the dataset, in memory.

    `generate_dataset` writes exactly these; checks and the learn-to-rank report rebuild
    them from the seed to read what the files do not hold (the hidden model, each search's
    meaning and examination depth).
    """
    opts = options or GenerationOptions()
    animals = select_subset(load_skeleton(), opts.animals, opts.seed)
    breeds = load_breeds()
    texts = generate_texts(animals, breeds, opts.seed)
    profiles = make_profiles(load_users(), breeds, opts.model, opts.seed)
    appeal = latent_popularity(animals, opts.seed)
    scale = len(animals) / FULL_ANIMALS
    like_target = opts.background_likes
    if like_target is None:
        like_target = round(FULL_BACKGROUND_LIKES * scale)
    book = background_likes(
        animals,
        profiles=profiles,
        appeal=appeal,
        model=opts.model,
        target=like_target,
        end_us=TIMELINE_END,
        seed=opts.seed,
    )
    world = _world(
        animals, texts, breeds=breeds, profiles=profiles, appeal=appeal, book=book, model=opts.model
    )
    rows_target = opts.access_logs
    if rows_target is None:
        rows_target = round(FULL_ACCESS_LOGS * scale)
    on_sim = None if progress is None else _step(progress, "simulating searches")
    result = simulate(world, rows_target, opts.seed, on_sim)
    return Simulated(animals, texts, profiles, book, world, result)


def generate_dataset(
    out_dir: Path,
    options: GenerationOptions | None = None,
    progress: ProgressCallback | None = None,
) -> GenerationSummary:
    """Write the whole dataset into ``out_dir`` (created if missing)."""
    opts = options or GenerationOptions()
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = simulate_demo(opts, progress)
    counts = _write_tables(
        out_dir,
        sim.animals,
        sim.texts,
        profiles=sim.profiles,
        book=sim.book,
        result=sim.result,
        seed=opts.seed,
    )
    if opts.photos:
        counts["images"] = _write_photos(out_dir, sim.animals, opts, progress)
    return GenerationSummary(
        out_dir=out_dir,
        counts=counts,
        searches=sim.result.searches,
        elapsed_s=time.perf_counter() - started,
    )


def _step(progress: ProgressCallback, label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        progress(label, done, total)

    return report


def _world(
    animals: list[SkeletonAnimal],
    texts: list[AnimalText],
    *,
    breeds: dict[str, Breed],
    profiles: list[UserProfile],
    appeal: list[float],
    book: LikeBook,
    model: HiddenModel,
) -> World:
    indexed = [
        IndexedAnimal(a.category, a.subcategory, a.created_us, searchable_text(t, breeds[a.breed]))
        for a, t in zip(animals, texts, strict=True)
    ]
    sim_animals = [
        SimAnimal(a.breed, a.category, t.concepts, z)
        for a, t, z in zip(animals, texts, appeal, strict=True)
    ]
    return World(
        animals=sim_animals,
        profiles=profiles,
        breeds=breeds,
        search=DemoSearch(indexed, book.counts()),
        likes=book,
        model=model,
        window=(SESSIONS_FROM, TIMELINE_END),
    )


def _write_tables(
    out_dir: Path,
    animals: list[SkeletonAnimal],
    texts: list[AnimalText],
    *,
    profiles: list[UserProfile],
    book: LikeBook,
    result: SimulationResult,
    seed: int,
) -> dict[str, int]:
    counts = copy_reference_files(out_dir, {animal.animal_id for animal in animals})
    write_json(out_dir / "animal.json", animal_rows(animals, texts), indent=4)
    likes = like_rows(book, animals, profiles, seed)
    write_json(out_dir / "likes.json", {"likes": likes})
    logs = access_log_rows(result.events, animals, profiles, book, seed)
    write_json(out_dir / "access_logs.json", {"access_logs": logs})
    shown = impression_rows(result.impressions, animals, profiles)
    write_json(out_dir / "impressions.json", {"impressions": shown})
    counts.update(
        {
            "animal.json": len(animals),
            "likes.json": len(likes),
            "access_logs.json": len(logs),
            "impressions.json": len(shown),
        }
    )
    return counts


def _write_photos(
    out_dir: Path,
    animals: list[SkeletonAnimal],
    opts: GenerationOptions,
    progress: ProgressCallback | None,
) -> int:
    assignments = assign_photos(animals, opts.seed, opts.photo_dir)
    on_photo = None if progress is None else _step(progress, "rendering photos")
    render_photos(assignments, out_dir / "images", opts.seed, opts.workers, on_photo)
    write_photo_credits(out_dir, assignments)
    return len(assignments)
