"""Simulated users of several forms: what draws them, and how they scan a list."""

from __future__ import annotations

import numpy as np

from aianimals.dataset.generator.behaviour import HiddenModel, Match, click_probability
from aianimals.ranking.experiments.users import GENERATOR, USER_MODELS, Hidden

MATCH = Match(text=0.5, favourite=True, category_affinity=0.8, popularity=1.5)


def hidden(rows: int, *, popularity: float = 0.0, age_days: float = 30.0) -> Hidden:
    """`rows` identical results."""
    return Hidden(
        text=np.full(rows, 0.5),
        favourite=np.zeros(rows, dtype=np.bool_),
        category_affinity=np.full(rows, 0.5),
        popularity=np.full(rows, popularity),
        age_days=np.full(rows, age_days),
    )


def test_the_generators_users_choose_as_the_hidden_click_model_does() -> None:
    assert GENERATOR.click_probability(MATCH, 10.0) == click_probability(HiddenModel(), MATCH)


def test_users_who_ignore_likes_do_not_care_about_appeal_and_recency_users_care_about_newness() -> (
    None
):
    ignores, recency = USER_MODELS["ignores-likes"], USER_MODELS["recency"]
    dull, appealing = hidden(1, popularity=-2.0), hidden(1, popularity=2.0)

    assert GENERATOR.attraction(appealing)[0] > GENERATOR.attraction(dull)[0]
    assert ignores.attraction(appealing)[0] == ignores.attraction(dull)[0]
    assert recency.attraction(appealing)[0] == recency.attraction(dull)[0]
    assert (
        recency.attraction(hidden(1, age_days=1))[0]
        > recency.attraction(hidden(1, age_days=400))[0]
    )
    assert (
        GENERATOR.attraction(hidden(1, age_days=1))[0]
        == GENERATOR.attraction(hidden(1, age_days=400))[0]
    )


def test_a_cascade_user_looks_top_down_and_never_past_where_they_stopped() -> None:
    rng = np.random.default_rng(0)
    always = np.ones((5000, 50))  # every examined result is chosen: choices show what was seen
    shown = np.ones_like(always, dtype=np.bool_)

    clicked = GENERATOR.browse(always, shown, rng)

    seen = clicked.sum(axis=1)
    prefixes = np.arange(50)[None, :] < seen[:, None]
    assert (clicked == prefixes).all()  # what was seen is a prefix of the list
    # after each click the user goes on with the hidden model's chance (0.72)
    assert abs(clicked[:, 3].mean() - HiddenModel().continue_after_click ** 3) < 0.02
    short = shown.copy()
    short[:, 5:] = False
    assert not GENERATOR.browse(always, short, rng)[:, 5:].any()  # padding is never chosen


def test_position_based_users_look_deeper_than_cascade_users_and_regardless_of_clicks() -> None:
    rng = np.random.default_rng(1)
    chances = np.full((5000, 50), 0.3)
    shown = np.ones_like(chances, dtype=np.bool_)
    positional = USER_MODELS["position-based"]

    deep_cascade = GENERATOR.browse(chances, shown, rng)[:, 20:].mean()
    deep_positional = positional.browse(chances, shown, rng)[:, 20:].mean()

    assert deep_positional > 5 * deep_cascade
    # chance of a choice at position k ≈ 0.3 × (1 + k)^−0.5, whatever came before
    assert abs(positional.browse(chances, shown, rng)[:, 3].mean() - 0.3 * 4**-0.5) < 0.02
