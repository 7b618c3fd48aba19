"""The embedded index on disk: immutable version directories, a journal each, a CURRENT file.

    ROOT/CURRENT            name of the live version (replaced atomically)
    ROOT/lock               flock'ed by writers (across processes)
    ROOT/v-…/               a snapshot: *.npy (no pickles), *.json, meta.json
    ROOT/v-…/journal.jsonl  writes since that snapshot, one JSON object a line

A version is written to a temporary directory, fsync'ed and renamed into place before
CURRENT names it, so a reader sees either the old version or the new one, complete.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aianimals.ports.search.documents import FIELDS
from aianimals.ports.search.postings import Postings
from aianimals.ports.search.snapshot import COLUMNS, Snapshot
from aianimals.ports.versioned_dir import VersionedDirectory

FORMAT = 1
JOURNAL = "journal.jsonl"


class Store(VersionedDirectory):
    """Version directories under `root`."""

    def write_version(self, snapshot: Snapshot) -> str:
        """Write `snapshot` as a new (not yet live) version; returns its name."""
        name = f"v-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        temporary = self.root / f".tmp-{name}"
        temporary.mkdir()
        self._write_json(temporary / "ids.json", snapshot.ids)
        for column in COLUMNS:
            self._write_array(temporary / f"{column}.npy", snapshot.columns[column])
        for field, postings, lengths in zip(
            FIELDS, snapshot.postings, snapshot.lengths, strict=True
        ):
            self._write_json(temporary / f"{field}.terms.json", postings.terms)
            self._write_array(temporary / f"{field}.offsets.npy", postings.offsets)
            self._write_array(temporary / f"{field}.docs.npy", postings.docs)
            self._write_array(temporary / f"{field}.tfs.npy", postings.tfs)
            self._write_array(temporary / f"{field}.lengths.npy", lengths)
        self._write_file(temporary / JOURNAL, b"")
        meta = {"format": FORMAT, "documents": len(snapshot.ids), "fields": list(FIELDS)}
        self._write_json(temporary / "meta.json", meta)
        self._sync_dir(temporary)
        temporary.rename(self.root / name)
        self._sync_dir(self.root)
        return name

    def load_version(self, name: str) -> Snapshot:
        """Read a version (postings memory-mapped, read-only)."""
        directory = self.root / name
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT or meta.get("fields") != list(FIELDS):
            raise ValueError(f"search index {directory} has an unknown format; rebuild it")
        postings, lengths = [], []
        for field in FIELDS:
            terms = json.loads((directory / f"{field}.terms.json").read_text())
            postings.append(
                Postings(
                    terms=[str(t) for t in terms],
                    offsets=_load(directory / f"{field}.offsets.npy", mmap=False),
                    docs=_load(directory / f"{field}.docs.npy", mmap=True),
                    tfs=_load(directory / f"{field}.tfs.npy", mmap=True),
                )
            )
            lengths.append(_load(directory / f"{field}.lengths.npy", mmap=False))
        ids = json.loads((directory / "ids.json").read_text())
        columns = {c: _load(directory / f"{c}.npy", mmap=False) for c in COLUMNS}
        return Snapshot([str(i) for i in ids], columns, tuple(postings), tuple(lengths))

    def append(self, name: str, records: list[dict[str, Any]]) -> int:
        """Append records to a version's journal; returns the journal's new size."""
        data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
        return self.append_bytes(name, data)

    def append_bytes(self, name: str, data: bytes) -> int:
        """Append complete journal lines; returns the journal's new size."""
        with (self.root / name / JOURNAL).open("ab") as handle:
            handle.write(data)
            handle.flush()
            if self.fsync:
                os.fsync(handle.fileno())
            return handle.tell()

    def journal_size(self, name: str) -> int:
        try:
            return (self.root / name / JOURNAL).stat().st_size
        except FileNotFoundError:
            return -1

    def journal_bytes(self, name: str, offset: int) -> bytes:
        """The complete lines of a version's journal from `offset` on."""
        with (self.root / name / JOURNAL).open("rb") as handle:
            handle.seek(offset)
            data = handle.read()
        return data[: data.rfind(b"\n") + 1]

    def read_journal(self, name: str, offset: int) -> tuple[list[dict[str, Any]], int]:
        """(records from `offset` on, the offset after the last complete one)."""
        data = self.journal_bytes(name, offset)
        records = [json.loads(line) for line in data.splitlines() if line.strip()]
        return records, offset + len(data)

    def collect_garbage(self, keep: int = 3) -> None:
        """Delete all but the newest `keep` versions (never the live one) and stale temps."""
        live = self.current()
        versions = sorted(p for p in self.root.glob("v-*") if p.is_dir())
        for old in versions[:-keep]:
            if old.name != live:
                shutil.rmtree(old, ignore_errors=True)
        horizon = time.time() - 3600
        for temp in self.root.glob(".tmp-*"):
            if temp.stat().st_mtime < horizon:
                shutil.rmtree(temp, ignore_errors=True)

    def _write_json(self, path: Path, value: object) -> None:
        self._write_file(path, json.dumps(value, ensure_ascii=False).encode())

    def _write_array(self, path: Path, array: npt.NDArray[Any]) -> None:
        with path.open("wb") as handle:
            np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
            self._sync(handle.fileno())


def _load(path: Path, *, mmap: bool) -> Any:
    """An array from a .npy file, never unpickling; memory-mapped (read-only) when asked."""
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
