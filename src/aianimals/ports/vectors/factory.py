"""Builds the configured vector index; FAISS or the HTTP client is imported only when chosen."""

from __future__ import annotations

from aianimals.ports.vectors.base import VectorIndex
from aianimals.settings import VectorSettings

DEFAULT_DIM = 1280
"""EfficientNet-Lite0's pooled features."""
REFRESH_SECONDS = 0.5
"""How stale a process's view of the index may be (another process writes it)."""


def create_vector_index(settings: VectorSettings) -> VectorIndex:
    """The index `settings.kind` names, of the image model's vectors (`DEFAULT_DIM`, default
    HNSW parameters): embedded FAISS files under `settings.path`, or the k-NN alias
    `settings.index` on the server at `settings.url`.

    The OpenSearch one connects on first use; the embedded one loads its live snapshot now.
    Tests and benches that vary the storage or the graph build the adapters themselves.
    """
    if settings.kind == "opensearch":
        from aianimals.ports.vectors.opensearch import OpenSearchVectorIndex

        return OpenSearchVectorIndex(
            settings.url, settings.index, DEFAULT_DIM, version_ttl=REFRESH_SECONDS
        )
    if settings.kind != "embedded":
        raise ValueError(f"unknown vector index kind {settings.kind!r}")
    from aianimals.ports.vectors.embedded import EmbeddedVectorIndex

    return EmbeddedVectorIndex(settings.path, DEFAULT_DIM, refresh_interval=REFRESH_SECONDS)
