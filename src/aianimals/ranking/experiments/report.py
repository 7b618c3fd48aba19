"""Per-arm engagement of A/B tests, read from the `impressions` and `access_logs` tables.

A search belongs to the arm named in its impressions' `model_name`
(`<experiment>:<arm>:<served>`, see `aianimals.ranking.experiments.arms`); its actions are the
verified access logs with the same `search_id` (on an animal it showed to its user, see
`aianimals.access_logs.verified`). Per arm: how many searches had at least one select
(and one like), with 95 % Wilson intervals, the mean number of selects per search with a
normal-approximation 95 % interval, and a two-proportion z-test of the select rate against
the experiment's arm named `control`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.access_logs.verified import verified
from aianimals.ranking.experiments.arms import parse_label

Z_95 = 1.959963984540054
"""The standard normal quantile of 0.975."""
CONTROL_ARM = "control"
FALLBACK_MARK = "fallback"


@dataclass(frozen=True)
class Interval:
    """A two-sided 95 % confidence interval."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high


@dataclass(frozen=True)
class ArmStats:
    """Engagement of one arm of one experiment."""

    experiment: str
    arm: str
    searches: int
    users: int
    fallbacks: int  # searches whose served model names a fallback
    select_searches: int  # searches with at least one select
    like_searches: int  # searches with at least one like
    selects: int
    select_rate: float
    select_interval: Interval
    like_rate: float
    like_interval: Interval
    selects_per_search: float
    selects_per_search_interval: Interval
    p_value_vs_control: float | None  # None for the control arm, or without one


@dataclass
class _Tally:
    """What one arm's searches add up to, before the statistics."""

    users: set[str] = field(default_factory=set)
    fallbacks: int = 0
    selects: list[int] = field(default_factory=list)  # per search
    likes: list[int] = field(default_factory=list)  # per search


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of a proportion; (0, 1) without trials."""
    if trials <= 0:
        return Interval(0.0, 1.0)
    rate = successes / trials
    denominator = 1.0 + z * z / trials
    centre = (rate + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(values: list[int], z: float = Z_95) -> tuple[float, Interval]:
    """The mean and its normal-approximation interval (zero width below two values)."""
    if not values:
        return 0.0, Interval(0.0, 0.0)
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, Interval(mean, mean)
    variance = sum((value - mean) ** 2 for value in values) / (len(values) - 1)
    half = z * math.sqrt(variance / len(values))
    return mean, Interval(mean - half, mean + half)


def two_proportion_p_value(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> float:
    """Two-sided p-value of a pooled two-proportion z-test (1.0 when it is undefined)."""
    if trials_a <= 0 or trials_b <= 0:
        return 1.0
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    error = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if error == 0:
        return 1.0
    z = (successes_a / trials_a - successes_b / trials_b) / error
    return math.erfc(abs(z) / math.sqrt(2))


def arm_report(connection: Connection, experiment: str | None = None) -> list[ArmStats]:
    """Every arm's engagement (of one experiment, or all), sorted by experiment and arm."""
    tallies = _tallies(connection, experiment)
    stats: list[ArmStats] = []
    for (name, arm), tally in sorted(tallies.items()):
        control = tallies.get((name, CONTROL_ARM)) if arm != CONTROL_ARM else None
        stats.append(_stats(name, arm, tally, control))
    return stats


def _tallies(connection: Connection, experiment: str | None) -> dict[tuple[str, str], _Tally]:
    """Each search's arm, user and action counts, gathered per (experiment, arm)."""
    labelled = Impression.model_name.like("%:%:%")
    searches = connection.execute(
        select(Impression.search_id, Impression.user_id, Impression.model_name)
        .where(labelled)
        .group_by(Impression.search_id, Impression.user_id, Impression.model_name)
    ).all()
    labelled_ids = select(Impression.search_id).where(labelled).distinct().scalar_subquery()
    counts = connection.execute(
        select(AccessLog.search_id, AccessLog.action, func.count())
        .where(AccessLog.search_id.in_(labelled_ids), verified())
        .group_by(AccessLog.search_id, AccessLog.action)
    ).all()
    actions: dict[str, dict[str, int]] = defaultdict(dict)
    for search_id, action, count in counts:
        actions[search_id][action] = int(count)
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    seen: set[str] = set()
    for search_id, user_id, model_name in searches:
        label = parse_label(model_name)
        if label is None or search_id in seen:
            continue
        if experiment is not None and label.experiment != experiment:
            continue
        seen.add(search_id)
        tally = tallies[(label.experiment, label.arm)]
        tally.users.add(user_id)
        tally.fallbacks += int(FALLBACK_MARK in label.served)
        done = actions.get(search_id, {})
        tally.selects.append(done.get("select", 0))
        tally.likes.append(done.get("like", 0))
    return dict(tallies)


def _stats(experiment: str, arm: str, tally: _Tally, control: _Tally | None) -> ArmStats:
    searches = len(tally.selects)
    select_searches = sum(1 for count in tally.selects if count > 0)
    like_searches = sum(1 for count in tally.likes if count > 0)
    mean, mean_ci = mean_interval(tally.selects)
    p_value = None
    if control is not None:
        control_selects = sum(1 for count in control.selects if count > 0)
        p_value = two_proportion_p_value(
            select_searches, searches, control_selects, len(control.selects)
        )
    return ArmStats(
        experiment=experiment,
        arm=arm,
        searches=searches,
        users=len(tally.users),
        fallbacks=tally.fallbacks,
        select_searches=select_searches,
        like_searches=like_searches,
        selects=sum(tally.selects),
        select_rate=select_searches / searches if searches else 0.0,
        select_interval=wilson_interval(select_searches, searches),
        like_rate=like_searches / searches if searches else 0.0,
        like_interval=wilson_interval(like_searches, searches),
        selects_per_search=mean,
        selects_per_search_interval=mean_ci,
        p_value_vs_control=p_value,
    )
