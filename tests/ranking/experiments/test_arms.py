"""Sticky, weighted assignment to arms, and the labels logs carry."""

from __future__ import annotations

from collections import Counter

import pytest

from aianimals.core.ids import new_id
from aianimals.ranking.experiments.arms import Arm, Experiment, arm_label, default_arms, parse_label


def test_a_user_always_gets_the_same_arm() -> None:
    experiment = Experiment("ltr-1", tuple(default_arms()))
    users = [new_id() for _ in range(50)]
    first = [experiment.arm_for(user) for user in users]
    assert [experiment.arm_for(user) for user in users] == first


def test_shares_follow_the_weights() -> None:
    experiment = Experiment("ltr-1", tuple(default_arms()))
    counts = Counter(experiment.arm_for(new_id()).name for _ in range(20_000))
    assert counts["debiased"] / 20_000 == pytest.approx(0.5, abs=0.02)
    assert counts["lambdarank"] / 20_000 == pytest.approx(0.25, abs=0.02)
    assert counts["control"] / 20_000 == pytest.approx(0.25, abs=0.02)


def test_another_salt_or_experiment_reshuffles_users() -> None:
    arms = (Arm("a", None, 1), Arm("b", None, 1))
    users = [new_id() for _ in range(200)]
    one = [Experiment("e1", arms).arm_for(u).name for u in users]
    other = [Experiment("e2", arms).arm_for(u).name for u in users]
    assert one != other


def test_labels_round_trip_through_model_name() -> None:
    experiment = Experiment("ltr-1", tuple(default_arms()))
    label = arm_label(experiment, experiment.arms[0], "ltr-debiased@v3")
    parsed = parse_label(label)
    assert parsed is not None
    assert (parsed.experiment, parsed.arm, parsed.served) == (
        "ltr-1",
        "debiased",
        "ltr-debiased@v3",
    )
    assert parse_label("bm25") is None
    assert parse_label(None) is None


@pytest.mark.parametrize(
    "arms",
    [(), (Arm("a", None, -1),), (Arm("a", None, 1), Arm("a", None, 1)), (Arm("a:b", None, 1),)],
)
def test_bad_experiments_are_refused(arms: tuple[Arm, ...]) -> None:
    with pytest.raises(ValueError, match="experiment"):
        Experiment("x", arms)
