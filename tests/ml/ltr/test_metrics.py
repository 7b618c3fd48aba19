"""NDCG and MRR over grouped candidates."""

from __future__ import annotations

import numpy as np
import pytest

from aianimals.ml.ltr.metrics import gain_ndcg, ips_metrics, mrr, ndcg, ranking_metrics


def test_the_ideal_order_scores_one_and_the_reverse_less() -> None:
    grades = np.array([4, 1, 0, 3, 0])
    sizes = np.array([5])
    ideal = np.array([5.0, 3.0, 1.0, 4.0, 2.0])
    assert ndcg(ideal, grades, sizes, 10) == pytest.approx(1.0)
    assert ndcg(-ideal, grades, sizes, 10) < 0.6


def test_groups_without_a_positive_grade_are_left_out() -> None:
    grades = np.array([0, 0, 1, 0])
    sizes = np.array([2, 2])
    scores = np.array([1.0, 0.0, 1.0, 0.0])
    assert ndcg(scores, grades, sizes, 5) == pytest.approx(1.0)


def test_cutoff_only_counts_the_top_k() -> None:
    grades = np.array([0, 0, 4])
    scores = np.array([3.0, 2.0, 1.0])
    assert ndcg(scores, grades, np.array([3]), 2) == 0.0
    assert ndcg(scores, grades, np.array([3]), 3) == pytest.approx(0.5)


def test_mrr_is_the_reciprocal_rank_of_the_first_positive() -> None:
    grades = np.array([0, 1, 0, 0, 0, 3])
    sizes = np.array([3, 3])
    scores = np.array([3.0, 2.0, 1.0, 3.0, 2.0, 1.0])
    assert mrr(scores, grades, sizes) == pytest.approx((1 / 2 + 1 / 3) / 2)


def test_ties_keep_the_given_order() -> None:
    grades = np.array([1, 0])
    assert ranking_metrics(np.zeros(2), grades, np.array([2]))["mrr"] == 1.0


def test_the_debiased_ideal_order_scores_one() -> None:
    grades = np.array([0, 4, 1, 0, 3])
    weights = np.array([1.0, 2.0, 5.0, 1.0, 1.5])
    ideal = np.array([0.0, 2.0, 1.0, 3.0, 4.0])  # by weighted gain: 4→30, 1→5; 3→10.5
    found = ips_metrics(ideal, grades, np.array([3, 2]), weights)
    assert found["ips_ndcg@10"] == pytest.approx(1.0)


def test_a_choice_made_where_few_look_counts_for_more() -> None:
    grades = np.array([1, 0, 0, 1])
    sizes = np.array([2, 2])
    weights = np.array([1.0, 1.0, 1.0, 8.0])  # the second choice was made deep down
    first_right = np.array([1.0, 0.0, 1.0, 0.0])
    second_right = np.array([0.0, 1.0, 0.0, 1.0])
    plain = ranking_metrics(first_right, grades, sizes)["ndcg@10"]
    assert plain == ranking_metrics(second_right, grades, sizes)["ndcg@10"]
    one = ips_metrics(first_right, grades, sizes, weights)
    two = ips_metrics(second_right, grades, sizes, weights)
    assert two["ips_ndcg@10"] > one["ips_ndcg@10"]
    assert two["ips_mrr"] == pytest.approx((1.0 / 2 + 8.0) / 9.0)


def test_known_gains_score_their_own_order_one_and_others_less() -> None:
    gains = np.array([0.5, 2.0, 0.0, 1.0, 0.2])
    sizes = np.array([3, 2])
    assert gain_ndcg(gains, gains, sizes, 10) == pytest.approx(1.0)
    assert gain_ndcg(-gains, gains, sizes, 10) < 1.0
