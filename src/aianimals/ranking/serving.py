"""Serving learned rankings: the champion loaded once, reloaded when its alias moves, and a
re-ranking that never fails a search.

`ChampionHolder` polls the registry in a background thread; a new version is downloaded
and loaded before it replaces the old one, so requests never wait for it. `Reranker`
computes features with the trainer's own functions and scores them in a small thread pool
under a time budget: past the budget, or on any error, the caller keeps the index order and
says so in `model_name`.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.ltr.ranker import Ranker
from aianimals.ports.registry.base import ModelRegistry
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


class ChampionHolder:
    """The current champion of one registered model; `refresh` picks up alias moves."""

    def __init__(
        self, registry: Callable[[], ModelRegistry], name: str, alias: str, cache_dir: Path
    ) -> None:
        self._registry = registry
        self.name = name
        self.alias = alias
        self._cache_dir = cache_dir
        self._current: LoadedRanker | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> LoadedRanker | None:
        """The loaded champion, or None when there is none (yet)."""
        return self._current

    def refresh(self) -> bool:
        """Load the alias's version if it moved; True when a new one was loaded."""
        registry = self._registry()
        try:
            version = registry.alias(self.name, self.alias)
            if version is None or (self._current and self._current.version == version.version):
                return False
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._cache_dir) as scratch:
                directory = registry.download(self.name, version.version, Path(scratch))
                ranker = Ranker.load(directory)
        finally:
            registry.close()
        with self._lock:
            self._current = LoadedRanker(f"{self.name}@v{version.version}", version.version, ranker)
        logger.info("serving %s (%s)", self._current.label, self.alias)
        return True

    def start(self, every_seconds: float) -> None:
        """Refresh now and then every `every_seconds` in a daemon thread until `stop`."""
        self._safe_refresh()
        self._thread = threading.Thread(
            target=self._loop, args=(every_seconds,), name=f"champion-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """End the polling thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self, every_seconds: float) -> None:
        while not self._stop.wait(every_seconds):
            self._safe_refresh()

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception:  # the registry may be down: keep serving what we have
            logger.exception("could not refresh %s@%s", self.name, self.alias)


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
