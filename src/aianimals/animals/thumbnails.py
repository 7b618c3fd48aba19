"""Small copies of the photos for grids, at 1x and 2x: made once, on post and on import.

The 1x thumbnail (`THUMBNAIL_SIDE`) is each animal's `thumbnail_url`; the 2x one
(`THUMBNAIL_2X_SIDE`) is served at the same URL with `?size=640`, for sharp tiles on 2x
screens and wide grids (a tile shows the middle square of the photo, so it draws fewer
source pixels than the thumbnail's longer side). An animal stored before 2x thumbnails
existed gets its 2x copy made from its photo on the first request, then stored.
"""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_SIDE = 320
"""Longer side in pixels of the 1x thumbnail (the `src` of a tile)."""
THUMBNAIL_2X_SIDE = 640
"""Longer side in pixels of the 2x thumbnail (the second `srcset` candidate)."""
THUMBNAIL_SIDES = (THUMBNAIL_SIDE, THUMBNAIL_2X_SIDE)
THUMBNAIL_QUALITY = 78


def thumbnail_2x_url(thumbnail_url: str, photo_url: str) -> str:
    """The URL of the 2x copy of the thumbnail at `thumbnail_url`: the media route's
    `?size=640`; the photo itself where the thumbnail is the photo (remote photos)."""
    if thumbnail_url == photo_url or "?" in thumbnail_url:
        return photo_url
    return f"{thumbnail_url}?size={THUMBNAIL_2X_SIDE}"


def thumbnail_key(animal_id: str, side: int = THUMBNAIL_SIDE) -> str:
    """Where an animal's thumbnail of `side` pixels lives in the blob store."""
    if side == THUMBNAIL_SIDE:
        return f"thumbnails/{animal_id}.jpg"
    return f"thumbnails/{side}/{animal_id}.jpg"


def make_thumbnail(photo: bytes, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG whose longer side is at most `side`, from an already checked photo's bytes.

    Photos are checked and normalised before they get here (posts) or come from the
    dataset (imports); a photo smaller than `side` is re-encoded at its own size.
    """
    return make_thumbnails(photo, (side,))[side]


def make_thumbnails(photo: bytes, sides: tuple[int, ...] = THUMBNAIL_SIDES) -> dict[int, bytes]:
    """A thumbnail per side in `sides` (longer side at most that many pixels), decoding the
    photo once."""
    largest = max(sides)
    with Image.open(io.BytesIO(photo)) as image:
        image.draft("RGB", (largest, largest))  # JPEG: decode at a reduced scale when it can
        rgb = image.convert("RGB")
    made: dict[int, bytes] = {}
    for side in sides:
        small = rgb.copy()  # each from the decoded photo: the same size as made alone
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        small.save(
            output, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True
        )
        made[side] = output.getvalue()
    return made
