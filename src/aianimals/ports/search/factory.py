"""Builds the configured search index (the OpenSearch client is imported only when chosen)."""

from __future__ import annotations

from aianimals.ports.search.base import DocumentAnalyzer, SearchIndex
from aianimals.settings import SearchSettings


def create_search_index(settings: SearchSettings, analyzer: DocumentAnalyzer) -> SearchIndex:
    """The index `settings.kind` names: embedded files under `settings.path`, or OpenSearch."""
    if settings.kind == "opensearch":
        from aianimals.ports.search.opensearch import OpenSearchIndex

        return OpenSearchIndex(settings, analyzer)
    from aianimals.ports.search.embedded import EmbeddedSearchIndex

    return EmbeddedSearchIndex(settings.path, analyzer)
