"""The image model's lifecycle, defined once: locate → load (checksum verified) → predict.

`ImageModel.predict` turns PIL images into L2-normalised 1280-d embeddings (for similar-image
search), a zero-shot "animal present" probability (softmax mass on ImageNet classes 0–397,
which are all animals) and the top ImageNet classes. `InferencePool` runs predictions on
worker threads with a bounded backlog, so an async API never runs inference on its loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from aianimals.ml.images.preprocess import ImageArray, preprocess_batch
from aianimals.ml.images.runtime import (
    EMBEDDING_DIM,
    FloatArray,
    ImageRuntime,
    OnnxImageRuntime,
    RuntimeOptions,
)
from aianimals.observability.metrics import timed_inference

MODEL_FILE = "efficientnet_lite0.onnx"
CHECKSUM_SUFFIX = ".sha256"
VERSION_PREFIX = "efficientnet-lite0"
ANIMAL_CLASSES = slice(0, 398)
"""ImageNet-1k class ids 0 (tench) to 397 (puffer) are all animals; 398 (abacus) on are not."""
DEFAULT_BATCH_SIZE = 32
TOP_K = 5


class ImageModelError(RuntimeError):
    """The model file is missing, corrupt or does not match its checksum."""


class InferencePoolBusy(RuntimeError):
    """Every slot of the inference pool is taken; the caller should shed load (503)."""


@dataclass(frozen=True)
class Predictions:
    """Model outputs for n images, in input order."""

    embeddings: FloatArray
    """(n, 1280) float32, each row of unit L2 norm."""
    animal_probability: FloatArray
    """(n,) float32: softmax probability mass on the animal classes 0–397."""
    top_classes: NDArray[np.int64]
    """(n, TOP_K) ImageNet class ids, most probable first."""
    top_probabilities: FloatArray
    """(n, TOP_K) their softmax probabilities."""

    def __len__(self) -> int:
        return int(self.embeddings.shape[0])


def sha256_hex(data: bytes) -> str:
    """The lowercase hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def version_of(digest: str) -> str:
    """The model version named by a file's SHA-256, e.g. `efficientnet-lite0-0123456789ab`."""
    return f"{VERSION_PREFIX}-{digest[:12]}"


@dataclass(frozen=True)
class ModelLocation:
    """Where a model file and its checksum file (`<file>.sha256`) are."""

    model: Traversable
    checksum: Traversable


def locate(path: Path | None = None) -> ModelLocation:
    """The model at `path` (its checksum beside it), by default the one in the package."""
    if path is None:
        assets = resources.files("aianimals.ml.images") / "assets"
        return ModelLocation(assets / MODEL_FILE, assets / f"{MODEL_FILE}{CHECKSUM_SUFFIX}")
    return ModelLocation(path, path.with_name(f"{path.name}{CHECKSUM_SUFFIX}"))


def _read(location: Traversable, what: str) -> bytes:
    try:
        return location.read_bytes()
    except FileNotFoundError as error:
        raise ImageModelError(
            f"{what} not found at {location}; it ships inside the aianimals package "
            "(src/aianimals/ml/images/assets) — reinstall the package, or re-create it with "
            "`python -m aianimals.ml.images.export` in the export environment"
        ) from error


def expected_checksum(location: ModelLocation) -> str:
    """The SHA-256 recorded in the checksum file (`<hex>  <name>`, as `sha256sum` writes)."""
    raw = _read(location.checksum, "image model checksum file")
    text = raw.decode("ascii", "replace").strip()
    digest = text.split()[0].lower() if text else ""
    if len(digest) != 64 or any(char not in "0123456789abcdef" for char in digest):
        raise ImageModelError(f"malformed checksum file {location.checksum}: {text[:80]!r}")
    return digest


def verified_bytes(location: ModelLocation, digest: str | None = None) -> bytes:
    """The model file's bytes, after checking them against `digest` (or the checksum file)."""
    expected = digest.lower() if digest is not None else expected_checksum(location)
    data = _read(location.model, "image model file")
    actual = sha256_hex(data)
    if actual != expected:
        hint = " (a Git LFS pointer, not the model)" if data.startswith(b"version https://") else ""
        raise ImageModelError(
            f"image model file {location.model} is corrupt{hint}: its SHA-256 is {actual}, "
            f"expected {expected}; restore it from the package or re-run the export"
        )
    return data


class ImageModel:
    """EfficientNet-Lite0 (ImageNet) behind an `ImageRuntime`; thread-safe."""

    def __init__(
        self, runtime: ImageRuntime, version: str, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.runtime = runtime
        self.version = version
        self.batch_size = batch_size

    @classmethod
    def from_bytes(cls, data: bytes, options: RuntimeOptions | None = None) -> ImageModel:
        """A model from an ONNX graph in memory; its version is its SHA-256."""
        return cls(OnnxImageRuntime(data, options), version_of(sha256_hex(data)))

    @timed_inference("image")
    def predict(self, images: Sequence[Image.Image]) -> Predictions:
        """Preprocess and run `images` in batches of at most `batch_size`."""
        parts = [
            self._run(preprocess_batch(images[start : start + self.batch_size]))
            for start in range(0, len(images), self.batch_size)
        ]
        return concatenate(parts)

    def predict_arrays(self, batch: ImageArray) -> Predictions:
        """Run already preprocessed input (n, 3, 224, 224) in batches of `batch_size`."""
        parts = [
            self._run(batch[start : start + self.batch_size])
            for start in range(0, batch.shape[0], self.batch_size)
        ]
        return concatenate(parts)

    def _run(self, batch: ImageArray) -> Predictions:
        logits, features = self.runtime.run(batch)
        return predictions_from_outputs(logits, features)


def predictions_from_outputs(logits: FloatArray, features: FloatArray) -> Predictions:
    """Softmax, animal mass, top classes and unit-norm embeddings from raw graph outputs."""
    wide = logits.astype(np.float64)
    exp = np.exp(wide - wide.max(axis=1, keepdims=True))
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    top = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP_K].astype(np.int64)
    norms = np.linalg.norm(features.astype(np.float64), axis=1, keepdims=True)
    embeddings = features / np.maximum(norms, 1e-12)
    return Predictions(
        embeddings=embeddings.astype(np.float32),
        animal_probability=probabilities[:, ANIMAL_CLASSES].sum(axis=1).astype(np.float32),
        top_classes=top,
        top_probabilities=np.take_along_axis(probabilities, top, axis=1).astype(np.float32),
    )


def concatenate(parts: Sequence[Predictions]) -> Predictions:
    """Predictions for consecutive batches joined in order (empty when there are none)."""
    if not parts:
        return Predictions(
            embeddings=np.zeros((0, EMBEDDING_DIM), dtype=np.float32),
            animal_probability=np.zeros(0, dtype=np.float32),
            top_classes=np.zeros((0, TOP_K), dtype=np.int64),
            top_probabilities=np.zeros((0, TOP_K), dtype=np.float32),
        )
    if len(parts) == 1:
        return parts[0]
    return Predictions(
        embeddings=np.concatenate([part.embeddings for part in parts]),
        animal_probability=np.concatenate([part.animal_probability for part in parts]),
        top_classes=np.concatenate([part.top_classes for part in parts]),
        top_probabilities=np.concatenate([part.top_probabilities for part in parts]),
    )


def load_model(
    path: Path | None = None,
    *,
    sha256: str | None = None,
    options: RuntimeOptions | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImageModel:
    """Locate (`path`, default the bundled file), verify the checksum, and open the model.

    The checksum is `sha256` when given, else the `<file>.sha256` next to the file.
    Raises `ImageModelError` when the file or checksum is missing or does not match.
    """
    data = verified_bytes(locate(path), sha256)
    runtime = OnnxImageRuntime(data, options)
    return ImageModel(runtime, version_of(sha256_hex(data)), batch_size=batch_size)


class InferencePool:
    """Predictions on worker threads, with at most `max_pending` requests queued or running.

    `submit` never blocks: when the backlog is full it raises `InferencePoolBusy`.
    Threads start on the first request, not when the pool is built.
    """

    def __init__(self, model: ImageModel, *, workers: int = 1, max_pending: int = 8) -> None:
        if workers < 1 or max_pending < workers:
            raise ValueError("need workers >= 1 and max_pending >= workers")
        self.model = model
        self.max_pending = max_pending
        self._slots = threading.BoundedSemaphore(max_pending)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="images")

    def submit(self, images: Sequence[Image.Image]) -> Future[Predictions]:
        """Queue a prediction; its future resolves to `Predictions` in input order."""
        if not self._slots.acquire(blocking=False):
            raise InferencePoolBusy(f"{self.max_pending} image predictions already pending")
        try:
            future = self._executor.submit(self.model.predict, list(images))
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    async def predict(self, images: Sequence[Image.Image]) -> Predictions:
        """Await a prediction from async code without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(images))

    def close(self) -> None:
        """Finish the running and queued predictions, then stop the threads."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> InferencePool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
