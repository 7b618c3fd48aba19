"""通報: a user reports another user's post. The report is a pending violation of the
type the reporter chose, judged by `report:<user id>`, so it enters the review queue beside
the detector's, with the reporter's reason in the audit log. One report per user and post;
at most `MAX_REPORTS_PER_HOUR` per user. A confirmed no-animal report is a labelled example
for the detector's retraining like any other verdict (`ml.no_animal.dataset`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.animals.service import AnimalService
from aianimals.core.clock import utcnow
from aianimals.core.errors import Conflict, InvalidInput, TooManyRequests
from aianimals.core.ids import new_id
from aianimals.moderation.models import STATE_PENDING, ModerationAudit, Violation
from aianimals.moderation.registry import violation_type_id
from aianimals.moderation.stats import REPORTS_JUDGE_PREFIX
from aianimals.users.models import User

REPORT_JUDGE_PREFIX: Final = REPORTS_JUDGE_PREFIX
REPORT_PROBABILITY: Final = 1.0
"""A person's report is certain that they saw a problem; the queue sorts it first among
the visible pending photos."""
REPORTABLE: Final = (
    "no_animal_violation",
    "inappropriate_violation",
    "human_face_violation",
    "not_photo_violation",
    "copyright_violation",
)
MAX_REPORTS_PER_HOUR = 20
WINDOW = timedelta(hours=1)
MAX_REASON = 500


@dataclass(frozen=True)
class ReportOutcome:
    """The stored report."""

    violation_id: str
    animal_id: str
    violation_type: str


def report_judge(user: User) -> str:
    """The judge name of a user's reports (unique per user, so one report per post)."""
    return f"{REPORT_JUDGE_PREFIX}{user.id}"


class Reports:
    """Users' reports of other users' posts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def report(self, user: User, animal_id: str, violation_type: str, reason: str) -> ReportOutcome:
        """Queue the post for review with the reporter's reason.

        NotFound for a post the reporter cannot see; InvalidInput for one's own post, an
        unknown type or a reason too long; Conflict for a second report of the same post;
        TooManyRequests past the hourly limit.
        """
        if violation_type not in REPORTABLE:
            raise InvalidInput(f"violation_type must be one of {', '.join(REPORTABLE)}")
        reason = reason.strip()
        if len(reason) > MAX_REASON:
            raise InvalidInput(f"the reason must be at most {MAX_REASON} characters")
        animal = AnimalService(self.session).get(animal_id, user)
        if animal.user_id == user.id:
            raise InvalidInput("you cannot report your own post")
        judge = report_judge(user)
        existing = select(Violation.id).where(
            Violation.animal_id == animal_id, Violation.judge == judge
        )
        if self.session.scalar(existing.limit(1)) is not None:
            raise Conflict("you already reported this post")
        now = utcnow()
        recent = select(func.count(), func.min(Violation.created_at)).where(
            Violation.judge == judge, Violation.created_at >= now - WINDOW
        )
        count, oldest = self.session.execute(recent).one()
        if count >= MAX_REPORTS_PER_HOUR:
            wait = int((oldest + WINDOW - now).total_seconds()) + 1
            raise TooManyRequests(f"at most {MAX_REPORTS_PER_HOUR} reports an hour", wait)
        type_id = violation_type_id(self.session, violation_type)
        row = Violation(
            id=new_id(),
            animal_id=animal_id,
            violation_type_id=type_id,
            judge=judge,
            model_version="",
            probability=REPORT_PROBABILITY,
            is_effective=False,
            state=STATE_PENDING,
        )
        self.session.add(row)
        self.session.flush()
        note = f"reported by @{user.handle_name}" + (f": {reason}" if reason else "")
        self.session.add(
            ModerationAudit(
                violation_id=row.id,
                actor=f"{REPORT_JUDGE_PREFIX}{user.handle_name}"[:64],
                old_is_effective=None,
                new_is_effective=False,
                note=note[:1000],
            )
        )
        try:
            self.session.commit()
        except IntegrityError as error:  # the same report, sent twice at once
            self.session.rollback()
            raise Conflict("you already reported this post") from error
        return ReportOutcome(row.id, animal_id, violation_type)
