"""The embedded index on disk: tantivy indexes in version directories, a CURRENT pointer,
and the writes made while a rebuild runs.

    ROOT/CURRENT            name of the live version (replaced atomically)
    ROOT/lock               flock'ed by writers, across processes
    ROOT/v-…/               a tantivy index, and FORMAT_FILE naming our schema's format
    ROOT/.tmp-v-…/          a version being built
    ROOT/rebuild-….jsonl    the writes since a rebuild began, one JSON object a line; the
                            rebuild holds an flock on it for as long as it runs

tantivy keeps one index consistent for readers in any process (a commit replaces its
meta.json atomically); a rebuild writes a whole new version and swaps CURRENT.
"""

from __future__ import annotations

import fcntl
import json
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any, TextIO

from aianimals.ports.versioned_dir import VersionedDirectory

FORMAT = 1
FORMAT_FILE = "aianimals.json"
Signature = tuple[int, int, int]


class RebuildLog:
    """The writes other writers record while one rebuild runs (flock'ed until closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO = path.open("a+", encoding="utf-8")
        fcntl.flock(self._handle, fcntl.LOCK_EX)

    def records(self) -> list[dict[str, Any]]:
        """Every complete record so far (read under the writers' lock)."""
        self._handle.seek(0)
        lines = self._handle.read().split("\n")[:-1]  # a torn last line was never committed
        return [json.loads(line) for line in lines if line]

    def close(self) -> None:
        if self._handle.closed:
            return
        self.path.unlink(missing_ok=True)
        self._handle.close()  # releases the flock


class Store(VersionedDirectory):
    """Version directories under `root`."""

    VERSION_PREFIX = "v-"

    def path_of(self, name: str) -> Path:
        return self.root / name

    def is_ours(self, name: str) -> bool:
        """Whether version `name` is a tantivy index in our format."""
        try:
            marker = json.loads((self.path_of(name) / FORMAT_FILE).read_text())
        except (OSError, ValueError):
            return False
        return isinstance(marker, dict) and marker.get("format") == FORMAT

    def new_version(self) -> Path:
        """An empty temporary directory to build a version in."""
        temporary = self.root / f".tmp-v-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        temporary.mkdir()
        return temporary

    def publish(self, temporary: Path) -> str:
        """Mark a built version as ours and move it into place (not yet live)."""
        self._write_file(temporary / FORMAT_FILE, json.dumps({"format": FORMAT}).encode())
        self._sync_dir(temporary)
        name = temporary.name.removeprefix(".tmp-")
        temporary.rename(self.root / name)
        self._sync_dir(self.root)
        return name

    def signature(self, name: str) -> Signature | None:
        """Changes whenever a commit lands in version `name` (tantivy renames meta.json)."""
        try:
            stat = (self.path_of(name) / "meta.json").stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def begin_rebuild(self) -> closing[RebuildLog]:
        """A new log that writers fill from now on (made under their lock, so that none
        takes it for the log of a dead rebuild before its flock is held); closed (removed)
        when the `with` block ends."""
        with self.locked():
            return closing(RebuildLog(self.root / f"rebuild-{uuid.uuid4().hex}.jsonl"))

    def log_write(self, record: dict[str, Any]) -> None:
        """Append a committed write to the log of every running rebuild (writers' lock held);
        a log whose rebuild died (its flock is free) is removed."""
        line = json.dumps(record, ensure_ascii=False) + "\n"
        for path in self.root.glob("rebuild-*.jsonl"):
            try:
                handle = path.open("a", encoding="utf-8")
            except FileNotFoundError:
                continue
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.write(line)
                    handle.flush()
                    self._sync(handle.fileno())
                else:
                    path.unlink(missing_ok=True)
