from __future__ import annotations

import pytest

from aianimals.ml.evaluation.recall import (
    SearchOutcome,
    recall_at_k,
    retrieval_metrics,
    time_split,
)


def test_recall_counts_clicked_animals_within_the_first_k_results() -> None:
    assert recall_at_k({"a", "b"}, ["a", "x", "b"], k=3) == 1.0
    assert recall_at_k({"a", "b"}, ["a", "x", "b"], k=2) == 0.5
    assert recall_at_k({"a"}, [], k=10) == 0.0


def test_recall_of_a_search_without_clicks_is_one() -> None:
    assert recall_at_k(set(), ["a"], k=1) == 1.0


def test_recall_refuses_a_k_below_one() -> None:
    with pytest.raises(ValueError, match="k must be"):
        recall_at_k({"a"}, ["a"], k=0)


def test_metrics_average_recall_zero_hits_and_hits_over_searches() -> None:
    outcomes = [
        SearchOutcome(clicked=frozenset({"a", "b"}), results=("a",), hits=3),
        SearchOutcome(clicked=frozenset({"c"}), results=(), hits=0),
    ]
    metrics = retrieval_metrics(outcomes, k=100)
    assert metrics.searches == 2
    assert metrics.recall == pytest.approx(0.25)
    assert metrics.zero_hit_share == pytest.approx(0.5)
    assert metrics.mean_hits == pytest.approx(1.5)


def test_metrics_of_no_searches_are_zero() -> None:
    metrics = retrieval_metrics([], k=10)
    assert (metrics.searches, metrics.recall, metrics.zero_hit_share) == (0, 0.0, 0.0)


def test_time_split_holds_out_the_latest_share_rounded_up() -> None:
    earlier, held_out = time_split(list(range(10)), holdout=0.2)
    assert earlier == list(range(8))
    assert held_out == [8, 9]
    assert time_split([1, 2, 3], holdout=0.2) == ([1, 2], [3])
    assert time_split([1, 2], holdout=0.0) == ([1, 2], [])


def test_time_split_refuses_a_holdout_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="holdout"):
        time_split([1], holdout=1.0)
