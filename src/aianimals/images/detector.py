"""Violation detectors over a photo's model outputs, and the event they publish.

The first no-animal detector is zero-shot: 1 − the ImageNet animal-class probability mass
(classes 0–397) of the image model. A detector's `version` names both the image model and
its own rule or trained head, so stored results stay apart per version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from aianimals.core.events import VIOLATION_DETECTED, Event

NO_ANIMAL = "no_animal_violation"


class Detector(Protocol):
    """Scores one photo for one violation type."""

    @property
    def violation_type(self) -> str:
        """The violation type's name (e.g. no_animal_violation)."""
        ...

    @property
    def version(self) -> str:
        """Model version recorded with every result."""
        ...

    def probability(self, embedding: NDArray[np.float32], animal_probability: float) -> float:
        """P(violation) for the photo with this embedding and zero-shot animal score."""
        ...


@dataclass(frozen=True)
class ZeroShotNoAnimal:
    """P(no animal) = 1 − the image model's probability mass on animal classes."""

    image_model_version: str
    violation_type: str = NO_ANIMAL

    @property
    def version(self) -> str:
        """`zero-shot:<image model version>`."""
        return f"zero-shot:{self.image_model_version}"

    def probability(self, embedding: NDArray[np.float32], animal_probability: float) -> float:
        """1 − animal probability, clipped to [0, 1]."""
        del embedding
        return float(min(1.0, max(0.0, 1.0 - animal_probability)))


def violation_detected(
    animal_id: str, violation_type: str, probability: float, model_version: str, judge: str
) -> Event:
    """What a detector publishes: `{animal_id, violation_type, probability, model_version}`."""
    key = f"{VIOLATION_DETECTED}:{animal_id}:{violation_type}:{judge}:{model_version}"
    payload = {
        "animal_id": animal_id,
        "violation_type": violation_type,
        "probability": probability,
        "model_version": model_version,
        "judge": judge,
    }
    return Event(VIOLATION_DETECTED, payload, key)
