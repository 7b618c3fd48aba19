"""A directory of immutable versions with a CURRENT pointer, shared by the embedded indexes.

    ROOT/CURRENT   name of the live version (replaced atomically)
    ROOT/lock      flock'ed by writers, across processes

Subclasses write their versions; this keeps the pointer, the lock and the fsync rules.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class VersionedDirectory:
    """Versions under `root`; `fsync` off only for tests and scratch copies."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync
        root.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The cross-process writer lock."""
        with (self.root / "lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def current(self) -> str | None:
        """The live version's name, or None before the first one."""
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def set_current(self, name: str) -> None:
        """Make `name` the live version (a synced temporary file, then an atomic rename)."""
        temporary = self.root / f".CURRENT-{uuid.uuid4().hex}"
        self._write_file(temporary, name.encode())
        os.replace(temporary, self.root / "CURRENT")
        self._sync_dir(self.root)

    def _write_file(self, path: Path, data: bytes) -> None:
        with path.open("wb") as handle:
            handle.write(data)
            handle.flush()
            self._sync(handle.fileno())

    def _sync(self, fd: int) -> None:
        if self.fsync:
            os.fsync(fd)

    def _sync_dir(self, path: Path) -> None:
        if not self.fsync:
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
