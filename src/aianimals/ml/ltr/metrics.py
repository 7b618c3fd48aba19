"""Ranking metrics over grouped candidates: NDCG@k (exponential gain) and MRR."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

CUTOFFS = (5, 10, 20)


def _groups(sizes: NDArray[np.int64]) -> list[slice]:
    ends = np.cumsum(sizes)
    return [slice(int(end - size), int(end)) for size, end in zip(sizes, ends, strict=True)]


def _order(scores: NDArray[np.float64]) -> NDArray[np.int64]:
    """Best first; ties keep the given order (so baselines are deterministic)."""
    return np.argsort(-scores, kind="stable")


def _dcg(grades: NDArray[np.int64], k: int) -> float:
    top = grades[:k].astype(np.float64)
    discounts = np.log2(np.arange(2, top.size + 2))
    return float(((2.0**top - 1.0) / discounts).sum())


def ndcg(
    scores: NDArray[np.float64], grades: NDArray[np.int64], sizes: NDArray[np.int64], k: int
) -> float:
    """Mean NDCG@k over the groups that have at least one positive grade."""
    values = []
    for group in _groups(sizes):
        group_grades = grades[group]
        if group_grades.max(initial=0) <= 0:
            continue
        ideal = _dcg(np.sort(group_grades)[::-1], k)
        values.append(_dcg(group_grades[_order(scores[group])], k) / ideal)
    return float(np.mean(values)) if values else 0.0


def mrr(scores: NDArray[np.float64], grades: NDArray[np.int64], sizes: NDArray[np.int64]) -> float:
    """Mean reciprocal rank of the first candidate with a positive grade."""
    values = []
    for group in _groups(sizes):
        ranked = grades[group][_order(scores[group])]
        hits = np.flatnonzero(ranked > 0)
        if hits.size:
            values.append(1.0 / (hits[0] + 1))
    return float(np.mean(values)) if values else 0.0


def ranking_metrics(
    scores: NDArray[np.float64], grades: NDArray[np.int64], sizes: NDArray[np.int64]
) -> dict[str, float]:
    """NDCG at every cut-off and MRR, by name (`ndcg@10`, `mrr`)."""
    found = {f"ndcg@{k}": ndcg(scores, grades, sizes, k) for k in CUTOFFS}
    found["mrr"] = mrr(scores, grades, sizes)
    return found


def ips_metrics(
    scores: NDArray[np.float64],
    grades: NDArray[np.int64],
    sizes: NDArray[np.int64],
    weights: NDArray[np.float64],
    k: int = 10,
) -> dict[str, float]:
    """Position-debiased NDCG@k and MRR, self-normalised over every group (SNIPS).

    Each graded candidate counts with `weights` (1 / the propensity of the position it was
    shown at), so a choice made deep down, where few users look, counts for the choices
    that were missed there. `ips_ndcg@k` is the weighted discounted gain of the ranking
    over that of each group's ideal order, both summed over all groups; `ips_mrr` is the
    weighted mean reciprocal rank of the chosen candidates.
    """
    parts = ips_parts(scores, grades, sizes, weights, k)
    gained, ideal, reciprocal, chosen = (float(column.sum()) for column in parts.T)
    return {
        f"ips_ndcg@{k}": gained / ideal if ideal else 0.0,
        "ips_mrr": reciprocal / chosen if chosen else 0.0,
    }


def ips_parts(
    scores: NDArray[np.float64],
    grades: NDArray[np.int64],
    sizes: NDArray[np.int64],
    weights: NDArray[np.float64],
    k: int = 10,
) -> NDArray[np.float64]:
    """Per group (rows): weighted discounted gain, its ideal, weighted reciprocal ranks and
    weights of the chosen candidates; `ips_metrics` sums them (so can a bootstrap)."""
    parts = np.zeros((len(sizes), 4))
    for row, group in enumerate(_groups(sizes)):
        group_grades = grades[group]
        positive = group_grades > 0
        if not positive.any():
            continue
        gain = (2.0 ** group_grades.astype(np.float64) - 1.0) * weights[group]
        ranks = np.empty(gain.size, dtype=np.int64)
        ranks[_order(scores[group])] = np.arange(1, gain.size + 1)
        best = np.sort(gain)[::-1]
        parts[row] = (
            float((gain * _discount(ranks, k)).sum()),
            float((best * _discount(np.arange(1, best.size + 1), k)).sum()),
            float((weights[group][positive] / ranks[positive]).sum()),
            float(weights[group][positive].sum()),
        )
    return parts


def _discount(ranks: NDArray[np.int64], k: int) -> NDArray[np.float64]:
    """1 / log2(rank + 1) down to rank k, 0 below."""
    discount = 1.0 / np.log2(ranks.astype(np.float64) + 1.0)
    return np.where(ranks <= k, discount, 0.0)


def gain_ndcg(
    scores: NDArray[np.float64], gains: NDArray[np.float64], sizes: NDArray[np.int64], k: int
) -> float:
    """Mean NDCG@k with known real-valued gains (such as a simulation's expected gains)
    instead of logged grades, over the groups with any gain."""
    values = []
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for group in _groups(sizes):
        group_gains = gains[group]
        if group_gains.max(initial=0.0) <= 0:
            continue
        top = min(k, group_gains.size)
        ideal = float((np.sort(group_gains)[::-1][:top] * discounts[:top]).sum())
        got = float((group_gains[_order(scores[group])][:top] * discounts[:top]).sum())
        values.append(got / ideal)
    return float(np.mean(values)) if values else 0.0
