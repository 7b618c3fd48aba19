"""Builds the configured search index (the OpenSearch client is imported only when chosen)."""

from __future__ import annotations

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import SearchIndex
from aianimals.ports.search.fields import AnimalTokens
from aianimals.settings import SearchSettings


def create_search_index(settings: SearchSettings, analyzer: Analyzer) -> SearchIndex:
    """The index `settings.kind` names: embedded files under `settings.path`, or OpenSearch;
    both store what `AnimalTokens` makes of a document with `analyzer`."""
    tokens = AnimalTokens(analyzer)
    if settings.kind == "opensearch":
        from aianimals.ports.search.opensearch import OpenSearchIndex

        return OpenSearchIndex(settings, tokens)
    from aianimals.ports.search.embedded import EmbeddedSearchIndex

    return EmbeddedSearchIndex(settings.path, tokens)
