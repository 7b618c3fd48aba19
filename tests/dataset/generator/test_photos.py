"""Photos: category-true sources, distinct variations, --photos mapping, clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PIL import Image

from aianimals.dataset.generator import DatasetError, GenerationOptions, generate_dataset
from aianimals.dataset.generator.photos import assign_photos, render_photos
from aianimals.dataset.generator.reference import load_skeleton, select_subset
from tests.dataset.generator.conftest import load


def _sources(folder: Path) -> dict[str, str]:
    with (folder / "photo_sources.csv").open(encoding="utf-8") as handle:
        return {row["animal_id"]: row["source"] for row in csv.DictReader(handle)}


def test_every_animal_gets_a_photo_of_its_category(photo_dataset: Path) -> None:
    animals = load(photo_dataset, "animal.json")
    sources = _sources(photo_dataset)
    assert set(sources) == set(animals)
    for animal_id, row in animals.items():
        assert (photo_dataset / row["photo_url"]).is_file()
        folder = {1: "cat/", 2: "dog/"}[row["category"]]
        assert sources[animal_id].startswith(folder)


def test_photos_are_small_jpegs(photo_dataset: Path) -> None:
    for path in sorted((photo_dataset / "images").glob("*.jpg"))[:20]:
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert max(image.size) <= 480


def test_animals_sharing_a_source_get_different_images(photo_dataset: Path) -> None:
    sources = _sources(photo_dataset)
    by_source: dict[str, list[str]] = {}
    for animal_id, source in sources.items():
        by_source.setdefault(source, []).append(animal_id)
    shared = max(by_source.values(), key=len)
    images = {(photo_dataset / "images" / f"{a}.jpg").read_bytes() for a in shared}
    assert len(images) == len(shared)


def test_credits_travel_with_the_photos(photo_dataset: Path) -> None:
    with (photo_dataset / "PHOTO_CREDITS.csv").open(encoding="utf-8") as handle:
        credited = {row["file"]: row for row in csv.DictReader(handle)}
    assert set(_sources(photo_dataset).values()) <= set(credited)
    assert all(row["licence"] for row in credited.values())
    assert (photo_dataset / "PHOTOS_README.md").is_file()


def _write_photo(path: Path, colour: tuple[int, int, int]) -> None:
    Image.new("RGB", (64, 48), colour).save(path)


def test_oxford_names_map_to_their_breed(tmp_path: Path) -> None:
    _write_photo(tmp_path / "Abyssinian_12.jpg", (200, 100, 50))
    _write_photo(tmp_path / "american_bulldog_3.jpg", (50, 100, 200))
    animals = [a for a in load_skeleton() if a.breed in {"abyssinian", "american_bulldog"}]
    animals += [a for a in load_skeleton() if a.breed == "pug"][:3]
    assigned = {a.animal_id: a.source for a in assign_photos(animals, 1, tmp_path)}
    for animal in animals:
        label = assigned[animal.animal_id].label
        if animal.breed == "abyssinian":
            assert label == "user:Abyssinian_12.jpg"
        elif animal.breed == "american_bulldog":
            assert label == "user:american_bulldog_3.jpg"
        else:
            assert label.startswith("dog/")


def test_photo_named_after_an_animal_id_goes_to_that_animal(tmp_path: Path) -> None:
    animals = select_subset(load_skeleton(), 5, 3)
    _write_photo(tmp_path / f"{animals[0].animal_id}.jpg", (10, 200, 10))
    assignments = assign_photos(animals, 3, tmp_path)
    assert assignments[0].source.label == f"user:{animals[0].animal_id}.jpg"
    assert not assignments[0].varied
    assert all(a.source.bundled for a in assignments[1:])


def test_unreadable_photo_raises_an_error_naming_the_file(tmp_path: Path) -> None:
    photos = tmp_path / "mine"
    photos.mkdir()
    animals = select_subset(load_skeleton(), 60, 3)
    (photos / f"{animals[-1].animal_id}.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(DatasetError, match=f"{animals[-1].animal_id}.jpg"):
        render_photos(assign_photos(animals, 3, photos), tmp_path / "images", 3, workers=2)


def test_missing_photo_folder_is_a_clear_error(tmp_path: Path) -> None:
    options = GenerationOptions(animals=5, photo_dir=tmp_path / "absent")
    with pytest.raises(DatasetError, match="absent"):
        generate_dataset(tmp_path / "out", options)
