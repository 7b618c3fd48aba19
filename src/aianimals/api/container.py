"""What a process holds for its whole life: settings and the ports built from them."""

from __future__ import annotations

from dataclasses import dataclass

from aianimals.core.passwords import PasswordHasher, PasswordPolicy
from aianimals.ports.blobs.store import BlobStore, create_blob_store
from aianimals.ports.sql.database import Database
from aianimals.settings import AuthSettings, Settings


@dataclass
class Container:
    """The ports of one process; built by a composition root, closed by it."""

    settings: Settings
    database: Database
    blobs: BlobStore
    hasher: PasswordHasher

    def close(self) -> None:
        """Release connections."""
        self.database.dispose()


def password_policy(settings: AuthSettings) -> PasswordPolicy:
    """The argon2id parameters the settings ask for."""
    return PasswordPolicy(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
    )


def build_container(settings: Settings) -> Container:
    """Build every port from settings; nothing connects until first use."""
    return Container(
        settings=settings,
        database=Database(settings.database),
        blobs=create_blob_store(settings.blobs),
        hasher=PasswordHasher(password_policy(settings.auth)),
    )
