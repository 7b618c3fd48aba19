"""Search pages kept in the cache are computed from an index that has caught up."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aianimals.animals.events import animal_created
from aianimals.ports.search.embedded import EmbeddedSearchIndex
from aianimals.ports.search.fields import AnimalTokens
from aianimals.roles.container import Container
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
