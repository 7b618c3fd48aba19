"""Serving learned rankings: the champion loaded once, reloaded when its alias moves, and a
re-ranking that never fails a search.

`champion_holder` follows a registry alias with the model holder every served model uses
(`core/model_holder.py`): a new version is downloaded and loaded before it replaces the old
one. `Reranker`
computes features with the trainer's own functions and scores them in a small thread pool
under a time budget: past the budget, or on any error, the caller keeps the index order and
says so in `model_name`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.core.model_holder import ModelHolder
from aianimals.ml.ltr.ranker import Ranker
from aianimals.ports.registry.base import ModelRegistry
from aianimals.ports.registry.source import RegistrySource
from aianimals.ranking.features import (
    AnimalCounters,
    AnimalText,
    IndexPlace,
    QueryContext,
    UserProfile,
    feature_vector,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedRanker:
    """A ranker and the registry version it came from (`ltr-lambdarank@v3`)."""

    label: str
    version: int
    ranker: Ranker


def champion_holder(
    registry: Callable[[], ModelRegistry],
    name: str,
    alias: str,
    cache_dir: Path,
    poll_seconds: float,
) -> ModelHolder[LoadedRanker]:
    """The champion of one registered ranker, checked at most every `poll_seconds`."""

    def load(folder: Path, version: int) -> LoadedRanker:
        return LoadedRanker(f"{name}@v{version}", version, Ranker.load(folder))

    source = RegistrySource(registry, name, alias, load, cache_dir)
    return ModelHolder(source, poll_seconds=poll_seconds)


@dataclass(frozen=True)
class Candidate:
    """One index candidate with everything its features need."""

    text: AnimalText
    counters: AnimalCounters
    place: IndexPlace


class Reranker:
    """Scores candidates with a ranker inside a time budget."""

    def __init__(self, budget_seconds: float, workers: int = 2) -> None:
        self.budget_seconds = budget_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ltr")

    def order(
        self,
        ranker: Ranker,
        query: QueryContext,
        user: UserProfile,
        candidates: Sequence[Candidate],
        budget_seconds: float | None = None,
    ) -> list[int] | str:
        """Indexes of `candidates`, best first; or why not ("timeout", "error")."""
        if not candidates:
            return []
        budget = self.budget_seconds if budget_seconds is None else budget_seconds
        if budget <= 0:
            return "timeout"
        future = self._pool.submit(_score, ranker, query, user, candidates)
        try:
            scores = future.result(timeout=budget)
        except FutureTimeout:
            future.cancel()
            logger.warning("learn_to_rank over its %.0f ms budget", self.budget_seconds * 1000)
            return "timeout"
        except Exception:
            logger.exception("learn_to_rank failed; the index order is served")
            return "error"
        ranked = np.argsort(-scores, kind="stable")
        return [int(i) for i in ranked]

    def close(self) -> None:
        """Stop the scoring threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _score(
    ranker: Ranker, query: QueryContext, user: UserProfile, candidates: Sequence[Candidate]
) -> NDArray[np.float64]:
    rows = [feature_vector(query, c.text, c.counters, user, c.place) for c in candidates]
    return ranker.predict(np.asarray(rows, dtype=np.float64))
