"""Simulated online tests over held-out searches: A/B with intervals, interleaving, and how
many searches each needs to see the same difference."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from aianimals.dataset.generator.behaviour import Match
from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.online import (
    CONTROL,
    NEUTRAL,
    Reshown,
    ab_test,
    interleave,
    reshow,
    searches_needed,
)
from aianimals.ranking.experiments.users import GENERATOR, USER_MODELS, Hidden
from aianimals.ranking.features import FEATURE_NAMES

SEARCHES, SHOWN = 300, 20


def world(seed: int = 0) -> Reshown:
    """Searches of 20 results; `best` orders them by the generator users' attraction,
    `control` shows them as they come, `worst` upside down."""
    rng = np.random.default_rng(seed)
    rows = SEARCHES * SHOWN
    hidden = Hidden(
        text=rng.random(rows),
        favourite=rng.random(rows) < 0.2,
        category_affinity=rng.random(rows),
        popularity=rng.normal(size=rows),
        age_days=rng.random(rows) * 400,
    )
    attraction = GENERATOR.attraction(hidden).reshape(SEARCHES, SHOWN)
    shown = np.arange(rows).reshape(SEARCHES, SHOWN)
    best = np.take_along_axis(shown, np.argsort(-attraction, axis=1), axis=1)
    return Reshown(hidden, {CONTROL: shown, "best": best, "worst": best[:, ::-1].copy()})


def test_an_ab_test_finds_the_better_order_with_an_interval_that_excludes_no_lift() -> None:
    results = {r.arm: r for r in ab_test(world(), GENERATOR, 6000, np.random.default_rng(0))}

    assert sum(r.searches for r in results.values()) == 6000
    control, best, worst = results[CONTROL], results["best"], results["worst"]
    assert control.lift == 0.0
    assert control.p_value is None
    assert best.lift == pytest.approx(best.select_rate - control.select_rate)
    assert best.lift_interval.low > 0
    assert worst.lift_interval.high < 0
    assert best.p_value is not None
    assert best.p_value < 0.001
    assert best.interval.low < best.select_rate < best.interval.high


def test_interleaving_prefers_the_better_order_and_not_a_copy_of_itself() -> None:
    data = world()
    rng = np.random.default_rng(1)

    better = interleave(data, GENERATOR, ("best", CONTROL), 2000, rng)
    same = interleave(data, GENERATOR, (CONTROL, CONTROL), 2000, rng)

    assert better.wins > better.losses
    assert better.p_value < 0.001
    assert better.preference > 0
    assert same.wins + same.losses > 0
    assert same.p_value > 0.001


@pytest.mark.parametrize("name", list(USER_MODELS))
def test_every_user_model_sees_the_difference_between_best_and_worst(name: str) -> None:
    results = {
        r.arm: r for r in ab_test(world(), USER_MODELS[name], 4000, np.random.default_rng(2))
    }

    assert results["best"].select_rate > results["worst"].select_rate


def test_interleaving_needs_fewer_searches_than_ab_for_the_same_difference() -> None:
    data = world()

    needed = searches_needed(
        data,
        GENERATOR,
        ("best", CONTROL),
        sizes=(25, 50, 100, 200, 400, 800, 1600),
        runs=10,
        direction=(1.0, 1.0),
        rng=np.random.default_rng(3),
    )

    assert needed.interleaving is not None
    assert needed.ab is not None
    assert needed.interleaving < needed.ab
    assert needed.sizes[-1] == needed.ab  # it stops once both methods detected it
    assert len(needed.ab_power) == len(needed.interleaving_power) == len(needed.sizes)
    assert needed.ab_power[-1] >= 0.8


def test_a_difference_in_the_wrong_direction_is_not_counted_as_detected() -> None:
    needed = searches_needed(
        world(),
        GENERATOR,
        ("best", CONTROL),
        sizes=(400,),
        runs=5,
        direction=(-1.0, -1.0),
        rng=np.random.default_rng(4),
    )

    assert (needed.ab, needed.interleaving) == (None, None)
    assert needed.ab_power == needed.interleaving_power == (0.0,)


class FakeTruth:
    """Knows the hidden features of animal "a" only."""

    def match(self, search_id: str, animal_id: str) -> Match | None:
        return Match(1.0, True, 1.0, 2.0) if animal_id == "a" else None


def test_reshow_orders_each_search_by_each_arm_and_treats_unknown_animals_as_neutral() -> None:
    features = np.zeros((3, len(FEATURE_NAMES)))
    features[:, FEATURE_NAMES.index("age_days")] = [5.0, 6.0, 7.0]
    test = LtrDataset(
        features=features,
        grades=np.zeros(3, dtype=np.int64),
        groups=np.asarray([2, 1]),
        search_ids=["s1", "s2"],
        positions=np.asarray([0, 1, 0]),
        animal_ids=["a", "b", "c"],
        randomised=np.zeros(2, dtype=np.bool_),
    )
    arms = {
        CONTROL: lambda data: -data.positions.astype(np.float64),
        "flip": lambda data: data.positions.astype(np.float64),
    }

    data = reshow(test, typing.cast(GeneratorTruth, FakeTruth()), arms)

    assert data.searches == 2
    assert data.orders[CONTROL].tolist() == [[0, 1], [2, -1]]
    assert data.orders["flip"].tolist() == [[1, 0], [2, -1]]
    assert data.hidden.text.tolist() == [1.0, NEUTRAL.text, NEUTRAL.text]
    assert data.hidden.popularity.tolist() == [2.0, 0.0, 0.0]
    assert data.hidden.age_days.tolist() == [5.0, 6.0, 7.0]
