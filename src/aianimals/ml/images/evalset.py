"""The image evaluation set: the bundled, hand-labelled real photos and their manifest.

Labels (see `aianimals/dataset/photos/README.md`): `cat`, `dog`, `other_animal` (an animal
is the main subject), `no_animal` (no animal visible) and `human` (a person, no animal).
For the "no animal in the photo" violation the positives are `no_animal` and `human` —
neither shows an animal — and the negatives are `cat`, `dog` and `other_animal`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from importlib.abc import Traversable

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from aianimals.dataset.generator.reference import bundled_photos_dir
from aianimals.ml.images.preprocess import load_image

MANIFEST = "manifest.csv"
LABELS = ("cat", "dog", "other_animal", "no_animal", "human")
NO_ANIMAL_LABELS = frozenset({"no_animal", "human"})
"""Labels whose photos show no animal: the positives of the no-animal detector."""


class EvalSetError(ValueError):
    """The manifest is missing, malformed or names a file that is not there."""


@dataclass(frozen=True)
class EvalPhoto:
    """One labelled photo: its path inside the photo folder, label and breed slug (or "")."""

    file: str
    label: str
    breed: str

    @property
    def shows_animal(self) -> bool:
        """Whether an animal can be seen (the label is not `no_animal` or `human`)."""
        return self.label not in NO_ANIMAL_LABELS


@dataclass(frozen=True)
class EvalSet:
    """Labelled photos in manifest order, readable from `root`."""

    root: Traversable
    photos: tuple[EvalPhoto, ...]

    def __len__(self) -> int:
        return len(self.photos)

    def open(self, photo: EvalPhoto) -> Image.Image:
        """The decoded photo (EXIF kept, so preprocessing can rotate it)."""
        path = self.root
        for part in photo.file.split("/"):
            path = path / part
        return load_image(io.BytesIO(path.read_bytes()))

    def images(self) -> list[Image.Image]:
        """Every photo, decoded, in order (about 236 images of at most 640 px)."""
        return [self.open(photo) for photo in self.photos]

    def labels(self) -> NDArray[np.str_]:
        """The label of each photo, in order."""
        return np.array([photo.label for photo in self.photos], dtype=np.str_)

    def no_animal(self) -> NDArray[np.bool_]:
        """True where the photo shows no animal (the detector's positives)."""
        return np.array([not photo.shows_animal for photo in self.photos], dtype=np.bool_)

    def counts(self) -> dict[str, int]:
        """Photos per label, in `LABELS` order."""
        counted = Counter(photo.label for photo in self.photos)
        return {label: counted[label] for label in LABELS if counted[label]}


def _parse(text: str) -> tuple[EvalPhoto, ...]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"file", "label", "breed"} - set(reader.fieldnames or ())
    if missing:
        raise EvalSetError(f"{MANIFEST} lacks columns {sorted(missing)}")
    photos = []
    for line, row in enumerate(reader, start=2):
        label = row["label"].strip()
        if label not in LABELS:
            raise EvalSetError(f"{MANIFEST} line {line}: unknown label {label!r}")
        photos.append(EvalPhoto(row["file"].strip(), label, (row["breed"] or "").strip()))
    return tuple(photos)


def load_eval_set(root: Traversable | None = None) -> EvalSet:
    """The photos listed in `root`/manifest.csv (default: the photos bundled in the package)."""
    if root is None:
        root = bundled_photos_dir()
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise EvalSetError(f"no {MANIFEST} in {root}")
    photos = _parse(manifest.read_text(encoding="utf-8"))
    if not photos:
        raise EvalSetError(f"{MANIFEST} in {root} lists no photos")
    return EvalSet(root=root, photos=photos)
