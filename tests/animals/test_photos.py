"""Photo validation and normalisation, on real image bytes."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from aianimals.animals.photos import (
    PhotoLimits,
    PhotoStore,
    animal_of_key,
    photo_key,
    prepare_photo,
)
from aianimals.animals.thumbnails import THUMBNAIL_SIDE, thumbnail_key
from aianimals.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from aianimals.core.ids import new_id
from aianimals.ports.blobs.store import LocalBlobStore
from tests.animals.images import image_bytes, png_with_huge_header

LIMITS = PhotoLimits(max_bytes=5 * 1024 * 1024, max_pixels=40_000_000)


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_are_stored_as_jpeg(fmt: str) -> None:
    stored = _decoded(prepare_photo(image_bytes(fmt, (64, 48)), LIMITS))
    assert stored.format == "JPEG"
    assert stored.mode == "RGB"
    assert stored.size == (64, 48)


def test_text_file_is_unsupported_media_type() -> None:
    with pytest.raises(UnsupportedMediaType, match="JPEG, PNG, WEBP"):
        prepare_photo(b"just some text, renamed to cat.jpg\n" * 10, LIMITS)


def test_gif_is_unsupported_media_type() -> None:
    with pytest.raises(UnsupportedMediaType):
        prepare_photo(image_bytes("GIF", (8, 8)), LIMITS)


def test_empty_file_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        prepare_photo(b"", LIMITS)


def test_more_bytes_than_allowed_is_too_large() -> None:
    data = image_bytes("PNG", (64, 64))
    with pytest.raises(PayloadTooLarge, match="bytes"):
        prepare_photo(data, PhotoLimits(max_bytes=len(data) - 1, max_pixels=10**6))


def test_decompression_bomb_is_refused_from_the_header() -> None:
    with pytest.raises(PayloadTooLarge):
        prepare_photo(png_with_huge_header(100_000, 100_000), LIMITS)


def test_more_pixels_than_allowed_is_refused_before_decoding() -> None:
    with pytest.raises(PayloadTooLarge, match="8000x8000"):
        prepare_photo(png_with_huge_header(8000, 8000), LIMITS)


def test_truncated_jpeg_is_invalid() -> None:
    data = image_bytes("JPEG", (256, 256), quality=95)
    with pytest.raises(InvalidInput, match="truncated or corrupt"):
        prepare_photo(data[: len(data) // 2], LIMITS)


def test_corrupt_png_is_invalid() -> None:
    data = bytearray(image_bytes("PNG", (64, 64)))
    data[60:80] = b"\x00" * 20
    with pytest.raises(InvalidInput):
        prepare_photo(bytes(data), LIMITS)


def test_longer_side_is_capped_keeping_the_aspect_ratio() -> None:
    stored = _decoded(prepare_photo(image_bytes("PNG", (4000, 1000)), LIMITS))
    assert stored.size == (1600, 400)


def test_exif_orientation_is_applied_and_metadata_stripped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "SecretCam"  # camera make
    data = image_bytes("JPEG", (80, 40), exif=exif.tobytes())
    stored = _decoded(prepare_photo(data, LIMITS))
    assert stored.size == (40, 80)
    assert not stored.getexif()
    assert b"SecretCam" not in prepare_photo(data, LIMITS)


def test_transparent_png_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")
    stored = _decoded(prepare_photo(output.getvalue(), LIMITS))
    red, green, blue = stored.getpixel((5, 5))  # type: ignore[misc]
    assert min(red, green, blue) > 240


def test_photo_store_saves_photo_and_thumbnail_under_the_animal_key(tmp_path: Path) -> None:
    store = PhotoStore(LocalBlobStore(tmp_path, "/media"), LIMITS)
    stored = store.save("a" * 32, image_bytes("PNG", size=(900, 600)))
    assert stored.photo_url == f"/media/animals/{'a' * 32}.jpg"
    assert stored.thumbnail_url == f"/media/thumbnails/{'a' * 32}.jpg"
    assert _decoded((tmp_path / photo_key("a" * 32)).read_bytes()).format == "JPEG"
    thumbnail = _decoded((tmp_path / thumbnail_key("a" * 32)).read_bytes())
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (THUMBNAIL_SIDE, 213))
    double = _decoded((tmp_path / thumbnail_key("a" * 32, 640)).read_bytes())
    assert (double.format, double.size) == ("JPEG", (640, 427))


_PEAK_PROBE = r"""
import io, resource, sys
from PIL import Image
from aianimals.animals.photos import PhotoLimits, prepare_photo

side, mode, fmt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
image = Image.new(mode, (side, side), (200, 120, 40, 255)[: len(mode)])
buffer = io.BytesIO()
image.save(buffer, format=fmt)
data = buffer.getvalue()
del image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
prepare_photo(data, PhotoLimits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000))
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "fmt"), [("RGBA", "PNG"), ("RGB", "WEBP")])
def test_a_large_photo_is_held_at_full_size_once_at_most(mode: str, fmt: str) -> None:
    side = 4800  # 23 Mpx, under the cap for formats decoded whole
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, str(side), mode, fmt],
        capture_output=True,
        text=True,
        check=True,
    )
    full_size = side * side * 4  # bytes of one decoded copy (Pillow keeps RGB in 4 bytes)
    assert int(result.stdout) < 1.8 * full_size  # it was 2.2-2.7 times


def test_a_png_over_the_whole_decode_cap_is_refused_from_its_header() -> None:
    limits = PhotoLimits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)
    with pytest.raises(PayloadTooLarge, match="24000000 pixels are accepted for PNG"):
        prepare_photo(png_with_huge_header(6300, 6300), limits)


def test_photo_stores_of_one_process_share_their_decode_slots(tmp_path: Path) -> None:
    slots = threading.BoundedSemaphore(1)
    store = PhotoStore(LocalBlobStore(tmp_path, "/media"), LIMITS, slots)
    saved = threading.Event()
    with slots:  # another post is decoding
        worker = threading.Thread(
            target=lambda: (store.save("a" * 32, image_bytes("PNG", (64, 48))), saved.set())
        )
        worker.start()
        assert not saved.wait(0.3)
    assert saved.wait(10)
    worker.join()


def test_the_animal_of_a_photo_or_thumbnail_key_is_known_and_no_other_key_has_one() -> None:
    animal_id = new_id()
    assert animal_of_key(photo_key(animal_id)) == animal_id
    assert animal_of_key(thumbnail_key(animal_id)) == animal_id
    for key in ("animals/abc.jpg", f"animals/{animal_id}.png", f"x/{animal_id}.jpg", "a.jpg"):
        assert animal_of_key(key) is None, key
