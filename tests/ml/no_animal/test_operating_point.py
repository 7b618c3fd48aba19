"""Choosing the hide threshold and the review band from measured scores."""

from __future__ import annotations

import numpy as np
import pytest

from aianimals.ml.no_animal.operating_point import (
    Scores,
    Target,
    choose,
    evaluate,
    markdown_table,
    sweep,
)


def _scores(no_animal: list[float], animals: list[float], pets: list[float]) -> Scores:
    labelled = np.array([*no_animal, *animals])
    shows = np.array([False] * len(no_animal) + [True] * len(animals))
    return Scores(labelled=labelled, shows_animal=shows, demo_pets=np.array(pets))


def test_the_hide_threshold_stays_above_every_photo_with_an_animal() -> None:
    scores = _scores([0.99, 0.97, 0.8, 0.3], [0.62, 0.1], [0.1] * 98 + [0.7, 0.924])
    point = choose(scores, Target(max_pet_queue_share=0.01, hide_margin=0.005))
    assert point.hide_threshold == 0.93
    assert point.highest_animal_score == pytest.approx(0.924)
    assert (point.labelled_animals_hidden, point.demo_pets_hidden) == (0, 0)
    assert point.no_animal_hidden == 2


def test_the_review_floor_queues_at_most_the_target_share_of_pets() -> None:
    pets = [0.05] * 97 + [0.55, 0.6, 0.7]  # 3 % of pets above 0.5
    scores = _scores([0.99, 0.8, 0.56, 0.4], [0.2], pets)
    one_percent = choose(scores, Target(max_pet_queue_share=0.01, hide_margin=0.005))
    assert one_percent.review_threshold == 0.61  # only the 0.7 pet is queued
    assert (one_percent.demo_pets_queued, one_percent.demo_pet_queue_share) == (1, 0.01)
    three_percent = choose(scores, Target(max_pet_queue_share=0.03, hide_margin=0.005))
    assert three_percent.review_threshold == 0.06
    assert three_percent.no_animal_hidden + three_percent.no_animal_queued == 4
    assert three_percent.no_animal_catch_rate == 1.0


def test_evaluate_counts_each_band_once() -> None:
    scores = _scores([0.95, 0.7, 0.2], [0.6, 0.1], [0.9, 0.5, 0.1])
    point = evaluate(scores, hide=0.9, review=0.5)
    assert (point.no_animal_hidden, point.no_animal_queued) == (1, 1)
    assert (point.labelled_animals_hidden, point.labelled_animals_queued) == (0, 1)
    assert (point.demo_pets_hidden, point.demo_pets_queued) == (1, 1)
    assert point.as_metadata()["no_animal_catch_rate"] == pytest.approx(0.6667, abs=1e-4)


def test_the_table_marks_the_chosen_point() -> None:
    scores = _scores([0.95, 0.7], [0.6], [0.1, 0.2])
    chosen = choose(scores)
    points = sweep(scores, [0.8, chosen.hide_threshold], chosen.review_threshold)
    table = markdown_table(points, chosen)
    assert table.count("(chosen)") == 1
    assert f"| {chosen.hide_threshold:.2f} **(chosen)**" in table


@pytest.mark.parametrize(
    ("hide", "review"), [(0.5, 0.6), (1.1, 0.5), (0.5, -0.1)], ids=["inverted", "over", "under"]
)
def test_thresholds_out_of_order_are_refused(hide: float, review: float) -> None:
    with pytest.raises(ValueError, match="review <= hide"):
        evaluate(_scores([0.9], [0.1], [0.1]), hide=hide, review=review)


def test_scores_without_both_kinds_of_photo_are_refused() -> None:
    with pytest.raises(ValueError, match="some with and some without"):
        _scores([0.9, 0.8], [], [0.1])


def test_the_model_card_states_the_operating_point_in_force() -> None:
    from aianimals.ml.no_animal.evaluation import compare, model_card

    scores = _scores([0.95, 0.7], [0.6, 0.1], [])
    point = evaluate(scores, hide=0.93, review=0.52)
    comparison = compare({"head": scores.labelled}, ~scores.shows_animal, 0.93)
    card = model_card(
        version=3,
        image_model_version="m",
        comparison=comparison,
        training={"trained on": 10},
        verdict="kept",
        operating_point=point,
    )
    assert "## Operating point" in card
    assert "| hide_threshold | 0.93 |" in card
    assert "| review_threshold | 0.52 |" in card
    assert "| labelled_animals_queued | 1 |" in card
