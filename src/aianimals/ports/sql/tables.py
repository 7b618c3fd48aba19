"""Imports every feature's tables so the metadata is complete (for migrations and tests)."""

from __future__ import annotations

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
