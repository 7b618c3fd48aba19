"""The registry of tables: every feature's models in one place, so the metadata is complete
in every process.

A composition root hands `load_schema()` to the `Database` it builds: a process knows every
table whichever modules its role imported, so its sessions can flush any row (a foreign key
whose table no imported module defines fails the flush with NoReferencedTableError).
Migrations, tests and the seed importer (which fills tables by name, `table`) read the same
metadata. A new feature's `models` module is added here.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import configure_mappers

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.animals.models import Animal
from aianimals.categories.models import AnimalCategory, AnimalSubcategory
from aianimals.images.models import AnimalEmbedding
from aianimals.likes.models import Like
from aianimals.moderation.models import ModerationAudit, Violation, ViolationType
from aianimals.ports.features.models import FeatureRow
from aianimals.ports.sql.base import Base
from aianimals.ports.sql.outbox_models import OutboxMessage, ProcessedEvent
from aianimals.users.models import AuthToken, EmailMessage, User

__all__ = [
    "AccessLog",
    "Animal",
    "AnimalCategory",
    "AnimalEmbedding",
    "AnimalSubcategory",
    "AuthToken",
    "Base",
    "EmailMessage",
    "FeatureRow",
    "Impression",
    "Like",
    "ModerationAudit",
    "OutboxMessage",
    "ProcessedEvent",
    "User",
    "Violation",
    "ViolationType",
]


def table(name: str) -> Table:
    """The registered table called `name` (KeyError when no model defines it)."""
    return Base.metadata.tables[name]


def load_schema() -> list[Table]:
    """Every table above, parents before children, each foreign key resolved and each
    model mapped.

    Raises (NoReferencedTableError, InvalidRequestError) when a table or model refers to
    one that no module imported here defines: when a process starts, not at a later flush.
    """
    configure_mappers()
    return Base.metadata.sorted_tables
