"""Offline quality of the image model on the labelled photos (pure numpy).

(a) Zero-shot no-animal detection: the score is P(no animal) = 1 − animal_probability;
positives are `no_animal` and `human` photos, negatives `cat`, `dog` and `other_animal`.
Reported: ROC-AUC (rank statistic, ties averaged) and precision/recall/F1 of flagging at
P(no animal) ≥ 0.9, the reference's deactivation threshold.
(b) Similar images: for each photo, the 5 nearest other photos by exact cosine similarity
of the embeddings; precision@5 is the share with the same label, per label and overall.
A label with n photos can reach at most min(5, n − 1) / 5 ("attainable").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.images.evalset import LABELS, EvalSet, load_eval_set
from aianimals.ml.images.model import ImageModel, Predictions, load_model
from aianimals.ml.images.runtime import RuntimeOptions

NO_ANIMAL_THRESHOLD = 0.9
SIMILAR_K = 5


@dataclass(frozen=True)
class DetectionMetrics:
    """No-animal detection quality; precision is 0 when nothing is flagged."""

    threshold: float
    roc_auc: float
    precision: float
    recall: float
    f1: float
    positives: int
    negatives: int
    flagged: int
    true_positives: int


@dataclass(frozen=True)
class LabelPrecision:
    """Same-label precision@k of the queries with one label."""

    label: str
    photos: int
    precision: float
    attainable: float


@dataclass(frozen=True)
class SimilarityMetrics:
    """Same-label precision@k over all queries (query excluded from its own results)."""

    k: int
    precision: float
    per_label: tuple[LabelPrecision, ...]


@dataclass(frozen=True)
class ImageEvaluation:
    """Everything `aianimals evaluate images` reports for one model."""

    model_version: str
    photos: int
    counts: dict[str, int]
    no_animal: DetectionMetrics
    similarity: SimilarityMetrics


def roc_auc(scores: NDArray[np.floating], positives: NDArray[np.bool_]) -> float:
    """P(score of a random positive > a random negative), ties counting one half."""
    if scores.shape != positives.shape:
        raise ValueError("scores and positives differ in shape")
    n_pos = int(positives.sum())
    n_neg = int(positives.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC needs at least one positive and one negative")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    mean_rank = (ends - counts + 1 + ends) / 2.0
    ranks = mean_rank[inverse.reshape(-1)]
    rank_sum = float(ranks[positives.reshape(-1)].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def detection_metrics(
    scores: NDArray[np.floating],
    positives: NDArray[np.bool_],
    threshold: float = NO_ANIMAL_THRESHOLD,
) -> DetectionMetrics:
    """ROC-AUC of `scores`, and precision/recall/F1 of flagging where score ≥ `threshold`."""
    flagged = scores >= threshold
    true_positives = int((flagged & positives).sum())
    n_flagged = int(flagged.sum())
    n_pos = int(positives.sum())
    precision = true_positives / n_flagged if n_flagged else 0.0
    recall = true_positives / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return DetectionMetrics(
        threshold=threshold,
        roc_auc=roc_auc(scores, positives),
        precision=precision,
        recall=recall,
        f1=f1,
        positives=n_pos,
        negatives=int(positives.size - n_pos),
        flagged=n_flagged,
        true_positives=true_positives,
    )


def nearest_neighbours(embeddings: NDArray[np.float32], k: int) -> NDArray[np.intp]:
    """For each row, the `k` other rows of highest cosine similarity, best first (exact)."""
    if embeddings.shape[0] <= k:
        raise ValueError(f"need more than {k} embeddings")
    unit = embeddings.astype(np.float64)
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argsort(-similarity, axis=1, kind="stable")[:, :k]


def precision_at_k(
    embeddings: NDArray[np.float32], labels: NDArray[np.str_], k: int = SIMILAR_K
) -> SimilarityMetrics:
    """Share of each query's k nearest other photos that carry the query's label."""
    neighbours = nearest_neighbours(embeddings, k)
    hits = (labels[neighbours] == labels[:, None]).mean(axis=1)
    per_label = []
    for label in LABELS:
        rows = labels == label
        count = int(rows.sum())
        if count:
            attainable = min(k, count - 1) / k
            per_label.append(LabelPrecision(label, count, float(hits[rows].mean()), attainable))
    return SimilarityMetrics(k=k, precision=float(hits.mean()), per_label=tuple(per_label))


def evaluate_predictions(
    eval_set: EvalSet, predictions: Predictions, model_version: str
) -> ImageEvaluation:
    """Both evaluations from predictions made on `eval_set`'s photos, in its order."""
    if len(predictions) != len(eval_set):
        raise ValueError("one prediction per photo is needed")
    p_no_animal = 1.0 - predictions.animal_probability.astype(np.float64)
    return ImageEvaluation(
        model_version=model_version,
        photos=len(eval_set),
        counts=eval_set.counts(),
        no_animal=detection_metrics(p_no_animal, eval_set.no_animal()),
        similarity=precision_at_k(predictions.embeddings, eval_set.labels()),
    )


def evaluate_images(model: ImageModel, eval_set: EvalSet | None = None) -> ImageEvaluation:
    """Run `model` over the labelled photos (default: the bundled set) and score it."""
    photos = eval_set if eval_set is not None else load_eval_set()
    return evaluate_predictions(photos, model.predict(photos.images()), model.version)


def top1_agreement(first: Predictions, second: Predictions) -> float:
    """Share of images whose most probable ImageNet class is the same in both."""
    if len(first) != len(second) or len(first) == 0:
        raise ValueError("need the same, non-zero number of predictions")
    return float((first.top_classes[:, 0] == second.top_classes[:, 0]).mean())


def markdown_table(evaluation: ImageEvaluation) -> str:
    """The evaluation as two markdown tables (no-animal detection; precision@k)."""
    detection = evaluation.no_animal
    counts = ", ".join(f"{label} {count}" for label, count in evaluation.counts.items())
    lines = [
        f"Model `{evaluation.model_version}` on {evaluation.photos} labelled photos ({counts}).",
        "",
        "| zero-shot no-animal | ROC-AUC | threshold | precision | recall | F1 "
        "| positives | negatives | flagged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| P(no animal) = 1 − P(ImageNet 0–397) | {detection.roc_auc:.4f} "
        f"| {detection.threshold:.2f} | {detection.precision:.3f} | {detection.recall:.3f} "
        f"| {detection.f1:.3f} | {detection.positives} | {detection.negatives} "
        f"| {detection.flagged} |",
        "",
        f"| label | photos | same-label precision@{evaluation.similarity.k} | attainable |",
        "|---|---:|---:|---:|",
    ]
    lines.extend(
        f"| {row.label} | {row.photos} | {row.precision:.3f} | {row.attainable:.3f} |"
        for row in evaluation.similarity.per_label
    )
    lines.append(f"| **all** | {evaluation.photos} | {evaluation.similarity.precision:.3f} | |")
    return "\n".join(lines)


def run_image_evaluation(
    model_path: Path | None = None,
    *,
    threads: int = 2,
    echo: Callable[[str], None] = print,
) -> ImageEvaluation:
    """`aianimals evaluate images`: load the model (default: bundled), evaluate, print."""
    model = load_model(model_path, options=RuntimeOptions(intra_op_threads=threads))
    evaluation = evaluate_images(model)
    echo(markdown_table(evaluation))
    return evaluation
