"""A small generated dataset (simulated users' searches, actions and likes), imported once
into its own store and indexed: learn-to-rank reads it, never writes it.

A plugin of the root conftest, so each session-scoped fixture is built once per run for
tests/ml/ltr and tests/ranking alike (a fixture imported into two conftests is built once
per conftest). Training in tests uses one LightGBM thread (`FAST`): on a busy machine two
threads are many times slower.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from aianimals.core.pipeline import Pipeline, Step
from aianimals.dataset.generator import GenerationOptions, generate_dataset
from aianimals.dataset.importer.service import import_directory
from aianimals.ml.ltr.ranker import RankerKind, TrainOptions, train_ranker
from aianimals.ml.ltr.training import EXPERIMENT, LTR_PIPELINE, LtrRun, LtrSources
from aianimals.ports.registry.base import ModelRegistry, RunLog
from aianimals.ports.registry.factory import create_registry
from aianimals.ports.sql import migrate
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.ranking.updater import rebuild_features
from aianimals.roles.container import Container, build_container
from aianimals.search.rebuild import rebuild_index
from aianimals.settings import Settings
from tests.conftest import make_settings, registry_under

ANIMALS = 600
FAST = TrainOptions(rounds=40, threads=1)


@pytest.fixture(scope="session")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """A store holding a generated dataset of 600 animals and its simulated logs."""
    root = tmp_path_factory.mktemp("ltr")
    with ExitStack() as stack:
        url = f"sqlite:///{root / 'ltr.db'}"
        if server := os.environ.get("AIANIMALS_TEST_DATABASE_URL"):
            url = stack.enter_context(scratch_schema(server, "ltr"))
        container = build_container(make_settings(url, root))
        stack.callback(container.close)
        dataset = root / "dataset"
        generate_dataset(dataset, GenerationOptions(animals=ANIMALS, workers=1))
        migrate.upgrade(container.database)
        import_directory(container, dataset)
        rebuild_index(container.database, container.search_index, container.cache)
        rebuild_features(container.database, container.feature_store)  # as the updater would
        yield container


@pytest.fixture
def registry_settings(simulated: Container, blank_registry: Path, tmp_path: Path) -> Settings:
    """Settings whose embedded model registry (empty) lives in this test's folder."""
    return registry_under(
        simulated.settings.model_copy(update={"var_dir": tmp_path}), blank_registry
    )


def ltr_sources(container: Container) -> LtrSources:
    """What the training chain reads in tests: the store, its index, one fast option set."""
    return LtrSources(
        database=container.database,
        index=container.text_search,
        analyze=container.analyzer.analyze,
        options=FAST,
    )


def passing_pipeline(name: str = "passing", feature_version: str | None = None) -> Pipeline:
    """The training chain with models fitted on the held-out searches themselves.

    The small test store holds too few searches for an honest model to beat every baseline
    on the debiased estimate (its promotion is refused, see test_training); a model that
    has seen the held-out answers passes the gate, so the tests get a champion to serve.
    """

    def fit_held_out(run: LtrRun) -> LtrRun:
        assert run.test is not None
        for kind in RankerKind:
            ranker = train_ranker(kind, run.test, dataclasses.replace(FAST, rounds=60))
            if feature_version is not None:  # a model that says it saw other features
                ranker = dataclasses.replace(ranker, feature_version=feature_version)
            run.rankers[kind] = ranker
        return run

    steps = [
        Step("train", fit_held_out) if step.name == "train" else step for step in LTR_PIPELINE.steps
    ]
    return Pipeline(name, steps)


@pytest.fixture(scope="session")
def trained(
    simulated: Container,
    prepared: LtrRun,
    blank_registry: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    """Settings of a registry where one training run made every champion (v1)."""
    var = tmp_path_factory.mktemp("reg")
    settings = registry_under(
        simulated.settings.model_copy(update={"var_dir": var}), blank_registry
    )
    registry = create_registry(settings.registry, settings.var_dir)
    try:
        with registry.run(EXPERIMENT, "fixture") as log:
            resumed(passing_pipeline()).run(fresh(prepared, registry, log))
    finally:
        registry.close()
    return settings


PREPARING = ("load", "propensities", "features")
"""The chain's steps that only read the store: the same on every run over it."""


@pytest.fixture(scope="session")
def prepared(
    simulated: Container, blank_registry: Path, tmp_path_factory: pytest.TempPathFactory
) -> LtrRun:
    """The chain run up to its features once (searches, propensities, train and test sets):
    tests that check training, evaluation and promotion go on from a copy (`resumed`)."""
    var = tmp_path_factory.mktemp("prep")
    settings = registry_under(
        simulated.settings.model_copy(update={"var_dir": var}), blank_registry
    )
    registry = create_registry(settings.registry, settings.var_dir)
    steps = [step for step in LTR_PIPELINE.steps if step.name in PREPARING]
    try:
        with registry.run(EXPERIMENT, "prepared") as log:
            run: LtrRun = (
                Pipeline("prepare", steps).run(LtrRun(ltr_sources(simulated), registry, log)).output
            )
    finally:
        registry.close()
    return run


def resumed(pipeline: Pipeline) -> Pipeline:
    """`pipeline` without the steps `prepared` already ran."""
    return Pipeline(pipeline.name, [s for s in pipeline.steps if s.name not in PREPARING])


def fresh(prepared: LtrRun, registry: ModelRegistry, log: RunLog) -> LtrRun:
    """A copy of the prepared run for this registry and run log, with nothing trained yet."""
    return dataclasses.replace(
        prepared,
        registry=registry,
        log=log,
        rankers={},
        registered={},
        promoted={},
        comparison=None,
    )
