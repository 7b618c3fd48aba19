"""Team-draft interleaving of two rankers in one result list, its per-search credit, and the
sign test that says whether one ranker wins more searches than the other.

In each round a coin says which team picks first (the team with fewer picks always picks
first); each team adds its own highest-ranked result not yet in the list and marks it as
its own. A click credits the team of the clicked result; a search goes to the team with
more credited clicks (a tie, no clicks included, goes to neither).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

A, B = 0, 1
"""The two teams: the first ranker given, and the second."""


@dataclass(frozen=True)
class Interleaved:
    """One interleaved list: the items in shown order and the team of each."""

    items: tuple[int, ...]
    teams: tuple[int, ...]


def team_draft(first: Sequence[int], second: Sequence[int], rng: random.Random) -> Interleaved:
    """Interleave two orders of the same items (team A picks from `first`, B from `second`)."""
    size = len(set(first) | set(second))
    items: list[int] = []
    teams: list[int] = []
    taken: set[int] = set()
    picks = [0, 0]
    cursors = [0, 0]
    orders = (first, second)
    while len(items) < size:
        behind = picks[A] < picks[B] or (picks[A] == picks[B] and rng.random() < 0.5)
        team = A if behind else B
        order, cursor = orders[team], cursors[team]
        while cursor < len(order) and order[cursor] in taken:
            cursor += 1
        cursors[team] = cursor
        if cursor == len(order):  # this team has nothing left: the other one picks
            team = 1 - team
            order, cursor = orders[team], cursors[team]
            while order[cursor] in taken:
                cursor += 1
            cursors[team] = cursor
        item = order[cursor]
        items.append(item)
        teams.append(team)
        taken.add(item)
        picks[team] += 1
    return Interleaved(tuple(items), tuple(teams))


def credit(teams: Sequence[int], clicked: Sequence[bool]) -> int:
    """Clicks credited to A minus those credited to B (positive: A wins the search)."""
    return sum(
        (1 if team == A else -1) for team, chosen in zip(teams, clicked, strict=True) if chosen
    )


@dataclass(frozen=True)
class SignTest:
    """Searches won by each ranker (ties left out) and the two-sided exact sign test."""

    wins: int
    losses: int
    ties: int
    p_value: float

    @property
    def preference(self) -> float:
        """Share of decided searches A won, minus one half (positive: A is preferred)."""
        decided = self.wins + self.losses
        return self.wins / decided - 0.5 if decided else 0.0


def sign_test(credits: Sequence[int]) -> SignTest:
    """The sign test of per-search credits: under no preference, wins ~ Binomial(n, 1/2)."""
    wins = sum(1 for c in credits if c > 0)
    losses = sum(1 for c in credits if c < 0)
    return SignTest(wins, losses, len(credits) - wins - losses, binomial_two_sided(wins, losses))


def binomial_two_sided(wins: int, losses: int) -> float:
    """P(a result at least as lopsided as `wins`:`losses` | each side has chance 1/2)."""
    n = wins + losses
    if n == 0:
        return 1.0
    low = min(wins, losses)
    # log-space terms, so thousands of searches neither overflow nor underflow
    terms = [_log_choose(n, k) - n * math.log(2.0) for k in range(low + 1)]
    top = max(terms)
    tail = math.exp(top) * sum(math.exp(t - top) for t in terms)
    return min(1.0, 2.0 * tail)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
