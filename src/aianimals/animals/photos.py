"""Posted photos: check what the bytes really are, then store one clean JPEG per animal.

Every step is bounded: the byte count before decoding, the pixel count from the header
before any pixel is decoded, and the output size. Client mistakes become domain errors
(413, 415, 422), never a 500.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from aianimals.animals.thumbnails import THUMBNAIL_SIDE, make_thumbnails, thumbnail_key
from aianimals.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from aianimals.ports.blobs.store import BlobStore
from aianimals.settings import UploadSettings

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_MEDIA_TYPES = ("image/jpeg", "image/png", "image/webp")
"""The media types of `ACCEPTED_FORMATS`, as a browser's file picker names them."""
MAX_SIDE = 1600
JPEG_QUALITY = 85
_BACKGROUND = (255, 255, 255)


SCALED_FORMATS = frozenset({"JPEG"})
"""Formats decoded at a reduced scale; the others are decoded whole, then shrunk."""


@dataclass(frozen=True)
class PhotoLimits:
    """How large a posted photo may be, and how large the stored one is.

    `max_pixels` bounds a JPEG (decoded at a reduced scale); `max_whole_pixels` bounds the
    formats decoded whole (PNG, WebP), whose full-size pixels are held while they decode.
    """

    max_bytes: int
    max_pixels: int
    max_side: int = MAX_SIDE
    max_whole_pixels: int = 24_000_000

    @classmethod
    def from_settings(cls, settings: UploadSettings) -> PhotoLimits:
        """The limits the settings ask for."""
        return cls(
            max_bytes=settings.max_bytes,
            max_pixels=settings.max_pixels,
            max_whole_pixels=min(settings.max_pixels, settings.max_whole_decode_pixels),
        )

    def pixels_for(self, image_format: str | None) -> int:
        """The most pixels an image of `image_format` may have."""
        if image_format in SCALED_FORMATS:
            return self.max_pixels
        return min(self.max_pixels, self.max_whole_pixels)


def _open(data: bytes) -> Image.Image:
    """Open (header only) as one of the accepted formats; 415 for anything else."""
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as error:
        accepted = ", ".join(ACCEPTED_FORMATS)
        msg = f"the file is not an image we accept ({accepted})"
        raise UnsupportedMediaType(msg, field="file", reason="image_type") from error


def _check_pixels(image: Image.Image, limits: PhotoLimits) -> None:
    width, height = image.size
    maximum = limits.pixels_for(image.format)
    if width * height > maximum:
        msg = (
            f"the image is {width}x{height} pixels; at most {maximum} pixels are accepted"
            f" for {image.format}"
        )
        raise PayloadTooLarge(msg, field="file", reason="too_many_pixels")


def decode_photo(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Decode posted bytes into a fully loaded image no larger than needed (about twice
    `max_side` at most), refusing anything unsafe or broken.

    A JPEG is decoded at a reduced scale (`draft`); other formats must be decoded whole, and
    are shrunk by an integer factor at once, so the full-size pixels are held only while
    they are decoded: one full-size copy per decode, never several.
    """
    if not data:
        msg = "the file is empty"
        raise InvalidInput(msg, field="file", reason="empty")
    if len(data) > limits.max_bytes:
        msg = f"the file is larger than {limits.max_bytes} bytes"
        raise PayloadTooLarge(msg, field="file", reason="too_large")
    try:
        with _open(data) as probe:
            _check_pixels(probe, limits)
            probe.verify()
        image = _open(data)
        _check_pixels(image, limits)
        image.draft("RGB", (limits.max_side, limits.max_side))
        image.load()
        return _shrunk(image, limits.max_side)
    except Image.DecompressionBombError as error:
        msg = "the image has too many pixels to be decoded safely"
        raise PayloadTooLarge(msg, field="file", reason="too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        msg = f"the image is truncated or corrupt: {error}"
        raise InvalidInput(msg, field="file", reason="unreadable") from error


_REDUCIBLE_MODES = frozenset({"L", "LA", "RGB", "RGBA", "RGBa", "La", "I", "F", "CMYK"})


def _shrunk(image: Image.Image, side: int) -> Image.Image:
    """`image` reduced by the largest integer factor that keeps its longer side at or above
    `side` (the final resize then still has pixels to spare); the original is closed."""
    factor = max(image.size) // side
    if factor < 2:
        return image
    if image.mode not in _REDUCIBLE_MODES:
        converted = image.convert("RGBA" if _has_transparency(image) else "RGB")
        image.close()
        image = converted
    reduced = image.reduce(factor)
    image.close()
    return reduced


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def normalise_photo(image: Image.Image, limits: PhotoLimits) -> bytes:
    """Upright, RGB, no metadata, longer side capped, encoded as JPEG."""
    upright = ImageOps.exif_transpose(image)
    if _has_transparency(upright):
        rgba = upright.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, _BACKGROUND)
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = upright.convert("RGB")
    rgb.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def prepare_photo(data: bytes, limits: PhotoLimits) -> bytes:
    """Posted bytes → the clean JPEG we store (blocking CPU work: call it off the event loop)."""
    with decode_photo(data, limits) as image:
        return normalise_photo(image, limits)


def photo_key(animal_id: str) -> str:
    """Where an animal's photo lives in the blob store."""
    return f"animals/{animal_id}.jpg"


_ANIMAL_KEY = re.compile(r"^(?:animals|thumbnails)/([0-9a-f]{32})\.jpg$")
"""`photo_key` and `thumbnail_key` of an animal id."""


def animal_of_key(key: str) -> str | None:
    """The animal whose photo or thumbnail is stored under `key`; None for any other key."""
    found = _ANIMAL_KEY.match(key)
    return found.group(1) if found else None


@dataclass(frozen=True)
class StoredPhoto:
    """The public URLs of a stored photo and of its thumbnail."""

    photo_url: str
    thumbnail_url: str


@dataclass(frozen=True)
class PhotoStore:
    """Validates, normalises and stores animal photos through the blob-store port.

    `decodes` bounds how many photos the process decodes at once (their pixels are the
    memory an upload costs); a post beyond it waits for a slot.
    """

    blobs: BlobStore
    limits: PhotoLimits
    decodes: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )

    def save(self, animal_id: str, data: bytes) -> StoredPhoto:
        """Store the normalised photo of `animal_id` and its 1x and 2x thumbnails."""
        with self.decodes:
            photo = prepare_photo(data, self.limits)
        urls = {
            side: self.blobs.put(thumbnail_key(animal_id, side), thumbnail)
            for side, thumbnail in make_thumbnails(photo).items()
        }
        return StoredPhoto(self.blobs.put(photo_key(animal_id), photo), urls[THUMBNAIL_SIDE])
