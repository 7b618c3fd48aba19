"""The per-arm report on hand-made impressions and access logs."""

from __future__ import annotations

import math

import pytest

from aianimals.ranking.experiments.report import (
    ArmStats,
    Interval,
    mean_interval,
    two_proportion_p_value,
    wilson_interval,
)
from tests.ranking.experiments.conftest import Logs


def by_arm(stats: list[ArmStats]) -> dict[str, ArmStats]:
    """The report's rows by arm name."""
    return {arm.arm: arm for arm in stats}


def test_counts_searches_users_rates_and_fallbacks_per_arm(logs: Logs) -> None:
    logs.search("ltr-1:lambdarank:ltr-lambdarank@v3", selects=2, likes=1, user=0)
    logs.search("ltr-1:lambdarank:ltr-lambdarank@v3", selects=1, user=1)
    logs.search("ltr-1:lambdarank:bm25 (fallback: timeout)", user=1)
    logs.search("ltr-1:lambdarank:ltr-lambdarank@v3", user=2)
    logs.search("ltr-1:control:bm25", selects=1, likes=1, user=3)
    logs.search("ltr-1:control:bm25", user=3)

    arms = by_arm(logs.report())

    lambdarank, control = arms["lambdarank"], arms["control"]
    assert (lambdarank.searches, lambdarank.users, lambdarank.fallbacks) == (4, 3, 1)
    assert lambdarank.select_searches == 2
    assert lambdarank.select_rate == pytest.approx(0.5)
    assert lambdarank.like_rate == pytest.approx(0.25)
    assert lambdarank.selects == 3
    assert lambdarank.selects_per_search == pytest.approx(0.75)
    assert (control.searches, control.users, control.fallbacks) == (2, 1, 0)
    assert control.select_rate == pytest.approx(0.5)
    assert control.like_rate == pytest.approx(0.5)
    assert control.p_value_vs_control is None
    assert lambdarank.p_value_vs_control == pytest.approx(1.0)


def test_intervals_contain_the_observed_rates(logs: Logs) -> None:
    logs.many("ltr-1:lambdarank:ltr-lambdarank@v3", searches=40, selected=13)
    logs.search("ltr-1:lambdarank:ltr-lambdarank@v3", selects=3, likes=1)

    arm = logs.report()[0]

    assert arm.select_rate in arm.select_interval
    assert arm.like_rate in arm.like_interval
    assert arm.selects_per_search in arm.selects_per_search_interval
    assert 0.0 <= arm.select_interval.low < arm.select_rate < arm.select_interval.high <= 1.0


def test_p_value_is_small_for_a_big_difference_and_large_for_none(logs: Logs) -> None:
    logs.many("big:control:bm25", searches=60, selected=12)
    logs.many("big:lambdarank:ltr-lambdarank@v3", searches=60, selected=42)
    logs.many("none:control:bm25", searches=60, selected=30)
    logs.many("none:lambdarank:ltr-lambdarank@v3", searches=60, selected=30)

    big = by_arm(logs.report("big"))["lambdarank"].p_value_vs_control
    none = by_arm(logs.report("none"))["lambdarank"].p_value_vs_control

    assert big is not None
    assert big < 0.001
    assert none == pytest.approx(1.0)


def test_only_the_asked_experiment_is_reported(logs: Logs) -> None:
    logs.search("ltr-1:control:bm25", selects=1)
    logs.search("ltr-2:control:bm25")

    stats = logs.report("ltr-2")

    assert [(arm.experiment, arm.arm, arm.searches) for arm in stats] == [("ltr-2", "control", 1)]


def test_searches_without_an_experiment_label_are_left_out(logs: Logs) -> None:
    logs.search(None, selects=1)
    logs.search("bm25", selects=1)
    logs.search("ltr-1:regression:ltr-regression@v1")

    stats = logs.report()

    assert [(arm.arm, arm.searches, arm.select_rate) for arm in stats] == [("regression", 1, 0.0)]
    assert stats[0].p_value_vs_control is None  # no control arm in this experiment


def test_an_empty_store_reports_no_arms(logs: Logs) -> None:
    assert logs.report() == []


def test_wilson_interval_matches_the_textbook_value() -> None:
    interval = wilson_interval(10, 100)

    assert interval.low == pytest.approx(0.0552, abs=1e-4)
    assert interval.high == pytest.approx(0.1744, abs=1e-4)
    assert wilson_interval(0, 0) == Interval(0.0, 1.0)


def test_mean_interval_is_the_normal_approximation() -> None:
    mean, interval = mean_interval([0, 1, 2, 3])

    half = 1.959963984540054 * math.sqrt((5 / 3) / 4)
    assert mean == pytest.approx(1.5)
    assert (interval.low, interval.high) == pytest.approx((1.5 - half, 1.5 + half))
    assert mean_interval([]) == (0.0, Interval(0.0, 0.0))
    assert mean_interval([2]) == (2.0, Interval(2.0, 2.0))


def test_two_proportion_test_is_symmetric_and_undefined_cases_give_one() -> None:
    assert two_proportion_p_value(30, 100, 50, 100) == pytest.approx(
        two_proportion_p_value(50, 100, 30, 100)
    )
    assert two_proportion_p_value(30, 100, 50, 100) == pytest.approx(0.00389, abs=1e-5)
    assert two_proportion_p_value(0, 10, 0, 10) == 1.0
    assert two_proportion_p_value(1, 0, 1, 10) == 1.0
