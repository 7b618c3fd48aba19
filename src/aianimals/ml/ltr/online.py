"""Online tests of the rankers, simulated in-process over the held-out searches.

Each held-out search is shown again to the user who made it, meaning what they meant (the
generator's trace): its shown results re-ordered by an arm's ranker, and chosen from under a
user model (`aianimals.ranking.experiments.users`). Three things come out:

- `ab_test`: searches split evenly at random between the arms; each arm's select rate (a
  search with at least one select) with a 95 % Wilson interval, and its lift over control
  in points with a 95 % normal-approximation interval and a two-proportion z-test.
- `interleave`: every search shows a team-draft interleaving of two rankers; per-search
  credit from clicks and a sign test.
- `searches_needed`: for each method, the smallest number of searches at which most of K
  repeated runs detect the difference (p < 0.05, in the direction of the large run).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aianimals.dataset.generator.behaviour import Match
from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.ranker import Scorer
from aianimals.ranking.experiments.interleaving import credit, sign_test, team_draft
from aianimals.ranking.experiments.report import (
    Z_95,
    Interval,
    two_proportion_p_value,
    wilson_interval,
)
from aianimals.ranking.experiments.users import Hidden, UserModel
from aianimals.ranking.features import FEATURE_NAMES

CONTROL = "control"
NEUTRAL = Match(text=0.0, favourite=False, category_affinity=0.3, popularity=0.0)
"""An animal the generator never made (posted since): no concepts, average appeal."""
ALPHA = 0.05
POWER = 0.8
"""`searches_needed`: a method detects a difference when p < ALPHA in POWER of the runs."""


@dataclass(frozen=True)
class Reshown:
    """The held-out searches, ready to be shown again: hidden features and every arm's order.

    `orders[arm]` has a row per search: the row indices of its results in the arm's order,
    padded with −1.
    """

    hidden: Hidden
    orders: dict[str, NDArray[np.int64]]

    @property
    def searches(self) -> int:
        """How many held-out searches there are to draw from."""
        return int(next(iter(self.orders.values())).shape[0])


def reshow(test: LtrDataset, truth: GeneratorTruth, arms: Mapping[str, Scorer]) -> Reshown:
    """The held-out searches of `test` with each arm's order of their shown results."""
    searches = np.repeat(np.asarray(test.search_ids, dtype=object), test.groups)
    matches = [
        truth.match(search, animal) or NEUTRAL
        for search, animal in zip(searches, test.animal_ids, strict=True)
    ]
    ages = test.features[:, FEATURE_NAMES.index("age_days")]
    hidden = Hidden.of(matches, [float(age) for age in ages])
    return Reshown(
        hidden, {name: _orders(score(test), test.groups) for name, score in arms.items()}
    )


def _orders(scores: NDArray[np.float64], groups: NDArray[np.int64]) -> NDArray[np.int64]:
    width = int(groups.max()) if len(groups) else 0
    orders = np.full((len(groups), width), -1, dtype=np.int64)
    start = 0
    for row, size in enumerate(groups):
        rows = np.arange(start, start + size)
        # best first; ties keep the shown order (a stable sort of the negated scores)
        orders[row, :size] = rows[np.argsort(-scores[rows], kind="stable")]
        start += size
    return orders


def _show(
    rows: NDArray[np.int64],
    attraction: NDArray[np.float64],
    model: UserModel,
    rng: np.random.Generator,
) -> NDArray[np.bool_]:
    """Which results of these lists (rows of row indices, −1 padded) are selected."""
    shown = rows >= 0
    chances = np.where(shown, attraction[np.where(shown, rows, 0)], 0.0)
    return model.browse(chances, shown, rng)


@dataclass(frozen=True)
class ArmResult:
    """One arm of a simulated A/B test."""

    arm: str
    searches: int
    selected: int  # searches with at least one select
    interval: Interval  # of the select rate
    lift: float  # select rate − control's, in points of share (0.05 = 5 points)
    lift_interval: Interval
    p_value: float | None  # vs control (None: control itself)

    @property
    def select_rate(self) -> float:
        """Share of its searches with at least one select."""
        return self.selected / self.searches if self.searches else 0.0


def ab_test(
    data: Reshown, model: UserModel, searches: int, rng: np.random.Generator
) -> list[ArmResult]:
    """`searches` searches drawn from the held-out ones, split evenly at random between arms."""
    arms = list(data.orders)
    attraction = model.attraction(data.hidden)
    assigned = rng.integers(0, len(arms), size=searches)
    drawn = rng.integers(0, data.searches, size=searches)
    tallies: dict[str, tuple[int, int]] = {}
    for index, arm in enumerate(arms):
        mine = drawn[assigned == index]
        chosen = _show(data.orders[arm][mine], attraction, model, rng).any(axis=1)
        tallies[arm] = (int(chosen.sum()), len(mine))
    base_selected, base_searches = tallies.get(CONTROL, next(iter(tallies.values())))
    base = base_selected / base_searches if base_searches else 0.0
    results = []
    for arm, (selected, trials) in tallies.items():
        rate = selected / trials if trials else 0.0
        error = math.sqrt(_variance(rate, trials) + _variance(base, base_searches))
        lift = rate - base
        control = arm == CONTROL
        results.append(
            ArmResult(
                arm=arm,
                searches=trials,
                selected=selected,
                interval=wilson_interval(selected, trials),
                lift=lift,
                lift_interval=Interval(lift - Z_95 * error, lift + Z_95 * error),
                p_value=None
                if control
                else two_proportion_p_value(selected, trials, base_selected, base_searches),
            )
        )
    return results


def _variance(rate: float, trials: int) -> float:
    return rate * (1 - rate) / trials if trials else 0.0


@dataclass(frozen=True)
class InterleavingResult:
    """A team-draft interleaving test of `first` against `second`."""

    first: str
    second: str
    searches: int
    wins: int  # searches `first` won on credited clicks
    losses: int
    p_value: float

    @property
    def preference(self) -> float:
        """Share of decided searches `first` won, minus one half."""
        decided = self.wins + self.losses
        return self.wins / decided - 0.5 if decided else 0.0


def interleave(
    data: Reshown,
    model: UserModel,
    pair: tuple[str, str],
    searches: int,
    rng: np.random.Generator,
) -> InterleavingResult:
    """`searches` held-out searches, each showing the team-draft interleaving of `pair`."""
    first, second = data.orders[pair[0]], data.orders[pair[1]]
    drawn = rng.integers(0, data.searches, size=searches)
    coins = random.Random(int(rng.integers(0, 2**63)))  # noqa: S311 - a simulation
    lists = np.full((searches, first.shape[1]), -1, dtype=np.int64)
    teams = np.zeros((searches, first.shape[1]), dtype=np.int64)
    for row, search in enumerate(drawn):
        a = [int(i) for i in first[search] if i >= 0]
        b = [int(i) for i in second[search] if i >= 0]
        mixed = team_draft(a, b, coins)
        lists[row, : len(mixed.items)] = mixed.items
        teams[row, : len(mixed.teams)] = mixed.teams
    clicked = _show(lists, model.attraction(data.hidden), model, rng)
    credits = [credit(t, c) for t, c in zip(teams.tolist(), clicked.tolist(), strict=True)]
    test = sign_test(credits)
    return InterleavingResult(pair[0], pair[1], searches, test.wins, test.losses, test.p_value)


def _ab_detects(
    data: Reshown,
    model: UserModel,
    pair: tuple[str, str],
    *,
    searches: int,
    sign: float,
    rng: np.random.Generator,
) -> bool:
    """One A/B run of `searches` searches, half per ranker of `pair`: significant, right way?"""
    attraction = model.attraction(data.hidden)
    half = max(1, searches // 2)
    rates = []
    for arm in pair:
        drawn = rng.integers(0, data.searches, size=half)
        rates.append(int(_show(data.orders[arm][drawn], attraction, model, rng).any(axis=1).sum()))
    p = two_proportion_p_value(rates[0], half, rates[1], half)
    return p < ALPHA and (rates[0] - rates[1]) * sign > 0


def _interleaving_detects(
    data: Reshown,
    model: UserModel,
    pair: tuple[str, str],
    *,
    searches: int,
    sign: float,
    rng: np.random.Generator,
) -> bool:
    result = interleave(data, model, pair, searches, rng)
    return result.p_value < ALPHA and (result.wins - result.losses) * sign > 0


@dataclass(frozen=True)
class SearchesNeeded:
    """The smallest number of searches at which each method detected the pair's difference
    in at least POWER of `runs` runs (None: not within the largest size tried). `sizes`
    are the sizes tried: from the smallest until both methods detected it."""

    model: str
    pair: tuple[str, str]
    lift: float  # the pair's select-rate difference in the large A/B run
    preference: float  # the large interleaving run's preference of pair[0]
    ab: int | None
    interleaving: int | None
    sizes: tuple[int, ...]
    runs: int
    ab_power: tuple[float, ...]  # share of runs that detected it, per size
    interleaving_power: tuple[float, ...]


def searches_needed(
    data: Reshown,
    model: UserModel,
    pair: tuple[str, str],
    *,
    sizes: Sequence[int],
    runs: int,
    direction: tuple[float, float],
    rng: np.random.Generator,
) -> SearchesNeeded:
    """Power of both methods at each size, from the smallest until both reach POWER;
    `direction` is the large runs' (lift, preference)."""
    lift, preference = direction
    ab_power: list[float] = []
    mixed_power: list[float] = []
    tried: list[int] = []
    for size in sizes:
        if _first(tried, ab_power) and _first(tried, mixed_power):
            break
        tried.append(size)
        ab_power.append(
            sum(
                _ab_detects(data, model, pair, searches=size, sign=lift, rng=rng)
                for _ in range(runs)
            )
            / runs
        )
        mixed_power.append(
            sum(
                _interleaving_detects(data, model, pair, searches=size, sign=preference, rng=rng)
                for _ in range(runs)
            )
            / runs
        )
    return SearchesNeeded(
        model=model.name,
        pair=pair,
        lift=lift,
        preference=preference,
        ab=_first(tried, ab_power),
        interleaving=_first(tried, mixed_power),
        sizes=tuple(tried),
        runs=runs,
        ab_power=tuple(ab_power),
        interleaving_power=tuple(mixed_power),
    )


def _first(sizes: Sequence[int], power: Sequence[float]) -> int | None:
    return next((size for size, share in zip(sizes, power, strict=True) if share >= POWER), None)
