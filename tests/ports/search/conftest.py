"""Fixtures for the search-index port: a plain test analyzer, and a fresh index per backend.

`search_index` runs every contract test against the embedded index, and against
OpenSearch when AIANIMALS_TEST_SEARCH_URL names a server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aianimals.ports.search.base import DocumentAnalyzer, SearchIndex
from aianimals.ports.search.embedded import EmbeddedSearchIndex
from aianimals.settings import SearchSettings
from tests.ports.search.contract import split_fields

if TYPE_CHECKING:
    from aianimals.ports.search.analyzer import Analyzer

TEST_SEARCH_URL = os.environ.get("AIANIMALS_TEST_SEARCH_URL", "")


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The Japanese analyzer (its own tests; the Sudachi dictionary loads once per run)."""
    from aianimals.ports.search.analyzer import Analyzer

    return Analyzer()


def make_embedded(
    path: Path, analyzer: DocumentAnalyzer = split_fields, *, refresh_interval: float = 0.5
) -> EmbeddedSearchIndex:
    """An embedded index over `path`, with small writer heaps (tests index little)."""
    return EmbeddedSearchIndex(
        path,
        analyzer,
        refresh_interval=refresh_interval,
        writer_heap=15_000_000,
        build_heap=15_000_000,
        build_threads=1,
    )


@pytest.fixture(params=["embedded", "opensearch"])
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """A fresh, empty index of each backend (the OpenSearch one is dropped afterwards)."""
    if request.param == "embedded":
        yield make_embedded(tmp_path / "search")
        return
    if not TEST_SEARCH_URL:
        pytest.skip("not run: set AIANIMALS_TEST_SEARCH_URL to an OpenSearch URL to run it")
    from aianimals.ports.search.opensearch import OpenSearchIndex

    settings = SearchSettings(
        kind="opensearch", url=TEST_SEARCH_URL, index=f"aianimals-test-{uuid.uuid4().hex}"
    )
    index = OpenSearchIndex(settings, split_fields)
    try:
        yield index
    finally:
        index.drop()
        index.close()
