from __future__ import annotations

from pathlib import Path

import pytest

from aianimals.ml.images.evalset import EvalSet, EvalSetError, load_eval_set

HEADER = "file,label,breed,description,source,author,licence,licence_note\n"


def test_the_bundled_set_has_the_documented_labels_and_counts(eval_set: EvalSet) -> None:
    assert len(eval_set) == 236
    assert eval_set.counts() == {
        "cat": 3,
        "dog": 3,
        "other_animal": 87,
        "no_animal": 137,
        "human": 6,
    }


def test_no_animal_and_human_photos_are_the_no_animal_positives(eval_set: EvalSet) -> None:
    positives = eval_set.no_animal()
    labels = eval_set.labels()
    assert positives.sum() == 137 + 6
    assert set(labels[positives]) == {"no_animal", "human"}
    assert all(
        photo.shows_animal == (not flag)
        for photo, flag in zip(eval_set.photos, positives, strict=True)
    )


def test_every_listed_photo_opens_as_an_image(eval_set: EvalSet) -> None:
    images = eval_set.images()
    assert len(images) == len(eval_set)
    assert all(min(image.size) > 0 and max(image.size) <= 640 for image in images)


def test_breeds_come_from_the_manifest(eval_set: EvalSet) -> None:
    assert all(photo.breed == photo.breed.strip() for photo in eval_set.photos)


def test_a_custom_folder_with_its_own_manifest_can_be_read(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "one.jpg").write_bytes(b"")
    (tmp_path / "manifest.csv").write_text(HEADER + "cat/one.jpg,cat,bengal,,,,,\n")
    loaded = load_eval_set(tmp_path)
    assert [(photo.file, photo.label, photo.breed) for photo in loaded.photos] == [
        ("cat/one.jpg", "cat", "bengal")
    ]


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (None, "no manifest.csv"),
        ("file,label\ncat/one.jpg,cat\n", "lacks columns"),
        (HEADER + "cat/one.jpg,tiger,,,,,,\n", "line 2: unknown label 'tiger'"),
        (HEADER, "lists no photos"),
    ],
)
def test_a_broken_manifest_is_refused(tmp_path: Path, manifest: str | None, message: str) -> None:
    if manifest is not None:
        (tmp_path / "manifest.csv").write_text(manifest)
    with pytest.raises(EvalSetError, match=message):
        load_eval_set(tmp_path)
