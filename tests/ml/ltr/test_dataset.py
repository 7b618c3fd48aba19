"""Grouped candidate rows."""

from __future__ import annotations

import numpy as np

from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ranking.features import FEATURE_NAMES


def test_searches_with_a_single_candidate_are_dropped_whole() -> None:
    width = len(FEATURE_NAMES)
    data = LtrDataset(
        features=np.arange(6 * width, dtype=np.float64).reshape(6, width),
        grades=np.array([1, 0, 4, 0, 3, 1]),
        groups=np.array([2, 1, 3]),
        search_ids=["a", "b", "c"],
        positions=np.array([0, 1, 0, 0, 1, 2]),
        animal_ids=["x", "y", "z", "x", "y", "z"],
        randomised=np.array([False, True, True]),
    )
    kept = data.with_choices(2)
    assert kept.search_ids == ["a", "c"]
    assert kept.groups.tolist() == [2, 3]
    assert kept.grades.tolist() == [1, 0, 0, 3, 1]
    assert kept.features[2, 0] == data.features[3, 0]
    assert kept.group_ids.tolist() == [0, 0, 1, 1, 1]
    assert kept.positions.tolist() == [0, 1, 0, 1, 2]
    assert kept.animal_ids == ["x", "y", "x", "y", "z"]
    assert kept.randomised.tolist() == [False, True]
