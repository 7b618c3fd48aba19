"""The image-store port: put bytes under a key, read them back, say where they are served."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from aianimals.settings import BlobSettings

_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class BlobNotFoundError(LookupError):
    """No object is stored under the key."""


class BlobStore(Protocol):
    """Where photos live."""

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key` (replacing it) and return its public URL."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes under `key`; BlobNotFoundError when there are none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    def url_for(self, key: str) -> str:
        """The URL at which clients fetch `key`."""
        ...


def check_key(key: str) -> str:
    """Refuse keys that could escape the store (`..`, absolute paths, odd characters)."""
    if not _KEY_PATTERN.match(key) or ".." in key.split("/"):
        msg = f"invalid blob key: {key!r}"
        raise ValueError(msg)
    return key


class LocalBlobStore:
    """Blobs as files under one directory, served by the API at `public_prefix`."""

    def __init__(self, root: Path, public_prefix: str) -> None:
        self.root = root
        self.public_prefix = public_prefix.rstrip("/")

    def path_for(self, key: str) -> Path:
        """The file that holds `key`."""
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> str:
        """Write atomically: a reader never sees half a photo."""
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return self.url_for(key)

    def get(self, key: str) -> bytes:
        """Read the file under `key`."""
        path = self.path_for(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise BlobNotFoundError(key) from error

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self.path_for(key).is_file()

    def url_for(self, key: str) -> str:
        """`/media/<key>` by default."""
        return f"{self.public_prefix}/{check_key(key)}"


def create_blob_store(settings: BlobSettings) -> BlobStore:
    """Build the configured adapter."""
    return LocalBlobStore(settings.root, settings.public_prefix)
