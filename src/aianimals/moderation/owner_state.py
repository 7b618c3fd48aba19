"""What the owner of a post sees of its moderation: the true state, the reason, and the one
review they may ask for.

States, first match wins:

- `hidden_by_you`: the owner hid it (they may show it again);
- `removed`: an administrator confirmed a violation (reason: its type and the note);
- `hidden_for_review`: a detection above the hide threshold hid it, nobody reviewed it yet
  (also a post hidden with no recorded cause: an operator's hand in the store);
- `checking`: just posted and the detector has not judged it yet (for `CHECKING_WINDOW`);
- `visible`.

Only the owner learns any of this: anyone else gets the same 404 as for a missing post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.animals.queries import get_animal
from aianimals.core.clock import utcnow
from aianimals.core.errors import Conflict, InvalidInput, NotFound
from aianimals.moderation import visibility
from aianimals.moderation.models import (
    STATE_CONFIRMED,
    STATE_PENDING,
    ModerationAudit,
    ReviewRequest,
    Violation,
    ViolationType,
)
from aianimals.users.models import User

if TYPE_CHECKING:
    from aianimals.animals.models import Animal

CHECKING: Final = "checking"
VISIBLE: Final = "visible"
HIDDEN_FOR_REVIEW: Final = "hidden_for_review"
REMOVED: Final = "removed"
HIDDEN_BY_YOU: Final = "hidden_by_you"
POST_STATES: Final = (CHECKING, VISIBLE, HIDDEN_FOR_REVIEW, REMOVED, HIDDEN_BY_YOU)

CHECKING_WINDOW = timedelta(minutes=5)
"""How long after posting a post without any detection counts as still being checked (the
detector judges a photo within seconds; past this it is shown as visible)."""
MAX_REQUEST_NOTE = 500


@dataclass(frozen=True)
class PostState:
    """A post's moderation state as its owner sees it."""

    animal_id: str
    state: str
    violation_type: str | None
    """The violation behind `removed` or `hidden_for_review` (no_animal_violation, ...)."""
    note: str
    """The administrator's note for `removed` ("" when none was given)."""
    review_requested_at: datetime | None
    can_request_review: bool
    can_unhide: bool


def _owned(session: Session, user: User, animal_id: str) -> Animal:
    animal = get_animal(session, animal_id)
    if animal is None or animal.user_id != user.id:
        raise NotFound(f"no post of yours with id {animal_id}")
    return animal


def _effective(session: Session, animal_id: str) -> tuple[Violation, str] | None:
    """The animal's violation in effect (a confirmed one first) and its type's name."""
    query = (
        select(Violation, ViolationType.name)
        .join(ViolationType, ViolationType.id == Violation.violation_type_id)
        .where(Violation.animal_id == animal_id, Violation.is_effective.is_(True))
        .order_by((Violation.state == STATE_CONFIRMED).desc(), Violation.updated_at.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return None if row is None else (row[0], row[1])


def _verdict_note(session: Session, violation_id: str) -> str:
    """The administrator's note on the latest confirmation ("" without one)."""
    note = session.scalar(
        select(ModerationAudit.note)
        .where(
            ModerationAudit.violation_id == violation_id,
            ModerationAudit.new_is_effective.is_(True),
            ModerationAudit.note.like(f"% → {STATE_CONFIRMED}%"),
        )
        .order_by(ModerationAudit.id.desc())
        .limit(1)
    )
    return "" if note is None else note.partition(": ")[2]


def _being_checked(session: Session, animal: Animal) -> bool:
    """Young enough, and nobody has judged it yet."""
    if utcnow() - animal.created_at >= CHECKING_WINDOW:
        return False
    judged = select(Violation.id).where(Violation.animal_id == animal.id).limit(1)
    return session.scalar(judged) is None


class OwnerModeration:
    """The owner's view of their post's moderation, unhiding it, and asking for a review."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, user: User, animal_id: str) -> PostState:
        """The post's state; NotFound unless `user` owns it."""
        animal = _owned(self.session, user, animal_id)
        requested = self.session.get(ReviewRequest, animal_id)
        effective = _effective(self.session, animal_id)
        kind, note = None, ""
        if animal.removed_by_owner:
            state = HIDDEN_BY_YOU
        elif effective is not None:
            violation, kind = effective
            if violation.state == STATE_CONFIRMED:
                state, note = REMOVED, _verdict_note(self.session, violation.id)
            else:
                state = HIDDEN_FOR_REVIEW
        elif animal.deactivated:
            state = HIDDEN_FOR_REVIEW  # hidden by no recorded cause (an operator's hand)
        elif _being_checked(self.session, animal):
            state = CHECKING
        else:
            state = VISIBLE
        return PostState(
            animal_id=animal_id,
            state=state,
            violation_type=kind,
            note=note,
            review_requested_at=None if requested is None else requested.created_at,
            can_request_review=requested is None and state in (HIDDEN_FOR_REVIEW, REMOVED),
            can_unhide=state == HIDDEN_BY_YOU,
        )

    def unhide(self, user: User, animal_id: str) -> PostState:
        """Show a post its owner hid; it stays hidden while a violation is in effect."""
        animal = _owned(self.session, user, animal_id)
        if animal.removed_by_owner:
            animal.removed_by_owner = False
            self.session.flush()
            visibility.show_if_clear(self.session, animal)
            self.session.commit()
        return self.state(user, animal_id)

    def request_review(self, user: User, animal_id: str, note: str = "") -> PostState:
        """Ask once that an administrator look again at a hidden or removed post.

        Conflict for a second request; InvalidInput when the post is not hidden by a
        violation (nothing to review) or the note is too long.
        """
        if len(note) > MAX_REQUEST_NOTE:
            raise InvalidInput(f"the note must be at most {MAX_REQUEST_NOTE} characters")
        current = self.state(user, animal_id)
        if current.review_requested_at is not None:
            raise Conflict("a review of this post was already requested")
        if current.state not in (HIDDEN_FOR_REVIEW, REMOVED):
            raise InvalidInput("only a post hidden for a violation can be reviewed again")
        self.session.add(ReviewRequest(animal_id=animal_id, user_id=user.id, note=note.strip()))
        effective = _effective(self.session, animal_id)
        if effective is not None and effective[0].state == STATE_CONFIRMED:
            violation = effective[0]
            violation.state = STATE_PENDING  # back in the queue; it stays in effect
            self.session.add(
                ModerationAudit(
                    violation_id=violation.id,
                    actor=f"owner:{user.handle_name}"[:64],
                    old_is_effective=True,
                    new_is_effective=True,
                    note=f"{STATE_CONFIRMED} → {STATE_PENDING}: the owner asked for a review",
                )
            )
        try:
            self.session.commit()
        except IntegrityError as error:  # a concurrent request won
            self.session.rollback()
            raise Conflict("a review of this post was already requested") from error
        return self.state(user, animal_id)
