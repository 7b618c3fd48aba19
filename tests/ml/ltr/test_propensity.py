"""Position bias estimated from randomised searches recovers the simulation's true curve."""

from __future__ import annotations

import random

import numpy as np
import pytest

from aianimals.dataset.generator import GenerationOptions, simulate_demo
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.propensity import (
    ShownClicks,
    estimate_propensities,
    examination_rate,
    true_curve,
)


def test_a_known_position_curve_is_recovered_from_shuffled_clicks() -> None:
    rng = random.Random(7)
    curve = [0.9**k for k in range(24)]
    searches = []
    for _ in range(40_000):
        relevance = [rng.random() * 0.4 for _ in range(24)]
        clicked = {k for k in range(24) if rng.random() < curve[k] * relevance[k]}
        searches.append(ShownClicks(24, frozenset(clicked)))
    estimated = estimate_propensities(searches)
    assert np.max(np.abs(np.asarray(estimated.curve[:12]) - curve[:12])) < 0.04


def test_the_estimate_never_rises_with_depth_and_starts_at_one() -> None:
    searches = [ShownClicks(3, frozenset({0})), ShownClicks(3, frozenset({0, 2}))] * 5
    searches += [ShownClicks(3, frozenset({1}))]
    estimated = estimate_propensities(searches, depth=3)
    assert estimated.curve[0] == 1.0
    assert list(estimated.curve) == sorted(estimated.curve, reverse=True)
    assert min(estimated.curve) > 0


def test_without_a_first_position_click_there_is_no_curve() -> None:
    with pytest.raises(ValueError, match="no curve"):
        estimate_propensities([ShownClicks(5, frozenset({3}))])


def test_the_generators_randomised_searches_give_back_its_true_curve() -> None:
    truth = GeneratorTruth(simulate_demo(GenerationOptions(animals=3_000, photos=False)))
    logged, known = truth.randomised()
    estimated = np.asarray(estimate_propensities(logged).curve[:12])
    expected = np.asarray(true_curve(known)[:12])
    assert np.max(np.abs(estimated - expected)) < 0.06
    # A cascade examines less after a click: the plain examination rate is not the curve.
    assert np.all(np.asarray(examination_rate(known)[1:12]) >= expected[1:12])
