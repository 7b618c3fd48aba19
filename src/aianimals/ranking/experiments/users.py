"""Simulated users of several forms: what they are drawn to, and how they scan a result list.

The generator's users (`generator`) are the ones that wrote the training logs: a cascade
(top-down, stopping more often after a click) over the hidden click model's four terms. The
others differ in form, not only in weights, so an online test is not graded by the model
that produced the data alone:

- `ignores-likes`: the same cascade, but an animal's appeal (what likes and click-through
  rate reveal) plays no part in what they choose.
- `recency`: the same cascade; appeal plays no part, newness does (a term the hidden model
  does not have): a fresh post is far more attractive than one a year old.
- `position-based`: another examination curve: each position is looked at independently
  of clicks, with a chance that falls slowly with depth (1 / (1 + k) ** 0.5), so deep
  results are seen far more often than in the cascade.

`browse` draws which results of ranked lists are chosen, many lists at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from aianimals.dataset.generator.behaviour import HiddenModel, Match

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class Examination(StrEnum):
    """How a user decides which positions to look at."""

    CASCADE = "cascade"  # top-down; the next one after a skip or a click, with two chances
    POSITION = "position"  # each position on its own, with a chance that falls with depth


@dataclass(frozen=True)
class Hidden:
    """The hidden features of shown results (one entry per result), as arrays."""

    text: Floats
    favourite: Bools
    category_affinity: Floats
    popularity: Floats
    age_days: Floats

    @classmethod
    def of(cls, matches: list[Match], age_days: list[float]) -> Hidden:
        """From one `Match` and age per result."""
        return cls(
            text=np.asarray([m.text for m in matches], dtype=np.float64),
            favourite=np.asarray([m.favourite for m in matches], dtype=np.bool_),
            category_affinity=np.asarray([m.category_affinity for m in matches], dtype=np.float64),
            popularity=np.asarray([m.popularity for m in matches], dtype=np.float64),
            age_days=np.asarray(age_days, dtype=np.float64),
        )


@dataclass(frozen=True)
class UserModel:
    """One form of simulated user: its click terms and its examination."""

    name: str
    summary: str
    appeal: float = 1.0  # × the hidden model's appeal term (0: appeal is ignored)
    recency: float = 0.0  # weight of newness (e^(−age / 60 days), centred) in the click odds
    examination: Examination = Examination.CASCADE
    position_decay: float = 0.5  # POSITION: chance of looking at position k is (1 + k)^−decay
    hidden: HiddenModel = field(default_factory=HiddenModel)

    def attraction(self, hidden: Hidden) -> Floats:
        """P(select | examined) of every result."""
        model = self.hidden
        favourite = np.where(hidden.favourite, model.click_breed, 0.0)
        category = model.click_category * (hidden.category_affinity - 0.5) * 2.0
        fresh = np.exp(-np.maximum(hidden.age_days, 0.0) / 60.0) - 0.5
        score = (
            model.click_bias
            + model.click_text * hidden.text
            + favourite
            + category
            + self.appeal * model.click_popularity * hidden.popularity
            + self.recency * fresh
        )
        return np.asarray(1.0 / (1.0 + np.exp(-score)), dtype=np.float64)

    def click_probability(self, match: Match, age_days: float) -> float:
        """P(select | examined) of one result."""
        return float(self.attraction(Hidden.of([match], [age_days]))[0])

    def browse(self, attraction: Floats, shown: Bools, rng: np.random.Generator) -> Bools:
        """Which results are selected, for lists of results in shown order (rows: lists,
        columns: positions; `shown` masks the padding of shorter lists)."""
        clicked = rng.random(attraction.shape) < attraction
        if self.examination is Examination.POSITION:
            depth = np.arange(attraction.shape[1], dtype=np.float64)
            examined = rng.random(attraction.shape) < (1.0 + depth) ** -self.position_decay
        else:
            model = self.hidden
            keep = np.where(clicked, model.continue_after_click, model.continue_prob)
            going = rng.random(attraction.shape) < keep
            examined = np.ones(attraction.shape, dtype=np.bool_)
            examined[:, 1:] = np.cumprod(going[:, :-1], axis=1).astype(np.bool_)
            examined[:, model.max_depth :] = False
        return np.asarray(clicked & examined & shown, dtype=np.bool_)


GENERATOR = UserModel(
    "generator",
    "the generator's own users: cascade over the hidden click model (they wrote the logs)",
)
USER_MODELS: dict[str, UserModel] = {
    model.name: model
    for model in (
        GENERATOR,
        UserModel(
            "ignores-likes",
            "cascade; an animal's appeal (seen through likes) plays no part in the choice",
            appeal=0.0,
        ),
        UserModel(
            "recency",
            "cascade; appeal plays no part, newness does (e^(−age / 60 days))",
            appeal=0.0,
            recency=2.5,
        ),
        UserModel(
            "position-based",
            "hidden click model, but each position examined on its own with (1 + k)^−0.5",
            examination=Examination.POSITION,
        ),
    )
}
"""Every user model the simulator knows, by name (`--user-model`)."""
