"""Posted photos: check what the bytes really are, then store one clean JPEG per animal.

Every step is bounded: the byte count before decoding, the pixel count from the header
before any pixel is decoded, and the output size. Client mistakes become domain errors
(413, 415, 422), never a 500.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from aianimals.animals.thumbnails import make_thumbnail, thumbnail_key
from aianimals.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from aianimals.ports.blobs.store import BlobStore
from aianimals.settings import UploadSettings

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 1600
JPEG_QUALITY = 85
_BACKGROUND = (255, 255, 255)


@dataclass(frozen=True)
class PhotoLimits:
    """How large a posted photo may be, and how large the stored one is."""

    max_bytes: int
    max_pixels: int
    max_side: int = MAX_SIDE

    @classmethod
    def from_settings(cls, settings: UploadSettings) -> PhotoLimits:
        """The limits the settings ask for."""
        return cls(max_bytes=settings.max_bytes, max_pixels=settings.max_pixels)


def _open(data: bytes) -> Image.Image:
    """Open (header only) as one of the accepted formats; 415 for anything else."""
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as error:
        accepted = ", ".join(ACCEPTED_FORMATS)
        msg = f"the file is not an image we accept ({accepted})"
        raise UnsupportedMediaType(msg) from error


def _check_pixels(image: Image.Image, limits: PhotoLimits) -> None:
    width, height = image.size
    if width * height > limits.max_pixels:
        msg = (
            f"the image is {width}x{height} pixels; at most {limits.max_pixels} pixels are accepted"
        )
        raise PayloadTooLarge(msg)


def decode_photo(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Decode posted bytes into a fully loaded image, refusing anything unsafe or broken."""
    if not data:
        msg = "the file is empty"
        raise InvalidInput(msg)
    if len(data) > limits.max_bytes:
        msg = f"the file is larger than {limits.max_bytes} bytes"
        raise PayloadTooLarge(msg)
    try:
        with _open(data) as probe:
            _check_pixels(probe, limits)
            probe.verify()
        image = _open(data)
        _check_pixels(image, limits)
        image.draft("RGB", (limits.max_side, limits.max_side))
        image.load()
    except Image.DecompressionBombError as error:
        msg = "the image has too many pixels to be decoded safely"
        raise PayloadTooLarge(msg) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        msg = f"the image is truncated or corrupt: {error}"
        raise InvalidInput(msg) from error
    return image


def normalise_photo(image: Image.Image, limits: PhotoLimits) -> bytes:
    """Upright, RGB, no metadata, longer side capped, encoded as JPEG."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
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
    """Validates, normalises and stores animal photos through the blob-store port."""

    blobs: BlobStore
    limits: PhotoLimits

    def save(self, animal_id: str, data: bytes) -> StoredPhoto:
        """Store the normalised photo of `animal_id` and its thumbnail."""
        photo = prepare_photo(data, self.limits)
        thumbnail_url = self.blobs.put(thumbnail_key(animal_id), make_thumbnail(photo))
        return StoredPhoto(self.blobs.put(photo_key(animal_id), photo), thumbnail_url)
