"""Serving: the champion head follows its alias, only for its own image model version."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aianimals.core.model_holder import ModelHolder
from aianimals.images.detector import NO_ANIMAL, Detector
from aianimals.images.no_animal_serving import HeadNoAnimal, no_animal_champion
from aianimals.ml.no_animal import CHAMPION, EXPERIMENT, MODEL_NAME
from aianimals.ml.no_animal.head import FitOptions, NoAnimalHead, fit_head
from aianimals.ports.registry.base import ModelRegistry
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import Container
from aianimals.settings import Settings
from tests.ml.no_animal.conftest import MODEL_VERSION, photos


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _head(image_model_version: str = MODEL_VERSION, l2: float = 10.0) -> NoAnimalHead:
    train = photos([i % 2 == 0 for i in range(20)], seed=21)
    return fit_head(
        train.embeddings,
        train.animal_probability,
        train.no_animal,
        image_model_version=image_model_version,
        threshold=0.9,
        options=FitOptions(l2=l2),
    )


def _publish(settings: Settings, head: NoAnimalHead, folder: Path) -> int:
    """Register `head` and point the champion alias at it; its version."""
    registry = create_registry(settings.registry, settings.var_dir)
    try:
        with registry.run(EXPERIMENT, "publish") as log:
            version = registry.register(MODEL_NAME, log.run_id, head.save(folder))
        registry.set_alias(MODEL_NAME, CHAMPION, version.version)
        return version.version
    finally:
        registry.close()


def _holder(settings: Settings, clock: Clock, tmp_path: Path) -> ModelHolder[HeadNoAnimal]:
    return no_animal_champion(
        lambda: create_registry(settings.registry, settings.var_dir),
        MODEL_VERSION,
        poll_seconds=30.0,
        cache_dir=tmp_path / "cache",
        clock=clock,
    )


def test_the_head_is_a_detector_with_a_versioned_name() -> None:
    head = _head()
    detector: Detector = HeadNoAnimal(head, 3)
    assert detector.violation_type == NO_ANIMAL
    assert detector.version == f"head:3:{MODEL_VERSION}"
    assert len(detector.version) <= 64  # violations.model_version
    one = photos([True], seed=22)
    probability = detector.probability(one.embeddings[0], float(one.animal_probability[0]))
    assert probability == pytest.approx(
        float(head.predict(one.embeddings, one.animal_probability)[0])
    )
    assert 0.0 <= probability <= 1.0


def test_no_champion_means_no_detector(container: Container, tmp_path: Path) -> None:
    holder = _holder(container.settings, Clock(), tmp_path)
    assert holder.current() is None


def test_the_champion_is_loaded_and_reloaded_when_the_alias_moves(
    container: Container, tmp_path: Path
) -> None:
    settings, clock = container.settings, Clock()
    first = _publish(settings, _head(l2=10.0), tmp_path / "first")
    holder = _holder(settings, clock, tmp_path)
    detector = holder.current()
    assert detector is not None
    assert detector.version == f"head:{first}:{MODEL_VERSION}"

    second = _publish(settings, _head(l2=100.0), tmp_path / "second")
    clock.now = 10.0  # not yet time to ask the registry again
    assert holder.current() is detector
    clock.now = 31.0
    moved = holder.current()
    assert moved is not None
    assert moved.version == f"head:{second}:{MODEL_VERSION}"
    one = photos([False], seed=23)
    assert moved.probability(one.embeddings[0], 0.8) != detector.probability(one.embeddings[0], 0.8)
    assert not holder.refresh()  # nothing moved since


def test_a_champion_for_another_image_model_is_not_served(
    container: Container, tmp_path: Path
) -> None:
    _publish(container.settings, _head(image_model_version="older-model"), tmp_path / "old")
    holder = _holder(container.settings, Clock(), tmp_path)
    assert holder.current() is None


def test_a_registry_outage_keeps_the_loaded_head(container: Container, tmp_path: Path) -> None:
    settings, clock = container.settings, Clock()
    _publish(settings, _head(), tmp_path / "head")
    healthy = True

    def registry() -> ModelRegistry:
        if not healthy:
            raise ConnectionError("registry down")
        return create_registry(settings.registry, settings.var_dir)

    holder = no_animal_champion(registry, MODEL_VERSION, poll_seconds=1.0, clock=clock)
    detector = holder.current()
    assert detector is not None
    healthy = False
    clock.now = 5.0
    assert holder.current() is detector
    assert np.isfinite(detector.probability(photos([True], 24).embeddings[0], 0.1))
