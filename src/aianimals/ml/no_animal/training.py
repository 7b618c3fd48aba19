"""`aianimals train no-animal`: load → train → evaluate → register → promote.

The chain retrains the no-animal head from administrators' verdicts (daily), compares it
with the zero-shot detector and the current champion on the labelled real photos, registers
it as a new version of `no-animal-head` and moves the `champion` alias only when it wins.
With too few verdicts there is nothing to train: `NothingToTrain` says how many there are.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.core.pipeline import Pipeline, Step
from aianimals.ml.no_animal import CHAMPION, MODEL_NAME
from aianimals.ml.no_animal.dataset import (
    NEAR_DUPLICATE,
    EvalFeatures,
    LabelCounts,
    TrainingSet,
    load_training_set,
    near_duplicates,
)
from aianimals.ml.no_animal.evaluation import (
    CHAMPION_METHOD,
    HEAD,
    ZERO_SHOT,
    Comparison,
    compare,
    decide,
    metric_values,
    model_card,
)
from aianimals.ml.no_animal.head import FitOptions, HeadFormatError, NoAnimalHead, fit_head
from aianimals.ml.no_animal.operating_point import OperatingPoint, Scores, labelled_metadata
from aianimals.ml.no_animal.operating_point import evaluate as evaluate_point
from aianimals.ports.registry.base import ModelRegistry, ModelVersion, RunLog
from aianimals.ports.sql.database import Database
from aianimals.settings import HIDE_THRESHOLD, REVIEW_THRESHOLD

MIN_LABELS = 10
"""Fewest examples of each class worth training on."""


class NothingToTrain(Exception):
    """Too few verdicts to train a head: not an error, the run just has nothing to do."""


@dataclass(frozen=True)
class NoAnimalSources:
    """What the chain reads and how it trains."""

    database: Database
    image_model_version: str
    eval_features: Callable[[], EvalFeatures]
    """The labelled real photos as the current image model embeds them (called once)."""
    threshold: float = HIDE_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    min_labels: int = MIN_LABELS
    implicit_negatives_days: int | None = None
    near_duplicate: float = NEAR_DUPLICATE
    options: FitOptions = field(default_factory=FitOptions)


@dataclass
class NoAnimalRun:
    """The run so far; each step fills in its part."""

    sources: NoAnimalSources
    registry: ModelRegistry
    log: RunLog
    counts: LabelCounts = field(default_factory=LabelCounts)
    training: TrainingSet | None = None
    evaluation: EvalFeatures | None = None
    dropped: int = 0
    head: NoAnimalHead | None = None
    champion: ModelVersion | None = None
    comparison: Comparison | None = None
    operating_point: OperatingPoint | None = None
    """The head's hide and review bands on the labelled photos, for the model card."""
    registered: ModelVersion | None = None
    promoted: bool = False
    verdict: str = ""


def too_few(counts: LabelCounts, min_labels: int) -> str | None:
    """The "nothing to train yet" message when either class has fewer than `min_labels`."""
    if counts.positives >= min_labels and counts.negatives >= min_labels:
        return None
    implicit = f", {counts.implicit} implicit negatives" if counts.implicit else ""
    return (
        f"nothing to train yet: {counts.confirmed} confirmed, {counts.rejected} rejected "
        f"verdicts{implicit} with embeddings (at least {min_labels} of each class needed)"
    )


def count_labels(sources: NoAnimalSources) -> LabelCounts:
    """The usable labels as the store holds them now (before the leakage guard)."""
    with sources.database.session() as session:
        _, counts = load_training_set(
            session,
            sources.image_model_version,
            implicit_negatives_days=sources.implicit_negatives_days,
        )
    return counts


def load(run: NoAnimalRun) -> NoAnimalRun:
    """Verdicts with embeddings; the eval photos' features; near-duplicates of them dropped."""
    sources = run.sources
    with sources.database.session() as session:
        training, run.counts = load_training_set(
            session,
            sources.image_model_version,
            implicit_negatives_days=sources.implicit_negatives_days,
        )
    run.evaluation = sources.eval_features()
    if run.evaluation.image_model_version != sources.image_model_version:
        msg = (
            f"eval photos embedded by {run.evaluation.image_model_version}, "
            f"training embeddings by {sources.image_model_version}"
        )
        raise ValueError(msg)
    leaked = near_duplicates(training.embeddings, run.evaluation.embeddings, sources.near_duplicate)
    run.dropped = int(leaked.sum())
    run.training = training.keep(~leaked)
    positives = int(run.training.labels.sum())
    negatives = len(run.training) - positives
    message = too_few(run.counts, sources.min_labels)
    if message is None and min(positives, negatives) < sources.min_labels:
        message = (
            f"nothing to train yet: {positives} no-animal and {negatives} animal photos left "
            f"after dropping {run.dropped} near-duplicates of eval photos"
        )
    if message is not None:
        raise NothingToTrain(message)
    counts = run.counts
    run.log.log_params(
        {
            "image_model_version": sources.image_model_version,
            "confirmed": counts.confirmed,
            "rejected": counts.rejected,
            "implicit_negatives": counts.implicit,
            "implicit_negatives_days": str(sources.implicit_negatives_days),
            "conflicting_verdicts": counts.conflicting,
            "without_embedding": counts.without_embedding,
            "near_duplicate_cosine": sources.near_duplicate,
            "dropped_near_duplicates": run.dropped,
            "train_positives": positives,
            "train_negatives": negatives,
            "threshold": sources.threshold,
        }
    )
    return run


def train(run: NoAnimalRun) -> NoAnimalRun:
    """Fit the logistic head (L2 strength by cross-validation on the verdicts)."""
    assert run.training is not None
    training = run.training
    run.head = fit_head(
        training.embeddings,
        training.animal_probability,
        training.labels,
        image_model_version=run.sources.image_model_version,
        threshold=run.sources.threshold,
        options=run.sources.options,
    )
    details = run.head.details
    run.log.log_params({"l2": float(details["l2"]), "features": ",".join(run.head.features)})
    if "cv_roc_auc" in details:
        run.log.log_metrics({"train.cv_roc_auc": float(details["cv_roc_auc"])})
    run.log.log_text(json.dumps(list(run.head.features), indent=2), "features.json")
    return run


def evaluate(run: NoAnimalRun) -> NoAnimalRun:
    """The head, the zero-shot detector and the champion (if usable) on the eval photos."""
    assert run.head is not None
    assert run.evaluation is not None
    photos = run.evaluation
    scores: dict[str, NDArray[np.floating]] = {
        HEAD: run.head.predict(photos.embeddings, photos.animal_probability),
        ZERO_SHOT: 1.0 - photos.animal_probability.astype(np.float64),
    }
    run.champion = run.registry.alias(MODEL_NAME, CHAMPION)
    champion = _champion_head(run, run.champion) if run.champion else None
    if champion is not None:
        scores[CHAMPION_METHOD] = champion.predict(photos.embeddings, photos.animal_probability)
    run.comparison = compare(scores, photos.positives, run.sources.threshold)
    run.log.log_metrics(metric_values(run.comparison))
    labelled = Scores(scores[HEAD], ~photos.positives, np.zeros(0))
    review = min(run.sources.review_threshold, run.sources.threshold)
    run.operating_point = evaluate_point(labelled, run.sources.threshold, review)
    return run


def _champion_head(run: NoAnimalRun, champion: ModelVersion) -> NoAnimalHead | None:
    """The champion's head when it reads the current image model's embeddings."""
    with tempfile.TemporaryDirectory(prefix="aianimals-no-animal-") as scratch:
        directory = run.registry.download(champion.name, champion.version, Path(scratch))
        try:
            head = NoAnimalHead.load(directory)
        except HeadFormatError:
            return None
    return head if head.image_model_version == run.sources.image_model_version else None


def register(run: NoAnimalRun) -> NoAnimalRun:
    """The head as a new version of `no-animal-head`."""
    assert run.head is not None
    with tempfile.TemporaryDirectory(prefix="aianimals-no-animal-") as scratch:
        directory = run.head.save(Path(scratch) / "head")
        run.registered = run.registry.register(MODEL_NAME, run.log.run_id, directory)
    return run


def promote(run: NoAnimalRun) -> NoAnimalRun:
    """Move `champion` only when the head beats the zero-shot and the champion on ROC-AUC."""
    assert run.comparison is not None
    assert run.registered is not None
    assert run.training is not None
    assert run.head is not None
    version = run.registered.version
    decision = decide(run.comparison, version, run.champion.version if run.champion else None)
    if decision.promote:
        run.registry.set_alias(MODEL_NAME, CHAMPION, version)
    run.promoted, run.verdict = decision.promote, decision.verdict
    run.log.set_tags({"promotion": decision.verdict, "promoted": str(decision.promote)})
    if run.operating_point is not None:
        run.log.set_tags(
            {
                f"operating_point.{key}": str(value)
                for key, value in labelled_metadata(run.operating_point).items()
            }
        )
    training = {
        "confirmed (label 1)": run.counts.confirmed,
        "rejected (label 0)": run.counts.rejected,
        "implicit negatives (label 0)": run.counts.implicit,
        "conflicting verdicts (latest won)": run.counts.conflicting,
        "reviewed without an embedding": run.counts.without_embedding,
        "dropped: near-duplicates of eval photos": run.dropped,
        "trained on": len(run.training),
        "L2 strength": run.head.details.get("l2", ""),
        "cross-validated ROC-AUC": run.head.details.get("cv_roc_auc", "-"),
    }
    card = model_card(
        version=version,
        image_model_version=run.sources.image_model_version,
        comparison=run.comparison,
        training=training,
        verdict=decision.verdict,
        operating_point=run.operating_point,
    )
    run.log.log_text(card, "model_card.md")
    return run


def _describe_comparison(run: NoAnimalRun) -> str:
    assert run.comparison is not None
    return ", ".join(f"{m} {v.roc_auc:.4f}" for m, v in run.comparison.metrics.items())


NO_ANIMAL_PIPELINE = Pipeline(
    "no-animal",
    [
        Step(
            "load",
            load,
            "verdicts, embeddings, eval photos",
            lambda r: f"{len(r.training):,} examples, {r.dropped} near-duplicates dropped",
        ),
        Step(
            "train",
            train,
            "logistic head on the embedding",
            lambda r: f"l2 {r.head.details['l2']}",
        ),
        Step("evaluate", evaluate, "ROC-AUC on the labelled photos", _describe_comparison),
        Step(
            "register",
            register,
            "new version in the registry",
            lambda r: f"{r.registered.name} v{r.registered.version}",
        ),
        Step("promote", promote, "champion alias only on a better ROC-AUC", lambda r: r.verdict),
    ],
)
