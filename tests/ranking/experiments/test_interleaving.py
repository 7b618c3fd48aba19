"""Team-draft interleaving, its per-search credit and the sign test."""

from __future__ import annotations

import random

import pytest

from aianimals.ranking.experiments.interleaving import (
    A,
    B,
    binomial_two_sided,
    credit,
    sign_test,
    team_draft,
)


def test_team_draft_shows_every_item_once_and_each_team_picks_its_best_remaining() -> None:
    first, second = [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]
    for seed in range(20):
        mixed = team_draft(first, second, random.Random(seed))

        assert sorted(mixed.items) == first
        picks = [mixed.teams[:k].count(A) - mixed.teams[:k].count(B) for k in range(7)]
        assert all(abs(gap) <= 1 for gap in picks)  # teams stay within one pick
        taken: set[int] = set()
        for item, team in zip(mixed.items, mixed.teams, strict=True):
            order = first if team == A else second
            assert item == next(i for i in order if i not in taken)
            taken.add(item)


def test_identical_rankers_interleave_to_their_own_order() -> None:
    mixed = team_draft([3, 1, 2], [3, 1, 2], random.Random(0))

    assert mixed.items == (3, 1, 2)


def test_either_team_picks_first_about_half_of_the_time() -> None:
    coins = random.Random(5)
    firsts = [team_draft([1, 2], [2, 1], coins).teams[0] for _ in range(2000)]

    assert 0.45 < firsts.count(A) / len(firsts) < 0.55


def test_credit_counts_clicks_per_team() -> None:
    assert credit([A, B, A, B], [True, True, True, False]) == 1
    assert credit([A, B], [False, True]) == -1
    assert credit([A, B], [False, False]) == 0


def test_the_sign_test_leaves_out_ties_and_is_exact() -> None:
    result = sign_test([1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0])

    assert (result.wins, result.losses, result.ties) == (10, 0, 2)
    assert result.p_value == pytest.approx(2 / 1024)
    assert result.preference == 0.5
    assert sign_test([1, -1]).p_value == 1.0
    assert binomial_two_sided(0, 0) == 1.0
    # 60 of 100: P(X ≤ 40) × 2 for X ~ Binomial(100, 1/2)
    assert binomial_two_sided(60, 40) == pytest.approx(0.056887, abs=1e-6)
    assert binomial_two_sided(3000, 2800) < 0.01
