"""Training examples from administrators' verdicts, and the evaluation photos' features.

A training example is an animal's stored embedding (current image model version) labelled
by the verdict on its no_animal_violation: confirmed → 1 (no animal), rejected → 0 (an
animal). When an animal has several reviewed no-animal violations (one per detector
version, or a user's report) the latest verdict wins; disagreeing verdicts are counted.

Optional implicit negatives (off by default): visible animals posted more than N days ago
whose every no-animal detection stayed below the threshold and that nobody reported —
labels nobody gave, biased toward photos the zero-shot detector already calls animals.

The evaluation set is the labelled real photos, embedded by the image model at evaluation
time and never trained on; a training photo whose embedding is a near-duplicate of one of
them (cosine above 0.99: the demo store's photos are drawn from the same files) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import visible_ids_posted_before
from aianimals.core.clock import utcnow
from aianimals.images.detector import NO_ANIMAL
from aianimals.images.models import AnimalEmbedding
from aianimals.images.tasks import DETECTOR_JUDGE
from aianimals.ml.images.evalset import EvalSet, load_eval_set
from aianimals.ml.images.model import ImageModel
from aianimals.moderation.models import (
    STATE_CONFIRMED,
    STATE_PENDING,
    STATE_REJECTED,
    Violation,
    ViolationType,
)

CONFIRMED = "confirmed"
REJECTED = "rejected"
IMPLICIT = "implicit"
NEAR_DUPLICATE = 0.99


@dataclass(frozen=True)
class LabelCounts:
    """How many labels each source gave, and what could not be used."""

    confirmed: int = 0
    rejected: int = 0
    implicit: int = 0
    conflicting: int = 0
    """Animals with both a confirmed and a rejected no-animal violation (latest won)."""
    without_embedding: int = 0
    """Reviewed animals with no embedding from the current image model version."""

    @property
    def positives(self) -> int:
        """Examples labelled "no animal"."""
        return self.confirmed

    @property
    def negatives(self) -> int:
        """Examples labelled "an animal"."""
        return self.rejected + self.implicit


@dataclass(frozen=True)
class TrainingSet:
    """Labelled embeddings, one row per animal (label True: no animal)."""

    animal_ids: tuple[str, ...]
    embeddings: NDArray[np.float32]
    animal_probability: NDArray[np.float32]
    labels: NDArray[np.bool_]
    sources: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.animal_ids)

    def keep(self, rows: NDArray[np.bool_]) -> TrainingSet:
        """Only the rows where `rows` is True."""
        return TrainingSet(
            tuple(i for i, kept in zip(self.animal_ids, rows, strict=True) if kept),
            self.embeddings[rows],
            self.animal_probability[rows],
            self.labels[rows],
            tuple(s for s, kept in zip(self.sources, rows, strict=True) if kept),
        )

    def count(self, source: str) -> int:
        """Examples from one source (confirmed, rejected, implicit)."""
        return self.sources.count(source)


@dataclass(frozen=True)
class EvalFeatures:
    """The evaluation photos as the image model sees them, with their labels."""

    image_model_version: str
    embeddings: NDArray[np.float32]
    animal_probability: NDArray[np.float32]
    positives: NDArray[np.bool_]
    """True where the photo shows no animal (labels no_animal and human)."""

    def __len__(self) -> int:
        return int(self.positives.shape[0])


def eval_features(model: ImageModel, eval_set: EvalSet | None = None) -> EvalFeatures:
    """Embed the labelled real photos (default: the bundled set) with `model`."""
    photos = eval_set if eval_set is not None else load_eval_set()
    predictions = model.predict(photos.images())
    return EvalFeatures(
        model.version, predictions.embeddings, predictions.animal_probability, photos.no_animal()
    )


def verdict_labels(session: Session) -> tuple[dict[str, bool], int]:
    """Animal id → True (confirmed: no animal) / False (rejected); and how many disagreed."""
    query = (
        select(Violation.animal_id, Violation.state)
        .join(ViolationType, ViolationType.id == Violation.violation_type_id)
        .where(
            ViolationType.name == NO_ANIMAL,
            Violation.state.in_((STATE_CONFIRMED, STATE_REJECTED)),
        )
        .order_by(Violation.updated_at, Violation.id)
    )
    labels: dict[str, bool] = {}
    seen: dict[str, set[bool]] = {}
    for animal_id, state in session.execute(query):
        label = state == STATE_CONFIRMED
        labels[animal_id] = label  # in time order: the latest verdict wins
        seen.setdefault(animal_id, set()).add(label)
    return labels, sum(1 for values in seen.values() if len(values) > 1)


def implicit_negatives(session: Session, posted_before: datetime) -> list[str]:
    """Visible animals posted before `posted_before`, detected below the threshold by the
    no-animal detector, with no violation in effect, confirmed, or reported by a person
    and awaiting review."""
    no_animal = select(ViolationType.id).where(ViolationType.name == NO_ANIMAL)
    candidates = visible_ids_posted_before(posted_before).subquery("candidates")
    detected = exists().where(
        Violation.animal_id == candidates.c.id,
        Violation.violation_type_id.in_(no_animal.scalar_subquery()),
        Violation.judge == DETECTOR_JUDGE,
    )
    flagged = exists().where(
        Violation.animal_id == candidates.c.id,
        or_(
            Violation.is_effective.is_(True),
            Violation.state == STATE_CONFIRMED,
            and_(Violation.state == STATE_PENDING, Violation.judge != DETECTOR_JUDGE),
        ),
    )
    query = select(candidates.c.id).where(detected, ~flagged).order_by(candidates.c.id)
    return list(session.scalars(query))


def load_training_set(
    session: Session,
    image_model_version: str,
    *,
    implicit_negatives_days: int | None = None,
    now: datetime | None = None,
) -> tuple[TrainingSet, LabelCounts]:
    """Labelled embeddings of the reviewed animals (and implicit negatives when asked)."""
    labels, conflicting = verdict_labels(session)
    sources = {i: CONFIRMED if label else REJECTED for i, label in labels.items()}
    if implicit_negatives_days is not None:
        cutoff = (now or utcnow()) - timedelta(days=implicit_negatives_days)
        for animal_id in implicit_negatives(session, cutoff):
            if animal_id not in sources:
                sources[animal_id] = IMPLICIT
    ids: list[str] = []
    vectors: list[NDArray[np.float32]] = []
    probabilities: list[float] = []
    wanted = sorted(sources)
    for start in range(0, len(wanted), 500):
        rows = session.scalars(
            select(AnimalEmbedding)
            .where(
                AnimalEmbedding.model_version == image_model_version,
                AnimalEmbedding.animal_id.in_(wanted[start : start + 500]),
            )
            .order_by(AnimalEmbedding.animal_id)
        )
        for row in rows:
            ids.append(row.animal_id)
            vectors.append(np.frombuffer(row.vector, dtype=np.float32, count=row.dim))
            probabilities.append(row.animal_probability)
    dims = {vector.shape[0] for vector in vectors}
    if len(dims) > 1:
        raise ValueError(f"embeddings of {image_model_version} differ in size: {sorted(dims)}")
    kinds = tuple(sources[i] for i in ids)
    reviewed = sum(1 for kind in sources.values() if kind != IMPLICIT)
    training = TrainingSet(
        animal_ids=tuple(ids),
        embeddings=np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32),
        animal_probability=np.asarray(probabilities, dtype=np.float32),
        labels=np.array([kind == CONFIRMED for kind in kinds], dtype=np.bool_),
        sources=kinds,
    )
    counts = LabelCounts(
        confirmed=training.count(CONFIRMED),
        rejected=training.count(REJECTED),
        implicit=training.count(IMPLICIT),
        conflicting=conflicting,
        without_embedding=reviewed - training.count(CONFIRMED) - training.count(REJECTED),
    )
    return training, counts


def near_duplicates(
    train: NDArray[np.floating], held_out: NDArray[np.floating], threshold: float = NEAR_DUPLICATE
) -> NDArray[np.bool_]:
    """True for each training row whose cosine similarity to some held-out row exceeds
    `threshold`."""
    if train.shape[0] == 0 or held_out.shape[0] == 0:
        return np.zeros(train.shape[0], dtype=np.bool_)
    a = train.astype(np.float64)
    a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b = held_out.astype(np.float64)
    b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    found = np.zeros(a.shape[0], dtype=np.bool_)
    for start in range(0, a.shape[0], 2048):
        block = a[start : start + 2048] @ b.T
        found[start : start + 2048] = block.max(axis=1) > threshold
    return found
