"""The hidden model: relevance, preference and appeal raise every action's probability."""

from __future__ import annotations

from dataclasses import replace

from aianimals.dataset.generator.behaviour import (
    HiddenModel,
    Match,
    click_probability,
    like_probability,
    see_long_probability,
)

BASE = Match(text=0.0, favourite=False, category_affinity=0.5, popularity=0.0)


def test_text_match_raises_click_and_see_long_probability() -> None:
    model = HiddenModel()
    matching = replace(BASE, text=1.0)
    assert click_probability(model, matching) > 2 * click_probability(model, BASE)
    assert see_long_probability(model, matching) > see_long_probability(model, BASE)


def test_favourite_breed_and_category_raise_every_action() -> None:
    model = HiddenModel()
    loved = replace(BASE, favourite=True, category_affinity=0.9)
    disliked = replace(BASE, category_affinity=0.1)
    for probability in (click_probability, see_long_probability, like_probability):
        assert probability(model, loved) > probability(model, BASE) >= probability(model, disliked)


def test_appeal_raises_click_probability() -> None:
    model = HiddenModel()
    assert click_probability(model, replace(BASE, popularity=2.0)) > click_probability(model, BASE)
