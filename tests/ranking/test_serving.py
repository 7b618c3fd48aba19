"""Serving: the champion follows its alias without a restart; the budget is enforced."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.core.model_holder import ModelHolder
from aianimals.ml.ltr.ranker import Ranker, RankerKind
from aianimals.ml.ltr.training import CHAMPION, model_name
from aianimals.ports.registry.factory import create_registry
from aianimals.ranking.features import (
    AnimalCounters,
    IndexPlace,
    QueryContext,
    UserProfile,
    animal_text,
)
from aianimals.ranking.serving import Candidate, LoadedRanker, Reranker, champion_holder
from aianimals.settings import Settings

NAME = model_name(RankerKind.LAMBDARANK)


def _holder(settings: Settings, tmp_path: Path) -> ModelHolder[LoadedRanker]:
    return champion_holder(
        lambda: create_registry(settings.registry, settings.var_dir),
        NAME,
        CHAMPION,
        tmp_path / "cache",
        poll_seconds=30.0,
    )


def test_the_champion_is_loaded_and_reloaded_when_the_alias_moves(
    trained: Settings, tmp_path: Path
) -> None:
    holder = _holder(trained, tmp_path)
    assert holder.refresh()
    loaded = holder.current()
    assert loaded is not None
    assert loaded.label == f"{NAME}@v1"
    assert not holder.refresh()  # nothing moved

    registry = create_registry(trained.registry, trained.var_dir)
    try:
        champion = registry.alias(NAME, CHAMPION)
        assert champion is not None
        with registry.run("learn-to-rank", "copy") as log:
            directory = registry.download(NAME, champion.version, tmp_path / "v1")
            second = registry.register(NAME, log.run_id, directory)
        registry.set_alias(NAME, CHAMPION, second.version)
    finally:
        registry.close()
    assert holder.refresh()
    moved = holder.current()
    assert moved is not None
    assert moved.label == f"{NAME}@v{second.version}"


def test_no_champion_yet_means_nothing_is_loaded(trained: Settings, tmp_path: Path) -> None:
    holder = champion_holder(
        lambda: create_registry(trained.registry, trained.var_dir),
        "ltr-unknown",
        CHAMPION,
        tmp_path,
        poll_seconds=30.0,
    )
    assert not holder.refresh()
    assert holder.current() is None


class _Stuck:
    """A ranker that takes longer than any budget: it answers once released."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def predict(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        self.released.wait(timeout=10)
        return features[:, 0]


class _Broken:
    def predict(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        raise RuntimeError("corrupt model")


def _candidates(count: int) -> list[Candidate]:
    text = animal_text(
        str.split,
        animal_id="a" * 32,
        category_id=1,
        subcategory_id=1,
        name="Tama",
        description="",
        breed_names=(),
        category_names=(),
        created_at=datetime(2021, 1, 1),
    )
    return [
        Candidate(text, AnimalCounters(), IndexPlace(float(count - i), i)) for i in range(count)
    ]


QUERY = QueryContext(frozenset(), (), False, datetime(2021, 6, 1))


def test_a_ranker_past_its_budget_gives_way_to_the_index_order() -> None:
    reranker = Reranker(budget_seconds=0.05)
    started = time.perf_counter()
    stuck = _Stuck()
    outcome = reranker.order(stuck, QUERY, UserProfile(), _candidates(5))  # type: ignore[arg-type]
    assert outcome == "timeout"
    assert time.perf_counter() - started < 0.25
    stuck.released.set()
    reranker.close()


def test_a_failing_ranker_gives_way_to_the_index_order() -> None:
    reranker = Reranker(budget_seconds=1.0)
    assert reranker.order(_Broken(), QUERY, UserProfile(), _candidates(3)) == "error"  # type: ignore[arg-type]
    reranker.close()


def test_a_working_ranker_orders_by_its_scores(trained: Settings, tmp_path: Path) -> None:
    holder = _holder(trained, tmp_path)
    holder.refresh()
    loaded = holder.current()
    assert loaded is not None
    ranker: Ranker = loaded.ranker
    reranker = Reranker(budget_seconds=5.0)
    order = reranker.order(ranker, QUERY, UserProfile(), _candidates(8))
    assert isinstance(order, list)
    assert sorted(order) == list(range(8))
    reranker.close()
