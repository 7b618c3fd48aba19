"""The violation registry applies published detections with the type's threshold."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aianimals.animals.models import Animal
from aianimals.core.events import MalformedMessage
from aianimals.images.detector import NO_ANIMAL, violation_detected
from aianimals.moderation.models import Violation, ViolationType
from aianimals.moderation.registry import REFERENCE_TYPE_IDS, ViolationRegistry
from aianimals.roles.container import Container
from tests.factories import Factory


def _registry(container: Container, threshold: float = 0.9) -> ViolationRegistry:
    return ViolationRegistry(container.database, {NO_ANIMAL: threshold})


def test_a_detection_above_the_threshold_hides_the_animal_and_creates_the_type(
    container: Container, factory: Factory
) -> None:
    animal = factory.animal()
    event = violation_detected(animal.id, NO_ANIMAL, 0.97, "zero-shot:m1", "detector")
    _registry(container).record(event)
    _registry(container).record(event)  # redelivered: one row
    with container.database.session() as session:
        rows = session.scalars(select(Violation).where(Violation.animal_id == animal.id)).all()
        kind = session.get(ViolationType, REFERENCE_TYPE_IDS[NO_ANIMAL])
        hidden = session.get(Animal, animal.id)
    assert len(rows) == 1
    assert rows[0].is_effective
    assert kind is not None
    assert hidden is not None
    assert hidden.deactivated


def test_the_threshold_comes_from_the_settings(container: Container, factory: Factory) -> None:
    animal = factory.animal()
    event = violation_detected(animal.id, NO_ANIMAL, 0.97, "zero-shot:m1", "detector")
    _registry(container, threshold=0.99).record(event)
    with container.database.session() as session:
        shown = session.get(Animal, animal.id)
    assert shown is not None
    assert not shown.deactivated


def test_a_detection_for_a_deleted_animal_is_dropped(container: Container) -> None:
    event = violation_detected("0" * 32, NO_ANIMAL, 0.97, "zero-shot:m1", "detector")
    _registry(container).record(event)
    with container.database.session() as session:
        assert session.scalar(select(Violation)) is None


@pytest.mark.parametrize(
    "payload",
    [
        {"violation_type": NO_ANIMAL, "probability": 0.5, "model_version": "m", "judge": "d"},
        {"animal_id": "a", "violation_type": NO_ANIMAL, "probability": "high", "judge": "d"},
        {
            "animal_id": "a",
            "violation_type": NO_ANIMAL,
            "probability": 1.5,
            "model_version": "m",
            "judge": "d",
        },
    ],
)
def test_a_malformed_detection_is_refused_for_the_dead_letter_queue(
    container: Container, factory: Factory, payload: dict[str, object]
) -> None:
    animal = factory.animal()
    event = violation_detected(animal.id, NO_ANIMAL, 0.5, "m", "d")
    body = {**payload, "animal_id": animal.id} if "animal_id" in payload else payload
    with pytest.raises(MalformedMessage):
        _registry(container).record(type(event)(event.type, body, event.dedupe_key))


def test_the_review_band_comes_from_the_settings(container: Container, factory: Factory) -> None:
    in_band, below = factory.animal(), factory.animal()
    registry = ViolationRegistry(container.database, {NO_ANIMAL: 0.93}, {NO_ANIMAL: 0.52})
    registry.record(violation_detected(in_band.id, NO_ANIMAL, 0.6, "zero-shot:m1", "detector"))
    registry.record(violation_detected(below.id, NO_ANIMAL, 0.4, "zero-shot:m1", "detector"))
    with container.database.session() as session:
        states = {
            row.animal_id: (row.state, row.is_effective)
            for row in session.scalars(select(Violation))
        }
    assert states == {in_band.id: ("pending", False), below.id: ("below_band", False)}
