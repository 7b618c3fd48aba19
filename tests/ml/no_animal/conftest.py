"""Synthetic photos for the no-animal head: unit vectors with one planted direction.

A "no animal" photo leans along +e₀ and an animal photo along −e₀, under isotropic noise;
the zero-shot animal probability is a noisier reading of the same truth. No real photo
(and never an evaluation photo) is used to train anything here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from aianimals.animals.models import Animal
from aianimals.core.ids import new_id
from aianimals.images.embeddings import save_embedding
from aianimals.ml.no_animal.dataset import EvalFeatures
from aianimals.moderation.models import Violation
from tests.factories import Factory

DIM = 1280
MODEL_VERSION = "efficientnet-lite0-test00000000"


@dataclass(frozen=True)
class Photos:
    """Synthetic embeddings, zero-shot animal probabilities and truths (True: no animal)."""

    embeddings: NDArray[np.float32]
    animal_probability: NDArray[np.float32]
    no_animal: NDArray[np.bool_]


def photos(
    no_animal: list[bool], seed: int, signal: float = 0.3, zero_shot_noise: float = 1.5
) -> Photos:
    """Photos whose embedding carries the truth as ±`signal` along e₀ (noise of norm ≈ 1);
    the zero-shot logit is the truth ± 1 under Gaussian noise of sd `zero_shot_noise`."""
    rng = np.random.default_rng(seed)
    truth = np.asarray(no_animal, dtype=np.bool_)
    sign = np.where(truth, 1.0, -1.0)
    vectors = rng.normal(size=(truth.size, DIM)) / np.sqrt(DIM)
    vectors[:, 0] += sign * signal
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    logit = -sign + rng.normal(scale=zero_shot_noise, size=truth.size)
    probability = 1.0 / (1.0 + np.exp(-logit))
    return Photos(vectors.astype(np.float32), probability.astype(np.float32), truth)


def eval_features(count: int = 120, seed: int = 7, **kwargs: float) -> EvalFeatures:
    """A synthetic evaluation set, half without an animal."""
    made = photos([i % 2 == 0 for i in range(count)], seed, **kwargs)
    return EvalFeatures(MODEL_VERSION, made.embeddings, made.animal_probability, made.no_animal)


def add_verdicts(
    session: Session, factory: Factory, type_id: str, states: list[str], seed: int
) -> list[Animal]:
    """One animal per state, embedded (confirmed photos without an animal), with a detector
    no-animal violation in that state."""
    made = photos([state == "confirmed" for state in states], seed)
    animals = []
    owner = factory.user()
    for row, state in enumerate(states):
        animal = factory.animal(owner)
        save_embedding(
            session,
            animal.id,
            MODEL_VERSION,
            made.embeddings[row],
            float(made.animal_probability[row]),
        )
        add_violation(session, animal.id, type_id, state)
        animals.append(animal)
    session.commit()
    return animals


def add_violation(
    session: Session,
    animal_id: str,
    type_id: str,
    state: str,
    *,
    judge: str = "detector",
    model_version: str = "zero-shot:test",
    effective: bool | None = None,
) -> Violation:
    """A violation row as the detector (or a person) would leave it."""
    row = Violation(
        id=new_id(),
        animal_id=animal_id,
        violation_type_id=type_id,
        judge=judge,
        model_version=model_version,
        probability=0.95 if state == "confirmed" else 0.5,
        is_effective=(state == "confirmed") if effective is None else effective,
        state=state,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def no_animal_type(factory: Factory) -> str:
    """The id of the no_animal_violation type (all five reference types are created)."""
    types = factory.violation_types()
    return next(t.id for t in types if t.name == "no_animal_violation")
