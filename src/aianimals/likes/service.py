"""Like use cases. The only place that commits like rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.animals.service import AnimalService
from aianimals.animals.visibility import ids_seen_by
from aianimals.core.errors import Forbidden, InvalidInput, NotFound
from aianimals.core.ids import new_id
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

    def find(self, viewer: User, where: LikeFilter, *, limit: int, offset: int) -> list[Like]:
        """A page of likes of animals the viewer may see, newest first (a hidden animal's
        likes are listed to its owner and administrators only)."""
        conditions: list[Any] = [Like.animal_id.in_(ids_seen_by(viewer))]
        if where.id is not None:
            conditions.append(Like.id == where.id)
        if where.animal_id is not None:
            conditions.append(Like.animal_id == where.animal_id)
        if where.user_id is not None:
            conditions.append(Like.user_id == where.user_id)
        query = (
            select(Like)
            .where(*conditions)
            .order_by(Like.created_at.desc(), Like.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query))

    def liked_by(self, viewer: User, animal_id: str, *, limit: int, offset: int) -> list[User]:
        """Active users who liked an animal, latest like first; 404 unless the viewer may
        see it."""
        self.animals.get(animal_id, viewer)
        query = (
            select(User)
            .join(Like, Like.user_id == User.id)
            .where(Like.animal_id == animal_id, User.deactivated.is_(False))
            .order_by(Like.created_at.desc(), Like.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query))

    def like(self, user: User, request: LikeCreate) -> Like:
        """Like a visible animal; liking it again returns the existing like."""
        if request.user_id is not None and request.user_id != user.id:
            msg = "user_id must be the logged-in user's id (or be left out)"
            raise Forbidden(msg)
        self.animals.get(request.animal_id)
        existing = self._own_like(user, request.animal_id)
        if existing is not None:
            return existing
        like = Like(id=new_id(), animal_id=request.animal_id, user_id=user.id)
        self.session.add(like)
        record_event(self.session, like_added(like.id, like.animal_id, like.user_id))
        try:
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
        removed = self.session.execute(delete(Like).where(Like.id == like.id))
        if removed.rowcount:  # type: ignore[attr-defined]
            record_event(self.session, like_removed(like.id, like.animal_id, like.user_id))
        self.session.commit()
        return like.id

    def _owned(self, user: User, like_id: str) -> Like:
        like = self.session.get(Like, like_id)
        if like is None:
            raise NotFound(f"no like with id {like_id}")
        if like.user_id != user.id:
            msg = "you can only remove your own likes"
            raise Forbidden(msg)
        return like

    def _liked(self, user: User, animal_id: str) -> Like:
        like = self._own_like(user, animal_id)
        if like is None:
            raise NotFound(f"you have not liked the animal {animal_id}")
        return like

    def _own_like(self, user: User, animal_id: str) -> Like | None:
        return self.session.scalar(
            select(Like).where(Like.animal_id == animal_id, Like.user_id == user.id)
        )


def count_for_animal(session: Session, animal_id: str) -> int:
    """How many users like an animal right now."""
    count = session.scalar(select(func.count()).where(Like.animal_id == animal_id))
    return int(count or 0)
