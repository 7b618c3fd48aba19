"""Search pages kept in the cache are computed from an index that has caught up."""

from __future__ import annotations

import os
import subprocess
import sys

from fastapi.testclient import TestClient

from aianimals.animals.events import animal_created
from aianimals.ports.search.base import Clause, SearchQuery, Term
from aianimals.ports.search.embedded import EmbeddedSearchIndex
from aianimals.ports.search.fields import AnimalTokens
from aianimals.roles.container import Container
from aianimals.search.service import page_key
from aianimals.search.tasks import Indexer
from tests.factories import Factory


def _found(client: TestClient, headers: dict[str, str], phrase: str) -> list[str]:
    body = client.post("/v0/animal/search", json={"phrases": [phrase]}, headers=headers).json()
    return [result["id"] for result in body["results"]]


def test_a_page_cached_after_another_process_indexed_shows_the_new_animal(
    client: TestClient, container: Container, factory: Factory, headers: dict[str, str]
) -> None:
    factory.categories()
    api_index = container.search_index
    assert isinstance(api_index, EmbeddedSearchIndex)
    api_index.refresh_interval = 3600.0  # the API's replica would not look again by itself
    animal = factory.animal(factory.user("owner"), name="ぽんた")
    assert _found(client, headers, "ぽんた") == []  # not indexed yet; this page is cached

    worker_index = EmbeddedSearchIndex(
        container.settings.search.path, AnimalTokens(container.analyzer)
    )
    indexer = Indexer(container.database, worker_index, container.cache)
    indexer.sync_animal(animal_created(animal.id))

    assert _found(client, headers, "ぽんた") == [animal.id]


_KEY_IN_ANOTHER_PROCESS = """
from aianimals.ports.search.base import Clause, SearchQuery, Term
from aianimals.search.service import page_key
query = SearchQuery(clauses=(Clause((Term("犬", 1.5, 1, ("name",)),)),), category_id=2, limit=20)
print(page_key(query))
"""


def test_an_index_page_has_the_same_cache_key_in_every_process() -> None:
    query = SearchQuery(
        clauses=(Clause((Term("犬", 1.5, 1, ("name",)),)),), category_id=2, limit=20
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", _KEY_IN_ANOTHER_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert keys == {page_key(query)}
    assert page_key(query) != page_key(SearchQuery(category_id=2, limit=20))
