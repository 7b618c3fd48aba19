"""Builds the configured vector index; FAISS or the HTTP client is imported only when chosen."""

from __future__ import annotations

from typing import Literal

from aianimals.ports.vectors.base import AnnParams, VectorIndex
from aianimals.settings import VectorSettings

DEFAULT_DIM = 1280
"""EfficientNet-Lite0's pooled features."""


def create_vector_index(
    settings: VectorSettings,
    *,
    dim: int = DEFAULT_DIM,
    params: AnnParams | None = None,
    storage: Literal["float32", "float16"] = "float32",
    exact_below: int = 10_000,
    refresh_interval: float = 0.5,
) -> VectorIndex:
    """The index `settings.kind` names: embedded files under `settings.path` (FAISS;
    `storage`, `exact_below` and `refresh_interval` apply), or the k-NN alias
    `settings.index` on the server at `settings.url`.

    The OpenSearch one connects on first use; the embedded one loads its live snapshot now.
    """
    if settings.kind == "opensearch":
        from aianimals.ports.vectors.opensearch import OpenSearchVectorIndex

        return OpenSearchVectorIndex(
            settings.url, settings.index, dim, params, version_ttl=refresh_interval
        )
    if settings.kind != "embedded":
        raise ValueError(f"unknown vector index kind {settings.kind!r}")
    from aianimals.ports.vectors.embedded import EmbeddedVectorIndex

    return EmbeddedVectorIndex(
        settings.path,
        dim,
        params=params,
        storage=storage,
        exact_below=exact_below,
        refresh_interval=refresh_interval,
    )
