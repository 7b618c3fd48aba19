"""Small copies of the photos for grids: made once, on post and on import, never per request."""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_SIDE = 320
"""Longer side in pixels: a phone's three-column grid at twice its CSS pixel size."""
THUMBNAIL_QUALITY = 78


def thumbnail_key(animal_id: str) -> str:
    """Where an animal's thumbnail lives in the blob store."""
    return f"thumbnails/{animal_id}.jpg"


def make_thumbnail(photo: bytes, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG whose longer side is at most `side`, from an already checked photo's bytes.

    Photos are checked and normalised before they get here (posts) or come from the
    dataset (imports); a photo smaller than `side` is re-encoded at its own size.
    """
    with Image.open(io.BytesIO(photo)) as image:
        image.draft("RGB", (side, side))  # JPEG: decode at a reduced scale when it can
        rgb = image.convert("RGB")
    rgb.thumbnail((side, side), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    rgb.save(output, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    return output.getvalue()
