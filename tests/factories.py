"""Builders of rows for tests; each commits what it makes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from aianimals.access_logs.models import Impression
from aianimals.animals.models import Animal
from aianimals.categories.models import AnimalCategory, AnimalSubcategory
from aianimals.core.ids import new_id
from aianimals.core.passwords import PasswordHasher
from aianimals.likes.models import Like
from aianimals.moderation.models import ViolationType
from aianimals.users.models import User

PASSWORD = "password"


@dataclass
class Factory:
    """Makes users, categories, animals, likes and impressions."""

    session: Session
    hasher: PasswordHasher

    def categories(self) -> None:
        """The reference's categories and a few breeds (ids as in the reference data)."""
        if self.session.get(AnimalCategory, 1) is not None:
            return
        for cid, en, ja in ((0, "other", "その他"), (1, "cat", "ネコ"), (2, "dog", "イヌ")):
            self.session.add(AnimalCategory(id=cid, name_en=en, name_ja=ja))
        self.session.flush()
        for sid, cid, en, ja in (
            (0, 0, "other", "その他"),
            (1, 1, "abyssinian", "アビシニアン"),
            (14, 2, "shiba_inu", "柴犬"),
            (16, 2, "pug", "パグ"),
        ):
            self.session.add(AnimalSubcategory(id=sid, category_id=cid, name_en=en, name_ja=ja))
        self.session.commit()

    def user(self, handle_name: str | None = None, **fields: object) -> User:
        """A user whose password is `password`."""
        handle = handle_name or f"user_{new_id()[:8]}"
        user = User(
            id=new_id(),
            handle_name=handle,
            email_address=f"{handle}@example.com",
            password_hash=self.hasher.hash(PASSWORD),
            age=30,
            gender=1,
            **fields,
        )
        self.session.add(user)
        self.session.commit()
        return user

    def animal(self, owner: User | None = None, **fields: object) -> Animal:
        """An animal (a shiba inu unless told otherwise)."""
        self.categories()
        values: dict[str, object] = {
            "id": new_id(),
            "category_id": 2,
            "subcategory_id": 14,
            "user_id": (owner or self.user()).id,
            "name": "ポチ",
            "description": "散歩が大好きな柴犬です",
            "photo_url": "/media/animals/example.jpg",
        }
        values.update(fields)
        animal = Animal(**values)
        self.session.add(animal)
        self.session.commit()
        return animal

    def like(self, animal: Animal, user: User) -> Like:
        """`user` likes `animal`."""
        like = Like(id=new_id(), animal_id=animal.id, user_id=user.id)
        self.session.add(like)
        self.session.commit()
        return like

    def shown(
        self,
        user: User,
        *animals: Animal,
        search_id: str | None = None,
        sort_by: str = "learn_to_rank",
        model_name: str | None = None,
    ) -> str:
        """A search that showed `animals` to `user`, in that order (its impressions, as the
        search route stores them); returns its search_id."""
        search_id = search_id or new_id()
        self.session.add_all(
            Impression(
                search_id=search_id,
                position=position,
                user_id=user.id,
                animal_id=animal.id,
                sort_by=sort_by,
                model_name=model_name,
            )
            for position, animal in enumerate(animals)
        )
        self.session.commit()
        return search_id

    def violation_types(self) -> list[ViolationType]:
        """The reference's five violation types, named as in its violation_type.json."""
        rows = [
            ViolationType(id=new_id(), name=name)
            for name in (
                "human_face_violation",
                "no_animal_violation",
                "inappropriate_violation",
                "not_photo_violation",
                "copyright_violation",
            )
        ]
        self.session.add_all(rows)
        self.session.commit()
        return rows
