"""Paired bootstrap intervals of the debiased NDCG@10."""

from __future__ import annotations

import numpy as np

from aianimals.ml.ltr.bootstrap import snips_intervals


def test_intervals_hold_the_estimate_and_a_method_differs_from_itself_by_nothing() -> None:
    rng = np.random.default_rng(3)
    ideal = rng.random(400) + 0.5
    better = np.column_stack([ideal * 0.8, ideal])
    worse = np.column_stack([ideal * rng.uniform(0.2, 0.6, 400), ideal])
    level, difference = snips_intervals({"better": better, "worse": worse}, against="worse")
    low, high = level["better"]
    assert low <= 0.8 <= high
    assert difference["worse"] == (0.0, 0.0)
    below, above = difference["better"]
    assert 0 < below < above
