"""Fixtures for the search-index port: one analyzer, and a fresh index per backend.

`search_index` runs every contract test against the embedded index, and against
OpenSearch when AIANIMALS_TEST_SEARCH_URL names a server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import SearchIndex
from aianimals.ports.search.embedded import EmbeddedSearchIndex
from aianimals.settings import SearchSettings

TEST_SEARCH_URL = os.environ.get("AIANIMALS_TEST_SEARCH_URL", "")


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """One analyzer (the Sudachi dictionary loads once per test run)."""
    return Analyzer()


def make_embedded(
    path: Path, analyzer: Analyzer, *, compact_min: int = 2_000, refresh_interval: float = 0.5
) -> EmbeddedSearchIndex:
    """An embedded index over `path` (no fsync: tests need no durability)."""
    return EmbeddedSearchIndex(
        path, analyzer, fsync=False, compact_min=compact_min, refresh_interval=refresh_interval
    )


@pytest.fixture(params=["embedded", "opensearch"])
def search_index(
    request: pytest.FixtureRequest, tmp_path: Path, analyzer: Analyzer
) -> Iterator[SearchIndex]:
    """A fresh, empty index of each backend (the OpenSearch one is dropped afterwards)."""
    if request.param == "embedded":
        yield make_embedded(tmp_path / "search", analyzer)
        return
    if not TEST_SEARCH_URL:
        pytest.skip("not run: set AIANIMALS_TEST_SEARCH_URL to an OpenSearch URL to run it")
    from aianimals.ports.search.opensearch import OpenSearchIndex

    settings = SearchSettings(
        kind="opensearch", url=TEST_SEARCH_URL, index=f"aianimals-test-{uuid.uuid4().hex}"
    )
    index = OpenSearchIndex(settings, analyzer)
    try:
        yield index
    finally:
        index.drop()
        index.close()
