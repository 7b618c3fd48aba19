"""Likes over HTTP: list, idempotent like, unlike your own."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import func, select

from aianimals.animals.service import AnimalService
from aianimals.likes.models import Like
from aianimals.likes.schemas import LikeCreate, LikeResponse
from aianimals.likes.service import LikeService
from aianimals.roles.container import Container
from aianimals.users.models import ROLE_ADMIN, User
from tests.factories import PASSWORD, Factory

LISTING = TypeAdapter(list[LikeResponse])


def _auth(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _likes(container: Container) -> int:
    with container.database.session() as session:
        return session.scalar(select(func.count()).select_from(Like)) or 0


def test_like_is_made_by_the_token_user(client: TestClient, factory: Factory) -> None:
    animal, user = factory.animal(), factory.user()
    response = client.post("/v0/like", headers=_auth(client, user), json={"animal_id": animal.id})
    assert response.status_code == 200
    body = response.json()
    assert body["animal_id"] == animal.id
    assert body["user_id"] == user.id
    assert set(body) == {"id", "animal_id", "user_id", "created_at", "updated_at"}


def test_like_twice_returns_same_like(
    client: TestClient, factory: Factory, container: Container
) -> None:
    animal, user = factory.animal(), factory.user()
    headers = _auth(client, user)
    first = client.post("/v0/like", headers=headers, json={"animal_id": animal.id})
    second = client.post("/v0/like", headers=headers, json={"animal_id": animal.id})
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert _likes(container) == 1


class _LateLookupLikeService(LikeService):
    """Misses the existing like once, as a request racing another one would."""

    missed = False

    def _own_like(self, user: User, animal_id: str) -> Like | None:
        if not self.missed:
            self.missed = True
            return None
        return super()._own_like(user, animal_id)


def test_like_race_on_the_unique_constraint_returns_the_existing_like(
    factory: Factory, container: Container
) -> None:
    animal, user = factory.animal(), factory.user()
    existing = factory.like(animal, user)
    with container.database.session() as session:
        service = _LateLookupLikeService(session, AnimalService(session))
        user_here = session.get(User, user.id)
        assert user_here is not None
        like = service.like(user_here, LikeCreate(animal_id=animal.id))
    assert like.id == existing.id
    assert _likes(container) == 1


def test_like_of_unknown_or_hidden_animal_is_404(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    hidden = factory.animal(deactivated=True)
    for animal_id in ("0" * 32, hidden.id):
        response = client.post("/v0/like", headers=headers, json={"animal_id": animal_id})
        assert response.status_code == 404
        assert animal_id in response.json()["detail"]


def test_like_with_someone_elses_user_id_is_403(client: TestClient, factory: Factory) -> None:
    animal, other = factory.animal(), factory.user()
    body = {"animal_id": animal.id, "user_id": other.id}
    response = client.post("/v0/like", headers=_auth(client, factory.user()), json=body)
    assert response.status_code == 403


def test_like_with_malformed_animal_id_is_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    for body in ({"animal_id": "../1"}, {}, {"animal_id": "a" * 32, "extra": 1}):
        assert client.post("/v0/like", headers=headers, json=body).status_code == 422


def test_like_count_of_an_animal_follows_likes(client: TestClient, factory: Factory) -> None:
    animal, user = factory.animal(), factory.user()
    headers = _auth(client, user)

    def count() -> int:
        found = client.get("/v0/animal", headers=headers, params={"id": animal.id}).json()
        return int(found[0]["like"])

    assert count() == 0
    client.post("/v0/like", headers=headers, json={"animal_id": animal.id})
    assert count() == 1
    client.delete("/v0/like", headers=headers, params={"animal_id": animal.id})
    assert count() == 0


def test_list_likes_is_the_documented_response_newest_first(
    client: TestClient, factory: Factory
) -> None:
    alice = factory.user()
    older = factory.like(factory.animal(), alice)
    newer = factory.like(factory.animal(), alice)
    response = client.get("/v0/like", headers=_auth(client, alice), params={"user_id": alice.id})
    assert response.headers["content-type"] == "application/json"
    likes = LISTING.validate_json(response.content)
    assert LISTING.dump_json(likes) == response.content
    assert {like.id for like in likes} == {older.id, newer.id}
    assert likes[0].created_at >= likes[1].created_at


def test_list_likes_filters_by_id_animal_and_user(client: TestClient, factory: Factory) -> None:
    alice, bob = factory.user(), factory.user()
    pochi, tama = factory.animal(), factory.animal()
    a_pochi = factory.like(pochi, alice)
    b_pochi = factory.like(pochi, bob)
    a_tama = factory.like(tama, alice)
    headers = _auth(client, alice)

    def ids(**params: str) -> set[str]:
        return {
            like["id"] for like in client.get("/v0/like", headers=headers, params=params).json()
        }

    assert ids() == {a_pochi.id, b_pochi.id, a_tama.id}
    assert ids(animal_id=pochi.id) == {a_pochi.id, b_pochi.id}
    assert ids(user_id=alice.id) == {a_pochi.id, a_tama.id}
    assert ids(id=b_pochi.id) == {b_pochi.id}
    assert client.get("/v0/like", headers=headers, params={"limit": 201}).status_code == 422
    assert client.get("/v0/like", headers=headers, params={"id": "x"}).status_code == 422


def test_a_hidden_animals_likes_are_listed_only_to_its_owner_and_administrators(
    client: TestClient, factory: Factory
) -> None:
    owner, fan, stranger = factory.user(), factory.user(), factory.user()
    admin = factory.user(role=ROLE_ADMIN)
    hidden = factory.animal(owner, deactivated=True)
    shown = factory.animal(owner)
    hidden_like, shown_like = factory.like(hidden, fan), factory.like(shown, fan)

    def ids(user: User, **params: str) -> set[str]:
        response = client.get("/v0/like", headers=_auth(client, user), params=params)
        assert response.status_code == 200, response.text
        return {like["id"] for like in response.json()}

    for user in (stranger, fan):  # the fan's own like names a post hidden from them
        assert ids(user, animal_id=hidden.id) == set()
        assert ids(user, id=hidden_like.id) == set()
        assert ids(user, user_id=fan.id) == {shown_like.id}
        assert ids(user) == {shown_like.id}
    for user in (owner, admin):
        assert ids(user, animal_id=hidden.id) == {hidden_like.id}
        assert ids(user, user_id=fan.id) == {hidden_like.id, shown_like.id}


def test_unlike_by_like_id_returns_the_id(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user()
    like = factory.like(factory.animal(), user)
    response = client.delete("/v0/like", headers=_auth(client, user), params={"like_id": like.id})
    assert response.status_code == 200
    assert response.json() == like.id
    assert _likes(container) == 0


def test_unlike_by_animal_id(client: TestClient, factory: Factory, container: Container) -> None:
    user, animal = factory.user(), factory.animal()
    like = factory.like(animal, user)
    factory.like(animal, factory.user())
    headers = _auth(client, user)
    response = client.delete("/v0/like", headers=headers, params={"animal_id": animal.id})
    assert response.json() == like.id
    assert _likes(container) == 1
    again = client.delete("/v0/like", headers=headers, params={"animal_id": animal.id})
    assert again.status_code == 404


def test_unlike_someone_elses_like_is_403(
    client: TestClient, factory: Factory, container: Container
) -> None:
    like = factory.like(factory.animal(), factory.user())
    headers = _auth(client, factory.user())
    response = client.delete("/v0/like", headers=headers, params={"like_id": like.id})
    assert response.status_code == 403
    assert _likes(container) == 1


def test_unlike_unknown_like_is_404(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    response = client.delete("/v0/like", headers=headers, params={"like_id": "0" * 32})
    assert response.status_code == 404


def test_unlike_needs_exactly_one_of_like_id_or_animal_id(
    client: TestClient, factory: Factory
) -> None:
    headers = _auth(client, factory.user())
    assert client.delete("/v0/like", headers=headers).status_code == 422
    both = {"like_id": "0" * 32, "animal_id": "1" * 32}
    response = client.delete("/v0/like", headers=headers, params=both)
    assert response.status_code == 422
    assert "exactly one" in response.json()["detail"]


def test_like_routes_without_token_are_401(client: TestClient) -> None:
    assert client.get("/v0/like").status_code == 401
    assert client.post("/v0/like", json={"animal_id": "0" * 32}).status_code == 401
    assert client.delete("/v0/like", params={"like_id": "0" * 32}).status_code == 401
