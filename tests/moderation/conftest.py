"""Fixtures of the moderation tests: violation types, and the review service per call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import pytest
from sqlalchemy import select, update

from aianimals.animals.models import Animal
from aianimals.core.events import Event
from aianimals.moderation.models import ModerationAudit, Violation, ViolationType
from aianimals.moderation.service import ModerationService
from aianimals.ports.sql.outbox_models import OutboxMessage
from aianimals.roles.container import Container
from tests.factories import Factory

T = TypeVar("T")
MODEL = "no-animal-v1"
JUDGE = "no_animal_detector"


@dataclass
class Moderation:
    """Calls the review service in a session of its own, and reads what it left behind."""

    container: Container
    types: dict[str, ViolationType]

    def call(self, use: Callable[[ModerationService], T]) -> T:
        """`use(service)` in a fresh session, as the portal and the worker do."""
        with self.container.database.session() as session:
            return use(ModerationService(session))

    def detect(
        self,
        animal: Animal,
        probability: float,
        *,
        kind: str = "no_animal_violation",
        model_version: str = MODEL,
        judge: str = JUDGE,
        threshold: float = 0.9,
        review_threshold: float | None = None,
    ) -> Violation:
        """Record a detection as the detector worker does."""
        return self.call(
            lambda service: service.record_detection(
                animal.id,
                self.types[kind].id,
                probability,
                model_version=model_version,
                judge=judge,
                threshold=threshold,
                review_threshold=review_threshold,
            )
        )

    def animal(self, animal_id: str) -> Animal:
        """The animal as stored now."""
        with self.container.database.session() as session:
            found = session.get(Animal, animal_id)
            assert found is not None
            return found

    def violation(self, violation_id: str) -> Violation:
        """The violation as stored now."""
        with self.container.database.session() as session:
            found = session.get(Violation, violation_id)
            assert found is not None
            return found

    def violations(self) -> list[Violation]:
        """Every stored violation."""
        with self.container.database.session() as session:
            return list(session.scalars(select(Violation).order_by(Violation.created_at)))

    def audits(self) -> list[ModerationAudit]:
        """Every audit row, oldest first."""
        with self.container.database.session() as session:
            return list(session.scalars(select(ModerationAudit).order_by(ModerationAudit.id)))

    def events(self) -> list[Event]:
        """Every event in the outbox, oldest first."""
        with self.container.database.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [Event.from_json(row.body) for row in rows]

    def backdate(self, violation: Violation, created_at: datetime) -> None:
        """Pretend the violation was recorded at `created_at`."""
        with self.container.database.session() as session:
            session.execute(
                update(Violation).where(Violation.id == violation.id).values(created_at=created_at)
            )
            session.commit()


@pytest.fixture
def moderation(container: Container, factory: Factory) -> Moderation:
    """The reference's violation types, and the review service over this test's store."""
    types = {row.name: row for row in factory.violation_types()}
    return Moderation(container, types)
