"""Serving the trained no-animal head: a `Detector`, and the champion that follows its alias.

`NoAnimalChampion.current()` is called per photo (or batch) by the detector worker: at most
every `poll_seconds` it asks the registry where `champion` points and, when that moved,
downloads and loads the new head before swapping it in. It answers None (use the zero-shot
detector) while there is no champion or the champion was trained on another image model
version's embeddings. A registry outage keeps whatever is loaded.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.images.detector import NO_ANIMAL, Detector
from aianimals.ml.no_animal import CHAMPION, MODEL_NAME
from aianimals.ml.no_animal.head import NoAnimalHead
from aianimals.ports.registry.base import ModelRegistry

logger = logging.getLogger(__name__)

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


class NoAnimalChampion:
    """The champion no-animal head for one image model version, reloaded when it moves."""

    def __init__(
        self,
        registry_factory: Callable[[], ModelRegistry],
        image_model_version: str,
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        cache_dir: Path | None = None,
        name: str = MODEL_NAME,
        alias: str = CHAMPION,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registry_factory = registry_factory
        self.image_model_version = image_model_version
        self.poll_seconds = poll_seconds
        self.name = name
        self.alias = alias
        self._cache_dir = cache_dir
        self._clock = clock
        self._loaded: HeadNoAnimal | None = None
        self._checked_version: int | None = None
        self._next_poll: float | None = None
        self._lock = threading.Lock()

    def current(self) -> Detector | None:
        """The champion head as a detector, or None (no champion, or another image model).

        Polls the registry when the last check is older than `poll_seconds`; a caller that
        finds another thread polling gets what is loaded without waiting.
        """
        due = self._next_poll is None or self._clock() >= self._next_poll
        if due and self._lock.acquire(blocking=self._next_poll is None):
            try:
                if self._next_poll is None or self._clock() >= self._next_poll:
                    self._safe_refresh()
            finally:
                self._lock.release()
        loaded = self._loaded
        if loaded is None or loaded.head.image_model_version != self.image_model_version:
            return None
        return loaded

    def refresh(self) -> bool:
        """Ask the registry now; True when a different head was loaded (or unloaded)."""
        self._next_poll = self._clock() + self.poll_seconds
        registry = self._registry_factory()
        try:
            version = registry.alias(self.name, self.alias)
            if version is None:
                changed = self._loaded is not None
                self._loaded, self._checked_version = None, None
                return changed
            if version.version == self._checked_version:
                return False
            head = self._download(registry, version.version)
        finally:
            registry.close()
        self._checked_version = version.version
        if head.image_model_version != self.image_model_version:
            logger.warning(
                "%s@%s v%d was trained on %s embeddings, not %s: the zero-shot detector serves",
                self.name,
                self.alias,
                version.version,
                head.image_model_version,
                self.image_model_version,
            )
        self._loaded = HeadNoAnimal(head, version.version)
        logger.info("no-animal detector: %s", self._loaded.version)
        return True

    def _download(self, registry: ModelRegistry, version: int) -> NoAnimalHead:
        if self._cache_dir is not None:
            self._cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._cache_dir, prefix="no-animal-") as scratch:
            directory = registry.download(self.name, version, Path(scratch))
            return NoAnimalHead.load(directory)

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception:  # the registry may be down or the files unreadable: keep serving
            logger.exception("could not refresh %s@%s", self.name, self.alias)
