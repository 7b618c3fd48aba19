"""The model registry port: track training runs, register model versions, promote by alias.

A trainer opens a run, logs its parameters, metrics and reports into it, registers the
model files it wrote as a new version of a named model, and moves an alias (`champion`)
to that version when it beats the current one. Serving roles read the alias's version.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ParamValue = str | int | float | bool


@dataclass(frozen=True)
class ModelVersion:
    """One registered version of a model, with its run's metrics and the version's tags."""

    name: str
    version: int
    run_id: str
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class RunLog(Protocol):
    """An open run of an experiment: what a training run records."""

    run_id: str

    def log_params(self, params: Mapping[str, ParamValue]) -> None:
        """Record the run's parameters (stored as text)."""
        ...

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Record metric values, at `step` when they form a curve."""
        ...

    def log_text(self, text: str, artifact_path: str) -> None:
        """Store a text artifact, e.g. `model_card.md` or `features.json`."""
        ...

    def log_figure_png(self, png: bytes, artifact_path: str) -> None:
        """Store a PNG image artifact, e.g. `figures/calibration.png`."""
        ...

    def set_tags(self, tags: Mapping[str, str]) -> None:
        """Set tags on the run."""
        ...


class ModelRegistry(Protocol):
    """Runs, registered model versions and aliases."""

    def run(self, experiment: str, run_name: str) -> AbstractContextManager[RunLog]:
        """Open a run of `experiment` (created if new).

        The run ends FINISHED when the block completes, FAILED when it raises (the
        exception propagates).
        """
        ...

    def register(self, name: str, run_id: str, model_dir: Path) -> ModelVersion:
        """Upload `model_dir`'s files as the run's artifact `model`; a new version of `name`."""
        ...

    def alias(self, name: str, alias: str) -> ModelVersion | None:
        """The version `alias` points to; None when there is no such model or alias."""
        ...

    def set_alias(self, name: str, alias: str, version: int) -> None:
        """Point `alias` at `version` (moving it from wherever it pointed)."""
        ...

    def download(self, name: str, version: int, target: Path) -> Path:
        """Fetch the version's model files under `target`; the folder that holds them."""
        ...

    def run_metrics(self, run_id: str) -> dict[str, float]:
        """The latest value of every metric the run logged."""
        ...

    def close(self) -> None:
        """Release connections; the registry is not used afterwards."""
        ...
