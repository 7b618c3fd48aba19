"""The ranker's inputs as they are now, read from the SQL store (the serving side of history.py).

The same `AnimalCounters` and `UserProfile` the trainer replays, counted from the same
tables (verified actions only, as there), so a feature means the same thing in both paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.access_logs.verified import verified
from aianimals.animals.queries import summaries
from aianimals.likes.models import Like
from aianimals.ml.ltr.judgements import GRADES
from aianimals.ranking.features import AnimalCounters, UserProfile


def live_counters(session: Session, animal_ids: Sequence[str]) -> dict[str, AnimalCounters]:
    """Likes, showings and actions of each animal so far (zeros for a new animal)."""
    ids = list(animal_ids)
    likes = _counts(
        session,
        select(Like.animal_id, func.count())
        .where(Like.animal_id.in_(ids))
        .group_by(Like.animal_id),
    )
    shown = _counts(
        session,
        select(Impression.animal_id, func.count())
        .where(Impression.animal_id.in_(ids))
        .group_by(Impression.animal_id),
    )
    acted = _counts(
        session,
        select(AccessLog.animal_id, func.count())
        .where(AccessLog.animal_id.in_(ids), AccessLog.action.in_(list(GRADES)), verified())
        .group_by(AccessLog.animal_id),
    )
    return {
        animal_id: AnimalCounters(
            likes=likes.get(animal_id, 0),
            impressions=shown.get(animal_id, 0),
            actions=acted.get(animal_id, 0),
        )
        for animal_id in ids
    }


def live_profile(session: Session, user_id: str) -> UserProfile:
    """The user's actions and likes so far, by breed and category."""
    animal = summaries()
    actions = session.execute(
        select(animal.c.category_id, animal.c.subcategory_id, func.count())
        .select_from(AccessLog)
        .join(animal, animal.c.id == AccessLog.animal_id)
        .where(AccessLog.user_id == user_id, AccessLog.action.in_(list(GRADES)), verified())
        .group_by(animal.c.category_id, animal.c.subcategory_id)
    ).all()
    by_breed: dict[int, int] = {}
    by_category: dict[int, int] = {}
    total = 0
    for category, breed, count in actions:
        by_breed[breed] = by_breed.get(breed, 0) + count
        by_category[category] = by_category.get(category, 0) + count
        total += count
    likes_by_breed = _counts(
        session,
        select(animal.c.subcategory_id, func.count())
        .select_from(Like)
        .join(animal, animal.c.id == Like.animal_id)
        .where(Like.user_id == user_id)
        .group_by(animal.c.subcategory_id),
    )
    graded: dict[str, int] = {}
    for animal_id, action in session.execute(
        select(AccessLog.animal_id, AccessLog.action)
        .where(AccessLog.user_id == user_id, AccessLog.action.in_(list(GRADES)), verified())
        .distinct()
    ):
        graded[animal_id] = max(graded.get(animal_id, 0), GRADES[action])
    return UserProfile(
        actions=total,
        actions_by_breed=by_breed,
        actions_by_category=by_category,
        likes=sum(likes_by_breed.values()),
        likes_by_breed=likes_by_breed,
        graded=graded,
    )


def _counts(session: Session, statement: Executable) -> dict[Any, int]:
    """`(key, count)` rows as a dict."""
    return {key: int(count) for key, count in session.execute(statement)}
