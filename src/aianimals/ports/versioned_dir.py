"""A directory of immutable versions with a CURRENT pointer, shared by the embedded indexes.

    ROOT/CURRENT   name of the live version (replaced atomically)
    ROOT/lock      flock'ed by writers, across processes

Subclasses write their versions (named `VERSION_PREFIX` + a sortable stamp, built in a
`.tmp-…` directory); this keeps the pointer, the lock, the fsync rules and the clean-up.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_TEMPORARY_SECONDS = 3600
"""A temporary directory older than this is a crashed writer's."""


class VersionedDirectory:
    """Versions under `root`; `fsync` off only for tests and scratch copies."""

    VERSION_PREFIX = "v-"

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

    def collect_garbage(self, keep: int = 2) -> None:
        """Delete all but the newest `keep` versions (never the live one) and temporary
        directories older than an hour (a crashed writer's). A reader still on a deleted
        version keeps its open files until it refreshes."""
        live = self.current()
        versions = sorted(p for p in self.root.glob(f"{self.VERSION_PREFIX}*") if p.is_dir())
        for old in versions[:-keep]:
            if old.name != live:
                shutil.rmtree(old, ignore_errors=True)
        horizon = time.time() - STALE_TEMPORARY_SECONDS
        for temporary in self.root.glob(".tmp-*"):
            try:
                stale = temporary.stat().st_mtime < horizon
            except FileNotFoundError:
                continue
            if stale:
                shutil.rmtree(temporary, ignore_errors=True)

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
