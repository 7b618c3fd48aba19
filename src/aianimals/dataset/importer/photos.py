"""Photo files of the dataset into the blob store; http(s) URLs are kept as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from aianimals.animals.photos import photo_key
from aianimals.animals.thumbnails import THUMBNAIL_SIDE, make_thumbnails, thumbnail_key
from aianimals.ports.blobs.store import BlobStore

_REMOTE_PREFIXES = ("http://", "https://")
_PARALLEL_FROM = 64
"""Fewer photos than this are not worth starting processes for."""


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


def store_photos(
    directory: Path,
    rows: list[dict[str, object]],
    blobs: BlobStore,
    workers: int = 1,
    on_done: Callable[[int], None] | None = None,
) -> int:
    """Put each relative photo's bytes and its 1x and 2x thumbnails in the store; point the
    row at the photo and the 1x thumbnail.

    Thumbnails are made in `workers` processes. Returns how many photos were stored; rows
    with http(s) URLs are left alone (their photo stands in for the thumbnail).
    """
    local = [row for row in rows if not is_remote(str(row["photo_url"]))]
    paths = [photo_path(directory, str(row["photo_url"])) for row in local]
    for row, (photo, thumbnails) in zip(local, _read_all(paths, workers), strict=True):
        animal_id = str(row["id"])
        row["photo_url"] = blobs.put(photo_key(animal_id), photo)
        for side, thumbnail in thumbnails.items():
            url = blobs.put(thumbnail_key(animal_id, side), thumbnail)
            if side == THUMBNAIL_SIDE:
                row["thumbnail_url"] = url
        if on_done:
            on_done(1)
    return len(local)


def _read_all(paths: list[Path], workers: int) -> Iterator[tuple[bytes, dict[int, bytes]]]:
    if workers <= 1 or len(paths) < _PARALLEL_FROM:
        yield from map(_read_one, paths)
        return
    chunk = max(1, len(paths) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_one, paths, chunksize=chunk)


def _read_one(path: Path) -> tuple[bytes, dict[int, bytes]]:
    """A photo file's bytes and its 1x and 2x thumbnails (runs in a worker process)."""
    photo = path.read_bytes()
    return photo, make_thumbnails(photo)
