"""Rendering one animal's photo: a deterministic variation of a source photo.

Runs inside worker processes; everything a job needs travels in the picklable ``PhotoJob``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageEnhance, ImageOps, UnidentifiedImageError

from aianimals.dataset.generator.rng import DatasetError, substream

MAX_SIDE = 480
JPEG_QUALITY = 82


@dataclass(frozen=True, slots=True)
class PhotoJob:
    """Render ``source`` to ``destination``, varied with a seed unless ``vary`` is False."""

    animal_id: str
    source: str
    destination: str
    seed: int
    vary: bool


def render_batch(jobs: list[PhotoJob]) -> int:
    """Render several jobs (one worker task); returns how many were written."""
    for job in jobs:
        render(job)
    return len(jobs)


def render(job: PhotoJob) -> None:
    """Write the job's JPEG."""
    image = load_source(job.source)
    if job.vary:
        image = _vary(image, substream(job.seed, "photo", job.animal_id))
    image = _fit(image)
    image.save(job.destination, "JPEG", quality=JPEG_QUALITY)


@lru_cache(maxsize=32)
def load_source(path: str) -> Image.Image:
    """Decode a source photo to RGB (cached per process: sources are shared)."""
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        message = f"cannot read photo {path}: {exc}"
        raise DatasetError(message) from exc
    if max(image.size) > 2 * MAX_SIDE:
        image.thumbnail((2 * MAX_SIDE, 2 * MAX_SIDE), Image.Resampling.BILINEAR)
    return image


def _fit(image: Image.Image) -> Image.Image:
    width, height = image.size
    scale = MAX_SIDE / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)


def _vary(image: Image.Image, rng: random.Random) -> Image.Image:
    """Rotate slightly, crop, flip and jitter colour, brightness and contrast."""
    angle = rng.uniform(-7.0, 7.0) if rng.random() < 0.35 else 0.0
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR)
    image = _crop(image, rng, abs(math.sin(math.radians(angle))))
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    image = _fit(image)
    brightness = rng.uniform(0.85, 1.15)
    contrast = rng.uniform(0.85, 1.18)
    lut = [_clamp(((value - 128) * contrast + 128) * brightness) for value in range(256)]
    image = image.point(lut * 3)
    return ImageEnhance.Color(image).enhance(rng.uniform(0.75, 1.25))


def _crop(image: Image.Image, rng: random.Random, sine: float) -> Image.Image:
    """A random crop keeping 62–100 % of each side, clear of rotation corners."""
    width, height = image.size
    margin_x, margin_y = math.ceil(height * sine) + 1, math.ceil(width * sine) + 1
    usable_w, usable_h = max(1, width - 2 * margin_x), max(1, height - 2 * margin_y)
    crop_w = max(1, round(usable_w * rng.uniform(0.62, 1.0)))
    crop_h = max(1, round(usable_h * rng.uniform(0.62, 1.0)))
    left = margin_x + rng.randint(0, usable_w - crop_w)
    top = margin_y + rng.randint(0, usable_h - crop_h)
    return image.crop((left, top, left + crop_w, top + crop_h))


def _clamp(value: float) -> int:
    return max(0, min(255, round(value)))
