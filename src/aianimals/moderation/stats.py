"""Numbers behind the portal's charts: violations per day, detector precision, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import summaries
from aianimals.moderation.models import (
    STATE_CONFIRMED,
    STATE_PENDING,
    STATE_REJECTED,
    ModerationAudit,
    Violation,
    ViolationType,
)

MAX_AUDIT_ROWS = 1000
"""The most audit rows one call returns."""
REPORTS_JUDGE_PREFIX = "report:"
"""Users' reports are judged by `report:<user id>` (see `moderation.reports`)."""
REPORTS_JUDGE = "reports"
"""How the precision table names all users' reports together."""


@dataclass(frozen=True)
class DailyCount:
    """How many violations of one type were recorded on one day (UTC)."""

    day: date
    violation_type: str
    count: int


@dataclass(frozen=True)
class DetectorPrecision:
    """How one judge's model version fared against the administrators' verdicts.

    `precision` is confirmed / (confirmed + rejected); None until something was reviewed.
    """

    judge: str
    model_version: str
    total: int
    effective: int
    pending: int
    confirmed: int
    rejected: int

    @property
    def reviewed(self) -> int:
        """Violations with a verdict."""
        return self.confirmed + self.rejected

    @property
    def precision(self) -> float | None:
        """The share of reviewed violations that administrators confirmed."""
        return self.confirmed / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class AuditEntry:
    """One audited change of a violation, newest first in the log."""

    id: int
    created_at: datetime
    actor: str
    violation_id: str
    violation_type: str
    animal_id: str
    animal_name: str
    old_is_effective: bool | None
    new_is_effective: bool
    note: str


def _as_date(value: object) -> date:
    """A grouped day as the store returns it (a date on PostgreSQL, text on SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def daily_counts(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[DailyCount]:
    """Violations per day (UTC) and type by `created_at`, oldest first; empty days left out."""
    day = func.date(Violation.created_at)
    query = (
        select(day, ViolationType.name, func.count())
        .join(ViolationType, ViolationType.id == Violation.violation_type_id)
        .group_by(day, ViolationType.name)
        .order_by(day, ViolationType.name)
    )
    if since is not None:
        query = query.where(Violation.created_at >= since)
    if until is not None:
        query = query.where(Violation.created_at < until)
    return [
        DailyCount(day=_as_date(value), violation_type=name, count=int(count))
        for value, name, count in session.execute(query)
    ]


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet `condition` (0, not NULL, for none)."""
    return cast(func.coalesce(func.sum(case((condition, 1), else_=0)), 0), Integer)


def detector_precision(
    session: Session, violation_type_id: str | None = None
) -> list[DetectorPrecision]:
    """Per judge and model version: counts by state and precision against the verdicts
    (all users' reports count as one judge, `reports`)."""
    judge = case(
        (Violation.judge.startswith(REPORTS_JUDGE_PREFIX), literal(REPORTS_JUDGE)),
        else_=Violation.judge,
    )
    query = (
        select(
            judge,
            Violation.model_version,
            func.count(),
            _count_where(Violation.is_effective.is_(True)),
            _count_where(Violation.state == STATE_PENDING),
            _count_where(Violation.state == STATE_CONFIRMED),
            _count_where(Violation.state == STATE_REJECTED),
        )
        .group_by(judge, Violation.model_version)
        .order_by(judge, Violation.model_version)
    )
    if violation_type_id is not None:
        query = query.where(Violation.violation_type_id == violation_type_id)
    return [
        DetectorPrecision(
            judge=judge,
            model_version=version,
            total=int(total),
            effective=int(effective),
            pending=int(pending),
            confirmed=int(confirmed),
            rejected=int(rejected),
        )
        for judge, version, total, effective, pending, confirmed, rejected in session.execute(query)
    ]


def audit_log(
    session: Session,
    limit: int = 50,
    violation_id: str | None = None,
    animal_id: str | None = None,
) -> list[AuditEntry]:
    """The latest `limit` audited changes (of one violation, or of one animal's violations,
    if given), newest first."""
    limit = max(1, min(limit, MAX_AUDIT_ROWS))
    animal = summaries()
    query = (
        select(
            ModerationAudit.id,
            ModerationAudit.created_at,
            ModerationAudit.actor,
            ModerationAudit.violation_id,
            ViolationType.name,
            animal.c.id,
            animal.c.name,
            ModerationAudit.old_is_effective,
            ModerationAudit.new_is_effective,
            ModerationAudit.note,
        )
        .join(Violation, Violation.id == ModerationAudit.violation_id)
        .join(ViolationType, ViolationType.id == Violation.violation_type_id)
        .join(animal, animal.c.id == Violation.animal_id)
        .order_by(ModerationAudit.created_at.desc(), ModerationAudit.id.desc())
        .limit(limit)
    )
    if violation_id is not None:
        query = query.where(ModerationAudit.violation_id == violation_id)
    if animal_id is not None:
        query = query.where(Violation.animal_id == animal_id)
    return [AuditEntry(*tuple(row)) for row in session.execute(query)]
