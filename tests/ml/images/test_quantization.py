from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from aianimals.ml.images.evalset import EvalSet
from aianimals.ml.images.evaluation import evaluate_predictions
from aianimals.ml.images.model import Predictions, locate
from aianimals.ml.images.preprocess import preprocess_batch
from aianimals.ml.images.quantization import Candidate, comparison, int8_keeps_quality, score


def _candidate(name: str, eval_set: EvalSet, predictions: Predictions) -> Candidate:
    evaluation = evaluate_predictions(eval_set, predictions, name)
    return Candidate(name, Path(f"{name}.onnx"), 1_000_000, predictions, evaluation)


def test_an_int8_graph_that_matches_fp32_is_shipped(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    fp32 = _candidate("fp32", eval_set, eval_predictions)
    assert int8_keeps_quality(fp32, _candidate("int8", eval_set, eval_predictions))


def test_int8_is_refused_when_top1_agreement_falls_below_95_percent(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    top = eval_predictions.top_classes.copy()
    top[::10, 0] = 999 - top[::10, 0]  # 24 of 236 photos change class: 89.8 % agreement
    fp32 = _candidate("fp32", eval_set, eval_predictions)
    int8 = _candidate("int8", eval_set, replace(eval_predictions, top_classes=top))
    assert not int8_keeps_quality(fp32, int8)


def test_int8_is_refused_when_no_animal_detection_gets_worse(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    noisy = np.random.default_rng(0).permutation(eval_predictions.animal_probability)
    fp32 = _candidate("fp32", eval_set, eval_predictions)
    int8 = _candidate("int8", eval_set, replace(eval_predictions, animal_probability=noisy))
    assert not int8_keeps_quality(fp32, int8)


def test_the_comparison_table_lists_both_graphs_and_their_agreement(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    fp32 = _candidate("fp32", eval_set, eval_predictions)
    table = comparison(fp32, fp32, eval_set.no_animal())
    assert "| fp32 | 1.0 |" in table
    assert "top-1 agreement 1.000 (held-out half 1.000)" in table
    assert "embedding cosine mean 1.0000" in table


def test_scoring_a_graph_file_runs_and_evaluates_it(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    bundled = Path(str(locate().model))
    batch = preprocess_batch(eval_set.images())
    candidate = score("bundled", bundled, eval_set, batch, threads=2)
    assert candidate.size_bytes == bundled.stat().st_size
    assert np.allclose(candidate.predictions.embeddings, eval_predictions.embeddings, atol=1e-5)
    assert candidate.evaluation.model_version.startswith("efficientnet-lite0-")
