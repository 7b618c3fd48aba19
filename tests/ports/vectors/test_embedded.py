"""The embedded index beyond the contract: files, crashes, processes, compaction."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from aianimals.ports.vectors.base import AnnParams
from aianimals.ports.vectors.embedded import EmbeddedVectorIndex
from aianimals.ports.vectors.storage import JOURNAL, Record, VectorStore, decode_records
from tests.ports.vectors.conftest import DIM, make_embedded, unit_vectors

VECTORS = unit_vectors(40)
IDS = [f"a{n:02d}" for n in range(len(VECTORS))]


def live_journal(path: Path) -> Path:
    return path / (path / "CURRENT").read_text() / JOURNAL


def test_journal_records_round_trip_and_a_torn_tail_is_not_read() -> None:
    add = Record("add", ["a", "ß"], VECTORS[:2])
    remove = Record("remove", ["a"])
    data = add.encode() + remove.encode()
    records, used = decode_records(data + remove.encode()[:-3], DIM)
    assert used == len(data)
    assert [(r.op, r.ids) for r in records] == [("add", ["a", "ß"]), ("remove", ["a"])]
    assert records[0].vectors is not None
    assert np.array_equal(records[0].vectors, VECTORS[:2])
    corrupted = bytearray(data)
    corrupted[-1] ^= 0xFF
    assert len(decode_records(bytes(corrupted), DIM)[0]) == 1


def test_a_write_torn_by_a_crash_is_ignored_and_then_overwritten(tmp_path: Path) -> None:
    writer = make_embedded(tmp_path)
    writer.add(IDS[:10], VECTORS[:10])
    writer.close()
    with live_journal(tmp_path).open("ab") as journal:  # a crash in the middle of a write
        journal.write(Record("add", ["torn"], VECTORS[10:11]).encode()[:-5])
    reopened = make_embedded(tmp_path)
    assert reopened.count() == 10
    reopened.add(["after"], VECTORS[11:12])
    again = make_embedded(tmp_path)
    assert again.count() == 11
    assert again.search(VECTORS[11], 1)[0][0] == "after"
    assert again.search(VECTORS[10], 1)[0][0] != "torn"


def test_a_snapshot_that_fails_to_write_leaves_the_live_one_alone(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    index.add(IDS, VECTORS)
    live = (tmp_path / "CURRENT").read_text()

    def crash(directory: Path) -> None:
        (directory / "index.faiss").write_bytes(b"half an index")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        VectorStore(tmp_path).write_snapshot(crash)
    assert (tmp_path / "CURRENT").read_text() == live
    assert not list(tmp_path.glob(".tmp-*"))
    assert make_embedded(tmp_path).count() == len(IDS)


def test_another_process_sees_writes_within_a_second(tmp_path: Path) -> None:
    reader = make_embedded(tmp_path, refresh_interval=0.2)
    reader.add(IDS, VECTORS)
    script = (
        "import sys; from pathlib import Path\n"
        "from tests.ports.vectors.conftest import make_embedded, unit_vectors\n"
        "index = make_embedded(Path(sys.argv[1]))\n"
        "index.add(['from-worker'], unit_vectors(1, seed=99))\n"
        "index.remove(['a03'])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    target = unit_vectors(1, seed=99)[0]
    deadline = time.monotonic() + 1.0
    while reader.search(target, 1)[0][0] != "from-worker" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reader.search(target, 1)[0][0] == "from-worker"
    assert "a03" not in [value for value, _ in reader.search(VECTORS[3], 5)]


def test_dead_rows_are_compacted_away_and_readers_follow(tmp_path: Path) -> None:
    writer = make_embedded(tmp_path, compact_min=20)
    reader = make_embedded(tmp_path)
    writer.add(IDS, VECTORS)
    first = (tmp_path / "CURRENT").read_text()
    for _ in range(3):
        writer.add(IDS[:5], VECTORS[:5])  # replacing rows leaves dead ones behind
    assert (tmp_path / "CURRENT").read_text() == first
    writer.remove(IDS[30:])
    assert (tmp_path / "CURRENT").read_text() != first
    reader.refresh()
    for handle in (writer, reader):
        assert handle.count() == 30
        assert handle.search(VECTORS[4], 1)[0][0] == "a04"
        assert "a35" not in [value for value, _ in handle.search(VECTORS[35], 5)]
    assert reader.version == writer.version


def test_a_flat_index_turns_into_hnsw_once_it_outgrows_exact_below(tmp_path: Path) -> None:
    index = make_embedded(tmp_path, exact_below=30)
    index.add(IDS[:20], VECTORS[:20])
    assert index.structure == "flat"
    index.add(IDS[20:], VECTORS[20:])
    assert index.structure == "hnsw"
    assert make_embedded(tmp_path, exact_below=30).structure == "hnsw"
    assert index.search(VECTORS[33], 1)[0][0] == "a33"
    index.rebuild(zip(IDS[:5], VECTORS[:5], strict=True))
    assert index.structure == "flat"


def test_a_long_journal_is_checkpointed_into_a_snapshot(tmp_path: Path) -> None:
    index = make_embedded(tmp_path, checkpoint_bytes=4_000)
    first = (tmp_path / "CURRENT").read_text()
    for n in range(len(IDS)):
        index.add(IDS[n : n + 1], VECTORS[n : n + 1])
    assert (tmp_path / "CURRENT").read_text() != first
    assert live_journal(tmp_path).stat().st_size <= 4_000
    assert make_embedded(tmp_path).count() == len(IDS)
    assert len(list(tmp_path.glob("s-*"))) <= 2


def test_writes_made_during_a_rebuild_survive_it(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    other = make_embedded(tmp_path)

    def items() -> Iterator[tuple[str, npt.NDArray[np.float32]]]:
        yield IDS[0], VECTORS[0]
        other.add(["during"], VECTORS[1:2])  # another process writes meanwhile
        yield IDS[2], VECTORS[2]

    index.rebuild(items())
    assert index.count() == 3
    assert index.search(VECTORS[1], 1)[0][0] == "during"
    assert make_embedded(tmp_path).count() == 3


def test_float16_storage_answers_like_float32(tmp_path: Path) -> None:
    vectors = unit_vectors(500, seed=4)
    ids = [f"h{n}" for n in range(len(vectors))]
    answers = []
    for storage in ("float32", "float16"):
        index = make_embedded(tmp_path / storage, exact_below=0, storage=storage)
        index.rebuild(zip(ids, vectors, strict=True))
        answers.append([index.search(vectors[n], 5, exclude={ids[n]}) for n in range(50)])
    for exact, half in zip(*answers, strict=True):
        assert [v for v, _ in half] == [v for v, _ in exact]
        assert [s for _, s in half] == pytest.approx([s for _, s in exact], abs=2e-3)


def test_a_closed_index_refuses_work(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    index.close()
    with pytest.raises(RuntimeError, match="closed"):
        index.search(VECTORS[0], 1)
    with pytest.raises(RuntimeError, match="closed"):
        index.add(IDS[:1], VECTORS[:1])


def test_the_default_dimension_is_checked_on_reopen(tmp_path: Path) -> None:
    EmbeddedVectorIndex(tmp_path, 1280, fsync=False).add(["a"], unit_vectors(1, 1280))
    with pytest.raises(ValueError, match="dimension 1280"):
        make_embedded(tmp_path, DIM)


def test_hnsw_still_answers_k_when_most_rows_are_dead(tmp_path: Path) -> None:
    vectors = unit_vectors(2_000, seed=6)
    ids = [f"d{n}" for n in range(len(vectors))]
    params = AnnParams(ef_search=10)  # too few candidates at first: the search must widen
    index = make_embedded(tmp_path, exact_below=0, compact_min=1_000_000, params=params)
    index.rebuild(zip(ids, vectors, strict=True))
    index.remove(ids[:1_980])  # left as tombstones: compaction is off
    assert index.structure == "hnsw"
    found = index.search(vectors[0], 10, exclude={ids[-1]})
    assert len(found) == 10
    assert {value for value, _ in found} <= set(ids[1_980:-1])
