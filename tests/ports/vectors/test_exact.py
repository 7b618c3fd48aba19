"""Exact search, the yardstick of recall: chunked scanning must not change the answer."""

from __future__ import annotations

import numpy as np
import pytest

from aianimals.ports.vectors import exact
from aianimals.ports.vectors.exact import exact_search, recall_at_k, top_rows
from tests.ports.vectors.conftest import unit_vectors


def test_top_rows_match_a_full_sort_whatever_the_chunk_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors, queries = unit_vectors(1_000, 8), unit_vectors(5, 8, seed=1)
    expected = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :7]
    monkeypatch.setattr(exact, "CHUNK_ROWS", 64)
    rows, scores = top_rows(vectors, queries, 7)
    assert np.array_equal(rows, expected)
    assert np.allclose(scores, np.take_along_axis(queries @ vectors.T, expected, axis=1))
    assert top_rows(vectors[:3], queries, 7)[0].shape == (5, 3)


def test_exact_search_leaves_out_excluded_ids_and_still_answers_k() -> None:
    vectors = unit_vectors(20, 4)
    ids = [f"a{n}" for n in range(20)]
    found = exact_search(vectors, ids, vectors[0], 3, exclude={"a0"})
    assert len(found) == 3
    assert "a0" not in [value for value, _ in found]
    ((best, similarity),) = exact_search(vectors, ids, vectors[0], 1)
    assert best == "a0"
    assert similarity == pytest.approx(1.0)
    assert exact_search(vectors, [], vectors[0], 3) == []


def test_recall_counts_the_true_neighbours_found() -> None:
    assert recall_at_k(["a", "b", "x"], ["a", "b", "c"], 3) == pytest.approx(2 / 3)
    assert recall_at_k(["a"], [], 3) == 1.0
