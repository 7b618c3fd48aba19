"""Serving the trained no-animal head: a `Detector`, and the champion that follows its alias.

`no_animal_champion` is the model holder every served model uses (`core/model_holder.py`)
over the registry's `champion` alias. The detector worker reads it per photo (or batch): at
most every `poll_seconds` it asks where the alias points and, when that moved, downloads and
loads the new head before swapping it in. It answers None (use the zero-shot detector) while
there is no champion or the champion was trained on another image model version's
embeddings. A registry outage keeps whatever is loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.core.model_holder import ModelHolder
from aianimals.images.detector import NO_ANIMAL
from aianimals.ml.no_animal import CHAMPION, MODEL_NAME
from aianimals.ml.no_animal.head import NoAnimalHead
from aianimals.ports.registry.base import ModelRegistry
from aianimals.ports.registry.source import RegistrySource

DEFAULT_POLL_SECONDS = 60.0


@dataclass(frozen=True)
class HeadNoAnimal:
    """P(no animal) = sigmoid(w·x + b) of a registered head; a `Detector`."""

    head: NoAnimalHead
    registered_version: int
    violation_type: str = NO_ANIMAL

    @property
    def version(self) -> str:
        """`head:<registered version>:<image model version>`."""
        return f"head:{self.registered_version}:{self.head.image_model_version}"

    def probability(self, embedding: NDArray[np.float32], animal_probability: float) -> float:
        """The head's P(no animal) for one photo."""
        return self.head.probability(embedding, animal_probability)


def no_animal_champion(
    registry_factory: Callable[[], ModelRegistry],
    image_model_version: str,
    *,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    cache_dir: Path | None = None,
    name: str = MODEL_NAME,
    alias: str = CHAMPION,
    clock: Callable[[], float] = time.monotonic,
) -> ModelHolder[HeadNoAnimal]:
    """The champion no-animal head, served only for heads of `image_model_version`."""

    def load(folder: Path, version: int) -> HeadNoAnimal:
        return HeadNoAnimal(NoAnimalHead.load(folder), version)

    def accept(loaded: HeadNoAnimal) -> bool:
        return loaded.head.image_model_version == image_model_version

    source = RegistrySource(registry_factory, name, alias, load, cache_dir)
    return ModelHolder(source, poll_seconds=poll_seconds, accept=accept, clock=clock)
