"""Engine and session factory for the SQL store (SQLite file or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from aianimals.settings import DatabaseSettings


class Database:
    """Owns one engine and hands out sessions; built once per process.

    It is given the whole schema (`tables`: every table, parents before children, as
    `aianimals.schema.load_schema` returns it), so its sessions can write any table in any
    role's process, however few of the features' modules that role imported.
    """

    def __init__(self, settings: DatabaseSettings, tables: list[Table]) -> None:
        self.tables = tables
        self.url = make_url(settings.url)
        self.engine = _create_engine(settings)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is the embedded SQLite file."""
        return self.url.get_backend_name() == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that rolls back whatever was not committed."""
        with self.sessions() as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads; what it did not commit is rolled back when it closes.

        Code outside the sessions goes through this and `begin` rather than `engine`, so
        that a test's `Database` can hand out its one connection instead (tests/conftest.py).
        """
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction committed at the end (rolled back on an error)."""
        with self.engine.begin() as connection:
            yield connection

    def ping(self) -> None:
        """Raise if the store cannot answer a trivial query."""
        with self.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


SQLITE_POOL_SIZE = 48
"""Pooled SQLite connections: the API's 40 request threads plus the workers' few."""


def _create_engine(settings: DatabaseSettings) -> Engine:
    url = make_url(settings.url)
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url, echo=settings.echo, pool_size=settings.pool_size, pool_pre_ping=True
        )
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=settings.echo,
        connect_args={"check_same_thread": False, "timeout": 30},
        # A file connection costs only a handle: keep one per busy thread (the API's
        # threadpool and the workers) instead of opening, set up and closing overflow
        # connections, or making requests wait for one.
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=SQLITE_POOL_SIZE,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
