"""95 % intervals of the debiased NDCG@10 by resampling held-out searches (paired: every
method is scored on the same resamples, so differences between methods get intervals too)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

Interval = tuple[float, float]


def snips_intervals(
    parts: Mapping[str, NDArray[np.float64]],
    against: str,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """Per method: the interval of its ratio (gain over ideal, the first two columns of
    `metrics.ips_parts`), and of its difference from method `against`."""
    rows = next(iter(parts.values())).shape[0]
    draws = np.random.default_rng(seed).integers(0, rows, size=(resamples, rows))
    ratios = {name: _ratios(values, draws) for name, values in parts.items()}
    level = {name: _percentiles(values) for name, values in ratios.items()}
    difference = {name: _percentiles(values - ratios[against]) for name, values in ratios.items()}
    return level, difference


def _ratios(values: NDArray[np.float64], draws: NDArray[np.int64]) -> NDArray[np.float64]:
    gained = values[:, 0][draws].sum(axis=1)
    ideal = values[:, 1][draws].sum(axis=1)
    return np.asarray(gained / np.where(ideal > 0, ideal, 1.0), dtype=np.float64)


def _percentiles(values: NDArray[np.float64]) -> Interval:
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)
