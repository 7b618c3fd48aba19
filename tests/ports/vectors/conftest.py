"""Fixtures for the vector-index port: one `Backend` per adapter, each a way to open
handles on one fresh index.

The contract runs against the embedded index twice (flat: the exact scan it uses below
`exact_below` vectors, and HNSW) and against OpenSearch / Elasticsearch when
AIANIMALS_TEST_VECTOR_URL (or AIANIMALS_TEST_SEARCH_URL) names a server; otherwise those
cases report "not run: …".
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from aianimals.ports.vectors.base import VectorIndex
from aianimals.ports.vectors.embedded import EmbeddedVectorIndex

TEST_VECTOR_URL = os.environ.get("AIANIMALS_TEST_VECTOR_URL") or os.environ.get(
    "AIANIMALS_TEST_SEARCH_URL", ""
)
DIM = 16


def unit_vectors(n: int, dim: int = DIM, seed: int = 0) -> npt.NDArray[np.float32]:
    """`n` random L2-normalised float32 vectors."""
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def make_embedded(path: Path, dim: int = DIM, **options: object) -> EmbeddedVectorIndex:
    """An embedded index over `path` without fsync (tests need no durability)."""
    return EmbeddedVectorIndex(path, dim, fsync=False, **options)  # type: ignore[arg-type]


@dataclass
class Backend:
    """One index of one adapter: `open(dim)` gives a new handle on it (a second process
    would do the same), `settle(handle)` makes a handle see what other handles wrote."""

    name: str
    open_handle: Callable[[int], VectorIndex]
    settle: Callable[[VectorIndex], None]
    handles: list[VectorIndex] = field(default_factory=list)

    def open(self, dim: int = DIM) -> VectorIndex:
        handle = self.open_handle(dim)
        self.handles.append(handle)
        return handle


def _refresh(handle: VectorIndex) -> None:
    assert isinstance(handle, EmbeddedVectorIndex)
    handle.refresh()


@pytest.fixture(params=["embedded-flat", "embedded-hnsw", "opensearch"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh, empty index of each adapter (dropped or deleted afterwards)."""
    if request.param.startswith("embedded"):
        exact_below = 1_000_000 if request.param == "embedded-flat" else 0
        path = tmp_path / "vectors"
        found = Backend(
            request.param,
            lambda dim: make_embedded(path, dim, exact_below=exact_below, refresh_interval=0.05),
            _refresh,
        )
        yield found
        for handle in found.handles:
            handle.close()
        return
    if not TEST_VECTOR_URL:
        pytest.skip("not run: set AIANIMALS_TEST_VECTOR_URL to an OpenSearch/Elasticsearch URL")
    from aianimals.ports.vectors.opensearch import OpenSearchVectorIndex

    alias = f"aianimals-test-vectors-{uuid.uuid4().hex}"
    found = Backend(
        "opensearch",
        lambda dim: OpenSearchVectorIndex(TEST_VECTOR_URL, alias, dim, version_ttl=0.0),
        lambda handle: None,
    )
    yield found
    if found.handles:
        handle = found.handles[0]
        assert isinstance(handle, OpenSearchVectorIndex)
        handle.drop()
    for handle in found.handles:
        handle.close()


@pytest.fixture
def index(backend: Backend) -> VectorIndex:
    """A handle on the backend's fresh index, of dimension DIM."""
    return backend.open()
