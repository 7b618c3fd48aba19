"""Comparing no-animal detectors on the labelled real photos, the promotion rule, the card.

Every method is scored on the same photos: ROC-AUC (threshold-free) and precision, recall
and F1 of flagging at the deactivation threshold. The new head is promoted only when its
ROC-AUC beats both the zero-shot baseline and the current champion (when one is usable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.images.evaluation import DetectionMetrics, detection_metrics
from aianimals.ml.no_animal.operating_point import OperatingPoint, labelled_metadata

HEAD = "head"
ZERO_SHOT = "zero-shot"
CHAMPION_METHOD = "champion"
HEADLINE = "roc_auc"


@dataclass(frozen=True)
class Comparison:
    """Detection metrics per method on one set of photos."""

    photos: int
    positives: int
    negatives: int
    threshold: float
    metrics: dict[str, DetectionMetrics]

    def auc(self, method: str) -> float | None:
        """The method's ROC-AUC, or None when it was not scored."""
        found = self.metrics.get(method)
        return None if found is None else found.roc_auc


def compare(
    scores: Mapping[str, NDArray[np.floating]], positives: NDArray[np.bool_], threshold: float
) -> Comparison:
    """Score each method's P(no animal) against the labels."""
    return Comparison(
        photos=int(positives.shape[0]),
        positives=int(positives.sum()),
        negatives=int((~positives).sum()),
        threshold=threshold,
        metrics={
            method: detection_metrics(np.asarray(values, dtype=np.float64), positives, threshold)
            for method, values in scores.items()
        },
    )


def metric_values(comparison: Comparison) -> dict[str, float]:
    """Flat metric names for the run: `head.roc_auc`, `zero_shot.f1`, `eval.photos`, …"""
    values: dict[str, float] = {
        "eval.photos": float(comparison.photos),
        "eval.positives": float(comparison.positives),
        "eval.negatives": float(comparison.negatives),
    }
    for method, metrics in comparison.metrics.items():
        prefix = method.replace("-", "_")
        values.update(
            {
                f"{prefix}.roc_auc": metrics.roc_auc,
                f"{prefix}.precision": metrics.precision,
                f"{prefix}.recall": metrics.recall,
                f"{prefix}.f1": metrics.f1,
                f"{prefix}.flagged": float(metrics.flagged),
            }
        )
    return values


@dataclass(frozen=True)
class Decision:
    """Whether the new head takes the alias, and why (a sentence for the run and the log)."""

    promote: bool
    verdict: str


def decide(comparison: Comparison, new_version: int, champion_version: int | None) -> Decision:
    """Promote only when the head's ROC-AUC beats the zero-shot's and the champion's."""
    own = comparison.auc(HEAD)
    zero_shot = comparison.auc(ZERO_SHOT)
    champion = comparison.auc(CHAMPION_METHOD)
    if own is None or zero_shot is None:
        raise ValueError("the head and the zero-shot baseline must both be scored")
    rivals = [f"zero-shot {zero_shot:.4f}"]
    if champion is not None:
        rivals.append(f"champion v{champion_version} {champion:.4f}")
    best = max(zero_shot, champion if champion is not None else zero_shot)
    if own > best:
        return Decision(
            True, f"promoted v{new_version} (ROC-AUC {own:.4f} > {' and '.join(rivals)})"
        )
    if champion_version is not None:
        held = f"kept champion v{champion_version}"
    else:
        held = "no champion: the zero-shot detector stays in service"
    return Decision(
        False, f"{held} (v{new_version} ROC-AUC {own:.4f} does not beat {', '.join(rivals)})"
    )


def comparison_markdown(comparison: Comparison) -> str:
    """The methods × metrics table, in markdown."""
    lines = [
        f"| method (P(no animal) ≥ {comparison.threshold:g}) | ROC-AUC | precision | recall "
        "| F1 | flagged |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {method} | {m.roc_auc:.4f} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} "
        f"| {m.flagged} |"
        for method, m in comparison.metrics.items()
    )
    return "\n".join(lines)


def model_card(
    *,
    version: int,
    image_model_version: str,
    comparison: Comparison,
    training: Mapping[str, float | int | str],
    verdict: str,
    operating_point: OperatingPoint | None = None,
) -> str:
    """The run's `model_card.md`: data, evaluation, the operating point in force, the
    promotion verdict and caveats."""
    rows = "\n".join(f"| {key} | {value} |" for key, value in training.items())
    point = (
        []
        if operating_point is None
        else [
            "## Operating point (the settings in force, on the labelled photos)",
            "",
            "| item | value |",
            "|---|---:|",
            *(f"| {k} | {v} |" for k, v in labelled_metadata(operating_point).items()),
            "",
            'Chosen by bench/moderation_thresholds.py (docs/images.md, "Operating point").',
            "",
        ]
    )
    return "\n".join(
        [
            f"# no-animal-head v{version}",
            "",
            "Logistic regression on the image embedding of `"
            f"{image_model_version}` (+ the zero-shot logit), P(no animal) = sigmoid(w·x + b).",
            "",
            "## Training data (administrators' no_animal_violation verdicts)",
            "",
            "| item | value |",
            "|---|---:|",
            rows,
            "",
            f"## Evaluation: {comparison.photos} labelled real photos "
            f"({comparison.positives} without an animal, {comparison.negatives} with one)",
            "",
            comparison_markdown(comparison),
            "",
            *point,
            "## Promotion",
            "",
            verdict,
            "",
            "## Caveats",
            "",
            "- The evaluation set is small: an ROC-AUC difference of a few hundredths is "
            "within its noise.",
            "- Verdicts exist only for photos someone flagged, so the training photos are "
            "harder and differently mixed than a day's uploads.",
            "- The evaluation photos are never trained on; training photos that are "
            "near-duplicates of them (cosine > 0.99) are dropped, but heavier edits of the "
            "same photo can still pass.",
        ]
    )
