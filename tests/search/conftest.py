"""Search tests: a few animals with Japanese texts, indexed through the real event flow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from aianimals.api.container import Container
from aianimals.ports.queue.consumer import Consumer
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.roles.worker import consumers
from aianimals.search.rebuild import rebuild_index
from tests.factories import PASSWORD, Factory


@pytest.fixture
def drain(container: Container) -> Callable[[], int]:
    """Relay the outbox and run every consumer until nothing is left; returns events handled."""
    workers: list[Consumer] = consumers(container)
    for worker in workers:
        worker.declare()
    relay = OutboxRelay(container.database, container.queue)

    def run() -> int:
        handled = 0
        while True:
            relay.relay_all()
            batch = sum(worker.run_once() for worker in workers)
            handled += batch
            if not batch and not relay.pending():
                return handled

    return run


@pytest.fixture
def reindex(container: Container) -> Callable[[], int]:
    """Rebuild the index from the store."""
    return lambda: rebuild_index(container.database, container.search_index, container.cache)


@pytest.fixture
def headers(client: TestClient, factory: Factory) -> dict[str, str]:
    """A logged-in user's token header."""
    factory.user("searcher")
    body = {"handle_name": "searcher", "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}
