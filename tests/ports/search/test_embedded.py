"""The embedded index: the port contract, plus files, processes and compaction."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import SearchIndex, SearchQuery
from tests.ports.search.conftest import make_embedded
from tests.ports.search.contract import CHECKS, CORPUS, found, ids, loaded, make_doc


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_contract(search_index: SearchIndex, rule: str) -> None:
    CHECKS[rule](search_index)


def test_a_new_index_over_the_same_path_sees_everything(tmp_path: Path, analyzer: Analyzer) -> None:
    first = make_embedded(tmp_path, analyzer)
    loaded(first)
    first.upsert([make_doc("a99", "ユキ", "雪が好き", 1)])
    first.delete(["a01"])
    first.set_likes({"a12": 100})
    second = make_embedded(tmp_path, analyzer)
    assert second.count() == len(CORPUS)
    assert found(second, "雪") == {"a99"}
    assert "a01" not in found(second, "猫")
    assert ids(second, SearchQuery(sort_by="like"))[0] == "a12"


def test_another_object_sees_writes_after_refresh(tmp_path: Path, analyzer: Analyzer) -> None:
    writer = make_embedded(tmp_path, analyzer)
    reader = make_embedded(tmp_path, analyzer, refresh_interval=0.05)
    writer.upsert(CORPUS)
    assert reader.refresh()
    assert reader.count() == len(CORPUS)
    writer.delete(["a02"])
    time.sleep(0.1)
    assert "a02" not in found(reader, "猫")
    assert not reader.refresh()


def test_another_process_sees_writes_within_a_second(tmp_path: Path, analyzer: Analyzer) -> None:
    reader = make_embedded(tmp_path, analyzer, refresh_interval=0.5)
    loaded(reader)
    script = (
        "import sys; from pathlib import Path\n"
        "from aianimals.ports.search.analyzer import Analyzer\n"
        "from aianimals.ports.search.embedded import EmbeddedSearchIndex\n"
        "from tests.ports.search.contract import make_doc\n"
        "index = EmbeddedSearchIndex(Path(sys.argv[1]), Analyzer(), fsync=False)\n"
        "index.upsert([make_doc('p01', 'ユキ', '雪が好き', 1)])\n"
        "index.delete(['a03'])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    deadline = time.monotonic() + 1.0
    while found(reader, "雪") != {"p01"} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found(reader, "雪") == {"p01"}
    assert "a03" not in found(reader, "猫")


def test_compaction_keeps_results_and_other_readers_follow(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    writer = make_embedded(tmp_path, analyzer, compact_min=5)
    reader = make_embedded(tmp_path, analyzer)
    loaded(writer)
    before = {rule: ids(writer, SearchQuery(sort_by=rule)) for rule in ("score", "like")}  # type: ignore[arg-type]
    versions = set()
    for doc in CORPUS * 2:
        writer.upsert([doc])
        versions.add((tmp_path / "CURRENT").read_text())
    assert len(versions) > 1
    assert writer.count() == len(CORPUS)
    assert before == {rule: ids(writer, SearchQuery(sort_by=rule)) for rule in ("score", "like")}  # type: ignore[arg-type]
    reader.refresh()
    assert found(reader, "猫") == found(writer, "猫")
    assert len(list(tmp_path.glob("v-*"))) <= 3


def test_writes_during_a_rebuild_survive_the_swap(tmp_path: Path, analyzer: Analyzer) -> None:
    index = make_embedded(tmp_path, analyzer)
    loaded(index)

    def documents():  # type: ignore[no-untyped-def]
        yield from CORPUS[:6]
        index.upsert([make_doc("late", "遅刻", "遅れて来た猫", 1)])
        index.delete(["a02"])
        yield from CORPUS[6:]

    index.rebuild(documents(), len(CORPUS))
    assert "late" in found(index, "遅れる")
    assert "a02" not in ids(index, SearchQuery())
    assert make_embedded(tmp_path, analyzer).count() == index.count()


def test_many_ties_page_stably(tmp_path: Path, analyzer: Analyzer) -> None:
    index = make_embedded(tmp_path, analyzer)
    docs = [replace(CORPUS[i % 4], id=f"t{i:03d}", likes=i % 3) for i in range(200)]
    index.rebuild(docs, len(docs))
    for sort_by in ("score", "like", "created_at", "random"):
        query = SearchQuery(phrases=("猫",), sort_by=sort_by)  # type: ignore[arg-type]
        whole = ids(index, query)
        paged = [
            hit.animal_id
            for offset in range(0, len(whole), 7)
            for hit in index.search(replace(query, limit=7, offset=offset)).results
        ]
        assert paged == whole
        assert len(set(whole)) == len(whole)
