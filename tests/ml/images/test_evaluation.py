from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aianimals.ml.images.evalset import EvalSet
from aianimals.ml.images.evaluation import (
    ImageEvaluation,
    detection_metrics,
    evaluate_predictions,
    markdown_table,
    nearest_neighbours,
    precision_at_k,
    roc_auc,
    run_image_evaluation,
    top1_agreement,
)
from aianimals.ml.images.model import Predictions


def _pairwise_auc(scores: list[float], positives: list[bool]) -> float:
    pairs = [
        1.0 if p > n else 0.5 if p == n else 0.0
        for (p, pos), (n, neg) in itertools.product(zip(scores, positives, strict=True), repeat=2)
        if pos and not neg
    ]
    return sum(pairs) / len(pairs)


@pytest.fixture(scope="module")
def printed_evaluation() -> tuple[ImageEvaluation, str]:
    """`aianimals evaluate images` on the bundled model and photos, and what it printed."""
    lines: list[str] = []
    evaluation = run_image_evaluation(threads=2, echo=lines.append)
    return evaluation, "\n".join(lines)


def test_roc_auc_is_one_for_a_perfect_ranking_and_zero_for_a_reversed_one() -> None:
    positives = np.array([True, True, False, False])
    assert roc_auc(np.array([0.9, 0.8, 0.2, 0.1]), positives) == 1.0
    assert roc_auc(np.array([0.1, 0.2, 0.8, 0.9]), positives) == 0.0
    assert roc_auc(np.array([0.5, 0.5, 0.5, 0.5]), positives) == 0.5


@given(
    st.lists(
        st.tuples(st.integers(0, 5).map(float), st.booleans()), min_size=2, max_size=30
    ).filter(lambda rows: 0 < sum(flag for _, flag in rows) < len(rows))
)
def test_roc_auc_equals_the_share_of_correctly_ordered_pairs_ties_counting_half(
    rows: list[tuple[float, bool]],
) -> None:
    scores, positives = zip(*rows, strict=True)
    expected = _pairwise_auc(list(scores), list(positives))
    assert roc_auc(np.array(scores), np.array(positives)) == pytest.approx(expected)


def test_roc_auc_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="at least one positive and one negative"):
        roc_auc(np.array([0.1, 0.2]), np.array([True, True]))


def test_detection_counts_flags_at_or_above_the_threshold() -> None:
    scores = np.array([0.95, 0.9, 0.89, 0.99, 0.1])
    positives = np.array([True, True, True, False, False])
    metrics = detection_metrics(scores, positives, threshold=0.9)
    assert (metrics.flagged, metrics.true_positives) == (3, 2)
    assert (metrics.positives, metrics.negatives) == (3, 2)
    assert metrics.precision == pytest.approx(2 / 3)
    assert metrics.recall == pytest.approx(2 / 3)
    assert metrics.f1 == pytest.approx(2 / 3)


def test_nothing_flagged_means_zero_precision_recall_and_f1() -> None:
    metrics = detection_metrics(np.array([0.1, 0.2]), np.array([True, False]))
    assert (metrics.precision, metrics.recall, metrics.f1) == (0.0, 0.0, 0.0)


def test_precision_at_k_excludes_the_query_and_reports_what_each_label_can_attain() -> None:
    rng = np.random.default_rng(3)
    centres = {"cat": 0, "no_animal": 1, "human": 2}
    labels = np.array(["cat"] * 3 + ["no_animal"] * 8 + ["human"] * 6)
    embeddings = np.stack(
        [np.eye(4)[centres[label]] + 0.01 * rng.standard_normal(4) for label in labels]
    ).astype(np.float32)
    metrics = precision_at_k(embeddings, labels, k=5)
    by_label = {row.label: row for row in metrics.per_label}
    assert by_label["cat"].precision == pytest.approx(2 / 5) == by_label["cat"].attainable
    assert by_label["no_animal"].precision == 1.0
    assert by_label["human"].precision == 1.0
    assert not (nearest_neighbours(embeddings, 5) == np.arange(len(labels))[:, None]).any()


def test_top1_agreement_is_the_share_of_equal_first_classes() -> None:
    def predictions(first: list[int]) -> Predictions:
        n = len(first)
        top = np.zeros((n, 5), dtype=np.int64)
        top[:, 0] = first
        return Predictions(
            np.zeros((n, 1280), np.float32),
            np.zeros(n, np.float32),
            top,
            np.zeros((n, 5), np.float32),
        )

    assert top1_agreement(predictions([1, 2, 3, 4]), predictions([1, 2, 3, 9])) == 0.75


def test_the_bundled_model_detects_photos_without_animals_zero_shot(
    printed_evaluation: tuple[ImageEvaluation, str],
) -> None:
    detection = printed_evaluation[0].no_animal
    assert (detection.positives, detection.negatives) == (143, 93)
    assert detection.roc_auc > 0.98
    assert detection.precision >= 0.95
    assert detection.recall >= 0.6


def test_similar_photos_of_the_bundled_model_mostly_share_the_label(
    printed_evaluation: tuple[ImageEvaluation, str],
) -> None:
    similarity = printed_evaluation[0].similarity
    by_label = {row.label: row.precision for row in similarity.per_label}
    assert similarity.k == 5
    assert similarity.precision > 0.85
    assert by_label["other_animal"] > 0.85
    assert by_label["no_animal"] > 0.9


def test_the_printed_report_is_a_markdown_table_with_the_figures(
    printed_evaluation: tuple[ImageEvaluation, str],
) -> None:
    evaluation, printed = printed_evaluation
    assert printed == markdown_table(evaluation)
    assert f"| {evaluation.no_animal.roc_auc:.4f} |" in printed
    assert "| other_animal | 87 |" in printed
    assert evaluation.model_version in printed
    assert "236 labelled photos" in printed


def test_evaluation_needs_one_prediction_per_photo(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    evaluation = evaluate_predictions(eval_set, eval_predictions, "v")
    assert evaluation.photos == 236
    short = Predictions(
        eval_predictions.embeddings[:3],
        eval_predictions.animal_probability[:3],
        eval_predictions.top_classes[:3],
        eval_predictions.top_probabilities[:3],
    )
    with pytest.raises(ValueError, match="one prediction per photo"):
        evaluate_predictions(eval_set, short, "v")
