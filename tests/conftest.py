"""Shared fixtures: a migrated store (SQLite, or PostgreSQL when asked), a container, a client.

Set AIANIMALS_TEST_DATABASE_URL to a PostgreSQL URL to run the suite against PostgreSQL;
each run gets its own schema there, dropped at the end.

How a test's rows go away:
- Tests under the folders of `ROLLED_BACK` (every folder but tests/portal) run in one
  transaction that is rolled back at the end: their container's database (`_OneConnection`)
  serves everything from one connection (SQLAlchemy's "join a session into an external
  transaction", `join_transaction_mode="create_savepoint"`: a commit in the code under test
  releases a savepoint, never the outer transaction; `Database.begin` is a savepoint there
  and `Database.connect` one rolled back at the end). Their impression writer stores only
  on `flush`/`close`, while the test waits, never beside it on that connection. A test
  there that writes through a connection of its own fails (`_assert_nothing_left`).
- Tests under tests/portal, and tests marked `committed`, empty every table afterwards
  (`DELETE`): another connection must see their rows, or they watch the store from one.
  tests/portal: the Streamlit app (run by AppTest or served to a browser) builds a
  container of its own. Marked `committed`, each with its reason beside the mark:
  processes (tests/roles/test_role_processes.py, the SIGKILL drill in
  tests/ports/queue/test_drill.py); threads beside the test or racing on purpose (the
  worker role's relay and consumers, the login limits' request threads, the suggester's
  reader under the API fuzzing, concurrent feature-store writers); commands and apps that
  build a container of their own (ranking experiments, similar words, the search router's
  app); the feature updater, whose one session reads while another commits (on one
  connection the reader's savepoint would undo the write); a test that counts the commits
  of the store's own engine; and two importer tests (tests/dataset) that read the schema,
  or write, from another connection during an import.
- Tests that take no container touch no test rows: tests/deploy, and tests/web's browser
  tests, whose live sites (tests/live.py) run over stores of their own.
A folder joins `ROLLED_BACK` once it passes there on both databases.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.orm import sessionmaker

from aianimals.ports.queue.consumer import Consumer
from aianimals.ports.registry.factory import create_registry, embedded_location
from aianimals.ports.sql import migrate
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.roles.api import create_app
from aianimals.roles.container import Container, build_container
from aianimals.roles.worker import consumers
from aianimals.settings import Settings
from tests.factories import Factory

TEST_DATABASE_URL = os.environ.get("AIANIMALS_TEST_DATABASE_URL", "")
TESTS = Path(__file__).resolve().parent
ROLLED_BACK = (
    "access_logs",
    "animals",
    "api",
    "categories",
    "core",
    "dataset",
    "deploy",
    "images",
    "likes",
    "metadata",
    "ml",
    "moderation",
    "observability",
    "ports",
    "profiles",
    "ranking",
    "roles",
    "schedules",
    "search",
    "security",
    "users",
    "web",
)
"""Test folders whose tests run in a transaction rolled back at the end."""
WRITER_HOLDS_SECONDS = 3600.0
"""A rolled-back test's impression writer gathers this long: it stores on `flush`/`close`."""

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
    registry = create_registry(settings.registry, settings.var_dir)
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


def _savepoint_engine(url: str) -> Engine:
    """An engine whose connections can hold an outer transaction with savepoints inside.

    pysqlite begins transactions on its own (and a SAVEPOINT outside one would commit at
    its RELEASE): it is told to leave that to SQLAlchemy, which emits BEGIN itself.
    """
    if not url.startswith("sqlite"):
        return create_engine(url)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


@pytest.fixture(scope="session")
def savepoint_engine(database_url: str) -> Iterator[Engine]:
    """The run's engine for tests in a rolled-back transaction."""
    engine = _savepoint_engine(database_url)
    yield engine
    engine.dispose()


def _is_rolled_back(request: pytest.FixtureRequest) -> bool:
    if request.node.get_closest_marker("committed") is not None:
        return False
    parts = request.path.resolve().relative_to(TESTS).parts
    return len(parts) > 1 and parts[0] in ROLLED_BACK


class _OneConnection(Database):
    """`database` seen through one connection inside its outer transaction: sessions join
    it on a savepoint, `begin` is a savepoint, `connect` one rolled back at the end."""

    def __init__(self, database: Database, connection: Connection) -> None:
        vars(self).update(vars(database))
        self.sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self._connection = connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        savepoint = self._connection.begin_nested()
        try:
            yield self._connection
        finally:
            if savepoint.is_active:
                savepoint.rollback()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._connection.begin_nested():
            yield self._connection


@contextmanager
def _rolled_back(database: Database, engine: Engine) -> Iterator[Database]:
    """`database` as seen through one connection whose transaction is rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield _OneConnection(database, connection)
        finally:
            outer.rollback()
    _assert_nothing_left(database)


def _assert_nothing_left(database: Database) -> None:
    """Fail a rolled-back test whose code wrote through a connection of its own (those rows
    were committed, and no DELETE follows the test to remove them)."""
    counts = select(
        *(select(func.count()).select_from(table).scalar_subquery() for table in database.tables)
    )
    with database.engine.connect() as connection:
        row = connection.execute(counts).one()
    left = [table.name for table, count in zip(database.tables, row, strict=True) if count]
    assert not left, f"rows committed outside the test's transaction remain in {left}"


def _empty_every_table(database: Database) -> None:
    with database.engine.begin() as connection:
        for table in reversed(database.tables):
            connection.execute(table.delete())


@pytest.fixture
def container(
    migrated: Container,
    blank_registry: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    savepoint_engine: Engine,
) -> Iterator[Container]:
    """The shared container with per-test files (an empty model registry among them); the
    test's rows are rolled back or deleted after it (see the module's docstring)."""
    settings = registry_under(
        make_settings(migrated.settings.database.url, tmp_path), blank_registry
    )
    with ExitStack() as stack:
        database = migrated.database
        if _is_rolled_back(request):
            database = stack.enter_context(_rolled_back(database, savepoint_engine))
        else:
            stack.callback(_empty_every_table, database)
        test_container = Container(
            settings=settings,
            database=database,
            blobs=build_container(settings).blobs,
            hasher=migrated.hasher,
        )
        # One analyzer (its dictionary takes a second to load) serves the whole run.
        vars(test_container)["analyzer"] = migrated.analyzer
        stack.callback(test_container.close_ports)
        if isinstance(database, _OneConnection):
            # The writer's thread stores only while the test waits in `flush` or `close`:
            # never on the test's one connection at the same time as the test.
            test_container.impressions.flush_seconds = WRITER_HOLDS_SECONDS
        yield test_container


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
