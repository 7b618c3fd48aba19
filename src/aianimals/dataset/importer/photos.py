"""Photo files of the dataset into the blob store; http(s) URLs are kept as they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from aianimals.ports.blobs.store import BlobStore

_REMOTE_PREFIXES = ("http://", "https://")


def is_remote(photo_url: str) -> bool:
    """Whether the URL points outside the dataset (kept as given)."""
    return photo_url.startswith(_REMOTE_PREFIXES)


def photo_path(directory: Path, photo_url: str) -> Path:
    """The file a relative `photo_url` (e.g. `images/<id>.jpg`) names under `directory`."""
    return directory.joinpath(*PurePosixPath(photo_url).parts)


def check_photo_url(directory: Path, photo_url: str) -> str | None:
    """Why `photo_url` cannot be imported, or None when it can."""
    if is_remote(photo_url):
        return None
    relative = PurePosixPath(photo_url)
    if relative.is_absolute() or ".." in relative.parts or "://" in photo_url:
        return f"not an http(s) URL nor a path inside the dataset: {photo_url!r}"
    if not photo_path(directory, photo_url).is_file():
        return f"photo file not found: {photo_url!r} under {directory}"
    return None


def blob_key(animal_id: str) -> str:
    """Where an imported animal's photo lives in the blob store."""
    return f"animals/{animal_id}.jpg"


def store_photos(
    directory: Path,
    rows: list[dict[str, object]],
    blobs: BlobStore,
    on_done: Callable[[int], None] | None = None,
) -> int:
    """Put each relative photo's bytes in the store and point the row at the store's URL.

    Returns how many photos were stored; rows with http(s) URLs are left alone.
    """
    stored = 0
    for row in rows:
        url = str(row["photo_url"])
        if is_remote(url):
            continue
        data = photo_path(directory, url).read_bytes()
        row["photo_url"] = blobs.put(blob_key(str(row["id"])), data)
        stored += 1
        if on_done:
            on_done(1)
    return stored
