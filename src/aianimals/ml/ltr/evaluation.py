"""The held-out comparison of rankers and baselines: a table, two plots and a model card.

Every method is scored twice on the same held-out searches: on the logged grades of every
result shown (`ndcg@k`, `mrr`), and position-debiased (`ips_ndcg@10`, `ips_mrr`, weighted
by the estimated propensity of each result's position). The debiased NDCG@10 is the
headline: promotion and the best baseline are judged on it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.metrics import CUTOFFS, ips_metrics, ranking_metrics
from aianimals.ml.ltr.propensity import Propensities
from aianimals.ml.ltr.ranker import BASELINES, Scorer
from aianimals.ranking.features import FEATURE_NAMES, FEATURE_VERSION

HEADLINE = "ips_ndcg@10"
"""The metric promotion and the comparison's best baseline are judged on."""


@dataclass(frozen=True)
class Comparison:
    """Metrics of every method on the same held-out searches, by method then metric."""

    metrics: dict[str, dict[str, float]]
    searches: int
    candidates: int
    oracles: tuple[str, ...] = ()  # methods that know the hidden model: never a bar to beat

    def best_baseline(self, metric: str = HEADLINE) -> tuple[str, float]:
        """The strongest baseline on `metric`."""
        name = max(BASELINES, key=lambda baseline: self.metrics[baseline][metric])
        return name, self.metrics[name][metric]

    def unbeaten(self, method: str, metric: str = HEADLINE) -> list[str]:
        """The baselines `method` does not beat on `metric` (empty: it beats them all)."""
        own = self.metrics[method][metric]
        return [name for name in BASELINES if self.metrics[name][metric] >= own]

    def lift(self, method: str, metric: str = HEADLINE) -> float:
        """`method`'s `metric` over the best baseline's (1.1 = 10 % better)."""
        _, best = self.best_baseline(metric)
        return self.metrics[method][metric] / best if best else float("inf")


def compare(
    models: Mapping[str, Scorer],
    test: LtrDataset,
    propensities: Propensities,
    oracles: Mapping[str, Scorer] | None = None,
) -> Comparison:
    """Every model, every baseline (and any oracle, last) scored on `test`."""
    methods: dict[str, Scorer] = {**models, **BASELINES, **(oracles or {})}
    weights = 1.0 / propensities.at(test.positions)
    metrics = {name: score_all(score(test), test, weights) for name, score in methods.items()}
    return Comparison(
        metrics,
        searches=len(test),
        candidates=int(test.groups.sum()),
        oracles=tuple(oracles or ()),
    )


def score_all(
    scores: NDArray[np.float64], test: LtrDataset, weights: NDArray[np.float64]
) -> dict[str, float]:
    """The logged-grade metrics and the debiased ones of one method's scores."""
    return {
        **ranking_metrics(scores, test.grades, test.groups),
        **ips_metrics(scores, test.grades, test.groups, weights),
    }


def markdown_table(comparison: Comparison) -> str:
    """Methods × metrics, best baseline marked."""
    names = list(next(iter(comparison.metrics.values())))
    best, _ = comparison.best_baseline()
    lines = [
        "| method | " + " | ".join(names) + f" | × best baseline ({HEADLINE}) |",
        "|---" * (len(names) + 2) + "|",
    ]
    for method, values in comparison.metrics.items():
        label = f"{method} (best baseline)" if method == best else method
        label = f"{method} (oracle)" if method in comparison.oracles else label
        cells = " | ".join(f"{values[name]:.4f}" for name in names)
        lines.append(f"| {label} | {cells} | {comparison.lift(method):.3f} |")
    return "\n".join(lines)


def ndcg_by_cutoff_png(comparison: Comparison) -> bytes:
    """A line per method: NDCG at each cut-off."""
    figure, axes = new_figure()
    for method, values in comparison.metrics.items():
        axes.plot(CUTOFFS, [values[f"ndcg@{k}"] for k in CUTOFFS], marker="o", label=method)
    axes.set_xlabel("cut-off k")
    axes.set_ylabel("NDCG@k")
    axes.set_xticks(CUTOFFS)
    axes.legend()
    return png_bytes(figure)


def headline_bars_png(comparison: Comparison) -> bytes:
    """A bar per method: the headline metric."""
    figure, axes = new_figure()
    methods = list(comparison.metrics)
    axes.bar(methods, [comparison.metrics[m][HEADLINE] for m in methods])
    axes.set_ylabel(HEADLINE)
    axes.tick_params(axis="x", rotation=30)
    return png_bytes(figure)


def model_card(
    *,
    name: str,
    version: int,
    kind: str,
    comparison: Comparison,
    train_searches: int,
    params: Mapping[str, object],
    champion: str,
) -> str:
    """The registered version's card: data, features, the comparison, the promotion."""
    features = "\n".join(f"- `{feature}`" for feature in FEATURE_NAMES)
    settings = "\n".join(f"- {key}: {value}" for key, value in sorted(params.items()))
    return f"""# {name} version {version} ({kind})

Learn-to-rank model for `sort_by=learn_to_rank`: it re-orders the text index's top
candidates of a search.

## Data
- Labels from access logs and impressions: like = 4, see_long = 3, select = 1, shown but not
  chosen = 0; one group per search: every result it showed, with its position.
- The headline ({HEADLINE}) weighs each chosen result by 1 / the estimated propensity of
  its position (self-normalised); promotion needs it above every baseline.
- Split by time: {train_searches:,} older searches train; the newest are held out, and of
  them the {comparison.searches:,} with at least two candidates ({comparison.candidates:,}
  candidates) are scored (one candidate alone has no order to judge). No search is split.
- Features ({FEATURE_VERSION}), computed as of each search's time:
{features}

## Held-out comparison
{markdown_table(comparison)}

## Training parameters
{settings}

## Promotion
{champion}
"""


def new_figure() -> tuple[Any, Any]:
    """A matplotlib figure and its axes, drawn off-screen (7 × 4 in, 100 dpi)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4), dpi=100)
    return figure, axes


def png_bytes(figure: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    from matplotlib import pyplot

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()
