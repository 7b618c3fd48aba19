"""`aianimals train ltr`: load → propensities → features → train → evaluate → register →
promote.

Each step is a function of the run so far (`LtrRun`), chained by the pipeline runner, so
the CLI, the scheduler and an Argo CronWorkflow all run the same chain.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aianimals.core.pipeline import Pipeline, Step
from aianimals.ml.ltr.dataset import LtrDataset, build_dataset
from aianimals.ml.ltr.evaluation import (
    HEADLINE,
    Comparison,
    compare,
    headline_bars_png,
    model_card,
    ndcg_by_cutoff_png,
    score_all,
)
from aianimals.ml.ltr.history import Replay
from aianimals.ml.ltr.judgements import JudgedSearch, load_judged_searches, time_split
from aianimals.ml.ltr.propensity import (
    FIRST_PAGE,
    RANDOMISED_SORT,
    Propensities,
    ShownClicks,
    estimate_propensities,
)
from aianimals.ml.ltr.ranker import Ranker, RankerKind, TrainOptions, train_ranker
from aianimals.ports.registry.base import ModelRegistry, ModelVersion, RunLog
from aianimals.ports.sql.database import Database
from aianimals.ranking.features import FEATURE_NAMES, FEATURE_VERSION, AnimalText
from aianimals.ranking.sources import animal_kinds, every_animal, index_order, text_of
from aianimals.search.engine import TextSearch
from aianimals.search.expansion import Expand, expander

EXPERIMENT = "learn-to-rank"
CHAMPION = "champion"


def model_name(kind: RankerKind) -> str:
    """The registered model of each kind: `ltr-lambdarank`, `ltr-regression`."""
    return f"ltr-{kind.value}"


@dataclass(frozen=True)
class LtrSources:
    """What the chain reads: the SQL store, the text index and its analyzer."""

    database: Database
    index: TextSearch
    analyze: Callable[[str], Iterable[str]]
    candidates: int = 100
    expand: Expand = field(default=expander(None, 0.5, 0))
    test_share: float = 0.2
    options: TrainOptions = field(default_factory=TrainOptions)


@dataclass
class LtrRun:
    """The run so far; each step fills in its part."""

    sources: LtrSources
    registry: ModelRegistry
    log: RunLog
    searches: list[JudgedSearch] = field(default_factory=list)
    texts: dict[str, AnimalText] = field(default_factory=dict)
    replay: Replay | None = None
    propensities: Propensities | None = None
    train: LtrDataset | None = None
    test: LtrDataset | None = None
    rankers: dict[RankerKind, Ranker] = field(default_factory=dict)
    comparison: Comparison | None = None
    registered: dict[RankerKind, ModelVersion] = field(default_factory=dict)
    promoted: dict[RankerKind, str] = field(default_factory=dict)


def load(run: LtrRun) -> LtrRun:
    """Judged searches, every animal's analysed text, and the replayable history."""
    sources = run.sources
    with sources.database.session() as session:
        documents = every_animal(session)
        connection = session.connection()
        run.searches = load_judged_searches(connection)
        run.replay = Replay.from_store(connection, animal_kinds(documents))
    run.texts = {doc.id: text_of(doc, sources.analyze) for doc in documents}
    if len(run.searches) < 10:
        msg = f"only {len(run.searches)} searches with actions in the logs: too few to train on"
        raise ValueError(msg)
    return run


def propensities(run: LtrRun) -> LtrRun:
    """The position bias of the first page, from the searches shown in a random order."""
    run.propensities = estimate_propensities(randomised_clicks(run.searches))
    run.log.log_params(
        {
            "propensity_searches": run.propensities.searches,
            "propensity_clicks": run.propensities.clicks,
        }
    )
    curve = {str(k): round(v, 4) for k, v in enumerate(run.propensities.curve)}
    run.log.log_text(json.dumps(curve, indent=2), "propensities.json")
    return run


def randomised_clicks(searches: Iterable[JudgedSearch]) -> list[ShownClicks]:
    """Each randomised search's first page: how many results it showed, which were chosen."""
    found = []
    for search in searches:
        if search.sort_by != RANDOMISED_SORT:
            continue
        page = {a: p for a, p in search.positions.items() if p < FIRST_PAGE}
        chosen = frozenset(p for a, p in page.items() if search.grades.get(a, 0) > 0)
        found.append(ShownClicks(len(page), chosen))
    return found


def features(run: LtrRun) -> LtrRun:
    """Features of every candidate as of its search; older searches train, newer test."""
    assert run.replay is not None
    older, newer = time_split(run.searches, run.sources.test_share)
    order = index_order(run.sources.index, run.sources.candidates, run.sources.expand)
    build = {
        "texts": run.texts,
        "replay": run.replay,
        "index_order": order,
        "analyze": run.sources.analyze,
        "candidates": run.sources.candidates,
        "expand": run.sources.expand,
    }
    run.train = build_dataset(older, **build)  # type: ignore[arg-type]
    # A search with one candidate has no order to judge: every ranker scores 1 on it.
    run.test = build_dataset(newer, **build).with_choices(2)  # type: ignore[arg-type]
    run.log.log_params(
        {
            "feature_version": FEATURE_VERSION,
            "features": len(FEATURE_NAMES),
            "train_searches": len(run.train),
            "test_searches": len(run.test),
            "candidates": run.sources.candidates,
            "test_share": run.sources.test_share,
        }
    )
    run.log.log_text(json.dumps(list(FEATURE_NAMES), indent=2), "features.json")
    return run


def train(run: LtrRun) -> LtrRun:
    """Lambdarank, its position-debiased twin and a pointwise regression model on the older
    searches."""
    assert run.train is not None
    for kind in RankerKind:
        run.rankers[kind] = train_ranker(kind, run.train, run.sources.options)
    run.log.log_params({f"lgbm_{k}": v for k, v in vars(run.sources.options).items()})
    return run


def evaluate(run: LtrRun) -> LtrRun:
    """Every model and every baseline on the newer searches; table and plots to the run."""
    assert run.test is not None
    assert run.propensities is not None
    scorers = {kind.value: _scorer(ranker) for kind, ranker in run.rankers.items()}
    run.comparison = compare(scorers, run.test, run.propensities)
    for method, values in run.comparison.metrics.items():
        prefix = method.replace(" ", "_")
        run.log.log_metrics({_key(f"{prefix}.{name}"): value for name, value in values.items()})
    run.log.log_figure_png(ndcg_by_cutoff_png(run.comparison), "plots/ndcg_by_cutoff.png")
    run.log.log_figure_png(headline_bars_png(run.comparison), "plots/ndcg10_by_method.png")
    return run


def _scorer(ranker: Ranker) -> Callable[[LtrDataset], NDArray[np.float64]]:
    def score(data: LtrDataset) -> NDArray[np.float64]:
        return ranker.predict(data.features)

    return score


def register(run: LtrRun) -> LtrRun:
    """Both models as new versions of their registered models."""
    with tempfile.TemporaryDirectory(prefix="aianimals-ltr-") as scratch:
        for kind, ranker in run.rankers.items():
            directory = ranker.save(Path(scratch) / kind.value)
            run.registered[kind] = run.registry.register(
                model_name(kind), run.log.run_id, directory
            )
    return run


def promote(run: LtrRun) -> LtrRun:
    """Move each model's `champion` alias only if the new version beats every baseline and
    the champion, on the debiased headline metric of the same held-out searches."""
    assert run.test is not None
    assert run.comparison is not None
    for kind, version in run.registered.items():
        new_score = run.comparison.metrics[kind.value][HEADLINE]
        champion = run.registry.alias(version.name, CHAMPION)
        champion_score = _score_of(run, champion) if champion else None
        unbeaten = run.comparison.unbeaten(kind.value)
        if unbeaten:
            bars = ", ".join(f"{n} {run.comparison.metrics[n][HEADLINE]:.4f}" for n in unbeaten)
            verdict = (
                f"refused v{version.version} ({HEADLINE} {new_score:.4f} does not beat {bars})"
            )
        elif champion_score is None or new_score > champion_score:
            run.registry.set_alias(version.name, CHAMPION, version.version)
            held = _held(champion, champion_score)
            verdict = f"promoted v{version.version} ({HEADLINE} {new_score:.4f} > champion {held})"
        else:
            verdict = (
                f"kept champion v{champion.version} ({HEADLINE} {champion_score:.4f} ≥ "  # type: ignore[union-attr]
                f"{new_score:.4f} of v{version.version})"
            )
        run.promoted[kind] = verdict
        run.log.set_tags({f"promotion.{kind.value}": verdict})
        if champion_score is not None:
            run.log.log_metrics({_key(f"{kind.value}.champion_{HEADLINE}"): champion_score})
        run.log.log_text(_card(run, kind, version, verdict), f"model_card_{kind.value}.md")
    return run


def _key(metric: str) -> str:
    """A metric name as MLflow accepts it: `ndcg@10` → `ndcg_at_10`."""
    return metric.replace("@", "_at_")


def _held(champion: ModelVersion | None, score: float | None) -> str:
    """How the promotion verdict names the champion it replaced."""
    if champion is None:
        return "none"
    if score is None:
        return f"v{champion.version}, trained on other features"
    return f"v{champion.version} {score:.4f}"


def _score_of(run: LtrRun, champion: ModelVersion) -> float | None:
    """The champion's headline metric on this run's held-out searches (None: unusable)."""
    assert run.test is not None
    with tempfile.TemporaryDirectory(prefix="aianimals-champion-") as scratch:
        directory = run.registry.download(champion.name, champion.version, Path(scratch))
        try:
            ranker = Ranker.load(directory)
        except ValueError:
            return None  # trained on other features: any model on the current ones beats it
        scores = ranker.predict(run.test.features)
    assert run.propensities is not None
    weights = 1.0 / run.propensities.at(run.test.positions)
    return score_all(scores, run.test, weights)[HEADLINE]


def _card(run: LtrRun, kind: RankerKind, version: ModelVersion, verdict: str) -> str:
    assert run.comparison is not None
    assert run.train is not None
    return model_card(
        name=version.name,
        version=version.version,
        kind=kind.value,
        comparison=run.comparison,
        train_searches=len(run.train),
        params=run.rankers[kind].params,
        champion=verdict,
    )


def _describe_comparison(run: LtrRun) -> str:
    assert run.comparison is not None
    best, score = run.comparison.best_baseline()
    own = run.comparison.metrics[RankerKind.LAMBDARANK.value][HEADLINE]
    return f"lambdarank {HEADLINE} {own:.4f} vs {best} {score:.4f}"


LTR_PIPELINE = Pipeline(
    "learn-to-rank",
    [
        Step(
            "load",
            load,
            "judged searches, animals, history",
            lambda r: f"{len(r.searches):,} searches",
        ),
        Step(
            "propensities",
            propensities,
            "position bias from randomised searches",
            lambda r: f"p(position 10) = {r.propensities.curve[10]:.3f}",
        ),
        Step(
            "features",
            features,
            "features as of each search; time split",
            lambda r: f"{len(r.train):,} train / {len(r.test):,} test searches",
        ),
        Step(
            "train",
            train,
            "LightGBM lambdarank, debiased lambdarank and regression",
            lambda r: f"{len(r.rankers)} models",
        ),
        Step("evaluate", evaluate, "held-out NDCG and MRR against baselines", _describe_comparison),
        Step(
            "register",
            register,
            "new versions in the registry",
            lambda r: ", ".join(f"{v.name} v{v.version}" for v in r.registered.values()),
        ),
        Step(
            "promote",
            promote,
            "champion alias only above every baseline and the champion",
            lambda r: "; ".join(r.promoted.values()),
        ),
    ],
)
