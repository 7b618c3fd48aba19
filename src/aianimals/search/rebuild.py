"""Rebuild the search index from the SQL store and swap to it atomically."""

from __future__ import annotations

from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.search.base import Progress, SearchIndex
from aianimals.ports.sql.database import Database
from aianimals.search.documents import all_documents, visible_count
from aianimals.search.service import SEARCH_NAMESPACE


def rebuild_index(
    database: Database, index: SearchIndex, cache: JsonCache, progress: Progress | None = None
) -> int:
    """Index every visible animal into a fresh index, swap, invalidate cached pages."""
    with database.session() as session:
        total = visible_count(session)
        size = index.rebuild(all_documents(session), total, progress)
    cache.invalidate(SEARCH_NAMESPACE)
    return size
