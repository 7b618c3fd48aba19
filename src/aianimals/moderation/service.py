"""Moderation use cases. The only place that commits violation rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aianimals.moderation.models import ViolationType
from aianimals.moderation.schemas import ViolationTypeFilter


class ModerationService:
    """Violation types (and, later, violations and their review)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list_violation_types(
        self, filters: ViolationTypeFilter | None = None
    ) -> list[ViolationType]:
        """Violation types matching every given filter, ordered by name."""
        filters = filters or ViolationTypeFilter()
        query = select(ViolationType).order_by(ViolationType.name)
        if filters.id is not None:
            query = query.where(ViolationType.id == filters.id)
        if filters.name is not None:
            query = query.where(ViolationType.name == filters.name)
        return list(self.session.scalars(query))
