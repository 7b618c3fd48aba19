"""Migration 0006 folds the stored handles and e-mail addresses, and reports collisions.

Runs on a store of its own: a SQLite file, or a scratch schema of the PostgreSQL server when
the suite runs against one.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from aianimals.core.passwords import PasswordHasher, PasswordPolicy
from aianimals.ports.sql import migrate
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.schema import load_schema
from aianimals.settings import DatabaseSettings
from aianimals.users import identities
from aianimals.users.schemas import UserLogin
from aianimals.users.service import UserService
from tests.conftest import TEST_DATABASE_URL

HASHER = PasswordHasher(PasswordPolicy(memory_kib=64, time_cost=1, parallelism=1))
PASSWORD = "password"
USERS = sa.table(
    "users",
    sa.column("id"),
    sa.column("handle_name"),
    sa.column("email_address"),
    sa.column("password_hash"),
    sa.column("role"),
    sa.column("deactivated"),
    sa.column("created_at"),
    sa.column("updated_at"),
)
DAY = datetime(2021, 1, 1)
# id: (handle, e-mail, days after DAY)
STORED = {
    "a" * 32: ("dog_leigh", "dog_leigh@example.com", 0),
    "b" * 32: ("DOG_LEIGH", "leigh.other@example.com", 31),
    "c" * 32: ("Dog_Leigh", "DOG_LEIGH@example.com", 59),
    "d" * 32: ("cat_mia", "ｃａｔ@example.com", 4),
    "e" * 32: ("cat_other", "CAT@example.com", -31),
    "f" * 32: ("solo", "solo@example.com", 10),
}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """An empty store of this test's own."""
    if not TEST_DATABASE_URL:
        database = Database(
            DatabaseSettings(url=f"sqlite:///{tmp_path / 'folding.db'}"), load_schema()
        )
        yield database
        database.dispose()
        return
    with scratch_schema(TEST_DATABASE_URL, "folding") as url:
        database = Database(DatabaseSettings(url=url), load_schema())
        yield database
        database.dispose()


def _store_users_at_0005(database: Database) -> None:
    migrate.upgrade(database, "0005")
    password_hash = HASHER.hash(PASSWORD)
    rows = [
        {
            "id": user_id,
            "handle_name": handle,
            "email_address": email,
            "password_hash": password_hash,
            "role": "user",
            "deactivated": False,
            "created_at": DAY + timedelta(days=days),
            "updated_at": DAY + timedelta(days=days),
        }
        for user_id, (handle, email, days) in STORED.items()
    ]
    with database.engine.begin() as connection:
        connection.execute(sa.insert(USERS), rows)


def _folded(database: Database) -> dict[str, tuple[str | None, str | None]]:
    query = sa.text("SELECT id, handle_name_folded, email_address_folded FROM users")
    with database.engine.connect() as connection:
        return {row[0]: (row[1], row[2]) for row in connection.execute(query)}


def test_the_oldest_account_keeps_a_folded_value_and_younger_ones_are_left_unfolded(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    _store_users_at_0005(database)
    with caplog.at_level(logging.INFO):
        migrate.upgrade(database)

    assert _folded(database) == {
        "a" * 32: ("dog_leigh", "dog_leigh@example.com"),
        "b" * 32: (None, "leigh.other@example.com"),
        "c" * 32: (None, None),
        "d" * 32: ("cat_mia", None),
        "e" * 32: ("cat_other", "cat@example.com"),
        "f" * 32: ("solo", "solo@example.com"),
    }


def test_the_collisions_are_reported_group_by_group(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    _store_users_at_0005(database)
    with caplog.at_level(logging.INFO):
        migrate.upgrade(database)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    (report,) = warnings
    assert "3 accounts" in report
    lines = report.splitlines()
    handle = next(line for line in lines if "handle_name 'dog_leigh'" in line)
    assert f"kept by {'a' * 32} 'dog_leigh'" in handle
    assert f"{'b' * 32} 'DOG_LEIGH'" in handle
    assert f"{'c' * 32} 'Dog_Leigh'" in handle
    email = next(line for line in lines if "email_address 'cat@example.com'" in line)
    assert f"kept by {'e' * 32} 'CAT@example.com'" in email
    assert f"{'d' * 32} 'ｃａｔ@example.com'" in email
    assert "docs/operations.md" in report
    assert "solo" not in report


def test_every_account_still_logs_in_and_the_oldest_whatever_the_case(
    database: Database,
) -> None:
    _store_users_at_0005(database)
    migrate.upgrade(database)

    def log_in(**identifier: str) -> str:
        with database.session() as session:
            users = UserService(session, HASHER, timedelta(hours=1))
            return users.log_in(UserLogin(**identifier, password=PASSWORD)).user_id

    assert log_in(handle_name="dog_leigh") == "a" * 32
    assert log_in(handle_name="DOG_LEIGH") == "b" * 32  # the exact spelling first
    assert log_in(handle_name="Dog_Leigh") == "c" * 32
    assert log_in(handle_name="dOg_LeIgH") == "a" * 32  # otherwise the keeper of the fold
    assert log_in(email_address="DOG_LEIGH@example.com") == "c" * 32
    assert log_in(email_address="Dog_Leigh@Example.com") == "a" * 32
    assert log_in(email_address="ｃａｔ@example.com") == "d" * 32
    assert log_in(email_address="cat@example.com") == "e" * 32


def test_the_folded_values_are_unique_in_the_store(database: Database) -> None:
    _store_users_at_0005(database)
    migrate.upgrade(database)
    duplicate = sa.text(
        "UPDATE users SET handle_name_folded = 'dog_leigh' WHERE id = :id"
    ).bindparams(id="f" * 32)
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        connection.execute(duplicate)


def test_a_store_without_collisions_reports_none(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    migrate.upgrade(database, "0005")
    with caplog.at_level(logging.INFO):
        migrate.upgrade(database)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "no collisions" in caplog.text


def test_down_and_up_again_keeps_the_accounts(database: Database) -> None:
    _store_users_at_0005(database)
    migrate.upgrade(database)
    migrate.downgrade(database, "0005")
    with database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 6
        assert "email_outbox" not in sa.inspect(connection).get_table_names()
    migrate.upgrade(database)
    assert _folded(database)["a" * 32] == ("dog_leigh", "dog_leigh@example.com")


MIGRATION = importlib.import_module(
    "aianimals.ports.sql.migrations.versions.0006_folded_identities"
)


@given(st.text(max_size=40))
def test_the_migration_folds_as_the_service_does(value: str) -> None:
    assert MIGRATION.fold(value) == identities.fold_identifier(value)


def test_the_migration_sizes_the_columns_as_the_models_do() -> None:
    assert MIGRATION.HANDLE_FOLDED_LENGTH == identities.HANDLE_FOLDED_LENGTH
    assert MIGRATION.EMAIL_FOLDED_LENGTH == identities.EMAIL_FOLDED_LENGTH
