"""Like use cases. The only place that commits like rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.animals.service import AnimalService
from aianimals.animals.visibility import VIEWER_ID, is_admin, seen_by_bound_viewer
from aianimals.core.clock import utcnow
from aianimals.core.errors import Forbidden, InvalidInput, NotFound
from aianimals.core.ids import new_id
from aianimals.core.wire import as_utc
from aianimals.likes.events import like_added, like_removed
from aianimals.likes.models import Like
from aianimals.likes.schemas import LikeCreate, LikeFilter
from aianimals.ports.sql.outbox import record_event
from aianimals.users.models import User


class LikeService:
    """At most one like per user and animal; users remove only their own."""

    def __init__(self, session: Session, animals: AnimalService) -> None:
        self.session = session
        self.animals = animals

    def find(
        self, viewer: User, where: LikeFilter, *, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """A page of likes of animals the viewer may see, newest first (a hidden animal's
        likes are listed to its owner and administrators only), as JSON-ready dicts with
        `LikeResponse`'s fields in its order."""
        shape = _PageShape(
            everything=is_admin(viewer),
            id=where.id is not None,
            animal=where.animal_id is not None,
            user=where.user_id is not None,
        )
        params = {
            VIEWER_ID: viewer.id,
            "id": where.id,
            "animal_id": where.animal_id,
            "user_id": where.user_id,
            "limit": limit,
            "offset": offset,
        }
        rows = self.session.connection().execute(_page_query(shape), params)
        return [
            {
                "id": row.id,
                "animal_id": row.animal_id,
                "user_id": row.user_id,
                "created_at": as_utc(row.created_at),
                "updated_at": as_utc(row.updated_at),
            }
            for row in rows
        ]

    def liked_by(self, viewer: User, animal_id: str, *, limit: int, offset: int) -> list[User]:
        """Active users who liked an animal, latest like first; 404 unless the viewer may
        see it."""
        self.animals.check_visible(animal_id, viewer)
        query = (
            select(User)
            .join(Like, Like.user_id == User.id)
            .where(Like.animal_id == animal_id, User.deactivated.is_(False))
            .order_by(Like.created_at.desc(), Like.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query))

    def like(self, user: User, request: LikeCreate) -> LikeRow:
        """Like a visible animal; liking it again returns the existing like."""
        if request.user_id is not None and request.user_id != user.id:
            msg = "user_id must be the logged-in user's id (or be left out)"
            raise Forbidden(msg)
        self.animals.check_visible(request.animal_id)
        existing = self._own_like(user, request.animal_id)
        if existing is not None:
            return existing
        now = utcnow()
        like = LikeRow(new_id(), request.animal_id, user.id, now, now)
        try:
            self.session.execute(_INSERT_LIKE, [asdict(like)])
            record_event(self.session, like_added(like.id, like.animal_id, like.user_id))
            self.session.commit()
        except IntegrityError as error:
            # A concurrent request liked it first (UNIQUE animal_id, user_id), or the
            # animal was deleted meanwhile.
            self.session.rollback()
            existing = self._own_like(user, request.animal_id)
            if existing is None:
                raise NotFound(f"no animal with id {request.animal_id}") from error
            return existing
        return like

    def unlike(self, user: User, *, like_id: str | None, animal_id: str | None) -> str:
        """Remove one of the user's likes, by its id or by the animal; returns its id."""
        if like_id is not None and animal_id is None:
            like = self._owned(user, like_id)
        elif animal_id is not None and like_id is None:
            like = self._liked(user, animal_id)
        else:
            msg = "give exactly one of like_id or animal_id"
            raise InvalidInput(msg)
        # A statement, not session.delete: a concurrent unlike must not turn into a 500.
        removed = self.session.execute(_DELETE_LIKE, {"id": like.id})
        if removed.rowcount:  # type: ignore[attr-defined]
            record_event(self.session, like_removed(like.id, like.animal_id, like.user_id))
        self.session.commit()
        return like.id

    def _owned(self, user: User, like_id: str) -> LikeRow:
        row = self.session.connection().execute(_LIKE_BY_ID, {"id": like_id}).first()
        if row is None:
            raise NotFound(f"no like with id {like_id}")
        if row.user_id != user.id:
            msg = "you can only remove your own likes"
            raise Forbidden(msg)
        return LikeRow(*row)

    def _liked(self, user: User, animal_id: str) -> LikeRow:
        like = self._own_like(user, animal_id)
        if like is None:
            raise NotFound(f"you have not liked the animal {animal_id}")
        return like

    def _own_like(self, user: User, animal_id: str) -> LikeRow | None:
        params = {"animal_id": animal_id, "user_id": user.id}
        row = self.session.connection().execute(_OWN_LIKE, params).first()
        return None if row is None else LikeRow(*row)


@dataclass(frozen=True)
class LikeRow:
    """A like as stored (what `LikeResponse` shows)."""

    id: str
    animal_id: str
    user_id: str
    created_at: datetime
    updated_at: datetime


_LIKE_COLUMNS = (Like.id, Like.animal_id, Like.user_id, Like.created_at, Like.updated_at)
_LIKE_BY_ID = select(*_LIKE_COLUMNS).where(Like.id == bindparam("id"))
_OWN_LIKE = select(*_LIKE_COLUMNS).where(
    Like.animal_id == bindparam("animal_id"), Like.user_id == bindparam("user_id")
)
_INSERT_LIKE = insert(Like)
_DELETE_LIKE = delete(Like).where(Like.id == bindparam("id"))
"""Statements built once: a request only binds values."""


@dataclass(frozen=True)
class _PageShape:
    """Which filters a listing of likes has: one cached statement per shape."""

    everything: bool
    """The viewer is an administrator: likes of every hidden animal are listed too."""
    id: bool
    animal: bool
    user: bool


@lru_cache(maxsize=32)
def _page_query(shape: _PageShape) -> Select[str, str, str, datetime, datetime]:
    """A page of the likes of `shape`, newest first, values bound; built once per shape, so
    a request only binds values (SQLAlchemy reuses the compiled SQL)."""
    conditions: list[Any] = []
    if not shape.everything:
        conditions.append(seen_by_bound_viewer(Like.animal_id))
    if shape.id:
        conditions.append(Like.id == bindparam("id"))
    if shape.animal:
        conditions.append(Like.animal_id == bindparam("animal_id"))
    if shape.user:
        conditions.append(Like.user_id == bindparam("user_id"))
    return (
        select(*_LIKE_COLUMNS)
        .where(*conditions)
        .order_by(Like.created_at.desc(), Like.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def count_for_animal(session: Session, animal_id: str) -> int:
    """How many users like an animal right now."""
    count = session.scalar(select(func.count()).where(Like.animal_id == animal_id))
    return int(count or 0)
