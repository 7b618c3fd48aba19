"""Training labels come from administrators' verdicts on no-animal violations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from aianimals.core.clock import utcnow
from aianimals.images.embeddings import save_embedding
from aianimals.ml.no_animal.dataset import (
    CONFIRMED,
    IMPLICIT,
    REJECTED,
    load_training_set,
    near_duplicates,
)
from aianimals.moderation.models import ViolationType
from aianimals.roles.container import Container
from tests.factories import Factory
from tests.ml.no_animal.conftest import MODEL_VERSION, add_verdicts, add_violation, photos


def _type_id(factory: Factory, name: str) -> str:
    row = factory.session.query(ViolationType).filter_by(name=name).one()
    return row.id


def test_confirmed_is_no_animal_rejected_is_an_animal_pending_is_left_out(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    session = factory.session
    confirmed, rejected, _pending = add_verdicts(
        session, factory, no_animal_type, ["confirmed", "rejected", "pending"], seed=1
    )
    # A verdict on another violation type says nothing about animals in the photo.
    face = _type_id(factory, "human_face_violation")
    other = factory.animal()
    save_embedding(session, other.id, MODEL_VERSION, photos([False], 2).embeddings[0], 0.9)
    add_violation(session, other.id, face, "confirmed")
    session.commit()

    with container.database.session() as reading:
        training, counts = load_training_set(reading, MODEL_VERSION)
    labels = dict(zip(training.animal_ids, training.labels, strict=True))
    assert labels == {confirmed.id: True, rejected.id: False}
    assert (counts.confirmed, counts.rejected, counts.implicit) == (1, 1, 0)
    assert training.embeddings.shape == (2, 1280)
    assert set(training.sources) == {CONFIRMED, REJECTED}


def test_the_latest_verdict_wins_and_disagreements_are_counted(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    session = factory.session
    (animal,) = add_verdicts(session, factory, no_animal_type, ["confirmed"], seed=3)
    later = add_violation(session, animal.id, no_animal_type, "rejected", judge="administrator")
    later.updated_at = utcnow() + timedelta(minutes=5)
    session.commit()

    with container.database.session() as reading:
        training, counts = load_training_set(reading, MODEL_VERSION)
    assert list(training.labels) == [False]
    assert counts.conflicting == 1
    assert (counts.confirmed, counts.rejected) == (0, 1)


def test_verdicts_without_an_embedding_of_this_model_version_are_counted_not_used(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    add_verdicts(factory.session, factory, no_animal_type, ["confirmed", "rejected"], seed=4)
    with container.database.session() as reading:
        training, counts = load_training_set(reading, "another-image-model")
    assert len(training) == 0
    assert counts.without_embedding == 2


def test_implicit_negatives_are_off_by_default_and_exclude_reported_photos(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    session = factory.session
    quiet, reported = add_verdicts(session, factory, no_animal_type, ["pending", "pending"], 5)
    face = _type_id(factory, "human_face_violation")
    add_violation(session, reported.id, face, "pending", judge="user-report", effective=False)
    session.commit()
    later = utcnow() + timedelta(days=30)

    with container.database.session() as reading:
        default, _ = load_training_set(reading, MODEL_VERSION, now=later)
        recent, _ = load_training_set(reading, MODEL_VERSION, implicit_negatives_days=60, now=later)
        old, counts = load_training_set(
            reading, MODEL_VERSION, implicit_negatives_days=7, now=later
        )
    assert len(default) == 0
    assert len(recent) == 0  # posted less than 60 days before `later`
    assert old.animal_ids == (quiet.id,)
    assert old.sources == (IMPLICIT,)
    assert list(old.labels) == [False]
    assert counts.implicit == 1


def test_near_duplicates_of_eval_photos_are_found() -> None:
    held_out = photos([True, False, True], seed=6).embeddings
    rng = np.random.default_rng(0)
    noise = np.asarray(rng.normal(scale=1e-3, size=held_out.shape[1]), dtype=np.float32)
    copy = held_out[1] + noise
    unrelated = photos([False, True], seed=7).embeddings
    train = np.vstack([unrelated, copy[None, :]])
    assert list(near_duplicates(train, held_out)) == [False, False, True]
    assert not near_duplicates(train[:0], held_out).any()
