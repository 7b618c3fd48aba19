"""The logistic head: it finds the planted direction, and survives a save/load round trip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from aianimals.ml.images.evaluation import roc_auc
from aianimals.ml.no_animal.head import (
    META_FILE,
    ZERO_SHOT_LOGIT,
    FitOptions,
    HeadFormatError,
    NoAnimalHead,
    fit_head,
)
from aianimals.ml.no_animal.logistic import class_weights, fit_logistic
from tests.ml.no_animal.conftest import DIM, MODEL_VERSION, eval_features, photos


def _head(count: int = 30, options: FitOptions | None = None) -> NoAnimalHead:
    train = photos([i % 2 == 0 for i in range(count)], seed=1)
    return fit_head(
        train.embeddings,
        train.animal_probability,
        train.no_animal,
        image_model_version=MODEL_VERSION,
        threshold=0.9,
        options=options,
    )


def test_the_head_learns_the_planted_direction_and_beats_a_noisy_zero_shot() -> None:
    head = _head()
    held_out = eval_features()
    scores = head.predict(held_out.embeddings, held_out.animal_probability)
    zero_shot = 1.0 - held_out.animal_probability.astype(np.float64)
    assert roc_auc(scores, held_out.positives) > 0.95
    assert roc_auc(scores, held_out.positives) > roc_auc(zero_shot, held_out.positives) + 0.1
    assert head.features == (f"embedding:{DIM}", ZERO_SHOT_LOGIT)
    assert head.details["l2"] in FitOptions().grid
    assert 0.9 < float(head.details["cv_roc_auc"]) <= 1.0


def test_a_fixed_l2_skips_cross_validation_and_the_logit_feature_can_be_left_out() -> None:
    head = _head(options=FitOptions(l2=10.0, zero_shot_feature=False))
    assert head.details["l2"] == 10.0
    assert "cv_roc_auc" not in head.details
    assert head.features == (f"embedding:{DIM}",)
    assert head.weights.shape == (DIM,)


def test_probability_is_the_sigmoid_of_the_raw_features() -> None:
    head = _head()
    one = eval_features(count=4)
    logit = np.log((1 - one.animal_probability[0]) / one.animal_probability[0])
    expected = 1 / (
        1
        + np.exp(-(head.weights[:DIM] @ one.embeddings[0] + head.weights[DIM] * logit + head.bias))
    )
    assert head.probability(one.embeddings[0], float(one.animal_probability[0])) == pytest.approx(
        float(expected), rel=1e-6
    )


def test_a_saved_head_loads_with_the_same_predictions(tmp_path: Path) -> None:
    head = _head()
    directory = head.save(tmp_path / "head")
    meta = json.loads((directory / META_FILE).read_text())
    assert meta["image_model_version"] == MODEL_VERSION
    assert meta["features"] == list(head.features)
    assert meta["threshold"] == 0.9
    loaded = NoAnimalHead.load(directory)
    held_out = eval_features(count=20)
    np.testing.assert_allclose(
        loaded.predict(held_out.embeddings, held_out.animal_probability),
        head.predict(held_out.embeddings, held_out.animal_probability),
    )
    assert loaded.image_model_version == MODEL_VERSION
    assert loaded.details["l2"] == head.details["l2"]


def test_a_foreign_or_broken_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HeadFormatError):
        NoAnimalHead.load(tmp_path)
    directory = _head().save(tmp_path / "head")
    meta = json.loads((directory / META_FILE).read_text())
    meta["dim"] = 512
    (directory / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(HeadFormatError):
        NoAnimalHead.load(directory)


def test_an_embedding_of_another_size_is_refused() -> None:
    head = _head()
    with pytest.raises(ValueError, match="1280-d"):
        head.predict(np.zeros((1, 512), dtype=np.float32), np.array([0.5]))


def test_one_class_is_not_enough() -> None:
    train = photos([True] * 10 + [False], seed=3)
    with pytest.raises(ValueError, match="two photos of each class"):
        fit_head(
            train.embeddings,
            train.animal_probability,
            train.no_animal,
            image_model_version=MODEL_VERSION,
            threshold=0.9,
        )


def test_the_reduced_basis_fit_equals_the_full_one() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(12, 40))
    y = np.arange(12) % 3 == 0
    weights = class_weights(y, balanced=True)
    # 12 examples, 40 columns: the fit runs in a 12-d basis; 60 copies run in full.
    w_small, b_small = fit_logistic(x, y, 3.0, weights, shared=39, free=1)
    w_full, b_full = fit_logistic(
        np.vstack([x] * 5), np.tile(y, 5), 15.0, np.tile(weights, 5), shared=39, free=1
    )
    np.testing.assert_allclose(w_small, w_full, rtol=1e-5, atol=1e-7)
    assert b_small == pytest.approx(b_full, rel=1e-5, abs=1e-7)
