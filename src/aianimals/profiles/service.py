"""Look a user up by handle and count what others can see of them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import visible_ids
from aianimals.core.errors import NotFound
from aianimals.likes.models import Like
from aianimals.profiles.schemas import ProfileResponse
from aianimals.users.identities import fold_identifier
from aianimals.users.models import User


class ProfileService:
    """Public profiles: never a hidden post, an e-mail address or an inactive account."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_handle(self, handle_name: str) -> ProfileResponse:
        """The profile of the active user with this handle (spelled exactly, else up to
        case and width, as handles are unique); NotFound for anyone else."""
        user = self._user(handle_name)
        if user is None:
            raise NotFound(f"no user {handle_name!r}")
        shown = visible_ids(owner_id=user.id)
        animals = self.session.scalar(select(func.count()).select_from(shown.subquery()))
        likes = self.session.scalar(select(func.count(Like.id)).where(Like.animal_id.in_(shown)))
        return ProfileResponse(
            id=user.id,
            handle_name=user.handle_name,
            created_at=user.created_at,
            animals=animals or 0,
            likes=likes or 0,
        )

    def _user(self, handle_name: str) -> User | None:
        active = User.deactivated.is_(False)
        exact = self.session.scalar(select(User).where(User.handle_name == handle_name, active))
        if exact is not None:
            return exact
        folded = fold_identifier(handle_name)
        return self.session.scalar(select(User).where(User.handle_name_folded == folded, active))
