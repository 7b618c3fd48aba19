"""The no-animal head: L2-regularised logistic regression on a photo's image embedding.

Features are the image model's L2-normalised embedding and, by default, the zero-shot
score as a logit (log-odds of 1 − the ImageNet animal mass), so the head starts from what
the zero-shot detector knows. The fit is Newton's method on centred features (the embedding
scaled as a whole, so its high-variance directions stay dominant; the logit standardised);
the embedding weights carry the L2 penalty, the zero-shot logit and the bias do not, so a
strong penalty shrinks the head toward a recalibrated zero-shot detector. The scaling is
folded back into the weights: serving computes P(no animal) = sigmoid(w·x + b) on raw
features. The L2 strength is chosen by stratified
cross-validated ROC-AUC on the training verdicts (never on the evaluation photos).

A head is stored as a small folder: `weights.npy` (float64, one weight per feature column)
and `meta.json` (format, image model version, feature list, bias, threshold, fit details).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.images.evaluation import roc_auc
from aianimals.ml.no_animal.logistic import (
    Floats,
    class_weights,
    fit_logistic,
    sigmoid,
    stratified_folds,
)

FORMAT = 1
WEIGHTS_FILE = "weights.npy"
META_FILE = "meta.json"
EMBEDDING = "embedding"
ZERO_SHOT_LOGIT = "zero_shot_logit"
_EPS = 1e-4


class HeadFormatError(ValueError):
    """A stored head is missing files or does not match what this code can serve."""


@dataclass(frozen=True)
class FitOptions:
    """How to fit: a fixed L2 strength, or the best of `grid` by k-fold ROC-AUC."""

    l2: float | None = None
    grid: tuple[float, ...] = (1.0, 10.0, 100.0, 1000.0, 10000.0)
    folds: int = 5
    balanced: bool = True
    """Weigh each class equally, so the verdicts' class mix does not set the prior."""
    zero_shot_feature: bool = True
    max_iter: int = 50
    seed: int = 20210521


def zero_shot_logit(animal_probability: NDArray[np.floating]) -> Floats:
    """Log-odds of P(no animal) = 1 − animal probability, clipped to ±log((1 − ε) / ε)."""
    p = np.clip(1.0 - np.asarray(animal_probability, dtype=np.float64), _EPS, 1.0 - _EPS)
    return np.asarray(np.log(p / (1.0 - p)), dtype=np.float64)


def feature_matrix(
    embeddings: NDArray[np.floating], animal_probability: NDArray[np.floating], zero_shot: bool
) -> Floats:
    """(n, dim [+1]) features: the embedding, then the zero-shot logit when asked."""
    x = np.asarray(embeddings, dtype=np.float64).reshape(len(animal_probability), -1)
    if not zero_shot:
        return x
    return np.hstack([x, zero_shot_logit(animal_probability)[:, None]])


def cross_validated_auc(
    x: Floats, y: NDArray[np.bool_], l2: float, options: FitOptions, dim: int
) -> float:
    """ROC-AUC of the out-of-fold scores (every example scored by a fit without it);
    the first `dim` columns are the embedding, the rest are not penalised."""
    free = x.shape[1] - dim
    folds = max(2, min(options.folds, int(y.sum()), int((~y).sum())))
    fold = stratified_folds(y, folds, options.seed)
    scores = np.zeros(y.shape[0])
    for k in range(folds):
        train = fold != k
        weights = class_weights(y[train], options.balanced)
        w, b = fit_logistic(
            x[train], y[train], l2, weights, max_iter=options.max_iter, shared=dim, free=free
        )
        scores[~train] = x[~train] @ w + b
    return roc_auc(scores, y)


@dataclass(frozen=True)
class NoAnimalHead:
    """A fitted head: P(no animal) = sigmoid(weights · features + bias)."""

    weights: Floats
    bias: float
    image_model_version: str
    features: tuple[str, ...]
    threshold: float
    details: Mapping[str, float | int | str] = field(default_factory=dict)

    @property
    def zero_shot_feature(self) -> bool:
        """Whether the zero-shot logit is one of the features."""
        return ZERO_SHOT_LOGIT in self.features

    @property
    def dim(self) -> int:
        """The embedding size the head expects."""
        return int(self.weights.shape[0]) - int(self.zero_shot_feature)

    def predict(
        self, embeddings: NDArray[np.floating], animal_probability: NDArray[np.floating]
    ) -> Floats:
        """P(no animal) of each photo (rows of `embeddings`, one animal probability each)."""
        x = feature_matrix(embeddings, animal_probability, self.zero_shot_feature)
        if x.shape[1] != self.weights.shape[0]:
            got = x.shape[1] - int(self.zero_shot_feature)
            raise ValueError(f"the head takes {self.dim}-d embeddings, got {got}-d")
        return sigmoid(x @ self.weights + self.bias)

    def probability(self, embedding: NDArray[np.floating], animal_probability: float) -> float:
        """P(no animal) of one photo."""
        scores = self.predict(embedding.reshape(1, -1), np.array([animal_probability]))
        return float(scores[0])

    def save(self, directory: Path) -> Path:
        """Write `weights.npy` and `meta.json` into `directory` (created); returns it."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / WEIGHTS_FILE, self.weights.astype(np.float64))
        meta = {
            "format": FORMAT,
            "image_model_version": self.image_model_version,
            "features": list(self.features),
            "dim": self.dim,
            "bias": self.bias,
            "threshold": self.threshold,
            "details": dict(self.details),
        }
        (directory / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path) -> NoAnimalHead:
        """The head saved in `directory`; HeadFormatError when it is not one this code reads."""
        try:
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            weights = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise HeadFormatError(f"no readable head in {directory}: {error}") from error
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise HeadFormatError(f"{directory / META_FILE} is not a format-{FORMAT} head")
        features = tuple(str(name) for name in meta.get("features", ()))
        expected = int(meta.get("dim", -1)) + int(ZERO_SHOT_LOGIT in features)
        if weights.ndim != 1 or weights.shape[0] != expected:
            raise HeadFormatError(f"{directory / WEIGHTS_FILE} has shape {weights.shape}")
        return cls(
            weights=weights.astype(np.float64),
            bias=float(meta["bias"]),
            image_model_version=str(meta["image_model_version"]),
            features=features,
            threshold=float(meta["threshold"]),
            details=dict(meta.get("details", {})),
        )


def fit_head(
    embeddings: NDArray[np.floating],
    animal_probability: NDArray[np.floating],
    labels: NDArray[np.bool_],
    *,
    image_model_version: str,
    threshold: float,
    options: FitOptions | None = None,
) -> NoAnimalHead:
    """Fit a head on labelled photos (True: no animal); L2 by cross-validation unless fixed."""
    options = options or FitOptions()
    y = np.asarray(labels, dtype=np.bool_)
    if int(y.sum()) < 2 or int((~y).sum()) < 2:
        raise ValueError("a head needs at least two photos of each class")
    x = feature_matrix(embeddings, animal_probability, options.zero_shot_feature)
    free = int(options.zero_shot_feature)
    dim = x.shape[1] - free
    details: dict[str, float | int | str] = {
        "positives": int(y.sum()),
        "negatives": int((~y).sum()),
        "balanced": str(options.balanced),
    }
    l2 = options.l2
    if l2 is None:
        aucs = {value: cross_validated_auc(x, y, value, options, dim) for value in options.grid}
        best = max(aucs.values())
        l2 = max(value for value, auc in aucs.items() if auc == best)  # ties: the simpler model
        details["cv_roc_auc"] = best
        details.update({f"cv_roc_auc_l2_{value:g}": auc for value, auc in aucs.items()})
    details["l2"] = l2
    weights, bias = fit_logistic(
        x,
        y,
        l2,
        class_weights(y, options.balanced),
        max_iter=options.max_iter,
        shared=dim,
        free=free,
    )
    names = [f"{EMBEDDING}:{dim}"]
    if options.zero_shot_feature:
        names.append(ZERO_SHOT_LOGIT)
    return NoAnimalHead(weights, bias, image_model_version, tuple(names), threshold, details)
