"""Model versions in service, read when `/metrics` is scraped: `aianimals_model_info`.

Two kinds of source feed it:

* containers (`watch_container`): the image model once the container loaded it, and each
  learn-to-rank champion the container's ranking serves now (`ltr-lambdarank` → `3`). A
  container is held weakly and only inspected: nothing is loaded or polled for a scrape;
* code that learns a version as it uses it (`MODEL_VERSIONS.serve`), like the violation
  detectors of the image pipeline (`detector/no_animal_violation` → `zero-shot:…`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aianimals.observability.metrics import MODEL_INFO, register_live

if TYPE_CHECKING:
    from aianimals.ml.images.model import ImageModel
    from aianimals.ranking.learned import LearnedRanking

IMAGE_MODEL = "image"


def container_models(container: object) -> dict[str, str]:
    """Model → version of what `container` serves now (only what it has already built)."""
    built = vars(container)
    found: dict[str, str] = {}
    image: ImageModel | None = built.get("image_model")
    if image is not None:
        found[IMAGE_MODEL] = image.version
    ranking: LearnedRanking | None = built.get("learned_ranking")
    if ranking is not None:
        for name, holder in ranking.champions.items():
            current = holder.loaded
            if current is not None:
                found[name] = str(current.version)
    return found


class ModelVersions(Collector):
    """Collects `aianimals_model_info{model, version} 1` from its sources."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: dict[str, str] = {}
        self._containers: list[weakref.ref[object]] = []

    def serve(self, model: str, version: str) -> None:
        """`model` is served at `version` now (replacing the version it had)."""
        if self._served.get(model) != version:
            with self._lock:
                self._served[model] = version

    def watch_container(self, container: object) -> None:
        """Report what `container` serves, for as long as it lives."""
        with self._lock:
            self._containers = [ref for ref in self._containers if ref() is not None]
            if not any(ref() is container for ref in self._containers):
                self._containers.append(weakref.ref(container))

    def current(self) -> dict[str, str]:
        """Model → version, from every source (explicit ones win)."""
        with self._lock:
            containers = [found for ref in self._containers if (found := ref()) is not None]
            served = dict(self._served)
        merged: dict[str, str] = {}
        for container in containers:
            merged.update(container_models(container))
        merged.update(served)
        return merged

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            MODEL_INFO.name,
            "Models in service: 1 per model and the version it serves",
            labels=list(MODEL_INFO.labels),
        )
        for model, version in sorted(self.current().items()):
            family.add_metric([model, version], 1.0)
        yield family


MODEL_VERSIONS = ModelVersions()
register_live(MODEL_VERSIONS)


def watch_container(container: object) -> None:
    """Report the models `container` serves in `aianimals_model_info`."""
    MODEL_VERSIONS.watch_container(container)
