"""Animal use cases. The only place that commits animal rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.animals.events import animal_created, animal_deactivated, animal_updated
from aianimals.animals.models import Animal
from aianimals.animals.photos import PhotoStore
from aianimals.animals.schemas import AnimalCreate, AnimalFilter, AnimalResponse, AnimalUpdate
from aianimals.animals.thumbnails import thumbnail_2x_url
from aianimals.animals.visibility import can_see, is_admin
from aianimals.categories.models import AnimalCategory, AnimalSubcategory
from aianimals.categories.schemas import CategoryFilter, SubcategoryFilter
from aianimals.categories.service import CategoryService
from aianimals.core.clock import utcnow
from aianimals.core.errors import Forbidden, InvalidInput, NotFound
from aianimals.core.ids import new_id
from aianimals.core.wire import as_utc
from aianimals.likes.models import Like
from aianimals.ports.sql.outbox import record_event
from aianimals.users.models import User


class AnimalService:
    """Posted animals: lookup, listing, posting."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, animal_id: str, viewer: User | None = None) -> Animal:
        """An animal by id; 404 when unknown or hidden from `viewer` (see `can_see`;
        without a viewer, hidden animals are hidden)."""
        animal = self.session.get(Animal, animal_id)
        if animal is None or not can_see(viewer, animal):
            raise NotFound(f"no animal with id {animal_id}")
        return animal

    def check_visible(self, animal_id: str, viewer: User | None = None) -> None:
        """`get` without loading the animal: 404 when it is unknown or hidden from
        `viewer` (one indexed read of two columns)."""
        row = self.session.connection().execute(_VISIBILITY, {"id": animal_id}).first()
        if row is None or not can_see(viewer, row):
            raise NotFound(f"no animal with id {animal_id}")

    def count(self) -> int:
        """How many animals are stored, hidden ones included."""
        return self.session.scalar(select(func.count()).select_from(Animal)) or 0

    def find(
        self, viewer: User, where: AnimalFilter, *, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """A page of animals, newest first, with names and live like counts in one query,
        as JSON-ready dicts with `AnimalResponse`'s fields in its order.

        Hidden animals are listed only with `deactivated=True`, and only those the viewer
        may see (their own; every one for an administrator).
        """
        shape = _PageShape.of(viewer, where)
        params = {**shape.params(viewer, where), "limit": limit, "offset": offset}
        rows = self.session.connection().execute(_page_query(shape), params).all()
        return [_wire(row) for row in rows]

    def view(self, animal_id: str) -> AnimalResponse:
        """One animal as the API shows it (hidden ones included); 404 when unknown."""
        row = self.session.connection().execute(_WIRE_QUERY, {"ids": [animal_id]}).first()
        if row is None:
            raise NotFound(f"no animal with id {animal_id}")
        return AnimalResponse.model_validate(_wire(row))

    def view_many(self, animal_ids: Sequence[str]) -> dict[str, AnimalResponse]:
        """The visible ones of these animals, by id (hidden and unknown ids are left out)."""
        if not animal_ids:
            return {}
        ids = list(animal_ids)
        # Hidden ones are dropped here, not in SQL: beside a `deactivated` test, SQLite
        # (without ANALYZE statistics) walks the (deactivated, created_at) index over every
        # visible animal instead of looking the ids up.
        rows = self.session.execute(animal_rows(ids).where(Animal.id.in_(ids)))
        return {row.id: _response(row) for row in rows if not row.deactivated}

    def wire_many(self, animal_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """`view_many` for hot paths: JSON-ready dicts with `AnimalResponse`'s fields, in
        its order, from one lean query (no ORM objects, no model validation)."""
        if not animal_ids:
            return {}
        ids = list(animal_ids)
        # Core on the session's connection: no ORM execution layer, plain tuples.
        rows = self.session.connection().execute(_WIRE_QUERY, {"ids": ids}).all()
        # Hidden ones are dropped here, not in SQL: see view_many.
        return {row[0]: _wire(row) for row in rows if not row.deactivated}

    def post(
        self, user: User, request: AnimalCreate, photo: bytes, photos: PhotoStore
    ) -> AnimalResponse:
        """Check the request, store the photo, then insert and commit the animal."""
        if request.user_id is not None and request.user_id != user.id:
            msg = "user_id must be the logged-in user's id (or be left out)"
            raise Forbidden(msg)
        self.check_categories(request.animal_category_id, request.animal_subcategory_id)
        animal_id = new_id()
        stored = photos.save(animal_id, photo)
        self.session.add(
            Animal(
                id=animal_id,
                category_id=request.animal_category_id,
                subcategory_id=request.animal_subcategory_id,
                user_id=user.id,
                name=request.name,
                description=request.description,
                photo_url=stored.photo_url,
                thumbnail_url=stored.thumbnail_url,
            )
        )
        record_event(self.session, animal_created(animal_id))
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            msg = "the animal refers to a category, breed or user that no longer exists"
            raise InvalidInput(msg) from error
        return self.view(animal_id)

    # What an owner may do to their own post after posting it: edit its texts and breed, hide
    # it. Each change commits with its event in the outbox (`animal.updated`,
    # `animal.deactivated`), so the search index follows within seconds and a hidden post
    # vanishes from every result.

    def _own(self, user: User, animal_id: str) -> Animal:
        animal = self.get(animal_id, user)
        if animal.user_id != user.id:
            raise Forbidden("only the owner may change or hide an animal")
        return animal

    def update_own(self, user: User, animal_id: str, change: AnimalUpdate) -> AnimalResponse:
        """Apply the given fields to the user's own animal; the breed must belong to the
        (new) category."""
        animal = self._own(user, animal_id)
        fields = change.model_dump(exclude_unset=True)
        category = fields.get("animal_category_id", animal.category_id)
        breed = fields.get("animal_subcategory_id", animal.subcategory_id)
        if category != animal.category_id or breed != animal.subcategory_id:
            self.check_categories(category, breed)
        animal.category_id, animal.subcategory_id = category, breed
        animal.name = fields.get("name", animal.name)
        animal.description = fields.get("description", animal.description)
        animal.updated_at = utcnow()
        record_event(self.session, animal_updated(animal.id, animal.updated_at))
        self.session.commit()
        return self.view(animal.id)

    def hide_own(self, user: User, animal_id: str) -> None:
        """Deactivate the user's own animal; hiding a hidden one changes nothing."""
        animal = self._own(user, animal_id)
        if animal.removed_by_owner:
            return
        animal.removed_by_owner = True
        animal.deactivated = True
        animal.updated_at = utcnow()
        record_event(self.session, animal_deactivated(animal.id, animal.updated_at))
        self.session.commit()

    def check_categories(self, category_id: int, subcategory_id: int) -> None:
        """422 unless the category exists and the breed belongs to it."""
        categories = CategoryService(self.session)
        if not categories.list_categories(CategoryFilter(id=category_id)):
            raise InvalidInput(f"unknown animal_category_id {category_id}")
        breeds = categories.list_subcategories(SubcategoryFilter(id=subcategory_id))
        if not breeds:
            raise InvalidInput(f"unknown animal_subcategory_id {subcategory_id}")
        if breeds[0].animal_category_id != category_id:
            msg = (
                f"animal_subcategory_id {subcategory_id} does not belong to "
                f"animal_category_id {category_id}"
            )
            raise InvalidInput(msg)


@dataclass(frozen=True)
class _PageShape:
    """Which filters a listing has: one cached statement per shape, values bound."""

    deactivated: bool
    everything: bool
    """The viewer is an administrator: hidden animals are not limited to their own."""
    id: bool
    name: bool
    category: bool
    subcategory: bool
    user: bool

    @classmethod
    def of(cls, viewer: User, where: AnimalFilter) -> _PageShape:
        return cls(
            deactivated=where.deactivated,
            everything=is_admin(viewer),
            id=where.id is not None,
            name=bool(where.name),
            category=where.animal_category_id is not None,
            subcategory=where.animal_subcategory_id is not None,
            user=where.user_id is not None,
        )

    def conditions(self) -> list[Any]:
        """The WHERE clause, with a bind parameter per given filter."""
        conditions: list[Any] = [Animal.deactivated.is_(self.deactivated)]
        if self.deactivated and not self.everything:
            conditions.append(Animal.user_id == bindparam("viewer_id"))
        if self.id:
            conditions.append(Animal.id == bindparam("id"))
        if self.name:
            # `icontains(name, autoescape=True)` with the pattern bound instead of inlined
            pattern = func.lower(bindparam("name_pattern", type_=String))
            conditions.append(func.lower(Animal.name).like(pattern, escape="/"))
        if self.category:
            conditions.append(Animal.category_id == bindparam("category_id"))
        if self.subcategory:
            conditions.append(Animal.subcategory_id == bindparam("subcategory_id"))
        if self.user:
            conditions.append(Animal.user_id == bindparam("user_id"))
        return conditions

    def params(self, viewer: User, where: AnimalFilter) -> dict[str, Any]:
        """The values of `conditions`' bind parameters."""
        params: dict[str, Any] = {
            "viewer_id": viewer.id,
            "id": where.id,
            "category_id": where.animal_category_id,
            "subcategory_id": where.animal_subcategory_id,
            "user_id": where.user_id,
        }
        if where.name:
            escaped = where.name.replace("/", "//").replace("%", "/%").replace("_", "/_")
            params["name_pattern"] = f"%{escaped}%"
        return params


@lru_cache(maxsize=256)
def _page_query(shape: _PageShape) -> AnimalRow:
    """A page of the animals of `shape` in `_WIRE_QUERY`'s columns, newest first; built
    once per shape, so a request only binds values (SQLAlchemy reuses the compiled SQL)."""
    page = (
        select(Animal.id)
        .where(*shape.conditions())
        .order_by(Animal.created_at.desc(), Animal.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .cte("page")
    )
    return (
        _wire_select()
        .join(page, page.c.id == Animal.id)
        .order_by(Animal.created_at.desc(), Animal.id)
    )


AnimalRow = Select[*tuple[Any, ...]]
"""Rows with the animal's columns plus `category_name_en/ja`, `subcategory_name_en/ja`,
`user_handle_name` and `like`; plain rows (no ORM objects) keep hydration cheap."""


def animal_rows(likes_for: Select[str] | Sequence[str] | None = None) -> AnimalRow:
    """Animals with category and breed names, owner handle and live like count.

    `likes_for` limits the like counting to those animal ids (every animal when None).
    """
    # count(*), not count(id): the (animal_id) index alone answers it, without table reads.
    like_counts = select(Like.animal_id, func.count().label("like"))
    if likes_for is not None:
        like_counts = like_counts.where(Like.animal_id.in_(likes_for))
    likes = like_counts.group_by(Like.animal_id).subquery("like_counts")
    return (
        select(
            *Animal.__table__.columns,
            AnimalCategory.name_en.label("category_name_en"),
            AnimalCategory.name_ja.label("category_name_ja"),
            AnimalSubcategory.name_en.label("subcategory_name_en"),
            AnimalSubcategory.name_ja.label("subcategory_name_ja"),
            User.handle_name.label("user_handle_name"),
            func.coalesce(likes.c.like, 0).label("like"),
        )
        .join(AnimalCategory, AnimalCategory.id == Animal.category_id)
        .join(AnimalSubcategory, AnimalSubcategory.id == Animal.subcategory_id)
        .join(User, User.id == Animal.user_id)
        .outerjoin(likes, likes.c.animal_id == Animal.id)
    )


def visible_animal_rows(animal_ids: Sequence[str] | None = None) -> AnimalRow:
    """`animal_rows` of the visible animals (of these ids, when given), in id order."""
    query = animal_rows(animal_ids).where(Animal.deactivated.is_(False)).order_by(Animal.id)
    return query if animal_ids is None else query.where(Animal.id.in_(list(animal_ids)))


def _wire_select() -> AnimalRow:
    """`AnimalResponse`'s fields as labelled columns (thumbnail_2x_url aside), likes
    counted per row on the (animal_id) index."""
    return (
        select(
            Animal.id,
            Animal.category_id.label("animal_category_id"),
            AnimalCategory.name_en.label("animal_category_name_en"),
            AnimalCategory.name_ja.label("animal_category_name_ja"),
            Animal.subcategory_id.label("animal_subcategory_id"),
            AnimalSubcategory.name_en.label("animal_subcategory_name_en"),
            AnimalSubcategory.name_ja.label("animal_subcategory_name_ja"),
            Animal.user_id,
            User.handle_name.label("user_handle_name"),
            Animal.name,
            Animal.description,
            Animal.photo_url,
            func.coalesce(Animal.thumbnail_url, Animal.photo_url).label("thumbnail_url"),
            select(func.count())
            .where(Like.animal_id == Animal.id)
            .correlate(Animal)
            .scalar_subquery()
            .label("like"),
            Animal.deactivated,
            Animal.created_at,
            Animal.updated_at,
        )
        .join(AnimalCategory, AnimalCategory.id == Animal.category_id)
        .join(AnimalSubcategory, AnimalSubcategory.id == Animal.subcategory_id)
        .join(User, User.id == Animal.user_id)
    )


_VISIBILITY = select(Animal.deactivated, Animal.user_id).where(Animal.id == bindparam("id"))
"""What `can_see` needs of one animal, bound by id."""

_WIRE_QUERY = _wire_select().where(Animal.id.in_(bindparam("ids", expanding=True)))
"""The animals `ids` in `_wire_select`'s columns; built once, so a request only binds them."""
_WIRE_KEYS = tuple(str(column.key) for column in _WIRE_QUERY.selected_columns)


def _wire(row: Any) -> dict[str, Any]:
    """A `_wire_select` row as `AnimalResponse`'s JSON-ready fields, in its order."""
    wire: dict[str, Any] = {}
    for key, value in zip(_WIRE_KEYS, row, strict=True):
        wire[key] = value
        if key == "thumbnail_url":
            wire["thumbnail_2x_url"] = thumbnail_2x_url(value, row.photo_url)
    wire["created_at"] = as_utc(wire["created_at"])
    wire["updated_at"] = as_utc(wire["updated_at"])
    return wire


def _response(row: Any) -> AnimalResponse:
    return AnimalResponse(
        id=row.id,
        animal_category_id=row.category_id,
        animal_category_name_en=row.category_name_en,
        animal_category_name_ja=row.category_name_ja,
        animal_subcategory_id=row.subcategory_id,
        animal_subcategory_name_en=row.subcategory_name_en,
        animal_subcategory_name_ja=row.subcategory_name_ja,
        user_id=row.user_id,
        user_handle_name=row.user_handle_name,
        name=row.name,
        description=row.description,
        photo_url=row.photo_url,
        thumbnail_url=row.thumbnail_url or row.photo_url,
        like=int(row.like),
        deactivated=row.deactivated,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
