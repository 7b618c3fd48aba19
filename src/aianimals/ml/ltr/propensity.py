"""Position bias, estimated from randomised traffic: how likely a result at each position is
to be examined, relative to the first.

Searches sorted `random` show their results in an order that knows nothing about them, so a
result's relevance does not depend on its position there. Among such searches that showed at
least k + 1 results, the clicks at position k over the clicks at position 0 estimate the
examination probability of position k relative to position 0 (`p_0 = 1`). The estimate is
made non-increasing (pool-adjacent-violators, weighted by the clicks at position 0) and is
only made on the first page; deeper positions take the first page's last propensity, an
over-estimate there (their clicks count for less than they should; documented in
docs/mlops.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

RANDOMISED_SORT = "random"
"""The sort order whose results are shuffled: the randomised traffic."""
FIRST_PAGE = 24
"""Positions estimated: the app's first page of results."""


@dataclass(frozen=True)
class ShownClicks:
    """One randomised search: how many results its first page showed and which were clicked."""

    shown: int
    clicked: frozenset[int]


@dataclass(frozen=True)
class Propensities:
    """Examination probability by position, relative to position 0."""

    curve: tuple[float, ...]
    searches: int  # randomised searches with at least one click
    clicks: int

    def at(self, positions: NDArray[np.int64]) -> NDArray[np.float64]:
        """The propensity of each logged position (deeper than the curve: its last value)."""
        values = np.asarray(self.curve, dtype=np.float64)
        return values[np.minimum(positions, len(values) - 1)]


def estimate_propensities(searches: Iterable[ShownClicks], depth: int = FIRST_PAGE) -> Propensities:
    """The position curve of randomised searches (`depth` positions)."""
    above = np.zeros(depth)  # clicks at position k among searches that showed k + 1
    first = np.zeros(depth)  # clicks at position 0 among the same searches
    counted = clicks = 0
    for search in searches:
        if not search.clicked:
            continue
        counted += 1
        clicks += len(search.clicked)
        reach = min(search.shown, depth)
        for position in search.clicked:
            if position < reach:
                above[position] += 1
        if 0 in search.clicked:
            first[:reach] += 1
    if first[0] == 0:
        raise ValueError("no click at the first position of a randomised search: no curve")
    shown = first > 0
    raw = np.where(shown, above / np.where(shown, first, 1.0), 0.0)
    curve = _non_increasing(raw[shown], first[shown])
    curve = np.maximum(curve, _smallest_positive(curve))
    full = np.concatenate([curve, np.full(depth - curve.size, curve[-1])])
    full[0] = 1.0
    return Propensities(tuple(float(v) for v in full), searches=counted, clicks=clicks)


def _non_increasing(
    values: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The weighted least-squares non-increasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values, weights, strict=True):
        blocks.append([float(value), float(weight), 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            mean, total, count = blocks.pop()
            last = blocks[-1]
            pooled = last[1] + total
            last[0] = (last[0] * last[1] + mean * total) / pooled
            last[1], last[2] = pooled, last[2] + count
    return np.asarray([mean for mean, _, count in blocks for _ in range(int(count))])


def _smallest_positive(curve: NDArray[np.float64]) -> float:
    positive = curve[curve > 0]
    return float(positive.min()) if positive.size else 1.0


@dataclass(frozen=True)
class ExaminedSearch:
    """A simulated randomised search as only the simulation knows it."""

    deepest: int  # the last position examined
    chances: tuple[float, ...]  # the hidden click probability of each first-page result


def true_curve(searches: Sequence[ExaminedSearch], depth: int = FIRST_PAGE) -> tuple[float, ...]:
    """The curve `estimate_propensities` aims at, from what the simulation knows: the
    expected clicks at position k (examined × the hidden click probability) over the
    expected clicks at position 0, among randomised searches that showed position k."""
    curve = []
    for position in range(depth):
        showing = [s for s in searches if len(s.chances) > position]
        expected = sum(s.chances[position] for s in showing if s.deepest >= position)
        at_first = sum(s.chances[0] for s in showing)
        curve.append(expected / at_first if at_first else 0.0)
    return tuple(curve)


def examination_rate(
    searches: Sequence[ExaminedSearch], depth: int = FIRST_PAGE
) -> tuple[float, ...]:
    """The share of randomised searches showing position k whose user examined it."""
    rates = []
    for position in range(depth):
        showing = [s.deepest >= position for s in searches if len(s.chances) > position]
        rates.append(sum(showing) / len(showing) if showing else 0.0)
    return tuple(rates)
