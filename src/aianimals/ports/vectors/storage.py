"""The embedded vector index on disk: immutable snapshots, a journal each, a CURRENT file.

    ROOT/CURRENT              name of the live snapshot (replaced atomically)
    ROOT/lock                 flock'ed by writers (across processes)
    ROOT/s-…/index.faiss      the FAISS index: row r holds the vector of ids[r]
    ROOT/s-…/ids.json         row → id
    ROOT/s-…/alive.npy        row → False once removed or replaced (no pickles)
    ROOT/s-…/meta.json        format, dimension, structure, counts
    ROOT/s-…/journal.bin      writes since that snapshot, as framed records

A snapshot is written to a temporary directory, fsync'ed and renamed into place before
CURRENT names it, so a reader sees the old snapshot or the new one, complete. A journal
record is `<payload length u32><crc32 u32><payload>`, the payload `<header length u32>`,
a JSON header {"op": "add"|"remove", "ids": [...]} and, for adds, the float32 rows. A
record cut short by a crash fails its length or CRC check: readers stop before it and the
next writer truncates it away.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from aianimals.ports.vectors.base import Matrix
from aianimals.ports.versioned_dir import VersionedDirectory

JOURNAL = "journal.bin"
_FRAME = struct.Struct("<II")
_HEADER = struct.Struct("<I")

Op = Literal["add", "remove"]


@dataclass(frozen=True)
class Record:
    """One journalled write: an upsert of `ids` with `vectors`, or their removal."""

    op: Op
    ids: list[str]
    vectors: Matrix | None = None

    def encode(self) -> bytes:
        """The framed bytes of this record."""
        header = json.dumps({"op": self.op, "ids": self.ids}, ensure_ascii=False).encode()
        rows = b"" if self.vectors is None else np.ascontiguousarray(self.vectors).tobytes()
        payload = _HEADER.pack(len(header)) + header + rows
        return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def decode_records(data: bytes, dim: int) -> tuple[list[Record], int]:
    """The complete, intact records at the start of `data`, and the bytes they take."""
    records: list[Record] = []
    position = 0
    while position + _FRAME.size <= len(data):
        length, crc = _FRAME.unpack_from(data, position)
        start, end = position + _FRAME.size, position + _FRAME.size + length
        if end > len(data) or zlib.crc32(data[start:end]) != crc:
            break
        (header_length,) = _HEADER.unpack_from(data, start)
        header_end = start + _HEADER.size + header_length
        header = json.loads(data[start + _HEADER.size : header_end])
        ids = [str(i) for i in header["ids"]]
        vectors = None
        if header["op"] == "add":
            flat = np.frombuffer(data[header_end:end], dtype=np.float32)
            vectors = flat.reshape(len(ids), dim).copy()
        records.append(Record(header["op"], ids, vectors))
        position = end
    return records, position


class VectorStore(VersionedDirectory):
    """Snapshot directories and their journals under `root`."""

    VERSION_PREFIX = "s-"

    def path(self, name: str) -> Path:
        """The directory of snapshot `name`."""
        return self.root / name

    def write_snapshot(self, write: Callable[[Path], None]) -> str:
        """A new (not yet live) snapshot whose files `write` puts in the directory it is
        given; returns its name."""
        name = f"s-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        temporary = self.root / f".tmp-{name}"
        temporary.mkdir()
        try:
            write(temporary)
            (temporary / JOURNAL).touch()
            for file in temporary.iterdir():
                self._sync_file(file)
            self._sync_dir(temporary)
            temporary.rename(self.root / name)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        self._sync_dir(self.root)
        return name

    def append(self, name: str, data: bytes, at: int) -> int:
        """Write `data` to a journal at offset `at` (dropping a torn tail beyond it);
        returns the journal's new size."""
        with (self.root / name / JOURNAL).open("r+b") as handle:
            handle.truncate(at)
            handle.seek(at)
            handle.write(data)
            handle.flush()
            self._sync(handle.fileno())
            return handle.tell()

    def journal_size(self, name: str) -> int:
        """The journal's size in bytes, -1 when the snapshot is gone."""
        try:
            return (self.root / name / JOURNAL).stat().st_size
        except FileNotFoundError:
            return -1

    def read_journal(self, name: str, offset: int, dim: int) -> tuple[list[Record], int, bytes]:
        """(records from `offset` on, the offset after the last intact one, their bytes)."""
        try:
            with (self.root / name / JOURNAL).open("rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return [], offset, b""
        records, used = decode_records(data, dim)
        return records, offset + used, data[:used]

    def _sync_file(self, path: Path) -> None:
        if self.fsync:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
