"""Listing and liked-by of animals over HTTP."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aianimals.animals.schemas import AnimalResponse
from aianimals.users.models import ROLE_ADMIN, User
from tests.factories import PASSWORD, Factory

LISTING = TypeAdapter(list[AnimalResponse])


def _auth(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_routes_without_token_are_401(client: TestClient) -> None:
    assert client.get("/v0/animal").status_code == 401
    assert client.get("/v0/animal/liked_by", params={"animal_id": "a" * 32}).status_code == 401
    response = client.post(
        "/v0/animal", data={"request": "{}"}, files={"file": ("x.jpg", b"x", "image/jpeg")}
    )
    assert response.status_code == 401


def test_list_has_names_owner_and_live_like_counts(client: TestClient, factory: Factory) -> None:
    owner = factory.user("shiba_owner")
    animal = factory.animal(owner)
    for _ in range(3):
        factory.like(animal, factory.user())
    factory.animal(owner)
    body = client.get("/v0/animal", headers=_auth(client, owner), params={"id": animal.id}).json()
    assert len(body) == 1
    assert body[0]["like"] == 3
    assert body[0]["user_handle_name"] == "shiba_owner"
    assert body[0]["animal_category_name_ja"] == "イヌ"
    assert body[0]["animal_subcategory_name_ja"] == "柴犬"


def test_list_is_the_documented_response_in_its_field_order(
    client: TestClient, factory: Factory
) -> None:
    owner = factory.user()
    factory.like(factory.animal(owner, name="100% shiba_inu"), owner)
    factory.animal(owner)
    response = client.get("/v0/animal", headers=_auth(client, owner))
    assert response.headers["content-type"] == "application/json"
    animals = LISTING.validate_json(response.content)
    assert LISTING.dump_json(animals) == response.content
    assert [animal.like for animal in animals] == [0, 1]


def test_a_name_with_like_wildcards_matches_them_literally(
    client: TestClient, factory: Factory
) -> None:
    owner = factory.user()
    literal = factory.animal(owner, name="100% shiba_inu")
    factory.animal(owner, name="1000 shibaXinu")
    headers = _auth(client, owner)
    for name in ("100%", "a_i", "%", "0% S"):
        found = client.get("/v0/animal", headers=headers, params={"name": name}).json()
        assert [animal["id"] for animal in found] == [literal.id], name


def test_list_filters_combine(client: TestClient, factory: Factory) -> None:
    alice, bob = factory.user(), factory.user()
    pochi = factory.animal(alice, name="Pochi the shiba")
    pug = factory.animal(bob, name="Pug", subcategory_id=16)
    headers = _auth(client, alice)

    def ids(**params: object) -> set[str]:
        return {a["id"] for a in client.get("/v0/animal", headers=headers, params=params).json()}

    assert ids() == {pochi.id, pug.id}
    assert ids(name="poCHI") == {pochi.id}
    assert ids(name="%") == set()
    assert ids(name="_") == set()
    assert ids(name="the s") == {pochi.id}
    assert ids(animal_subcategory_id=16) == {pug.id}
    assert ids(animal_category_id=2, user_id=alice.id) == {pochi.id}
    assert ids(animal_category_id=1) == set()


def test_list_is_newest_first_and_pages_stably(client: TestClient, factory: Factory) -> None:
    owner = factory.user()
    base = factory.animal(owner).created_at
    animals = [factory.animal(owner, created_at=base + timedelta(seconds=i + 1)) for i in range(5)]
    headers = _auth(client, owner)
    newest_first = [a.id for a in reversed(animals)]
    pages = [
        client.get("/v0/animal", headers=headers, params={"limit": 2, "offset": o}).json()
        for o in (0, 2, 4)
    ]
    assert [a["id"] for page in pages for a in page][:5] == newest_first


def test_limit_over_200_is_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    response = client.get("/v0/animal", headers=headers, params={"limit": 201})
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]
    assert client.get("/v0/animal", headers=headers, params={"limit": 200}).status_code == 200
    for params in ({"limit": 0}, {"offset": -1}, {"limit": "many"}):
        assert client.get("/v0/animal", headers=headers, params=params).status_code == 422


def test_ids_that_are_not_hex_are_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    for params in ({"id": "1; drop table"}, {"user_id": "X" * 32}, {"animal_category_id": "x"}):
        response = client.get("/v0/animal", headers=headers, params=params)
        assert response.status_code == 422, params
    bad = client.get("/v0/animal/liked_by", headers=headers, params={"animal_id": "nope"})
    assert bad.status_code == 422


def test_hidden_animals_are_listed_only_to_their_owner(
    client: TestClient, factory: Factory
) -> None:
    owner, other = factory.user(), factory.user()
    hidden = factory.animal(owner, deactivated=True)
    visible = factory.animal(owner)
    mine = client.get("/v0/animal", headers=_auth(client, owner), params={"deactivated": True})
    assert [a["id"] for a in mine.json()] == [hidden.id]
    headers = _auth(client, other)
    assert [a["id"] for a in client.get("/v0/animal", headers=headers).json()] == [visible.id]
    theirs = client.get("/v0/animal", headers=headers, params={"deactivated": True})
    assert theirs.status_code == 200
    assert theirs.json() == []


def test_liked_by_hides_private_fields(client: TestClient, factory: Factory) -> None:
    animal = factory.animal()
    fan = factory.user("fan_one")
    factory.like(animal, fan)
    response = client.get(
        "/v0/animal/liked_by",
        headers=_auth(client, factory.user()),
        params={"animal_id": animal.id},
    )
    assert response.status_code == 200
    assert response.json() == [
        {"id": fan.id, "handle_name": "fan_one", "created_at": f"{fan.created_at.isoformat()}Z"}
    ]
    for private in ("email_address", "age", "gender", "password"):
        assert private not in response.text


def test_liked_by_unknown_or_hidden_animal_is_404(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    hidden = factory.animal(deactivated=True)
    for animal_id in ("0" * 32, hidden.id):
        response = client.get(
            "/v0/animal/liked_by", headers=headers, params={"animal_id": animal_id}
        )
        assert response.status_code == 404


def test_liked_by_a_hidden_animal_answers_its_owner_and_administrators(
    client: TestClient, factory: Factory
) -> None:
    owner, admin, fan = factory.user(), factory.user(role=ROLE_ADMIN), factory.user()
    hidden = factory.animal(owner, deactivated=True)
    factory.like(hidden, fan)
    for user in (owner, admin):
        response = client.get(
            "/v0/animal/liked_by", headers=_auth(client, user), params={"animal_id": hidden.id}
        )
        assert response.status_code == 200, response.text
        assert [row["id"] for row in response.json()] == [fan.id]


def test_administrators_list_every_hidden_animal(client: TestClient, factory: Factory) -> None:
    hidden = {factory.animal(deactivated=True).id for _ in range(2)}
    factory.animal()
    headers = _auth(client, factory.user(role=ROLE_ADMIN))
    listed = client.get("/v0/animal", headers=headers, params={"deactivated": True})
    assert {row["id"] for row in listed.json()} == hidden
