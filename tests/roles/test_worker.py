"""The worker role's threads: the outbox relay and the indexer, end to end."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from aianimals.roles.container import Container
from aianimals.roles.worker import Workers
from aianimals.search.rebuild import rebuild_index
from tests.factories import PASSWORD, Factory


@pytest.mark.committed  # the relay and consumer threads work beside the requests
def test_like_reaches_the_index_through_relay_and_consumer_threads(
    client: TestClient, factory: Factory, container: Container
) -> None:
    animals = [factory.animal(name=f"犬{n}") for n in range(3)]
    rebuild_index(container.database, container.search_index, container.cache)
    factory.user("liker")
    login = {"handle_name": "liker", "password": PASSWORD}
    headers = {"token": client.post("/v0/user/login", json=login).json()["token"]}
    workers = Workers(container)
    workers.start()
    try:
        client.post("/v0/like", json={"animal_id": animals[1].id}, headers=headers)
        deadline = time.monotonic() + 10
        first = None
        while time.monotonic() < deadline:
            page = client.post("/v0/animal/search", json={"sort_by": "like"}, headers=headers)
            first = page.json()["results"][0]["id"]
            if first == animals[1].id:
                break
            time.sleep(0.05)
        assert first == animals[1].id
    finally:
        workers.shutdown(timeout=10)
    assert all(not thread.is_alive() for thread in workers.threads)
