"""The embedded index: the port contract, plus files, processes, rebuilds and merges."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy

from aianimals.ports.search.base import AnimalDocument, SearchIndex, SearchQuery
from tests.ports.search.conftest import make_embedded
from tests.ports.search.contract import CHECKS, CORPUS, found, ids, loaded, make_doc

WRITER = """
import sys
from pathlib import Path
from tests.ports.search.conftest import make_embedded
from tests.ports.search.contract import make_doc
index = make_embedded(Path(sys.argv[1]))
prefix, count = sys.argv[2], int(sys.argv[3])
for n in range(count):
    index.upsert([make_doc(f"{prefix}{n:02d}", "ユキ", f"雪 {prefix}", 1)])
index.delete(sys.argv[4:])
"""


def run_writer(path: Path, prefix: str, count: int, *deletes: str) -> subprocess.Popen[bytes]:
    """Another process that upserts `count` animals one by one, then deletes some."""
    command = [sys.executable, "-c", WRITER, str(path), prefix, str(count), *deletes]
    return subprocess.Popen(command)


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_contract(search_index: SearchIndex, rule: str) -> None:
    CHECKS[rule](search_index)


def test_a_new_index_over_the_same_path_sees_everything(tmp_path: Path) -> None:
    first = make_embedded(tmp_path)
    loaded(first)
    first.upsert([make_doc("a99", "ユキ", "雪 好き", 1)])
    first.delete(["a01"])
    first.set_likes({"a12": 100})
    second = make_embedded(tmp_path)
    assert second.count() == len(CORPUS)
    assert found(second, "雪") == {"a99"}
    assert "a01" not in found(second, "猫")
    assert ids(second, SearchQuery(sort_by="like"))[0] == "a12"


def test_search_alone_looks_for_other_writes_only_every_interval(tmp_path: Path) -> None:
    writer = make_embedded(tmp_path)
    reader = make_embedded(tmp_path, refresh_interval=3600)
    writer.upsert(CORPUS)
    assert reader.count() == 0
    assert reader.refresh()
    assert reader.count() == len(CORPUS)
    writer.delete(["a02"])
    assert "a02" in found(reader, "猫")
    assert reader.refresh()
    assert "a02" not in found(reader, "猫")
    assert not reader.refresh()


def test_writes_of_other_processes_are_seen_after_refresh(tmp_path: Path) -> None:
    reader = make_embedded(tmp_path, refresh_interval=3600)
    loaded(reader)
    assert run_writer(tmp_path, "p", 1, "a03").wait(timeout=60) == 0
    assert found(reader, "雪") == set()
    assert reader.refresh()
    assert found(reader, "雪") == {"p00"}
    assert "a03" not in found(reader, "猫")


def test_writers_in_several_processes_take_turns(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    loaded(index)
    writers = [run_writer(tmp_path, prefix, 15) for prefix in ("p", "q")]
    for n in range(15):
        index.upsert([make_doc(f"r{n:02d}", "ユキ", "雪 r", 1)])
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    index.refresh()
    assert len(found(index, "雪")) == 45
    assert {len(found(index, "雪", prefix)) for prefix in ("p", "q", "r")} == {15}
    assert index.count() == len(CORPUS) + 45


def test_writes_during_a_rebuild_survive_the_swap(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    loaded(index)

    def documents() -> Iterator[AnimalDocument]:
        yield from CORPUS[:6]
        index.upsert([make_doc("late", "遅刻", "遅れて 来た 猫", 1)])
        index.delete(["a02"])
        index.set_likes({"a03": 50, "late": 70})
        assert run_writer(tmp_path, "p", 2, "a04").wait(timeout=60) == 0
        yield from CORPUS[6:]

    assert index.rebuild(documents(), len(CORPUS)) == len(CORPUS) - 2 + 1 + 2
    assert found(index, "遅れて") == {"late"}
    assert found(index, "雪") == {"p00", "p01"}
    assert {"a02", "a04"}.isdisjoint(ids(index, SearchQuery()))
    assert ids(index, SearchQuery(sort_by="like"))[:2] == ["late", "a03"]
    assert make_embedded(tmp_path).count() == index.count()
    assert not list(tmp_path.glob("rebuild-*"))


def test_the_log_of_a_dead_rebuild_is_dropped(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    orphan = tmp_path / "rebuild-dead.jsonl"
    orphan.write_text("")
    index.upsert(CORPUS[:1])
    assert not orphan.exists()


def test_an_index_of_an_older_format_is_replaced_by_an_empty_one(tmp_path: Path) -> None:
    old = tmp_path / "v-00000000000000000001-old"
    old.mkdir()
    (old / "meta.json").write_text(json.dumps({"format": 1, "documents": 3}))
    (tmp_path / "CURRENT").write_text(old.name)
    index = make_embedded(tmp_path)
    assert index.count() == 0
    assert (tmp_path / "CURRENT").read_text() != old.name
    loaded(index)
    assert index.count() == len(CORPUS)


def test_small_writes_are_merged_and_old_versions_removed(tmp_path: Path) -> None:
    index = make_embedded(tmp_path)
    for _ in range(3):
        loaded(index)
    for doc in CORPUS * 3:
        index.upsert([doc])
    live = tantivy.Index.open(str(tmp_path / (tmp_path / "CURRENT").read_text()))
    assert live.searcher().num_docs == len(CORPUS)
    assert live.searcher().num_segments <= 8
    assert len(list(tmp_path.glob("v-*"))) <= 2
