"""The no-animal chain end to end with the embedded registry: who takes the alias, and when
there is nothing to train."""

from __future__ import annotations

import dataclasses

import pytest
from typer.testing import CliRunner

from aianimals.core.pipeline import Pipeline, PipelineError, Step
from aianimals.images.embeddings import save_embedding
from aianimals.ml.cli import app
from aianimals.ml.no_animal import CHAMPION, EXPERIMENT, MODEL_NAME
from aianimals.ml.no_animal.dataset import EvalFeatures
from aianimals.ml.no_animal.head import fit_head
from aianimals.ml.no_animal.training import (
    NO_ANIMAL_PIPELINE,
    NoAnimalRun,
    NoAnimalSources,
    NothingToTrain,
    evaluate,
    load,
    promote,
    register,
)
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import Container
from tests.factories import Factory
from tests.ml.no_animal.conftest import MODEL_VERSION, add_verdicts, eval_features

STATES = ["confirmed", "rejected"] * 12


def _sources(container: Container, held_out: EvalFeatures) -> NoAnimalSources:
    return NoAnimalSources(
        database=container.database,
        image_model_version=MODEL_VERSION,
        eval_features=lambda: held_out,
    )


def _run(
    container: Container, held_out: EvalFeatures, pipeline: Pipeline = NO_ANIMAL_PIPELINE
) -> NoAnimalRun:
    registry = create_registry(container.settings.registry, container.settings.var_dir)
    try:
        with registry.run(EXPERIMENT, "test") as log:
            result = pipeline.run(NoAnimalRun(_sources(container, held_out), registry, log))
        output: NoAnimalRun = result.output
        return output
    finally:
        registry.close()


def _champion(container: Container) -> int | None:
    registry = create_registry(container.settings.registry, container.settings.var_dir)
    try:
        found = registry.alias(MODEL_NAME, CHAMPION)
        return None if found is None else found.version
    finally:
        registry.close()


def _flipped_train(run: NoAnimalRun) -> NoAnimalRun:
    """A deliberately bad trainer: it learns the verdicts backwards."""
    assert run.training is not None
    training = run.training
    run.head = fit_head(
        training.embeddings,
        training.animal_probability,
        ~training.labels,
        image_model_version=MODEL_VERSION,
        threshold=0.9,
    )
    return run


WORSE = Pipeline(
    "no-animal-worse",
    [
        Step("load", load),
        Step("train", _flipped_train),
        Step("evaluate", evaluate),
        Step("register", register),
        Step("promote", promote),
    ],
)


@pytest.fixture
def verdicts(container: Container, factory: Factory, no_animal_type: str) -> None:
    """12 confirmed and 12 rejected no-animal violations on embedded synthetic photos."""
    add_verdicts(factory.session, factory, no_animal_type, STATES, seed=11)


@pytest.mark.usefixtures("verdicts")
def test_a_first_head_that_beats_zero_shot_is_registered_promoted_and_logged(
    container: Container,
) -> None:
    run = _run(container, eval_features())

    assert run.comparison is not None
    assert set(run.comparison.metrics) == {"head", "zero-shot"}
    assert run.comparison.auc("head") > run.comparison.auc("zero-shot")  # type: ignore[operator]
    assert run.registered is not None
    assert run.promoted
    assert run.verdict.startswith("promoted v1")
    assert _champion(container) == 1
    registry = create_registry(container.settings.registry, container.settings.var_dir)
    try:
        logged = registry.run_metrics(run.registered.run_id)
    finally:
        registry.close()
    assert logged["eval.photos"] == 120
    assert logged["head.roc_auc"] == pytest.approx(run.comparison.auc("head"))
    assert {"zero_shot.roc_auc", "head.f1", "head.precision", "head.recall"} <= set(logged)
    point = run.operating_point
    assert point is not None
    assert (point.hide_threshold, point.review_threshold) == (
        run.sources.threshold,
        run.sources.review_threshold,
    )
    assert point.no_animal_photos + point.labelled_animals == 120


@pytest.mark.usefixtures("verdicts")
def test_a_first_head_that_does_not_beat_zero_shot_is_not_promoted(
    container: Container,
) -> None:
    perfect_zero_shot = eval_features(zero_shot_noise=0.0)
    run = _run(container, perfect_zero_shot)

    assert run.registered is not None
    assert not run.promoted
    assert "zero-shot detector stays in service" in run.verdict
    assert _champion(container) is None


@pytest.mark.usefixtures("verdicts")
def test_a_worse_head_is_registered_but_does_not_take_the_champion_alias(
    container: Container,
) -> None:
    held_out = eval_features()
    _run(container, held_out)
    run = _run(container, held_out, WORSE)

    assert run.comparison is not None
    assert set(run.comparison.metrics) == {"head", "zero-shot", "champion"}
    assert run.comparison.auc("head") < run.comparison.auc("champion")  # type: ignore[operator]
    assert run.registered is not None
    assert run.registered.version == 2
    assert not run.promoted
    assert run.verdict.startswith("kept champion v1")
    assert _champion(container) == 1


def test_too_few_verdicts_stop_the_chain_with_the_counts(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    add_verdicts(
        factory.session, factory, no_animal_type, ["confirmed"] * 12 + ["rejected"] * 3, 12
    )
    with pytest.raises(PipelineError) as raised:
        _run(container, eval_features())
    assert isinstance(raised.value.cause, NothingToTrain)
    assert "nothing to train yet: 12 confirmed, 3 rejected verdicts" in str(raised.value.cause)


@pytest.mark.usefixtures("verdicts")
def test_training_copies_of_eval_photos_are_dropped_and_counted(
    container: Container, factory: Factory, no_animal_type: str
) -> None:
    held_out = eval_features()
    animals = add_verdicts(factory.session, factory, no_animal_type, ["rejected"] * 2, seed=13)
    for row, animal in enumerate(animals):  # replace their photos by eval photos
        save_embedding(factory.session, animal.id, MODEL_VERSION, held_out.embeddings[row], 0.5)
    factory.session.commit()
    run = _run(container, held_out, Pipeline("load only", [Step("load", load)]))
    assert run.dropped == 2
    assert run.training is not None
    assert not set(run.training.animal_ids) & {animal.id for animal in animals}
    assert len(run.training) == len(STATES)


def test_the_command_says_there_is_nothing_to_train_and_exits_zero(
    container: Container,
) -> None:
    result = CliRunner().invoke(app, ["no-animal"], obj=container.settings)
    assert result.exit_code == 0, result.output
    assert "nothing to train yet: 0 confirmed, 0 rejected verdicts" in result.output
    assert _champion(container) is None


def test_eval_features_of_another_image_model_are_refused(
    container: Container, verdicts: None
) -> None:
    other = dataclasses.replace(eval_features(), image_model_version="another")
    with pytest.raises(PipelineError, match="eval photos embedded by another"):
        _run(container, other)
    assert _champion(container) is None
