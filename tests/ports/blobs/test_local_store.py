"""The local photo store."""

from __future__ import annotations

from pathlib import Path

import pytest

from aianimals.ports.blobs.store import BlobNotFoundError, LocalBlobStore


def test_put_then_get_returns_the_bytes_and_a_public_url(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, "/media/")
    assert store.put("animals/a.jpg", b"jpeg") == "/media/animals/a.jpg"
    assert store.get("animals/a.jpg") == b"jpeg"
    assert store.exists("animals/a.jpg")
    assert not list(tmp_path.glob("animals/.tmp-*"))


def test_missing_key_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(BlobNotFoundError):
        LocalBlobStore(tmp_path, "/media").get("animals/none.jpg")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs.jpg", "a/../../b", "a//b", ""])
def test_keys_that_could_escape_the_root_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        LocalBlobStore(tmp_path, "/media").put(key, b"x")


def test_key_naming_a_folder_is_not_found(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, "/media")
    store.put("animals/a.jpg", b"x")
    with pytest.raises(BlobNotFoundError):
        store.get("animals")
