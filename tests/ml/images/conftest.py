"""Shared fixtures: the bundled image model and its predictions on the labelled photos."""

from __future__ import annotations

import pytest

from aianimals.ml.images.evalset import EvalSet, load_eval_set
from aianimals.ml.images.model import ImageModel, Predictions, load_model
from aianimals.ml.images.runtime import RuntimeOptions


@pytest.fixture(scope="session")
def image_model() -> ImageModel:
    """The model shipped in the package, on two threads."""
    return load_model(options=RuntimeOptions(intra_op_threads=2))


@pytest.fixture(scope="session")
def eval_set() -> EvalSet:
    """The bundled labelled photos."""
    return load_eval_set()


@pytest.fixture(scope="session")
def eval_predictions(image_model: ImageModel, eval_set: EvalSet) -> Predictions:
    """The shipped model's predictions on every labelled photo, in manifest order."""
    return image_model.predict(eval_set.images())
