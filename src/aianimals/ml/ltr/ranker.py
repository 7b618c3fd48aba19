"""Rankers: LightGBM lambdarank and pointwise regression, and the baselines they must beat.

A trained ranker is saved as plain files (LightGBM's text model and a JSON of what it
expects), so the registry stores them as they are and serving needs only LightGBM.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ranking.features import FEATURE_NAMES, FEATURE_VERSION

MODEL_FILE = "model.txt"
META_FILE = "ranker.json"


class RankerKind(StrEnum):
    """How a ranker learns: from pairs inside a search, or from each candidate alone."""

    LAMBDARANK = "lambdarank"
    REGRESSION = "regression"
    DEBIASED = "debiased"  # lambdarank that learns the position bias beside the ranking


@dataclass(frozen=True)
class TrainOptions:
    """LightGBM's knobs that matter here; the defaults are the trainer's defaults."""

    rounds: int = 200
    learning_rate: float = 0.05
    leaves: int = 15
    min_child_samples: int = 50
    seed: int = 20210521
    threads: int = 2  # LightGBM's threads; on a busy machine one is far faster (tests use 1)

    def params(self, kind: RankerKind) -> dict[str, Any]:
        """LightGBM parameters for `kind`."""
        common = {
            "learning_rate": self.learning_rate,
            "num_leaves": self.leaves,
            "min_child_samples": self.min_child_samples,
            "seed": self.seed,
            "deterministic": True,
            "num_threads": self.threads,
            "verbose": -1,
        }
        if kind in (RankerKind.LAMBDARANK, RankerKind.DEBIASED):
            return {**common, "objective": "lambdarank", "metric": "ndcg", "eval_at": [10]}
        return {**common, "objective": "regression", "metric": "l2"}


@dataclass
class Ranker:
    """A trained LightGBM model with the feature list and version it was trained on."""

    kind: RankerKind
    booster: Any  # lightgbm.Booster (untyped)
    feature_names: tuple[str, ...] = FEATURE_NAMES
    feature_version: str = FEATURE_VERSION
    params: dict[str, Any] = field(default_factory=dict)

    def predict(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """A score per row: higher ranks first."""
        return np.asarray(self.booster.predict(features, num_threads=1), dtype=np.float64)

    def save(self, directory: Path) -> Path:
        """Write the model and its metadata into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(directory / MODEL_FILE))
        meta = {
            "kind": self.kind.value,
            "feature_names": list(self.feature_names),
            "feature_version": self.feature_version,
            "params": self.params,
        }
        (directory / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path) -> Ranker:
        """A ranker saved by `save`; refuses one trained on other features."""
        import lightgbm

        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        names = tuple(meta["feature_names"])
        if names != FEATURE_NAMES or meta["feature_version"] != FEATURE_VERSION:
            msg = (
                f"the model in {directory} was trained on features {meta['feature_version']}; "
                f"this code computes {FEATURE_VERSION}"
            )
            raise ValueError(msg)
        booster = lightgbm.Booster(model_file=str(directory / MODEL_FILE))
        return cls(
            RankerKind(meta["kind"]), booster, names, meta["feature_version"], meta["params"]
        )


def train_ranker(kind: RankerKind, data: LtrDataset, options: TrainOptions) -> Ranker:
    """Fit a ranker of `kind` on `data` (LightGBM, deterministic with the seed).

    The debiased kind is given each candidate's logged position: LightGBM's lambdarank then
    learns a bias per position beside the ranking (unbiased lambdarank) and the model keeps
    only the ranking, so serving needs no position.
    """
    import lightgbm

    params = options.params(kind)
    group = None if kind is RankerKind.REGRESSION else data.groups
    position = data.positions if kind is RankerKind.DEBIASED else None
    train_set = lightgbm.Dataset(
        data.features,
        label=data.grades,
        group=group,
        position=position,
        feature_name=list(FEATURE_NAMES),
    )
    booster = lightgbm.train(params, train_set, num_boost_round=options.rounds)
    return Ranker(kind, booster, params={**params, "rounds": options.rounds})


def _column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def index_order_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: the text index's own order (its rank, best first)."""
    return -data.features[:, _column("index_rank")]


def likes_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: most liked first."""
    return data.features[:, _column("likes")]


def recency_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: newest first."""
    return -data.features[:, _column("age_days")]


def oldest_first_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: oldest first (knows nothing of relevance; reveals a biased evaluation)."""
    return data.features[:, _column("age_days")]


def logged_order_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: the order the search was shown in."""
    return -data.positions.astype(np.float64)


def reversed_position_scores(data: LtrDataset) -> NDArray[np.float64]:
    """Baseline: the shown order reversed (reveals an evaluation shaped by where users stop)."""
    return data.positions.astype(np.float64)


def random_scores(data: LtrDataset, seed: int = 0) -> NDArray[np.float64]:
    """Baseline: a random order (seeded, so the table is reproducible)."""
    rows = data.features.shape[0]
    return np.asarray(np.random.default_rng(seed).random(rows), dtype=np.float64)


Scorer = Callable[[LtrDataset], NDArray[np.float64]]
"""Scores of every candidate row of a dataset: higher ranks first."""

BASELINES: dict[str, Scorer] = {
    "index order": index_order_scores,
    "likes": likes_scores,
    "recency": recency_scores,
    "random": random_scores,
    "logged order": logged_order_scores,
    "reversed position": reversed_position_scores,
    "oldest first": oldest_first_scores,
}
"""Rules a model must beat before it is promoted; none of them knows the hidden model."""
