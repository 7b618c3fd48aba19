"""L2-regularised logistic regression by Newton's method, in numpy (small data).

The embedding block shares one scale so its high-variance directions stay dominant; other
columns are standardised one by one; trailing `free` columns and the bias are not
penalised. With fewer examples than penalised columns the fit runs, exactly, in the span
of the examples (at most n dimensions), so a few dozen verdicts fit in milliseconds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


def sigmoid(z: Floats) -> Floats:
    """The logistic function, computed without overflow."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def feature_scale(x: Floats, shared: int) -> Floats:
    """Per-column divisors: one common scale for the first `shared` columns (the embedding:
    its directions keep their relative variance, which is where the signal is), the rest
    standardised one by one."""
    spread = x.std(axis=0)
    scale = spread.copy()
    if shared:
        scale[:shared] = np.sqrt(np.mean(spread[:shared] ** 2))
    scale[scale < 1e-8] = 1.0
    return np.asarray(scale, dtype=np.float64)


def fit_logistic(
    x: Floats,
    y: NDArray[np.bool_],
    l2: float,
    weights: Floats,
    *,
    max_iter: int = 50,
    shared: int = 0,
    free: int = 0,
) -> tuple[Floats, float]:
    """Minimise Σ wᵢ·logloss + l2/2·‖w‖² on centred, scaled features (`feature_scale`) by
    Newton steps; the last `free` columns (and the bias) are not penalised. Returns the
    raw-feature weights and bias.

    The penalised weights lie in the span of the penalised columns' rows, so with fewer
    examples than features the fit runs in that (at most n-dimensional) basis: exact, and
    as cheap as the data is small.
    """
    mean = x.mean(axis=0)
    scale = feature_scale(x, shared)
    standard = (x - mean) / scale
    cut = x.shape[1] - free
    penalised, unpenalised = standard[:, :cut], standard[:, cut:]
    basis: Floats | None = None
    if penalised.shape[0] < penalised.shape[1]:
        _, _, vt = np.linalg.svd(penalised, full_matrices=False)
        basis = vt.T
        penalised = penalised @ basis
    z = np.hstack([penalised, unpenalised, np.ones((x.shape[0], 1))])
    penalty = np.full(z.shape[1], 1e-8)  # (almost) free: a tiny ridge keeps Newton solvable
    penalty[: penalised.shape[1]] = l2
    theta = _newton(z, y.astype(np.float64), penalty, weights, max_iter)
    head = theta[: penalised.shape[1]]
    coef = np.concatenate([head if basis is None else basis @ head, theta[penalised.shape[1] : -1]])
    coef /= scale
    return coef, float(theta[-1] - coef @ mean)


def _newton(z: Floats, target: Floats, penalty: Floats, weights: Floats, max_iter: int) -> Floats:
    """Minimise Σ wᵢ·logloss(zᵢ·θ) + ½ Σ penaltyⱼ θⱼ² by damped Newton steps."""
    theta = np.zeros(z.shape[1])

    def objective(candidate: Floats) -> float:
        margin = z @ candidate
        loss = np.logaddexp(0.0, margin) - target * margin
        return float(weights @ loss + 0.5 * penalty @ (candidate * candidate))

    current = objective(theta)
    for _ in range(max_iter):
        p = sigmoid(z @ theta)
        gradient = z.T @ (weights * (p - target)) + penalty * theta
        hessian = (z.T * (weights * p * (1.0 - p))) @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while objective(theta - size * step) > current and size > 1e-4:
            size /= 2  # a damped step when the full one overshoots
        theta -= size * step
        previous, current = current, objective(theta)
        if previous - current <= 1e-10 * max(1.0, abs(current)):
            break
    return theta


def class_weights(y: NDArray[np.bool_], balanced: bool) -> Floats:
    """Per-example weights summing to n: equal per class when `balanced`, else all 1."""
    if not balanced:
        return np.ones(y.shape[0])
    positives = max(int(y.sum()), 1)
    negatives = max(int((~y).sum()), 1)
    weights = np.where(y, y.shape[0] / (2.0 * positives), y.shape[0] / (2.0 * negatives))
    return np.asarray(weights, dtype=np.float64)


def stratified_folds(y: NDArray[np.bool_], folds: int, seed: int) -> NDArray[np.int64]:
    """A fold number per example, each class spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(y.shape[0], dtype=np.int64)
    for value in (False, True):
        members = np.flatnonzero(y == value)
        fold[rng.permutation(members)] = np.arange(members.size) % folds
    return fold
