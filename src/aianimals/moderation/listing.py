"""The review queue: violations with their animal, filtered and paged.

By default the queue is sorted by what most needs a human: waiting for a verdict first;
among those, hidden photos (a violation in effect) first, then the likeliest violations,
newest first among equals. `order="newest"` lists by creation time instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import summaries
from aianimals.core.errors import InvalidInput
from aianimals.moderation.models import STATE_PENDING, STATES, Violation, ViolationType
from aianimals.users.models import User

MAX_PAGE_SIZE = 200
"""The most rows one page of the queue holds."""
ORDER_PRIORITY = "priority"
ORDER_NEWEST = "newest"
ORDERS = (ORDER_PRIORITY, ORDER_NEWEST)


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows; every given filter must match (an empty `states` means all)."""

    violation_type_id: str | None = None
    states: tuple[str, ...] = ()
    min_probability: float = 0.0
    max_probability: float = 1.0
    judge: str | None = None
    model_version: str | None = None
    animal_id: str | None = None
    limit: int = 50
    offset: int = 0
    order: str = ORDER_PRIORITY

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise InvalidInput(f"unknown order {self.order!r}; use {', '.join(ORDERS)}")
        unknown = sorted(set(self.states) - set(STATES))
        if unknown:
            msg = f"unknown state(s) {', '.join(unknown)}; use {', '.join(STATES)}"
            raise InvalidInput(msg)
        low, high = self.min_probability, self.max_probability
        if not (math.isfinite(low) and math.isfinite(high) and 0.0 <= low <= high <= 1.0):
            msg = f"the probability range must lie within 0..1 with min <= max, got {low}..{high}"
            raise InvalidInput(msg)
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            msg = f"limit must be between 1 and {MAX_PAGE_SIZE}, got {self.limit}"
            raise InvalidInput(msg)
        if self.offset < 0:
            msg = f"offset must not be negative, got {self.offset}"
            raise InvalidInput(msg)


@dataclass(frozen=True)
class QueueItem:
    """One violation as an administrator reviews it, with the animal it concerns."""

    violation_id: str
    violation_type_id: str
    violation_type: str
    probability: float
    is_effective: bool
    state: str
    judge: str
    model_version: str
    created_at: datetime
    updated_at: datetime
    animal_id: str
    animal_name: str
    owner_id: str
    owner_handle_name: str
    photo_url: str
    thumbnail_url: str | None
    deactivated: bool
    removed_by_owner: bool


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and how many rows match the filters in all."""

    items: list[QueueItem]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class DetectorVersion:
    """A judge and one of its model versions, as the violations name them."""

    judge: str
    model_version: str


def _conditions(where: QueueFilter) -> list[ColumnElement[bool]]:
    conditions = [
        Violation.probability >= where.min_probability,
        Violation.probability <= where.max_probability,
    ]
    if where.violation_type_id is not None:
        conditions.append(Violation.violation_type_id == where.violation_type_id)
    if where.states:
        conditions.append(Violation.state.in_(where.states))
    if where.judge is not None:
        conditions.append(Violation.judge == where.judge)
    if where.model_version is not None:
        conditions.append(Violation.model_version == where.model_version)
    if where.animal_id is not None:
        conditions.append(Violation.animal_id == where.animal_id)
    return conditions


def _ordering(order: str) -> list[ColumnElement[Any]]:
    newest: list[ColumnElement[Any]] = [Violation.created_at.desc(), Violation.id.desc()]
    if order == ORDER_NEWEST:
        return newest
    waiting = case((Violation.state == STATE_PENDING, 0), else_=1)
    hidden = case((Violation.is_effective.is_(True), 0), else_=1)
    return [waiting, hidden, Violation.probability.desc(), *newest]


def list_queue(session: Session, where: QueueFilter) -> QueuePage:
    """The violations matching `where`, in `where.order`, with their animal and owner."""
    conditions = _conditions(where)
    total = session.scalar(select(func.count()).select_from(Violation).where(*conditions)) or 0
    animal = summaries()
    query = (
        select(
            Violation.id,
            Violation.violation_type_id,
            ViolationType.name,
            Violation.probability,
            Violation.is_effective,
            Violation.state,
            Violation.judge,
            Violation.model_version,
            Violation.created_at,
            Violation.updated_at,
            animal.c.id,
            animal.c.name,
            User.id,
            User.handle_name,
            animal.c.photo_url,
            animal.c.thumbnail_url,
            animal.c.deactivated,
            animal.c.removed_by_owner,
        )
        .join(animal, animal.c.id == Violation.animal_id)
        .join(User, User.id == animal.c.user_id)
        .join(ViolationType, ViolationType.id == Violation.violation_type_id)
        .where(*conditions)
        .order_by(*_ordering(where.order))
        .limit(where.limit)
        .offset(where.offset)
    )
    items = [QueueItem(*tuple(row)) for row in session.execute(query)]
    return QueuePage(items=items, total=total, limit=where.limit, offset=where.offset)


def detector_versions(session: Session) -> list[DetectorVersion]:
    """Every (judge, model version) pair that has judged something, for filters and charts."""
    query = (
        select(Violation.judge, Violation.model_version)
        .group_by(Violation.judge, Violation.model_version)
        .order_by(Violation.judge, Violation.model_version)
    )
    return [DetectorVersion(judge, version) for judge, version in session.execute(query)]
