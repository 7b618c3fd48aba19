"""The vector-index factory builds what its settings section names."""

from __future__ import annotations

from pathlib import Path

from aianimals.ports.vectors.embedded import EmbeddedVectorIndex
from aianimals.ports.vectors.factory import DEFAULT_DIM, REFRESH_SECONDS, create_vector_index
from aianimals.settings import VectorSettings


def test_the_embedded_kind_keeps_image_vectors_under_the_settings_path(tmp_path: Path) -> None:
    index = create_vector_index(VectorSettings(path=tmp_path / "vectors"))
    try:
        assert isinstance(index, EmbeddedVectorIndex)
        assert index.dim == DEFAULT_DIM
        assert index.refresh_interval == REFRESH_SECONDS
        index.add(["a1"], [[1.0] * DEFAULT_DIM])
        assert index.count() == 1
        assert any((tmp_path / "vectors").iterdir())
    finally:
        index.close()
