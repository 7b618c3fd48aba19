"""The learn-to-rank chain end to end on simulated logs, with the embedded registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aianimals.core.pipeline import Pipeline, Step
from aianimals.ml.ltr.ranker import Ranker, RankerKind, TrainOptions, train_ranker
from aianimals.ml.ltr.training import (
    CHAMPION,
    LTR_PIPELINE,
    LtrRun,
    LtrSources,
    evaluate,
    features,
    load,
    model_name,
    promote,
    register,
    train,
)
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import Container
from aianimals.settings import Settings

FAST = TrainOptions(rounds=40)


def _sources(container: Container) -> LtrSources:
    return LtrSources(
        database=container.database,
        index=container.text_search,
        analyze=container.analyzer.analyze,
        options=FAST,
    )


def _run(settings: Settings, container: Container, pipeline: Pipeline) -> LtrRun:
    registry = create_registry(settings)
    try:
        with registry.run("learn-to-rank", "test") as log:
            result = pipeline.run(LtrRun(_sources(container), registry, log))
        output: LtrRun = result.output
        return output
    finally:
        registry.close()


def test_the_chain_trains_compares_registers_and_promotes_the_first_models(
    simulated: Container, registry_settings: Settings
) -> None:
    run = _run(registry_settings, simulated, LTR_PIPELINE)

    assert run.comparison is not None
    metrics = run.comparison.metrics
    assert set(metrics) == {"lambdarank", "regression", "index order", "likes", "recency", "random"}
    assert metrics["lambdarank"]["ndcg@10"] > metrics["random"]["ndcg@10"]
    registry = create_registry(registry_settings)
    try:
        for kind in RankerKind:
            champion = registry.alias(model_name(kind), CHAMPION)
            assert champion is not None
            assert champion.version == 1
            logged = registry.run_metrics(champion.run_id)
            assert logged[f"{kind.value}.ndcg_at_10"] == metrics[kind.value]["ndcg@10"]
            assert run.promoted[kind].startswith("promoted v1")
    finally:
        registry.close()


def _upside_down(run: LtrRun) -> LtrRun:
    """A deliberately bad model: trained to put the least chosen animals first."""
    assert run.train is not None
    flipped = dataclasses.replace(run.train, grades=run.train.grades.max() - run.train.grades)
    for kind in RankerKind:
        run.rankers[kind] = train_ranker(kind, flipped, FAST)
    return run


def test_a_worse_model_is_registered_but_does_not_take_the_champion_alias(
    simulated: Container, registry_settings: Settings
) -> None:
    _run(registry_settings, simulated, LTR_PIPELINE)
    worse = Pipeline(
        "worse",
        [
            Step("load", load),
            Step("features", features),
            Step("train", _upside_down),
            Step("evaluate", evaluate),
            Step("register", register),
            Step("promote", promote),
        ],
    )
    run = _run(registry_settings, simulated, worse)

    registry = create_registry(registry_settings)
    try:
        for kind in RankerKind:
            assert run.registered[kind].version == 2
            champion = registry.alias(model_name(kind), CHAMPION)
            assert champion is not None
            assert champion.version == 1
            assert run.promoted[kind].startswith("kept champion v1")
    finally:
        registry.close()


def test_a_saved_ranker_loads_with_the_same_predictions(
    simulated: Container, registry_settings: Settings, tmp_path: Path
) -> None:
    run = _run(registry_settings, simulated, LTR_PIPELINE)
    assert run.test is not None
    ranker = run.rankers[RankerKind.LAMBDARANK]
    loaded = Ranker.load(ranker.save(tmp_path / "model"))
    assert (loaded.predict(run.test.features) == ranker.predict(run.test.features)).all()


def _old_features(run: LtrRun) -> LtrRun:
    """Models that say they were trained on an earlier feature version."""
    train(run)
    for kind, ranker in run.rankers.items():
        run.rankers[kind] = dataclasses.replace(ranker, feature_version="ltr-features-v0")
    return run


def test_a_champion_trained_on_other_features_gives_way_to_a_model_on_the_current_ones(
    simulated: Container, registry_settings: Settings
) -> None:
    stale = Pipeline(
        "stale",
        [
            Step("load", load),
            Step("features", features),
            Step("train", _old_features),
            Step("evaluate", evaluate),
            Step("register", register),
            Step("promote", promote),
        ],
    )
    _run(registry_settings, simulated, stale)
    run = _run(registry_settings, simulated, LTR_PIPELINE)
    for kind in RankerKind:
        assert run.promoted[kind] == (
            f"promoted v2 (ndcg@10 {run.comparison.metrics[kind.value]['ndcg@10']:.4f} > "  # type: ignore[union-attr]
            "champion v1, trained on other features)"
        )
