"""Builds the configured vector index; FAISS or the HTTP client is imported only when chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from aianimals.ports.vectors.base import AnnParams, VectorIndex

VectorKind = Literal["embedded", "opensearch"]
DEFAULT_DIM = 1280
"""EfficientNet-Lite0's pooled features."""


def create_vector_index(
    kind: VectorKind,
    *,
    path: Path = Path("var/vectors"),
    url: str = "http://127.0.0.1:9200",
    index: str = "aianimals-images",
    dim: int = DEFAULT_DIM,
    params: AnnParams | None = None,
    storage: Literal["float32", "float16"] = "float32",
    exact_below: int = 10_000,
    refresh_interval: float = 0.5,
) -> VectorIndex:
    """The index `kind` names: embedded files under `path` (FAISS; `storage`, `exact_below`
    and `refresh_interval` apply), or the k-NN alias `index` on the server at `url`.

    The OpenSearch one connects on first use; the embedded one loads its live snapshot now.
    """
    if kind == "opensearch":
        from aianimals.ports.vectors.opensearch import OpenSearchVectorIndex

        return OpenSearchVectorIndex(url, index, dim, params, version_ttl=refresh_interval)
    if kind != "embedded":
        raise ValueError(f"unknown vector index kind {kind!r}")
    from aianimals.ports.vectors.embedded import EmbeddedVectorIndex

    return EmbeddedVectorIndex(
        path,
        dim,
        params=params,
        storage=storage,
        exact_below=exact_below,
        refresh_interval=refresh_interval,
    )
