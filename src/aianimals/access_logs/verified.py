"""Which actions count: those on a result the server showed that user in that search.

An access log names a search, a user and an animal. It is *verified* when an impression of
that search showed that animal to that user: the search route (or the similar-image route)
answered it. `POST /v0/access_log` accepts verified actions only, and everything that
learns from or reports on actions (learn-to-rank labels and features, the A/B report) reads
verified ones only, so rows stored before the check, or imported without impressions,
never become training signal.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from aianimals.access_logs.models import AccessLog, Impression


class HeldImpressions(Protocol):
    """Impressions submitted but not stored yet (the `ImpressionWriter`)."""

    def holds(self, search_id: str, user_id: str, animal_id: str) -> bool:
        """Whether a page not stored yet showed the animal to the user in that search."""
        ...


def verified() -> ColumnElement[bool]:
    """SQL condition on `AccessLog`: an impression of its search showed its animal to its
    user (the (search_id, position) key finds a search's impressions)."""
    return exists().where(
        Impression.search_id == AccessLog.search_id,
        Impression.user_id == AccessLog.user_id,
        Impression.animal_id == AccessLog.animal_id,
    )


def was_shown(
    session: Session,
    held: HeldImpressions | None,
    *,
    search_id: str,
    user_id: str,
    animal_id: str,
) -> bool:
    """Whether the search showed the animal to the user: among the impressions the writer
    still holds (an action right after its search), else among the stored ones.

    The writer is asked first: it lets a page go only after storing it, so nothing falls
    between the two reads. Another API process's pages are not held here: an action sent
    to this process within that process's flush interval (0.1 s) of its search is refused.
    """
    if held is not None and held.holds(search_id, user_id, animal_id):
        return True
    stored = select(
        exists().where(
            Impression.search_id == search_id,
            Impression.user_id == user_id,
            Impression.animal_id == animal_id,
        )
    )
    return bool(session.scalar(stored))
