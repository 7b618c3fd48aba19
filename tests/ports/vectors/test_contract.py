"""The `VectorIndex` contract: every test runs against each backend (see conftest)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from aianimals.ports.vectors.base import VectorDimensionError, VectorIndex
from aianimals.ports.vectors.exact import exact_search, recall_at_k, top_rows
from tests.ports.vectors.conftest import DIM, Backend, unit_vectors
from tests.waiting import wait_until

VECTORS = unit_vectors(60)
IDS = [f"a{n:02d}" for n in range(len(VECTORS))]


def loaded(index: VectorIndex) -> VectorIndex:
    index.add(IDS, VECTORS)
    return index


def ids_of(neighbours: list[tuple[str, float]]) -> list[str]:
    return [value for value, _ in neighbours]


def test_search_answers_the_nearest_ids_best_first_with_their_similarity(
    index: VectorIndex,
) -> None:
    loaded(index)
    query = VECTORS[7] + 0.3 * VECTORS[8]
    query /= np.linalg.norm(query)
    found = index.search(query, 5)
    expected = exact_search(VECTORS, IDS, query, 5)
    assert ids_of(found) == ids_of(expected)
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-3)
    assert found[0][0] == "a07"
    assert index.count() == len(IDS)
    assert index.dim == DIM


def test_k_beyond_the_size_answers_everything_and_k_zero_nothing(index: VectorIndex) -> None:
    index.add(IDS[:4], VECTORS[:4])
    assert sorted(ids_of(index.search(VECTORS[0], 10))) == IDS[:4]
    assert index.search(VECTORS[0], 0) == []


def test_an_empty_index_answers_nothing(index: VectorIndex) -> None:
    assert index.search(VECTORS[0], 5) == []
    assert index.count() == 0


def test_adding_an_id_again_replaces_its_vector(index: VectorIndex) -> None:
    loaded(index)
    index.add(["a01"], VECTORS[30:31])
    found = index.search(VECTORS[30], 2)
    assert sorted(ids_of(found)) == ["a01", "a30"]
    assert found[0][1] == pytest.approx(1.0, abs=1e-3)
    assert "a01" not in ids_of(index.search(VECTORS[1], 3))
    assert index.count() == len(IDS)


def test_a_repeated_id_in_one_call_keeps_its_last_vector(index: VectorIndex) -> None:
    index.add(["x", "y", "x"], VECTORS[[0, 1, 2]])
    assert index.count() == 2
    assert index.search(VECTORS[2], 1)[0][0] == "x"


def test_removed_ids_are_never_returned_and_absent_ones_are_ignored(index: VectorIndex) -> None:
    loaded(index)
    index.remove(["a05", "a06", "never-added"])
    index.remove([])
    assert index.count() == len(IDS) - 2
    found = ids_of(index.search(VECTORS[5], len(IDS)))
    assert "a05" not in found
    assert "a06" not in found
    assert len(found) == len(IDS) - 2
    index.add(["a05"], VECTORS[5:6])
    assert index.search(VECTORS[5], 1)[0][0] == "a05"


def test_excluded_ids_are_left_out_and_k_results_still_come_back(index: VectorIndex) -> None:
    loaded(index)
    nearest = ids_of(exact_search(VECTORS, IDS, VECTORS[3], 20))
    exclude = set(nearest[:8])
    found = ids_of(index.search(VECTORS[3], 10, exclude=exclude))
    assert len(found) == 10
    assert not exclude & set(found)
    assert found == nearest[8:18]
    assert ids_of(index.search(VECTORS[3], 10, exclude=["absent"]))[0] == "a03"
    rest = ids_of(index.search(VECTORS[3], len(IDS), exclude=IDS[:-2]))
    assert sorted(rest) == IDS[-2:]


def test_wrong_dimensions_are_refused_with_a_clear_error(index: VectorIndex) -> None:
    with pytest.raises(VectorDimensionError, match=f"dimension {DIM}"):
        index.add(["a"], np.zeros((1, DIM + 1), dtype=np.float32))
    with pytest.raises(VectorDimensionError):
        index.add(["a", "b"], VECTORS[:1])
    with pytest.raises(VectorDimensionError, match=f"dimension {DIM}"):
        index.search(np.zeros(DIM - 1, dtype=np.float32), 3)
    with pytest.raises(VectorDimensionError):
        index.rebuild([("a", np.zeros(DIM * 2, dtype=np.float32))])
    with pytest.raises(ValueError, match="NaN"):
        index.add(["a"], np.full((1, DIM), np.nan, dtype=np.float32))
    assert index.count() == 0


def test_opening_an_index_with_another_dimension_is_refused(backend: Backend) -> None:
    loaded(backend.open())

    def open_and_search() -> None:  # the embedded index refuses on opening, a server on use
        backend.open(DIM * 2).search(np.zeros(DIM * 2, dtype=np.float32), 1)

    with pytest.raises(VectorDimensionError):
        open_and_search()


def test_rebuild_replaces_everything_and_changes_the_version(index: VectorIndex) -> None:
    loaded(index)
    before = index.version
    items = [(f"b{n}", VECTORS[n]) for n in range(10)] + [("b0", VECTORS[20])]
    version = index.rebuild(items)
    assert version != before
    assert index.version == version
    assert index.count() == 10
    assert index.search(VECTORS[0], 1)[0][0] != "b0"
    assert index.search(VECTORS[20], 1)[0][0] == "b0"
    assert not any(value.startswith("a") for value in ids_of(index.search(VECTORS[0], 20)))
    assert index.rebuild([]) not in (before, version)
    assert index.count() == 0


def test_searches_keep_answering_the_old_content_during_a_rebuild(index: VectorIndex) -> None:
    loaded(index)
    stop = threading.Event()
    answers: list[set[str]] = []
    errors: list[BaseException] = []

    def search_forever() -> None:
        while not stop.is_set():
            try:
                answers.append(set(ids_of(index.search(VECTORS[0], 5))))
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    thread = threading.Thread(target=search_forever)
    thread.start()
    try:
        wait_until(lambda: answers or errors)  # searching before the rebuild
        vectors = unit_vectors(2_000, seed=3)
        index.rebuild((f"new{n}", vectors[n]) for n in range(len(vectors)))
        after = len(answers)
        wait_until(lambda: len(answers) > after + 1 or errors)  # and after it
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(answers) > 2
    assert all(len(answer) == 5 for answer in answers)
    assert all(a <= set(IDS) or not a & set(IDS) for a in answers)  # never a mixture
    assert answers[0] <= set(IDS)
    assert not answers[-1] & set(IDS)


def test_concurrent_searches_and_adds_do_not_interfere(index: VectorIndex) -> None:
    loaded(index)
    extra = unit_vectors(200, seed=5)
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for n in range(100):
                found = index.search(VECTORS[n % len(VECTORS)], 5, exclude={IDS[0]})
                assert len(found) == 5
                assert IDS[0] not in ids_of(found)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def add() -> None:
        try:
            for n in range(0, len(extra), 20):
                index.add([f"x{m}" for m in range(n, n + 20)], extra[n : n + 20])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)] + [threading.Thread(target=add)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert index.count() == len(IDS) + len(extra)
    assert index.search(extra[123], 1)[0][0] == "x123"


def test_a_reopened_index_holds_everything_written(backend: Backend) -> None:
    writer = loaded(backend.open())
    writer.add(["a01"], VECTORS[40:41])
    writer.remove(["a02"])
    version = writer.version
    writer.close()
    reopened = backend.open()
    assert reopened.count() == len(IDS) - 1
    assert reopened.version == version
    assert sorted(ids_of(reopened.search(VECTORS[40], 2))) == ["a01", "a40"]
    assert "a02" not in ids_of(reopened.search(VECTORS[2], 5))


def test_another_handle_sees_the_writers_changes(backend: Backend) -> None:
    writer = backend.open()
    reader = backend.open()
    assert reader.count() == 0
    loaded(writer)
    backend.settle(reader)
    assert reader.count() == len(IDS)
    assert reader.search(VECTORS[9], 1)[0][0] == "a09"
    writer.remove(["a09"])
    backend.settle(reader)
    assert "a09" not in ids_of(reader.search(VECTORS[9], 3))
    version = writer.rebuild([("z", VECTORS[9])])
    backend.settle(reader)
    assert reader.version == version == writer.version
    assert reader.count() == 1
    assert reader.search(VECTORS[9], 1)[0][0] == "z"


def test_recall_at_10_against_exact_search_is_at_least_098(backend: Backend) -> None:
    dim, n, queries = 64, 5_000, 200
    vectors = unit_vectors(n, dim, seed=11)
    ids = [f"r{i}" for i in range(n)]
    index = backend.open(dim)
    index.rebuild(zip(ids, vectors, strict=True))
    rows, _ = top_rows(vectors, vectors[:queries], 11)
    recalls = []
    for q in range(queries):
        truth = [ids[r] for r in rows[q] if r != q][:10]
        found = ids_of(index.search(vectors[q], 10, exclude={ids[q]}))
        recalls.append(recall_at_k(found, truth, 10))
    assert float(np.mean(recalls)) >= 0.98
