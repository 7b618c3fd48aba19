"""Search tests: a few animals with Japanese texts, indexed through the real event flow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from aianimals.roles.container import Container
from aianimals.search.rebuild import rebuild_index
from tests.factories import PASSWORD, Factory


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
