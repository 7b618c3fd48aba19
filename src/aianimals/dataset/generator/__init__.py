"""The deterministic demo dataset in the reference format (see docs/dataset.md)."""

from aianimals.dataset.generator.behaviour import HiddenModel
from aianimals.dataset.generator.pipeline import (
    DEFAULT_SEED,
    GenerationOptions,
    GenerationSummary,
    ProgressCallback,
    Simulated,
    generate_dataset,
    simulate_demo,
)
from aianimals.dataset.generator.rng import DatasetError

__all__ = [
    "DEFAULT_SEED",
    "DatasetError",
    "GenerationOptions",
    "GenerationSummary",
    "HiddenModel",
    "ProgressCallback",
    "Simulated",
    "generate_dataset",
    "simulate_demo",
]
