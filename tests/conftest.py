"""Shared fixtures: a migrated store (SQLite, or PostgreSQL when asked), a container, a client.

Set AIANIMALS_TEST_DATABASE_URL to a PostgreSQL URL to run the suite against PostgreSQL;
each run gets its own schema there, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aianimals.ports.queue.consumer import Consumer
from aianimals.ports.registry.factory import create_registry, embedded_location
from aianimals.ports.sql import migrate
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.roles.api import create_app
from aianimals.roles.container import Container, build_container
from aianimals.roles.worker import consumers
from aianimals.settings import Settings
from tests.factories import Factory

TEST_DATABASE_URL = os.environ.get("AIANIMALS_TEST_DATABASE_URL", "")
pytest_plugins = ("tests.ltr_store",)  # the learn-to-rank store, built once per run


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test run."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with scratch_schema(TEST_DATABASE_URL, "test") as url:
        yield url


def make_settings(database_url: str, root: Path) -> Settings:
    """Settings for tests: fast (weak, test-only) password hashing, files under `root`."""
    return Settings(
        environment="test",
        var_dir=root,
        api={"allowed_hosts": ["testserver", "127.0.0.1", "localhost"]},
        database={"url": database_url},
        blobs={"root": root / "blobs"},
        auth={"argon2_memory_kib": 64, "argon2_time_cost": 1, "allow_weak_hashing": True},
        dataset={"directory": root / "dataset", "password_workers": 1},
        queue={"path": root / "queue.db"},
        search={"path": root / "search", "similar_words_path": root / "similar_words.json"},
        vectors={"path": root / "vectors"},
        # The image pipeline (model inference per posted photo) runs in tests/images and
        # the live-site tests; elsewhere a post need not wait for it.
        images={"enabled": False},
    )


@pytest.fixture(scope="session")
def blank_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded model registry database with its tables made and nothing in it. MLflow
    takes seconds to make the tables of a new one; a copy of this one takes milliseconds."""
    settings = Settings(var_dir=tmp_path_factory.mktemp("blank-registry"), registry={})
    registry = create_registry(settings)
    try:
        registry.alias("no-model", "champion")  # the first query makes the tables
    finally:
        registry.close()
    return _registry_database(settings.var_dir)


def _registry_database(var_dir: Path) -> Path:
    return Path(embedded_location(var_dir)[0].removeprefix("sqlite:///"))


def registry_under(settings: Settings, blank: Path) -> Settings:
    """`settings`, whose embedded registry (under its var_dir) starts as a copy of `blank`;
    a registry on a server is left alone."""
    if not settings.registry.tracking_uri:
        database = _registry_database(settings.var_dir)
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(blank, database)
    return settings


@pytest.fixture(scope="session")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One container over a migrated store, shared by the run."""
    container = build_container(make_settings(database_url, tmp_path_factory.mktemp("var")))
    migrate.upgrade(container.database)
    yield container
    container.close()


@pytest.fixture
def container(migrated: Container, blank_registry: Path, tmp_path: Path) -> Iterator[Container]:
    """The shared container with per-test files (an empty model registry among them); every
    table is emptied after the test."""
    settings = registry_under(
        make_settings(migrated.settings.database.url, tmp_path), blank_registry
    )
    test_container = Container(
        settings=settings,
        database=migrated.database,
        blobs=build_container(settings).blobs,
        hasher=migrated.hasher,
    )
    # One analyzer (its dictionary takes a second to load) serves the whole run.
    vars(test_container)["analyzer"] = migrated.analyzer
    yield test_container
    test_container.close_ports()
    with migrated.database.engine.begin() as connection:
        for table in reversed(migrated.database.tables):
            connection.execute(table.delete())


@pytest.fixture
def settings(container: Container) -> Settings:
    """This test's settings."""
    return container.settings


@pytest.fixture
def factory(container: Container) -> Iterator[Factory]:
    """Builds rows for a test."""
    with container.database.session() as session:
        yield Factory(session, container.hasher)


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """An HTTP client against the API app."""
    with TestClient(create_app(container.settings, container)) as test_client:
        yield test_client


def make_drain(container: Container) -> Callable[[], int]:
    """Relay the outbox and run every consumer of `container` until nothing is left; the
    function returns how many events were handled."""
    workers: list[Consumer] = consumers(container)
    for worker in workers:
        worker.declare()
        worker.wait_seconds = 0.0  # an idle queue answers at once: the loop decides when to stop
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
def drain(container: Container) -> Callable[[], int]:
    """Relay the outbox and run every consumer until nothing is left; returns events handled."""
    return make_drain(container)
