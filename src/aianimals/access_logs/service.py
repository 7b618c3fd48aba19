"""Access-log use cases. The only place that commits access-log rows (impressions are
stored by `aianimals.access_logs.impressions`)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.access_logs.events import access_log_written
from aianimals.access_logs.models import AccessLog
from aianimals.access_logs.schemas import AccessLogCreate
from aianimals.access_logs.verified import HeldImpressions, was_shown
from aianimals.animals.service import AnimalService
from aianimals.core.errors import Conflict, Forbidden, InvalidInput
from aianimals.core.ids import new_id
from aianimals.likes.service import count_for_animal
from aianimals.ports.sql.outbox import record_event
from aianimals.users.models import User


class UnverifiedAction(InvalidInput):
    """An action on a result the server did not show: an unknown search, another user's
    search, or an animal that was not among its results."""

    code = "unverified_action"


class AccessLogService:
    """Records what users did with search results: the learn-to-rank training signal."""

    def __init__(
        self, session: Session, animals: AnimalService, held: HeldImpressions | None = None
    ) -> None:
        self.session = session
        self.animals = animals
        self.held = held

    def record(self, user: User, request: AccessLogCreate) -> AccessLog:
        """Store one event; a retry with the same client-chosen `id` returns the stored one.

        The animal must exist and be visible (404 otherwise), and the search must have
        shown it to this user (422 `unverified_action` otherwise). Reusing an id for
        another user's event or for a different event is a 409.
        """
        if request.user_id is not None and request.user_id != user.id:
            raise Forbidden("user_id differs from the logged-in user")
        if request.id is not None:
            stored = self.session.get(AccessLog, request.id)
            if stored is not None:
                return _same_event(stored, user, request)
        animal = self.animals.get(request.animal_id)
        shown = was_shown(
            self.session,
            self.held,
            search_id=request.search_id,
            user_id=user.id,
            animal_id=animal.id,
        )
        if not shown:
            msg = (
                f"search {request.search_id} did not show animal {animal.id} to you: log an "
                "action with the search_id of the result page the animal was on"
            )
            raise UnverifiedAction(msg)
        log = AccessLog(
            id=request.id or new_id(),
            search_id=request.search_id,
            phrases=list(request.phrases),
            animal_category_id=request.animal_category_id,
            animal_subcategory_id=request.animal_subcategory_id,
            sort_by=request.sort_by.value,
            model_name=request.model_name,
            user_id=user.id,
            likes=count_for_animal(self.session, animal.id),
            animal_id=animal.id,
            action=request.action.value,
        )
        self.session.add(log)
        record_event(self.session, access_log_written(log.id, log.animal_id, log.action))
        try:
            self.session.commit()
        except IntegrityError:
            # A concurrent retry stored the same id first: answer with its row.
            self.session.rollback()
            stored = self.session.get(AccessLog, log.id)
            if stored is None:
                raise
            return _same_event(stored, user, request)
        return log


def _same_event(stored: AccessLog, user: User, request: AccessLogCreate) -> AccessLog:
    """The stored event when it is the one being retried; 409 when the id is reused."""
    same = (
        stored.user_id == user.id
        and stored.search_id == request.search_id
        and stored.animal_id == request.animal_id
        and stored.action == request.action.value
    )
    if not same:
        raise Conflict(f"access log id {stored.id} is already used by another event")
    return stored
