"""Recall of clicked animals: how many of the animals users acted on a search retrieves.

Pure functions over search outcomes; running the searches is the caller's business.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SearchOutcome:
    """One evaluated search: the animals acted on, the ranked results, the total matches."""

    clicked: frozenset[str]
    results: tuple[str, ...]
    hits: int


@dataclass(frozen=True)
class RetrievalMetrics:
    """Means over the evaluated searches."""

    searches: int
    recall: float
    """Mean recall@k of the clicked animals."""
    zero_hit_share: float
    """Share of searches that matched nothing."""
    mean_hits: float
    """Mean number of matches (not only the top k)."""


def recall_at_k(clicked: Collection[str], results: Sequence[str], k: int) -> float:
    """The share of `clicked` found among the first `k` results (1.0 when nothing was clicked)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not clicked:
        return 1.0
    top = set(results[:k])
    return sum(1 for animal in clicked if animal in top) / len(clicked)


def retrieval_metrics(outcomes: Sequence[SearchOutcome], k: int) -> RetrievalMetrics:
    """Mean recall@k, zero-hit share and mean hits; all zero for no searches."""
    if not outcomes:
        return RetrievalMetrics(searches=0, recall=0.0, zero_hit_share=0.0, mean_hits=0.0)
    n = len(outcomes)
    return RetrievalMetrics(
        searches=n,
        recall=sum(recall_at_k(o.clicked, o.results, k) for o in outcomes) / n,
        zero_hit_share=sum(1 for o in outcomes if o.hits == 0) / n,
        mean_hits=sum(o.hits for o in outcomes) / n,
    )


def time_split(ordered: Sequence[T], holdout: float) -> tuple[list[T], list[T]]:
    """(earlier, held out): the last `holdout` share of `ordered` (oldest first), rounded up."""
    if not 0.0 <= holdout < 1.0:
        raise ValueError("holdout must be in [0, 1)")
    held = math.ceil(len(ordered) * holdout)
    cut = len(ordered) - held
    return list(ordered[:cut]), list(ordered[cut:])
