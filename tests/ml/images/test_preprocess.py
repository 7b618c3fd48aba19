from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from aianimals.ml.images.preprocess import (
    INPUT_SIZE,
    load_image,
    preprocess,
    preprocess_batch,
    to_rgb,
)

SHAPE = (3, INPUT_SIZE, INPUT_SIZE)
WHITE = (255 - 127) / 128
BLACK = (0 - 127) / 128


def _asymmetric(width: int = 300, height: int = 200) -> Image.Image:
    """An image whose every quadrant differs, so any rotation or flip shows."""
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[: height // 2, : width // 2] = (250, 10, 10)
    pixels[: height // 2, width // 2 :] = (10, 250, 10)
    pixels[height // 2 :, : width // 2] = (10, 10, 250)
    pixels[height // 2 :, width // 2 :] = (240, 240, 20)
    return Image.fromarray(pixels, mode="RGB")


def _with_orientation(image: Image.Image, orientation: int) -> Image.Image:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    buffer.seek(0)
    return load_image(buffer)


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "LA", "P", "CMYK", "1", "I;16", "I", "F"])
def test_every_image_mode_becomes_a_float32_chw_array_at_the_input_size(mode: str) -> None:
    if mode in ("I;16", "I", "F"):
        image = Image.fromarray(np.full((120, 90), 1000, dtype=np.uint16)).convert(mode)
    else:
        image = _asymmetric().convert(mode)
    array = preprocess(image)
    assert array.shape == SHAPE
    assert array.dtype == np.float32
    assert array.flags.c_contiguous
    assert np.isfinite(array).all()


def test_preprocessing_is_deterministic_and_the_batch_stacks_single_images() -> None:
    images = [_asymmetric(), _asymmetric(640, 480).rotate(30), _asymmetric(100, 400)]
    batch = preprocess_batch(images)
    assert batch.shape == (3, *SHAPE)
    assert batch.dtype == np.float32
    for row, image in enumerate(images):
        assert np.array_equal(batch[row], preprocess(image))
        assert np.array_equal(preprocess(image), preprocess(image.copy()))


def test_an_empty_batch_has_the_input_shape_and_no_rows() -> None:
    assert preprocess_batch([]).shape == (0, *SHAPE)


def test_pixel_values_map_to_minus_one_to_one_as_efficientnet_lite_was_trained() -> None:
    white = preprocess(Image.new("RGB", (50, 50), (255, 255, 255)))
    black = preprocess(Image.new("RGB", (50, 50), (0, 0, 0)))
    assert np.allclose(white, WHITE)
    assert np.allclose(black, BLACK)


def test_channels_come_out_in_rgb_order() -> None:
    red = preprocess(Image.new("RGB", (64, 64), (255, 0, 0)))
    assert np.allclose(red[0], WHITE)
    assert np.allclose(red[1:], BLACK)


def test_the_central_crop_drops_the_edges_of_a_wide_image() -> None:
    pixels = np.full((200, 400, 3), 128, dtype=np.uint8)
    pixels[:, :100] = (255, 0, 0)  # the crop spans x = 112.5 … 287.5
    pixels[:, 300:] = (0, 0, 255)
    array = preprocess(Image.fromarray(pixels, mode="RGB"))
    assert np.allclose(array, (128 - 127) / 128)


@pytest.mark.parametrize(("orientation", "transpose"), [
    (3, Image.Transpose.ROTATE_180),
    (6, Image.Transpose.ROTATE_270),
    (8, Image.Transpose.ROTATE_90),
    (2, Image.Transpose.FLIP_LEFT_RIGHT),
])  # fmt: skip
def test_exif_orientation_is_applied_before_cropping(
    orientation: int, transpose: Image.Transpose
) -> None:
    stored = _asymmetric()
    tagged = _with_orientation(stored, orientation)
    upright = stored.transpose(transpose)
    assert np.array_equal(preprocess(tagged), preprocess(upright))
    assert not np.array_equal(preprocess(tagged), preprocess(stored))


def test_transparent_pixels_are_composited_over_white() -> None:
    transparent = Image.new("RGBA", (80, 60), (0, 0, 0, 0))
    assert np.allclose(preprocess(transparent), WHITE)
    palette = Image.new("P", (40, 40), 0)
    palette.info["transparency"] = 0
    assert np.allclose(preprocess(palette), WHITE)


def test_sixteen_bit_and_float_greyscale_are_scaled_to_eight_bits() -> None:
    sixteen = Image.fromarray(np.full((32, 32), 65535, dtype=np.uint16))
    unit_float = Image.fromarray(np.full((32, 32), 1.0, dtype=np.float32), mode="F")
    assert to_rgb(sixteen).getpixel((0, 0)) == (255, 255, 255)
    assert to_rgb(unit_float).getpixel((0, 0)) == (255, 255, 255)


def test_load_image_decodes_fully_and_keeps_the_exif_orientation() -> None:
    tagged = _with_orientation(_asymmetric(), 6)
    assert tagged.size == (300, 200)
    assert tagged.getexif()[0x0112] == 6
    assert to_rgb(tagged).size == (200, 300)
