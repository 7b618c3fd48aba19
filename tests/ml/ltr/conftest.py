"""A small generated dataset (simulated users' searches, actions and likes), imported once
into its own store and indexed: learn-to-rank reads it, never writes it."""

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
from aianimals.ports.sql import migrate
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.ranking.updater import rebuild_features
from aianimals.roles.container import Container, build_container
from aianimals.search.rebuild import rebuild_index
from tests.conftest import make_settings

ANIMALS = 600


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
def registry_settings(simulated: Container, tmp_path: Path) -> object:
    """Settings whose embedded model registry lives in this test's folder."""
    return simulated.settings.model_copy(update={"var_dir": tmp_path})


def passing_pipeline(name: str = "passing", feature_version: str | None = None) -> Pipeline:
    """The training chain with models fitted on the held-out searches themselves.

    The small test store holds too few searches for an honest model to beat every baseline
    on the debiased estimate (its promotion is refused, see test_training); a model that
    has seen the held-out answers passes the gate, so the tests get a champion to serve.
    """
    from aianimals.ml.ltr.ranker import RankerKind, TrainOptions, train_ranker
    from aianimals.ml.ltr.training import LTR_PIPELINE, LtrRun

    def fit_held_out(run: LtrRun) -> LtrRun:
        assert run.test is not None
        for kind in RankerKind:
            ranker = train_ranker(kind, run.test, TrainOptions(rounds=60))
            if feature_version is not None:  # a model that says it saw other features
                ranker = dataclasses.replace(ranker, feature_version=feature_version)
            run.rankers[kind] = ranker
        return run

    steps = [
        Step("train", fit_held_out) if step.name == "train" else step for step in LTR_PIPELINE.steps
    ]
    return Pipeline(name, steps)


@pytest.fixture(scope="session")
def trained(simulated: Container, tmp_path_factory: pytest.TempPathFactory) -> object:
    """Settings of a registry where one training run made every champion (v1)."""
    from aianimals.ml.ltr.ranker import TrainOptions
    from aianimals.ml.ltr.training import EXPERIMENT, LtrRun, LtrSources
    from aianimals.ports.registry.factory import create_registry

    settings = simulated.settings.model_copy(update={"var_dir": tmp_path_factory.mktemp("reg")})
    registry = create_registry(settings.registry, settings.var_dir)
    sources = LtrSources(
        database=simulated.database,
        index=simulated.text_search,
        analyze=simulated.analyzer.analyze,
        options=TrainOptions(rounds=40),
    )
    try:
        with registry.run(EXPERIMENT, "fixture") as log:
            passing_pipeline().run(LtrRun(sources, registry, log))
    finally:
        registry.close()
    return settings
