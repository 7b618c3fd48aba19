"""Where the image model's graph runs: a small protocol and its ONNX Runtime (CPU) version.

The exported graph (see `aianimals.ml.images.export`) takes one float32 input `image`
(batch, 3, 224, 224) and gives `logits` (batch, 1000 ImageNet classes) and `embedding`
(batch, 1280 pooled features before the classifier). No torch is needed to run it.
onnxruntime is imported only when a session opens, so importing this module stays cheap
(and never ahead of `usearch`, which segfaults when imported after onnxruntime).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

INPUT_NAME = "image"
LOGITS_NAME = "logits"
EMBEDDING_NAME = "embedding"
NUM_CLASSES = 1000
EMBEDDING_DIM = 1280

FloatArray = NDArray[np.float32]


class ImageRuntimeError(RuntimeError):
    """The graph cannot be opened, or does not have the inputs and outputs expected."""


class ImageRuntime(Protocol):
    """Runs the graph on a preprocessed batch (n, 3, 224, 224) → (logits, embeddings)."""

    def run(self, batch: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Raw logits (n, 1000) and pooled, unnormalised features (n, 1280)."""
        ...


@dataclass(frozen=True)
class RuntimeOptions:
    """ONNX Runtime session settings for a CPU shared with a web server."""

    intra_op_threads: int = 2
    """Threads one inference uses; keep workers × threads ≤ the cores available."""
    allow_spinning: bool = False
    """Spinning idle threads cut latency a little but burn CPU the API needs."""

    def __post_init__(self) -> None:
        if self.intra_op_threads < 1:
            raise ValueError("intra_op_threads must be at least 1")


def _session_options(options: RuntimeOptions) -> Any:
    import onnxruntime as ort  # type: ignore[import-untyped]

    session_options = ort.SessionOptions()
    session_options.intra_op_num_threads = options.intra_op_threads
    session_options.inter_op_num_threads = 1
    session_options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session_options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session_options.add_session_config_entry(
        "session.intra_op.allow_spinning", "1" if options.allow_spinning else "0"
    )
    session_options.log_severity_level = 3  # errors only
    return session_options


class OnnxImageRuntime:
    """`ImageRuntime` over an onnxruntime `InferenceSession` on the CPU provider.

    One session serves concurrent callers (its `run` is thread-safe).
    """

    def __init__(self, model: bytes, options: RuntimeOptions | None = None) -> None:
        import onnxruntime as ort

        self.options = options or RuntimeOptions()
        try:
            self._session = ort.InferenceSession(
                model, _session_options(self.options), providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own exception types
            raise ImageRuntimeError(f"cannot open the image model graph: {error}") from error
        self._check_signature()

    def _check_signature(self) -> None:
        inputs = [node.name for node in self._session.get_inputs()]
        outputs = {node.name: node.shape for node in self._session.get_outputs()}
        if inputs != [INPUT_NAME] or set(outputs) != {LOGITS_NAME, EMBEDDING_NAME}:
            raise ImageRuntimeError(
                f"image model graph has inputs {inputs} and outputs {sorted(outputs)}; "
                f"expected [{INPUT_NAME!r}] and [{EMBEDDING_NAME!r}, {LOGITS_NAME!r}]"
            )
        if outputs[LOGITS_NAME][-1] != NUM_CLASSES or outputs[EMBEDDING_NAME][-1] != EMBEDDING_DIM:
            raise ImageRuntimeError(f"image model graph has unexpected output shapes {outputs}")

    def run(self, batch: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Raw logits (n, 1000) and pooled, unnormalised features (n, 1280)."""
        feed = {INPUT_NAME: np.ascontiguousarray(batch, dtype=np.float32)}
        logits, embeddings = self._session.run([LOGITS_NAME, EMBEDDING_NAME], feed)
        return (
            np.asarray(logits, dtype=np.float32),
            np.asarray(embeddings, dtype=np.float32),
        )
